/*
 * The board's setup: the election, its trustees (every proof), the public
 * credentials (valid, distinct, weights in range), and the election key,
 * which must be the product of the trustees' keys.
 */
#include <stdlib.h>
#include <string.h>

#include "board/internal.h"
#include "consulta/limits.h"
#include "record/json.h"

/* Parse "element" or "element,weight" into the credential map. */
static cns_err add_credential(cns_board *b, const json_t *v, size_t i, cns_diag *diag)
{
    const cns_group *group = cns_election_group(b->election);
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
    cns_board_elt_key(key, group, &c);
    if (cns_map_put(&b->credentials, key, weight << 32, &seen) != CNS_OK)
        return CNS_ERR_NOMEM;
    if (seen != NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "credential %zu: the same public credential is listed twice", i + 1);
    return CNS_OK;
}

static cns_err load_credentials(cns_board *b, const char *bytes, size_t len, cns_diag *diag)
{
    json_t *root = NULL;
    cns_err err = cns_jr_parse(&root, bytes, len, "public credentials", diag);
    if (err == CNS_OK && !json_is_array(root))
        err = cns_diag_set(diag, CNS_ERR_DECODE, "public credentials: expected a JSON array");
    if (err == CNS_OK && json_array_size(root) > CNS_MAX_VOTERS)
        err = cns_diag_set(diag, CNS_ERR_LIMIT, "public credentials: more than %d", CNS_MAX_VOTERS);
    for (size_t i = 0; err == CNS_OK && i < json_array_size(root); i++)
        err = add_credential(b, json_array_get(root, i), i, diag);
    json_decref(root);
    if (err == CNS_OK)
        b->summary.credentials = b->credentials.count;
    return err;
}

cns_err cns_board_setup(cns_board *b, const char *election, size_t election_len,
                        const char *trustees, size_t trustees_len, const char *credentials,
                        size_t credentials_len, cns_diag *diag)
{
    cns_err err = cns_election_parse(&b->election, election, election_len, diag);
    if (err != CNS_OK)
        return err;
    const cns_group *group = cns_election_group(b->election);
    err = cns_trustees_parse(&b->trustees, group, trustees, trustees_len, diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "trustees: ");
    if (!cns_elt_eq(group, cns_trustees_public_key(b->trustees),
                    cns_election_public_key(b->election)))
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "election: public_key is not the product of the trustees' keys");
    err = load_credentials(b, credentials, credentials_len, diag);
    if (err == CNS_OK)
        err = cns_tally_new(&b->tally, b->election);
    return err;
}
