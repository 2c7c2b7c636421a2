/* Verifying a ballot's proofs and signature (consulta/ballot.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ballot/internal.h"
#include "ballot/pool.h"
#include "consulta/limits.h"
#include "core/hash.h"

static cns_err verify_signature(const cns_election *election, const cns_ballot *b, cns_diag *diag)
{
    char hash[CNS_HASH_B64_BYTES];
    cns_buf buf;
    cns_fs fs;
    cns_buf_init(&buf, CNS_MAX_BALLOT_BYTES);
    cns_ballot_write(&buf, election, b, false);
    cns_err err = cns_buf_status(&buf);
    if (err == CNS_OK)
        cns_hash_b64(hash, buf.data, buf.len);
    cns_buf_free(&buf);
    if (err != CNS_OK)
        return err;
    if (strcmp(hash, b->signature_hash) != 0)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "signature: hash does not match the ballot's content");
    cns_fs_init(&fs, "sig|");
    cns_fs_str(&fs, b->signature_hash);
    cns_fs_str(&fs, "|");
    err = cns_schnorr_verify(cns_election_group(election), &b->signature, &b->credential, &fs);
    if (err == CNS_ERR_VERIFY)
        return cns_diag_set(diag, err, "signature: proof does not verify with the credential");
    return err;
}

static cns_err verify_individual(const cns_election *election, const cns_ballot *b,
                                 const cns_answer *a, size_t q, size_t j, cns_diag *diag)
{
    const cns_group *group = cns_election_group(election);
    cns_branch branches[2];
    cns_fs fs;
    cns_ballot_fs_individual(&fs, election, &b->credential, &a->choices[j]);
    cns_branches_individual(group, branches, &a->choices[j]);
    cns_err err = cns_disj_verify(group, a->individual[j], cns_election_public_key(election),
                                  branches, 2, &fs);
    if (err == CNS_ERR_VERIFY)
        return cns_diag_set(diag, err, "question %zu, choice %zu: individual proof does not verify",
                            q + 1, j + 1);
    return err;
}

static cns_err verify_overall(const cns_election *election, const cns_ballot *b,
                              const cns_question *question, const cns_answer *a, size_t q,
                              cns_branch *branches, cns_diag *diag)
{
    const cns_group *group = cns_election_group(election);
    const cns_elt *y = cns_election_public_key(election);
    cns_fs fs;
    cns_err err;
    if (a->has_blank_proof) {
        cns_ballot_fs_blank(&fs, election, &b->credential, a);
        cns_branches_blank(group, branches, a);
        err = cns_disj_verify(group, a->blank, y, branches, 2, &fs);
        if (err == CNS_ERR_VERIFY)
            return cns_diag_set(diag, err, "question %zu: blank_proof does not verify", q + 1);
        if (err != CNS_OK)
            return err;
    }
    cns_ballot_fs_overall(&fs, election, &b->credential, a);
    cns_branches_overall(group, branches, question, a);
    err = cns_disj_verify(group, a->overall, y, branches, a->n_overall, &fs);
    if (err == CNS_ERR_VERIFY)
        return cns_diag_set(diag, err, "question %zu: overall_proof does not verify", q + 1);
    return err;
}

/* A non-homomorphic answer: A = g^response·α^challenge, challenge = H("raweg|S0|y,α,β|" A). */
static cns_err verify_raweg(const cns_election *election, const cns_ballot *b, const cns_answer *a,
                            size_t q, cns_diag *diag)
{
    cns_fs fs;
    cns_ballot_fs_raweg(&fs, election, &b->credential, &a->choices[0]);
    cns_err err =
        cns_schnorr_verify(cns_election_group(election), &a->raweg, &a->choices[0].alpha, &fs);
    if (err == CNS_ERR_VERIFY)
        return cns_diag_set(diag, err, "question %zu: proof does not verify", q + 1);
    return err;
}

/*
 * The checks of one ballot are independent tasks: the signature, each 0/1
 * proof, the overall (and blank) proofs of each question. They run on the
 * verification pool (pool.c); the error reported is that of the first
 * failing task in this order, the order in which one thread checks them,
 * so the result and its diagnostic do not depend on the number of threads.
 */
typedef struct task {
    const cns_election *election;
    const cns_ballot *ballot;
    size_t q;    /* question */
    size_t j;    /* choice, for a 0/1 proof; SIZE_MAX for the overall proofs */
    bool is_sig; /* the signature */
    cns_err err;
    cns_diag diag;
} task;

static void run_task(void *ctx, size_t i)
{
    task *t = (task *)ctx + i;
    const cns_ballot *b = t->ballot;
    cns_branch *branches;

    if (t->is_sig) {
        t->err = verify_signature(t->election, b, &t->diag);
    } else if (t->j != SIZE_MAX) {
        t->err = verify_individual(t->election, b, &b->answers[t->q], t->q, t->j, &t->diag);
    } else if (b->answers[t->q].nh) {
        t->err = verify_raweg(t->election, b, &b->answers[t->q], t->q, &t->diag);
    } else if (b->answers[t->q].lists != NULL) {
        t->err = cns_lists_verify(t->election, &b->credential, &b->answers[t->q], t->q, &t->diag);
    } else {
        size_t n = b->answers[t->q].n_overall; /* ≥ 2 when there is a blank proof */
        branches = malloc((n < 2 ? 2 : n) * sizeof *branches);
        t->err = branches == NULL
                     ? CNS_ERR_NOMEM
                     : verify_overall(t->election, b, cns_election_question(t->election, t->q),
                                      &b->answers[t->q], t->q, branches, &t->diag);
        free(branches);
    }
}

static size_t task_count(const cns_ballot *b)
{
    size_t n = 1;
    for (size_t i = 0; i < b->n_answers; i++)
        n += b->answers[i].width + 1;
    return n;
}

/* The signature's task (sig), the proofs' tasks (proofs), or both, in that order. */
static cns_err verify_tasks(const cns_election *election, const cns_ballot *b, bool sig,
                            bool proofs, cns_diag *diag)
{
    size_t n = proofs ? task_count(b) : 1, k = 0;
    task *tasks = calloc(n, sizeof *tasks);
    cns_err err = CNS_OK;

    if (tasks == NULL)
        return CNS_ERR_NOMEM;
    if (sig)
        tasks[k++] = (task){.election = election, .ballot = b, .is_sig = true};
    for (size_t q = 0; proofs && q < b->n_answers; q++) {
        for (size_t j = 0; j < b->answers[q].width && !b->answers[q].nh; j++)
            tasks[k++] = (task){.election = election, .ballot = b, .q = q, .j = j};
        tasks[k++] = (task){.election = election, .ballot = b, .q = q, .j = SIZE_MAX};
    }
    n = k;
    cns_pool_run(run_task, tasks, n);
    for (k = 0; k < n && err == CNS_OK; k++) {
        err = tasks[k].err;
        if (err != CNS_OK && diag != NULL && tasks[k].diag.text[0] != '\0')
            *diag = tasks[k].diag;
    }
    free(tasks);
    return err;
}

cns_err cns_ballot_verify(const cns_election *election, const cns_ballot *b, cns_diag *diag)
{
    return verify_tasks(election, b, true, true, diag);
}

cns_err cns_ballot_verify_signature(const cns_election *election, const cns_ballot *b,
                                    cns_diag *diag)
{
    return verify_tasks(election, b, true, false, diag);
}

cns_err cns_ballot_verify_proofs(const cns_election *election, const cns_ballot *b, cns_diag *diag)
{
    return verify_tasks(election, b, false, true, diag);
}
