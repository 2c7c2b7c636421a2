/* Parsing a ballot strictly (consulta/ballot.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballot/internal.h"
#include "consulta/limits.h"
#include "record/json.h"

/* answer_nh = {"choices":ciphertext,"proof":proof} (spec 2.0 §4.11.2). */
static cns_err parse_nh_answer(const cns_group *group, cns_answer *a, const json_t *v, size_t q,
                               cns_diag *diag)
{
    static const char *const keys[] = {"choices", "proof"};
    char what[96];
    snprintf(what, sizeof what, "question %zu", q + 1);
    cns_err err = cns_jr_fields(v, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_ciphertext(group, json_object_get(v, "choices"), &a->choices[0], what, diag);
    if (err == CNS_OK)
        err = cns_jr_proof(group, json_object_get(v, "proof"), &a->raweg, what, diag);
    return err;
}

static cns_err parse_answer(const cns_group *group, cns_answer *a, const json_t *v, size_t q,
                            cns_diag *diag)
{
    if (a->nh)
        return parse_nh_answer(group, a, v, q, diag);
    static const char *const keys[] = {"choices", "individual_proofs", "overall_proof",
                                       "?blank_proof"};
    char what[96];
    if (a->lists != NULL)
        return cns_lists_parse(group, a, v, q, diag);
    snprintf(what, sizeof what, "question %zu", q + 1);
    cns_err err = cns_jr_fields(v, keys, 4, what, diag);
    if (err != CNS_OK)
        return err;
    const json_t *choices = json_object_get(v, "choices");
    const json_t *individual = json_object_get(v, "individual_proofs");
    const json_t *blank = json_object_get(v, "blank_proof");
    if (!json_is_array(choices) || json_array_size(choices) != a->width)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: expected %zu ciphertexts in choices", what,
                            a->width);
    if (!json_is_array(individual) || json_array_size(individual) != a->width)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: expected %zu individual proofs", what,
                            a->width);
    if ((blank != NULL) != a->has_blank_proof)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: blank_proof %s", what,
                            a->has_blank_proof ? "missing" : "present but blank is not allowed");
    for (size_t j = 0; j < a->width && err == CNS_OK; j++) {
        snprintf(what, sizeof what, "question %zu, choice %zu", q + 1, j + 1);
        err = cns_jr_ciphertext(group, json_array_get(choices, j), &a->choices[j], what, diag);
        if (err == CNS_OK)
            err = cns_jr_proofs(group, json_array_get(individual, j), a->individual[j], 2, what,
                                diag);
    }
    snprintf(what, sizeof what, "question %zu, overall_proof", q + 1);
    if (err == CNS_OK)
        err = cns_jr_proofs(group, json_object_get(v, "overall_proof"), a->overall, a->n_overall,
                            what, diag);
    snprintf(what, sizeof what, "question %zu, blank_proof", q + 1);
    if (err == CNS_OK && a->has_blank_proof)
        err = cns_jr_proofs(group, blank, a->blank, 2, what, diag);
    return err;
}

static cns_err parse_signature(const cns_group *group, cns_ballot *b, const json_t *v,
                               cns_diag *diag)
{
    static const char *const keys[] = {"hash", "proof"};
    const char *hash;
    size_t len;
    cns_err err = cns_jr_fields(v, keys, 2, "signature", diag);
    if (err == CNS_OK)
        err = cns_jr_string(v, "hash", &hash, &len, "signature", diag);
    if (err != CNS_OK)
        return err;
    if (len != CNS_HASH_B64_BYTES - 1)
        return cns_diag_set(diag, CNS_ERR_DECODE, "signature: hash is not a Base64 SHA-256");
    memcpy(b->signature_hash, hash, len + 1);
    return cns_jr_proof(group, json_object_get(v, "proof"), &b->signature, "signature", diag);
}

/* Check that obj[key] is the string expected; CNS_ERR_INVALID naming both otherwise. */
static cns_err expect_string(const json_t *obj, const char *key, const char *expected,
                             cns_diag *diag)
{
    const char *s;
    cns_err err = cns_jr_string(obj, key, &s, NULL, "ballot", diag);
    if (err == CNS_OK && strcmp(s, expected) != 0)
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "ballot: %s is \"%.60s\", this election's is \"%s\"", key, s, expected);
    return err;
}

static cns_err parse_fields(cns_ballot *b, const cns_election *election, const json_t *root,
                            cns_diag *diag)
{
    static const char *const keys[] = {"election_uuid", "election_hash", "credential", "answers",
                                       "signature"};
    const cns_group *group = cns_election_group(election);
    cns_err err = cns_jr_fields(root, keys, 5, "ballot", diag);
    if (err == CNS_OK)
        err = expect_string(root, "election_uuid", cns_election_uuid(election), diag);
    if (err == CNS_OK)
        err = expect_string(root, "election_hash", cns_election_fingerprint(election), diag);
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(root, "credential"), &b->credential,
                         "ballot: credential", diag);
    if (err != CNS_OK)
        return err;
    const json_t *answers = json_object_get(root, "answers");
    if (!json_is_array(answers) || json_array_size(answers) != b->n_answers)
        return cns_diag_set(diag, CNS_ERR_INVALID, "ballot: expected %zu answers", b->n_answers);
    for (size_t i = 0; i < b->n_answers && err == CNS_OK; i++)
        err = parse_answer(group, &b->answers[i], json_array_get(answers, i), i, diag);
    if (err == CNS_OK)
        err = parse_signature(group, b, json_object_get(root, "signature"), diag);
    return err;
}

cns_err cns_ballot_parse(cns_ballot **out, const cns_election *election, const char *bytes,
                         size_t len, cns_diag *diag)
{
    json_t *root = NULL;
    cns_ballot *b = NULL;
    cns_buf buf;
    cns_err err;

    *out = NULL;
    cns_buf_init(&buf, CNS_MAX_BALLOT_BYTES);
    if (len > CNS_MAX_BALLOT_BYTES) {
        err = cns_diag_set(diag, CNS_ERR_LIMIT, "ballot: %zu bytes, at most %u allowed", len,
                           CNS_MAX_BALLOT_BYTES);
        goto done;
    }
    err = cns_ballot_alloc(&b, election);
    if (err == CNS_OK)
        err = cns_jr_parse(&root, bytes, len, "ballot", diag);
    if (err == CNS_OK)
        err = parse_fields(b, election, root, diag);
    if (err != CNS_OK)
        goto done;
    cns_ballot_write(&buf, election, b, true);
    err = cns_jr_canonical(bytes, len, &buf, "ballot", diag);
    if (err != CNS_OK)
        goto done;
    b->bytes = cns_buf_take(&buf, &b->len);
    if (b->bytes == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    *out = b;
    b = NULL;
done:
    json_decref(root);
    cns_buf_free(&buf);
    cns_ballot_free(b);
    return err;
}
