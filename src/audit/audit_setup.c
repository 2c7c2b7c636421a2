/*
 * The auditor at the Setup event: the election, its trustees (every proof),
 * the public credentials (valid, distinct), and the election key, which must
 * be the product of the trustees' keys.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/internal.h"
#include "consulta/limits.h"
#include "record/json.h"

/* The data entry that setup_data names under key. */
static cns_err named_data(const audit *a, const json_t *setup, const char *key,
                          const pending_data **out, cns_diag *diag)
{
    const char *hex;
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err = cns_jr_string(setup, key, &hex, NULL, "setup_data", diag);
    if (err == CNS_OK && cns_hash_from_hex(hash, hex, strlen(hex)) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "setup_data: \"%s\" is not a hash", key);
    if (err == CNS_OK && (*out = cns_audit_pending(a, hash)) == NULL)
        err = cns_diag_set(diag, CNS_ERR_NOTFOUND, "setup_data: the %s are missing", key);
    return err;
}

/* Parse "element" or "element,weight" into the credential map. */
static cns_err add_credential(audit *a, const json_t *v, size_t i, cns_diag *diag)
{
    const cns_group *group = cns_election_group(a->report->election);
    const char *s = json_string_value(v);
    size_t len = json_string_length(v), elt_len = len;
    const char *comma = s ? memchr(s, ',', len) : NULL;
    uint64_t weight = 1, *seen;
    unsigned char key[CNS_KEY_BYTES];
    cns_elt c;
    if (s == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "credential %zu: not a string", i + 1);
    if (comma != NULL) {
        elt_len = (size_t)(comma - s);
        weight = 0;
        for (const char *d = comma + 1; d < s + len; d++) {
            if (*d < '0' || *d > '9' || (d == comma + 1 && *d == '0') || weight > CNS_MAX_WEIGHT)
                return cns_diag_set(diag, CNS_ERR_DECODE,
                                    "credential %zu: weight is not a positive integer", i + 1);
            weight = weight * 10 + (uint64_t)(*d - '0');
        }
        if (weight == 0 || weight > CNS_MAX_WEIGHT)
            return cns_diag_set(diag, CNS_ERR_INVALID, "credential %zu: weight out of range",
                                i + 1);
    }
    if (cns_elt_from_text(group, &c, s, elt_len) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_INVALID, "credential %zu: not a valid %s element", i + 1,
                            cns_group_name(group));
    cns_audit_elt_key(key, group, &c);
    if (cns_map_put(&a->credentials, key, weight << 32, &seen) != CNS_OK)
        return CNS_ERR_NOMEM;
    if (seen != NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "credential %zu: the same public credential is listed twice", i + 1);
    return CNS_OK;
}

static cns_err load_credentials(audit *a, const pending_data *d, cns_diag *diag)
{
    json_t *root = NULL;
    cns_err err = cns_jr_parse(&root, d->bytes, d->len, "public credentials", diag);
    if (err == CNS_OK && !json_is_array(root))
        err = cns_diag_set(diag, CNS_ERR_DECODE, "public credentials: expected a JSON array");
    if (err == CNS_OK && json_array_size(root) > CNS_MAX_VOTERS)
        err = cns_diag_set(diag, CNS_ERR_LIMIT, "public credentials: more than %d", CNS_MAX_VOTERS);
    for (size_t i = 0; err == CNS_OK && i < json_array_size(root); i++)
        err = add_credential(a, json_array_get(root, i), i, diag);
    json_decref(root);
    if (err == CNS_OK)
        a->report->credentials = a->credentials.count;
    return err;
}

cns_err cns_audit_setup(audit *a, const pending_data *setup_data, cns_diag *diag)
{
    static const char *const keys[] = {"election", "trustees", "credentials"};
    const pending_data *election, *trustees, *credentials;
    json_t *setup = NULL;
    cns_err err = cns_jr_parse(&setup, setup_data->bytes, setup_data->len, "setup_data", diag);
    if (err == CNS_OK)
        err = cns_jr_fields(setup, keys, 3, "setup_data", diag);
    if (err == CNS_OK)
        err = named_data(a, setup, "election", &election, diag);
    if (err == CNS_OK)
        err = named_data(a, setup, "trustees", &trustees, diag);
    if (err == CNS_OK)
        err = named_data(a, setup, "credentials", &credentials, diag);
    json_decref(setup);
    if (err == CNS_OK)
        err = cns_election_parse(&a->report->election, election->bytes, election->len, diag);
    if (err != CNS_OK)
        return err;
    const cns_election *e = a->report->election;
    err = cns_trustees_parse(&a->trustees, cns_election_group(e), trustees->bytes, trustees->len,
                             diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "trustees: ");
    if (!cns_elt_eq(cns_election_group(e), cns_trustees_public_key(a->trustees),
                    cns_election_public_key(e)))
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "election: public_key is not the product of the trustees' keys");
    err = load_credentials(a, credentials, diag);
    if (err == CNS_OK)
        err = cns_tally_new(&a->tally, e);
    return err;
}
