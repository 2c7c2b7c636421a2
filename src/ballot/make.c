/* Making a ballot (consulta/ballot.h): encryption, proofs, signature. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ballot/internal.h"
#include "consulta/limits.h"
#include "core/hash.h"

/* Secrets of one answer while it is being made; wiped afterwards. */
typedef struct nonces {
    cns_scalar r[CNS_MAX_ANSWERS + 1]; /* one per ciphertext */
    cns_scalar sum;                    /* Σ r over the answers proper */
} nonces;

/* Progress reports while a ballot is made: one step per ciphertext, one per question. */
typedef struct progress {
    cns_ballot_progress *fn;
    void *ctx;
    size_t done, total;
} progress;

static void step(progress *p)
{
    p->done++;
    if (p->fn != NULL)
        p->fn(p->ctx, p->done, p->total);
}

/*
 * Encrypt each value of one answer and prove it is 0 or 1; copy each
 * ciphertext's nonce to keep[j] unless keep is NULL. CT in the values.
 */
static void encrypt_answer(const cns_election *election, cns_answer *a, nonces *n,
                           const unsigned char *values, const cns_elt *credential, cns_scalar *keep,
                           progress *p)
{
    const cns_group *group = cns_election_group(election);
    const cns_elt *y = cns_election_public_key(election);
    size_t first = a->has_blank_proof ? 1 : 0;
    cns_branch branches[2];
    cns_scalar m;
    cns_fs fs;

    cns_scalar_from_u64(group, &n->sum, 0);
    for (size_t j = 0; j < a->width; j++) {
        cns_scalar_random(group, &n->r[j]);
        cns_scalar_from_u64(group, &m, values[j]);
        cns_elgamal_encrypt(group, &a->choices[j], y, &n->r[j], &m);
        if (j >= first)
            cns_scalar_add(group, &n->sum, &n->sum, &n->r[j]);
        cns_ballot_fs_individual(&fs, election, credential, &a->choices[j]);
        cns_branches_individual(group, branches, &a->choices[j]);
        cns_disj_prove(group, a->individual[j], y, branches, 2, values[j], &n->r[j], &fs);
        if (keep != NULL)
            keep[j] = n->r[j];
        step(p);
    }
    sodium_memzero(&m, sizeof m);
}

/* The overall (and blank) proofs of one answer. CT in the values. */
static void prove_answer(const cns_election *election, const cns_question *q, cns_answer *a,
                         const nonces *n, const unsigned char *values, const cns_elt *credential,
                         cns_branch *branches)
{
    const cns_group *group = cns_election_group(election);
    const cns_elt *y = cns_election_public_key(election);
    size_t first = a->has_blank_proof ? 1 : 0;
    size_t selected = 0;
    cns_fs fs;

    for (size_t j = first; j < a->width; j++)
        selected += values[j];
    if (!a->has_blank_proof) {
        cns_ballot_fs_overall(&fs, election, credential, a);
        cns_branches_overall(group, branches, q, a);
        cns_disj_prove(group, a->overall, y, branches, a->n_overall, selected - (size_t)q->min,
                       &n->sum, &fs);
        return;
    }
    /* Blank allowed: values[0] is the blank flag; the real branch and its nonce follow it. */
    unsigned blank = values[0];
    cns_scalar r = n->sum;
    cns_scalar_cmov(&r, &n->r[0], blank ^ 1u);
    cns_ballot_fs_blank(&fs, election, credential, a);
    cns_branches_blank(group, branches, a);
    cns_disj_prove(group, a->blank, y, branches, 2, blank, &r, &fs);

    /* overall: branch 0 is "blank", branch 1 + (selected − min) the real count otherwise */
    size_t real = (1 + selected - (size_t)q->min) & ((size_t)0 - (size_t)(blank ^ 1u));
    cns_scalar_cmov(&r, &n->r[0], 1);
    cns_scalar_cmov(&r, &n->sum, blank ^ 1u);
    cns_ballot_fs_overall(&fs, election, credential, a);
    cns_branches_overall(group, branches, q, a);
    cns_disj_prove(group, a->overall, y, branches, a->n_overall, real, &r, &fs);
    sodium_memzero(&r, sizeof r);
}

/*
 * Belenios' embedding of a vector of bytes in RFC-3526-2048 (spec 2.0
 * §4.11.2, κ = 8, padding 8): ξ = ((v1·2^8 + v2)·2^8 … + vn)·2^8 + ε, the
 * smallest ε making ξ a group element. The number of tries depends on the
 * values (as in Belenios): not constant time.
 */
static cns_err embed(const cns_group *group, cns_elt *out, const unsigned char *values, size_t n)
{
    unsigned char be[CNS_SCALAR_BYTES];
    char text[CNS_SCALAR_TEXT_MAX];
    cns_scalar x;
    cns_err err = CNS_ERR_INVALID;

    /* ξ's big-endian bytes are v1 … vn ε; below 2^2040 < q, so a scalar holds it unreduced */
    if (n + 1 > sizeof be)
        return CNS_ERR_INVALID;
    memcpy(be, values, n);
    for (unsigned e = 0; e < 256 && err != CNS_OK; e++) {
        be[n] = (unsigned char)e;
        cns_scalar_from_be(group, &x, be, n + 1);
        size_t len = cns_scalar_to_text(group, text, sizeof text, &x);
        err = len > 0 ? cns_elt_from_text(group, out, text, len) : CNS_ERR_INVALID;
    }
    sodium_memzero(be, sizeof be);
    sodium_memzero(text, sizeof text);
    sodium_memzero(&x, sizeof x);
    return err;
}

/* A non-homomorphic answer: (g^r, y^r·ξ) and the raweg proof of r. */
static cns_err encrypt_nh(const cns_election *election, const cns_question *q, cns_answer *a,
                          const unsigned char *values, const cns_elt *credential)
{
    const cns_group *group = cns_election_group(election);
    cns_scalar r;
    cns_elt xi, t;
    cns_fs fs;
    cns_err err = embed(group, &xi, values, q->n_answers);

    if (err == CNS_OK) {
        cns_scalar_random(group, &r);
        cns_group_pow_g(group, &a->choices[0].alpha, &r);
        cns_elt_pow(group, &t, cns_election_public_key(election), &r);
        cns_elt_mul(group, &a->choices[0].beta, &t, &xi);
        cns_ballot_fs_raweg(&fs, election, credential, &a->choices[0]);
        cns_schnorr_prove(group, &a->raweg, &r, &fs);
    }
    sodium_memzero(&r, sizeof r);
    sodium_memzero(&xi, sizeof xi);
    sodium_memzero(&t, sizeof t);
    return err;
}

/* Sign: hash the unsigned ballot, prove knowledge of the credential secret. */
static cns_err sign(cns_ballot *b, const cns_election *election, const cns_scalar *secret)
{
    cns_buf buf;
    cns_fs fs;
    cns_buf_init(&buf, CNS_MAX_BALLOT_BYTES);
    cns_ballot_write(&buf, election, b, false);
    cns_err err = cns_buf_status(&buf);
    if (err == CNS_OK) {
        cns_hash_b64(b->signature_hash, buf.data, buf.len);
        cns_fs_init(&fs, "sig|");
        cns_fs_str(&fs, b->signature_hash);
        cns_fs_str(&fs, "|");
        cns_schnorr_prove(cns_election_group(election), &b->signature, secret, &fs);
    }
    cns_buf_free(&buf);
    return err;
}

/* Room for the branches of any proof of the election: the most overall proofs, at least 2. */
static size_t branch_room(const cns_election *election)
{
    size_t most = 2;
    for (size_t i = 0; i < cns_election_question_count(election); i++) {
        size_t n = cns_question_overall_count(cns_election_question(election, i));
        most = n > most ? n : most;
    }
    return most;
}

cns_err cns_ballot_make_nonces(char **json, size_t *len, const cns_election *election,
                               const cns_scalar *credential_secret, const cns_choices *choices,
                               cns_scalar *keep, cns_ballot_progress *fn, void *ctx, cns_diag *diag)
{
    const cns_group *group = cns_election_group(election);
    cns_ballot *b = NULL;
    nonces *n = NULL;
    cns_branch *branches = NULL;
    cns_buf buf;
    size_t at = 0;
    progress p = {fn, ctx, 0, choices->total + cns_election_question_count(election)};

    *json = NULL;
    cns_buf_init(&buf, CNS_MAX_BALLOT_BYTES);
    cns_err err = cns_choices_check(choices, election, diag);
    if (err != CNS_OK)
        goto done;
    err = cns_ballot_alloc(&b, election);
    n = sodium_malloc(sizeof *n);
    branches = malloc(branch_room(election) * sizeof *branches);
    if (err == CNS_OK && (n == NULL || branches == NULL))
        err = CNS_ERR_NOMEM;
    if (err != CNS_OK)
        goto done;
    cns_group_pow_g(group, &b->credential, credential_secret);
    for (size_t i = 0; i < b->n_answers; i++) {
        const cns_question *q = cns_election_question(election, i);
        if (q->kind == CNS_QUESTION_NONHOMOMORPHIC) {
            err = encrypt_nh(election, q, &b->answers[i], choices->values + at, &b->credential);
            if (err != CNS_OK) {
                err = cns_diag_set(diag, err, "question %zu: the answer has no embedding", i + 1);
                goto done;
            }
        } else {
            encrypt_answer(election, &b->answers[i], n, choices->values + at, &b->credential,
                           keep != NULL ? keep + at : NULL, &p);
            prove_answer(election, q, &b->answers[i], n, choices->values + at, &b->credential,
                         branches);
        }
        step(&p);
        at += cns_question_values(q);
    }
    err = sign(b, election, credential_secret);
    if (err != CNS_OK)
        goto done;
    cns_ballot_write(&buf, election, b, true);
    *json = cns_buf_take(&buf, len);
    err = *json ? CNS_OK : CNS_ERR_NOMEM;
done:
    if (n != NULL)
        sodium_free(n); /* sodium_free wipes */
    free(branches);
    cns_ballot_free(b);
    cns_buf_free(&buf);
    return err;
}

cns_err cns_ballot_make(char **json, size_t *len, const cns_election *election,
                        const cns_scalar *credential_secret, const cns_choices *choices,
                        cns_diag *diag)
{
    return cns_ballot_make_nonces(json, len, election, credential_secret, choices, NULL, NULL, NULL,
                                  diag);
}
