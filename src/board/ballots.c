/*
 * The board rules for one ballot: verified, signed by a listed credential,
 * never seen before, no ciphertext repeated from any ballot on the board;
 * it counts, replacing the credential's previous ballot. Checking changes
 * nothing; committing remembers it.
 */
#include <stdlib.h>
#include <string.h>

#include "ballot/internal.h"
#include "board/internal.h"

struct ballot_marks {
    unsigned char ballot_key[CNS_KEY_BYTES];
    unsigned char credential_key[CNS_KEY_BYTES];
    unsigned char (*alpha_keys)[CNS_KEY_BYTES];
    size_t n_alphas;
};

void cns_board_marks_free(ballot_marks *marks)
{
    if (marks != NULL)
        free(marks->alpha_keys);
    free(marks);
}

static size_t ciphertext_count(const cns_election *e)
{
    size_t n = 0;
    for (size_t q = 0; q < cns_election_question_count(e); q++)
        n += cns_question_width(cns_election_question(e, q));
    return n;
}

/* No ciphertext may repeat one on the board, or another of the same ballot. */
static cns_err check_alphas(cns_board *b, const cns_ballot *ballot, ballot_marks *m, cns_diag *diag)
{
    const cns_election *e = b->election;
    cns_map own;
    cns_err err = CNS_OK;
    size_t k = 0;
    cns_map_init(&own);
    for (size_t q = 0; q < cns_election_question_count(e) && err == CNS_OK; q++) {
        const cns_ciphertext *c = cns_ballot_ciphertexts(ballot, q);
        size_t width = cns_question_width(cns_election_question(e, q));
        for (size_t j = 0; j < width && err == CNS_OK; j++, k++) {
            uint64_t *seen = NULL, *twice = NULL;
            cns_board_elt_key(m->alpha_keys[k], cns_election_group(e), &c[j].alpha);
            seen = cns_map_get(&b->alphas_seen, m->alpha_keys[k]);
            if (cns_map_put(&own, m->alpha_keys[k], k, &twice) != CNS_OK)
                err = CNS_ERR_NOMEM;
            else if (seen != NULL)
                err = cns_diag_set(diag, CNS_ERR_INVALID,
                                   "question %zu, choice %zu: ciphertext repeats one of ballot "
                                   "%llu (replayed ballot or reused randomness)",
                                   q + 1, j + 1, (unsigned long long)*seen);
            else if (twice != NULL)
                err = cns_diag_set(diag, CNS_ERR_INVALID,
                                   "question %zu, choice %zu: ciphertext repeats another of the "
                                   "same ballot",
                                   q + 1, j + 1);
        }
    }
    cns_map_free(&own);
    return err;
}

static cns_err check_rules(cns_board *b, const cns_ballot *ballot, ballot_marks *m, cns_diag *diag)
{
    size_t len;
    const char *bytes = cns_ballot_bytes(ballot, &len);
    const uint64_t *seen;
    cns_map_key(m->ballot_key, bytes, len);
    seen = cns_map_get(&b->ballots_seen, m->ballot_key);
    if (seen != NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "the same ballot was already cast as ballot %llu",
                            (unsigned long long)*seen);
    cns_board_elt_key(m->credential_key, cns_election_group(b->election),
                      cns_ballot_credential(ballot));
    if (cns_map_get(&b->credentials, m->credential_key) == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "signed by a credential that is not in the published list");
    return check_alphas(b, ballot, m, diag);
}

cns_err cns_board_check_rules(cns_board *b, const cns_ballot *ballot, ballot_marks **marks,
                              cns_diag *diag)
{
    ballot_marks *m = calloc(1, sizeof *m);
    *marks = NULL;
    if (m == NULL)
        return CNS_ERR_NOMEM;
    m->n_alphas = ciphertext_count(b->election);
    m->alpha_keys = calloc(m->n_alphas, sizeof *m->alpha_keys);
    cns_err err = m->alpha_keys ? CNS_OK : CNS_ERR_NOMEM;
    if (err == CNS_OK)
        err = check_rules(b, ballot, m, diag);
    if (err != CNS_OK) {
        cns_board_marks_free(m);
        return err;
    }
    *marks = m;
    return CNS_OK;
}

cns_err cns_board_check_ballot(cns_board *b, const char *bytes, size_t len, cns_ballot **ballot,
                               ballot_marks **marks, cns_diag *diag)
{
    *ballot = NULL;
    *marks = NULL;
    cns_err err = cns_ballot_parse(ballot, b->election, bytes, len, diag);
    if (err == CNS_OK && !b->trusted)
        err = cns_ballot_verify(b->election, *ballot, diag);
    if (err == CNS_OK)
        err = cns_board_check_rules(b, *ballot, marks, diag);
    if (err != CNS_OK) {
        cns_ballot_free(*ballot);
        *ballot = NULL;
    }
    return err;
}

cns_err cns_board_commit_ballot(cns_board *b, const cns_ballot *ballot, ballot_marks *m)
{
    uint64_t index = b->summary.ballots + 1;
    uint64_t *cred = cns_map_get(&b->credentials, m->credential_key);
    uint64_t weight = *cred >> 32, previous = *cred & 0xffffffffULL;
    board_undo undo = {.credential_before = *cred, .superseded = previous};
    cns_err err = index > UINT32_MAX ? CNS_ERR_LIMIT : CNS_OK;
    if (err == CNS_OK)
        err = cns_map_put(&b->ballots_seen, m->ballot_key, index, NULL);
    for (size_t k = 0; k < m->n_alphas && err == CNS_OK; k++)
        err = cns_map_put(&b->alphas_seen, m->alpha_keys[k], index, NULL);
    if (err == CNS_OK && previous != 0) {
        unsigned char key[CNS_KEY_BYTES] = {0};
        uint64_t *revotes = NULL;
        memcpy(key, &previous, sizeof previous);
        err = cns_map_put(&b->superseded, key, weight, NULL);
        if (err == CNS_OK)
            err = cns_map_put(&b->revotes, m->credential_key, 1, &revotes);
        if (revotes != NULL)
            (*revotes)++;
        undo.revote_inserted = err == CNS_OK && revotes == NULL;
    }
    if (err == CNS_OK)
        err = cns_tally_add(b->tally, ballot, weight);
    if (err == CNS_OK) {
        *cred = (weight << 32) | index; /* the last ballot counts */
        b->summary.ballots = index;
        b->summary.counted += previous == 0;
    }
    if (b->mark != NULL) {
        memcpy(undo.ballot_key, m->ballot_key, CNS_KEY_BYTES);
        memcpy(undo.credential_key, m->credential_key, CNS_KEY_BYTES);
        undo.alpha_keys = m->alpha_keys;
        undo.n_alphas = m->n_alphas;
        m->alpha_keys = NULL;
        cns_board_journal(b, &undo, err == CNS_OK);
    }
    cns_board_marks_free(m);
    return err;
}
