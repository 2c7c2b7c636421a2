/*
 * Answers to "Lists" questions (Belenios 3.0; spec 3.3 §"Lists answers",
 * §"Proofs of list constraints", §"Proof of encryption of non-zero"):
 * one 0/1 ciphertext per list and per candidate, list by list, with
 *   - the 0/1 proofs of every bit (as homomorphic answers),
 *   - overall_proof: Σ_i L_i = 1, one branch, "prove|S|Σα,Σβ|A,B",
 *   - list_proofs[i]: L_i = 1 ∨ Σ_j C_ij = 0, "lproof|S|A0,B0,A1,B1",
 *   - nonzero_proof: Σ_i Σ_j C_ij ≠ 0, "nonzero|S|A0,A1,A2".
 * S is the homomorphic answers' S over all the ciphertexts in order.
 */
#include <stdio.h>

#include "ballot/internal.h"
#include "record/json.h"

/* The ciphertexts of list l: OUT: its first cell's index and its size. */
static void list_span(const cns_question *q, size_t l, size_t *first, size_t *size)
{
    size_t at = 0;
    for (size_t i = 0; i < l; i++)
        at += q->list_sizes[i];
    *first = at;
    *size = q->list_sizes[l];
}

/* OUT: the product of the candidates' ciphertexts of list l (1, 1 when it has none). */
static void candidates_sum(const cns_group *group, cns_ciphertext *sum, const cns_answer *a,
                           size_t l)
{
    size_t first, size;
    list_span(a->lists, l, &first, &size);
    cns_group_identity(group, &sum->alpha);
    cns_group_identity(group, &sum->beta);
    for (size_t j = 1; j < size; j++)
        cns_ciphertext_mul(group, sum, sum, &a->choices[first + j]);
}

/* ---- parsing and writing ---- */

/* Parse the nested array v (one array per list) with reader for each item into cells. */
static cns_err nested(const cns_answer *a, const json_t *v, const char *name, size_t q,
                      cns_err (*reader)(const cns_group *, const json_t *, cns_answer *, size_t,
                                        const char *, cns_diag *),
                      const cns_group *group, cns_answer *out, cns_diag *diag)
{
    char what[128];
    const cns_question *lq = a->lists;
    if (!json_is_array(v) || json_array_size(v) != lq->n_lists)
        return cns_diag_set(diag, CNS_ERR_INVALID, "question %zu: expected %zu lists in %s", q + 1,
                            lq->n_lists, name);
    for (size_t l = 0; l < lq->n_lists; l++) {
        size_t first, size;
        const json_t *row = json_array_get(v, l);
        list_span(lq, l, &first, &size);
        if (!json_is_array(row) || json_array_size(row) != size)
            return cns_diag_set(diag, CNS_ERR_INVALID, "question %zu: %s of list %zu: expected %zu",
                                q + 1, name, l + 1, size);
        for (size_t j = 0; j < size; j++) {
            snprintf(what, sizeof what, "question %zu, list %zu, choice %zu", q + 1, l + 1, j + 1);
            cns_err err = reader(group, json_array_get(row, j), out, first + j, what, diag);
            if (err != CNS_OK)
                return err;
        }
    }
    return CNS_OK;
}

static cns_err read_choice(const cns_group *group, const json_t *v, cns_answer *a, size_t k,
                           const char *what, cns_diag *diag)
{
    return cns_jr_ciphertext(group, v, &a->choices[k], what, diag);
}

static cns_err read_individual(const cns_group *group, const json_t *v, cns_answer *a, size_t k,
                               const char *what, cns_diag *diag)
{
    return cns_jr_proofs(group, v, a->individual[k], 2, what, diag);
}

static cns_err read_nonzero(const cns_group *group, cns_answer *a, const json_t *v, size_t q,
                            cns_diag *diag)
{
    static const char *const keys[] = {"commitment", "challenge", "response"};
    char what[96];
    snprintf(what, sizeof what, "question %zu, nonzero_proof", q + 1);
    cns_err err = cns_jr_fields(v, keys, 3, what, diag);
    const json_t *r = json_object_get(v, "response");
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(v, "commitment"), &a->nz_commitment, what, diag);
    if (err == CNS_OK)
        err = cns_jr_scalar(group, json_object_get(v, "challenge"), &a->nz_challenge, what, diag);
    if (err == CNS_OK && (!json_is_array(r) || json_array_size(r) != 2))
        err = cns_diag_set(diag, CNS_ERR_INVALID, "%s: \"response\" must be a pair", what);
    for (size_t k = 0; err == CNS_OK && k < 2; k++)
        err = cns_jr_scalar(group, json_array_get(r, k), &a->nz_response[k], what, diag);
    return err;
}

cns_err cns_lists_parse(const cns_group *group, cns_answer *a, const json_t *v, size_t q,
                        cns_diag *diag)
{
    static const char *const keys[] = {"choices", "individual_proofs", "overall_proof",
                                       "list_proofs", "nonzero_proof"};
    char what[96];
    snprintf(what, sizeof what, "question %zu", q + 1);
    cns_err err = cns_jr_fields(v, keys, 5, what, diag);
    if (err == CNS_OK)
        err = nested(a, json_object_get(v, "choices"), "choices", q, read_choice, group, a, diag);
    if (err == CNS_OK)
        err = nested(a, json_object_get(v, "individual_proofs"), "individual_proofs", q,
                     read_individual, group, a, diag);
    snprintf(what, sizeof what, "question %zu, overall_proof", q + 1);
    if (err == CNS_OK)
        err = cns_jr_proof(group, json_object_get(v, "overall_proof"), &a->overall[0], what, diag);
    const json_t *lp = json_object_get(v, "list_proofs");
    if (err == CNS_OK && (!json_is_array(lp) || json_array_size(lp) != a->lists->n_lists))
        err = cns_diag_set(diag, CNS_ERR_INVALID, "question %zu: expected %zu list_proofs", q + 1,
                           a->lists->n_lists);
    for (size_t l = 0; err == CNS_OK && l < a->lists->n_lists; l++) {
        snprintf(what, sizeof what, "question %zu, list_proofs %zu", q + 1, l + 1);
        err = cns_jr_proofs(group, json_array_get(lp, l), a->list_proofs[l], 2, what, diag);
    }
    if (err == CNS_OK)
        err = read_nonzero(group, a, json_object_get(v, "nonzero_proof"), q, diag);
    return err;
}

void cns_lists_write(cns_buf *buf, const cns_group *group, const cns_answer *a)
{
    const cns_question *q = a->lists;
    for (int part = 0; part < 2; part++) {
        size_t at = 0;
        cns_buf_puts(buf, part == 0 ? "{\"choices\":[" : "],\"individual_proofs\":[");
        for (size_t l = 0; l < q->n_lists; l++) {
            cns_buf_puts(buf, l > 0 ? ",[" : "[");
            for (size_t j = 0; j < q->list_sizes[l]; j++, at++) {
                cns_buf_puts(buf, j > 0 ? "," : "");
                if (part == 0)
                    cns_jw_ciphertext(buf, group, &a->choices[at]);
                else
                    cns_jw_proofs(buf, group, a->individual[at], 2);
            }
            cns_buf_puts(buf, "]");
        }
    }
    cns_buf_puts(buf, "],\"overall_proof\":");
    cns_jw_proof(buf, group, &a->overall[0]);
    cns_buf_puts(buf, ",\"list_proofs\":[");
    for (size_t l = 0; l < q->n_lists; l++) {
        cns_buf_puts(buf, l > 0 ? "," : "");
        cns_jw_proofs(buf, group, a->list_proofs[l], 2);
    }
    cns_buf_puts(buf, "],\"nonzero_proof\":{\"commitment\":");
    cns_jw_elt(buf, group, &a->nz_commitment);
    cns_buf_puts(buf, ",\"challenge\":");
    cns_jw_scalar(buf, group, &a->nz_challenge);
    cns_buf_puts(buf, ",\"response\":[");
    cns_jw_scalar(buf, group, &a->nz_response[0]);
    cns_buf_puts(buf, ",");
    cns_jw_scalar(buf, group, &a->nz_response[1]);
    cns_buf_puts(buf, "]}}");
}

/* ---- verification ---- */

/* OUT: b / g. */
static void div_g(const cns_group *group, cns_elt *out, const cns_elt *b)
{
    cns_elt g;
    cns_group_generator(group, &g);
    cns_elt_div(group, out, b, &g);
}

/* Σ_i L_i = 1: one branch (Σα, Σβ/g), hashed "prove|S|Σα,Σβ|A,B". */
static cns_err verify_overall(const cns_election *election, const cns_elt *credential,
                              const cns_answer *a)
{
    const cns_group *group = cns_election_group(election);
    cns_ciphertext sum;
    cns_branch branch;
    cns_fs fs;
    size_t first = 0;
    cns_group_identity(group, &sum.alpha);
    cns_group_identity(group, &sum.beta);
    for (size_t l = 0; l < a->lists->n_lists; first += a->lists->list_sizes[l], l++)
        cns_ciphertext_mul(group, &sum, &sum, &a->choices[first]);
    cns_ballot_fs_s(&fs, "prove|", election, credential, a);
    cns_fs_elt(&fs, group, &sum.alpha);
    cns_fs_str(&fs, ",");
    cns_fs_elt(&fs, group, &sum.beta);
    cns_fs_str(&fs, "|");
    branch.a = sum.alpha;
    div_g(group, &branch.b, &sum.beta);
    return cns_disj_verify(group, a->overall, cns_election_public_key(election), &branch, 1, &fs);
}

/* List l: L_l = 1 (branch (α0, β0/g)) ∨ its candidates sum to 0 (branch (αΣ, βΣ)). */
static cns_err verify_list(const cns_election *election, const cns_elt *credential,
                           const cns_answer *a, size_t l)
{
    const cns_group *group = cns_election_group(election);
    cns_ciphertext sum;
    cns_branch branches[2];
    cns_fs fs;
    size_t first, size;
    list_span(a->lists, l, &first, &size);
    candidates_sum(group, &sum, a, l);
    branches[0].a = a->choices[first].alpha;
    div_g(group, &branches[0].b, &a->choices[first].beta);
    branches[1].a = sum.alpha;
    branches[1].b = sum.beta;
    cns_ballot_fs_s(&fs, "lproof|", election, credential, a);
    return cns_disj_verify(group, a->list_proofs[l], cns_election_public_key(election), branches, 2,
                           &fs);
}

/*
 * (α, β) = Π of every candidate's ciphertext encrypts a non-zero value:
 * A0 ≠ 1, A1 = α^t1·g^t2, A2 = β^t1·y^t2·A0^c, c = H("nonzero|S|A0,A1,A2").
 */
static cns_err verify_nonzero(const cns_election *election, const cns_elt *credential,
                              const cns_answer *a)
{
    const cns_group *group = cns_election_group(election);
    const cns_elt *y = cns_election_public_key(election);
    cns_ciphertext sum, part;
    cns_elt one, A1, A2, t;
    cns_scalar c;
    cns_fs fs;
    cns_group_identity(group, &one);
    if (cns_elt_eq(group, &a->nz_commitment, &one))
        return CNS_ERR_VERIFY;
    sum.alpha = one;
    sum.beta = one;
    for (size_t l = 0; l < a->lists->n_lists; l++) {
        candidates_sum(group, &part, a, l);
        cns_ciphertext_mul(group, &sum, &sum, &part);
    }
    cns_elt_pow_public(group, &A1, &sum.alpha, &a->nz_response[0]);
    cns_group_pow_g(group, &t, &a->nz_response[1]);
    cns_elt_mul(group, &A1, &A1, &t);
    cns_elt_pow_public(group, &A2, &sum.beta, &a->nz_response[0]);
    cns_elt_pow_public(group, &t, y, &a->nz_response[1]);
    cns_elt_mul(group, &A2, &A2, &t);
    cns_elt_pow_public(group, &t, &a->nz_commitment, &a->nz_challenge);
    cns_elt_mul(group, &A2, &A2, &t);
    cns_ballot_fs_s(&fs, "nonzero|", election, credential, a);
    cns_fs_elt(&fs, group, &a->nz_commitment);
    cns_fs_str(&fs, ",");
    cns_fs_elt(&fs, group, &A1);
    cns_fs_str(&fs, ",");
    cns_fs_elt(&fs, group, &A2);
    cns_fs_challenge(&fs, group, &c);
    return cns_scalar_eq(&c, &a->nz_challenge) ? CNS_OK : CNS_ERR_VERIFY;
}

cns_err cns_lists_verify(const cns_election *election, const cns_elt *credential,
                         const cns_answer *a, size_t q, cns_diag *diag)
{
    cns_err err = verify_overall(election, credential, a);
    if (err != CNS_OK)
        return err == CNS_ERR_VERIFY
                   ? cns_diag_set(diag, err,
                                  "question %zu: overall_proof (exactly one list) does not verify",
                                  q + 1)
                   : err;
    for (size_t l = 0; l < a->lists->n_lists; l++) {
        err = verify_list(election, credential, a, l);
        if (err != CNS_OK)
            return err == CNS_ERR_VERIFY
                       ? cns_diag_set(diag, err,
                                      "question %zu: list_proofs %zu (candidates only of the "
                                      "chosen list) does not verify",
                                      q + 1, l + 1)
                       : err;
    }
    err = verify_nonzero(election, credential, a);
    if (err == CNS_ERR_VERIFY)
        return cns_diag_set(diag, err,
                            "question %zu: nonzero_proof (at least one candidate) does not verify",
                            q + 1);
    return err;
}
