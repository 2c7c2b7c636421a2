/* Ballot structure, writing and the statements its proofs are about (internal.h). */
#include <stdlib.h>

#include <sodium.h>

#include "ballot/internal.h"
#include "core/hash.h"
#include "record/json.h"

size_t cns_question_values(const cns_question *q)
{
    return (q->kind == CNS_QUESTION_NONHOMOMORPHIC) ? q->n_answers : cns_question_width(q);
}

size_t cns_question_overall_count(const cns_question *q)
{
    if (q->kind == CNS_QUESTION_NONHOMOMORPHIC) /* one raweg proof, no overall proof */
        return 0;
    if (q->kind == CNS_QUESTION_LISTS) /* one proof that exactly one list is chosen */
        return 1;
    return (size_t)(q->max - q->min + 1) + (q->blank == 1 ? 1 : 0);
}

cns_err cns_ballot_alloc(cns_ballot **out, const cns_election *election)
{
    size_t nq = cns_election_question_count(election);
    cns_ballot *b = calloc(1, sizeof *b);
    *out = NULL;
    if (b == NULL)
        return CNS_ERR_NOMEM;
    b->answers = calloc(nq, sizeof *b->answers);
    if (b->answers == NULL)
        goto fail;
    b->n_answers = nq;
    for (size_t i = 0; i < nq; i++) {
        const cns_question *q = cns_election_question(election, i);
        cns_answer *a = &b->answers[i];
        a->width = cns_question_width(q);
        a->n_overall = cns_question_overall_count(q);
        a->has_blank_proof = q->blank == 1;
        a->nh = q->kind == CNS_QUESTION_NONHOMOMORPHIC;
        a->choices = calloc(a->width, sizeof *a->choices);
        a->individual = calloc(a->width, sizeof *a->individual);
        a->overall = calloc(a->n_overall + 1, sizeof *a->overall);
        if (a->choices == NULL || a->individual == NULL || a->overall == NULL)
            goto fail;
        if (q->kind == CNS_QUESTION_LISTS) {
            a->lists = q;
            a->list_proofs = calloc(q->n_lists, sizeof *a->list_proofs);
            if (a->list_proofs == NULL)
                goto fail;
        }
    }
    *out = b;
    return CNS_OK;
fail:
    cns_ballot_free(b);
    return CNS_ERR_NOMEM;
}

void cns_ballot_free(cns_ballot *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; b->answers != NULL && i < b->n_answers; i++) {
        free(b->answers[i].choices);
        free(b->answers[i].individual);
        free(b->answers[i].overall);
        free(b->answers[i].list_proofs);
    }
    free(b->answers);
    free(b->bytes);
    free(b);
}

static void write_answer(cns_buf *buf, const cns_group *group, const cns_answer *a)
{
    if (a->nh) {
        cns_buf_puts(buf, "{\"choices\":");
        cns_jw_ciphertext(buf, group, &a->choices[0]);
        cns_buf_puts(buf, ",\"proof\":");
        cns_jw_proof(buf, group, &a->raweg);
        cns_buf_puts(buf, "}");
        return;
    }
    if (a->lists != NULL) {
        cns_lists_write(buf, group, a);
        return;
    }
    cns_buf_puts(buf, "{\"choices\":[");
    for (size_t j = 0; j < a->width; j++) {
        if (j > 0)
            cns_buf_puts(buf, ",");
        cns_jw_ciphertext(buf, group, &a->choices[j]);
    }
    cns_buf_puts(buf, "],\"individual_proofs\":[");
    for (size_t j = 0; j < a->width; j++) {
        if (j > 0)
            cns_buf_puts(buf, ",");
        cns_jw_proofs(buf, group, a->individual[j], 2);
    }
    cns_buf_puts(buf, "],\"overall_proof\":");
    cns_jw_proofs(buf, group, a->overall, a->n_overall);
    if (a->has_blank_proof) {
        cns_buf_puts(buf, ",\"blank_proof\":");
        cns_jw_proofs(buf, group, a->blank, 2);
    }
    cns_buf_puts(buf, "}");
}

void cns_ballot_write(cns_buf *buf, const cns_election *election, const cns_ballot *b,
                      bool with_signature)
{
    const cns_group *group = cns_election_group(election);
    cns_buf_puts(buf, "{\"election_uuid\":");
    cns_jw_cstr(buf, cns_election_uuid(election));
    cns_buf_puts(buf, ",\"election_hash\":");
    cns_jw_cstr(buf, cns_election_fingerprint(election));
    cns_buf_puts(buf, ",\"credential\":");
    cns_jw_elt(buf, group, &b->credential);
    cns_buf_puts(buf, ",\"answers\":[");
    for (size_t i = 0; i < b->n_answers; i++) {
        if (i > 0)
            cns_buf_puts(buf, ",");
        write_answer(buf, group, &b->answers[i]);
    }
    cns_buf_puts(buf, "]");
    if (with_signature) {
        cns_buf_puts(buf, ",\"signature\":{\"hash\":");
        cns_jw_cstr(buf, b->signature_hash);
        cns_buf_puts(buf, ",\"proof\":");
        cns_jw_proof(buf, group, &b->signature);
        cns_buf_puts(buf, "}");
    }
    cns_buf_puts(buf, "}");
}

/* Append S0 = "φ|credential". */
static void put_s0(cns_fs *fs, const cns_election *election, const cns_elt *credential)
{
    cns_fs_str(fs, cns_election_fingerprint(election));
    cns_fs_str(fs, "|");
    cns_fs_elt(fs, cns_election_group(election), credential);
}

void cns_ballot_fs_raweg(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                         const cns_ciphertext *c)
{
    const cns_group *group = cns_election_group(election);
    cns_fs_init(fs, "raweg|");
    put_s0(fs, election, credential);
    cns_fs_str(fs, "|");
    cns_fs_elt(fs, group, cns_election_public_key(election));
    cns_fs_str(fs, ",");
    cns_fs_elt(fs, group, &c->alpha);
    cns_fs_str(fs, ",");
    cns_fs_elt(fs, group, &c->beta);
    cns_fs_str(fs, "|");
}

/* Append S = "S0|α1,β1,α2,β2,…" over the answer's ciphertexts. */
static void put_s(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                  const cns_answer *answer)
{
    const cns_group *group = cns_election_group(election);
    put_s0(fs, election, credential);
    cns_fs_str(fs, "|");
    for (size_t j = 0; j < answer->width; j++) {
        if (j > 0)
            cns_fs_str(fs, ",");
        cns_fs_elt(fs, group, &answer->choices[j].alpha);
        cns_fs_str(fs, ",");
        cns_fs_elt(fs, group, &answer->choices[j].beta);
    }
}

/* Append "α,β|". */
static void put_ciphertext(cns_fs *fs, const cns_group *group, const cns_ciphertext *c)
{
    cns_fs_elt(fs, group, &c->alpha);
    cns_fs_str(fs, ",");
    cns_fs_elt(fs, group, &c->beta);
    cns_fs_str(fs, "|");
}

void cns_ballot_fs_individual(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                              const cns_ciphertext *c)
{
    cns_fs_init(fs, "prove|");
    put_s0(fs, election, credential);
    cns_fs_str(fs, "|");
    put_ciphertext(fs, cns_election_group(election), c);
}

void cns_ballot_fs_overall(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                           const cns_answer *answer)
{
    if (answer->has_blank_proof) {
        cns_fs_init(fs, "bproof1|");
        put_s(fs, election, credential, answer);
        cns_fs_str(fs, "|");
        return;
    }
    cns_ciphertext sum;
    cns_answer_sum(cns_election_group(election), &sum, answer);
    cns_fs_init(fs, "prove|");
    put_s(fs, election, credential, answer);
    cns_fs_str(fs, "|");
    put_ciphertext(fs, cns_election_group(election), &sum);
}

void cns_ballot_fs_blank(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                         const cns_answer *answer)
{
    cns_ballot_fs_s(fs, "bproof0|", election, credential, answer);
}

void cns_ballot_fs_s(cns_fs *fs, const char *tag, const cns_election *election,
                     const cns_elt *credential, const cns_answer *answer)
{
    cns_fs_init(fs, tag);
    put_s(fs, election, credential, answer);
    cns_fs_str(fs, "|");
}

/* OUT: b / g^m. */
static void div_g_pow(const cns_group *group, cns_elt *out, const cns_elt *b, uint64_t m)
{
    cns_scalar k;
    cns_elt gm;
    cns_scalar_from_u64(group, &k, m);
    cns_group_pow_g(group, &gm, &k);
    cns_elt_div(group, out, b, &gm);
}

void cns_branches_individual(const cns_group *group, cns_branch branches[2],
                             const cns_ciphertext *c)
{
    branches[0].a = c->alpha;
    branches[0].b = c->beta;
    branches[1].a = c->alpha;
    div_g_pow(group, &branches[1].b, &c->beta, 1);
}

void cns_answer_sum(const cns_group *group, cns_ciphertext *sum, const cns_answer *answer)
{
    size_t first = answer->has_blank_proof ? 1 : 0;
    cns_group_identity(group, &sum->alpha);
    cns_group_identity(group, &sum->beta);
    for (size_t j = first; j < answer->width; j++)
        cns_ciphertext_mul(group, sum, sum, &answer->choices[j]);
}

void cns_branches_overall(const cns_group *group, cns_branch *branches, const cns_question *q,
                          const cns_answer *answer)
{
    cns_ciphertext sum;
    size_t k = 0;
    cns_answer_sum(group, &sum, answer);
    if (answer->has_blank_proof) {
        branches[k].a = answer->choices[0].alpha;
        div_g_pow(group, &branches[k].b, &answer->choices[0].beta, 1);
        k++;
    }
    for (int m = q->min; m <= q->max; m++, k++) {
        branches[k].a = sum.alpha;
        div_g_pow(group, &branches[k].b, &sum.beta, (uint64_t)m);
    }
}

void cns_branches_blank(const cns_group *group, cns_branch branches[2], const cns_answer *answer)
{
    cns_ciphertext sum;
    cns_answer_sum(group, &sum, answer);
    branches[0].a = answer->choices[0].alpha;
    branches[0].b = answer->choices[0].beta;
    branches[1].a = sum.alpha;
    branches[1].b = sum.beta;
}

const cns_ciphertext *cns_ballot_ciphertexts(const cns_ballot *ballot, size_t q)
{
    return ballot->answers[q].choices;
}

const cns_elt *cns_ballot_credential(const cns_ballot *ballot)
{
    return &ballot->credential;
}

const char *cns_ballot_bytes(const cns_ballot *ballot, size_t *len)
{
    *len = ballot->len;
    return ballot->bytes;
}

void cns_ballot_tracker(const cns_ballot *ballot, char out[CNS_HASH_B64_BYTES])
{
    cns_hash_b64(out, ballot->bytes, ballot->len);
}

void cns_ballot_tracker_of(const char *bytes, size_t len, char out[CNS_HASH_B64_BYTES])
{
    cns_hash_b64(out, bytes, len);
}
