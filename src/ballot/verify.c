/* Verifying a ballot's proofs and signature (consulta/ballot.h). */
#include <stdlib.h>
#include <string.h>

#include "ballot/internal.h"
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
                                 const cns_answer *a, size_t q, cns_diag *diag)
{
    const cns_group *group = cns_election_group(election);
    cns_branch branches[2];
    cns_fs fs;
    for (size_t j = 0; j < a->width; j++) {
        cns_ballot_fs_individual(&fs, election, &b->credential, &a->choices[j]);
        cns_branches_individual(group, branches, &a->choices[j]);
        cns_err err = cns_disj_verify(group, a->individual[j], cns_election_public_key(election),
                                      branches, 2, &fs);
        if (err == CNS_ERR_VERIFY)
            return cns_diag_set(diag, err,
                                "question %zu, choice %zu: individual proof does not verify", q + 1,
                                j + 1);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
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

cns_err cns_ballot_verify(const cns_election *election, const cns_ballot *b, cns_diag *diag)
{
    cns_branch *branches = calloc(CNS_MAX_ANSWERS + 2, sizeof *branches);
    if (branches == NULL)
        return CNS_ERR_NOMEM;
    cns_err err = verify_signature(election, b, diag);
    for (size_t i = 0; i < b->n_answers && err == CNS_OK; i++) {
        const cns_question *q = cns_election_question(election, i);
        err = verify_individual(election, b, &b->answers[i], i, diag);
        if (err == CNS_OK)
            err = verify_overall(election, b, q, &b->answers[i], i, branches, diag);
    }
    free(branches);
    return err;
}
