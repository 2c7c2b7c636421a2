/*
 * A whole election made through the library, for the tests that need a real
 * record: one Single trustee, a credential batch, a board on disk taken to
 * its result. Static functions in a header, as tests/util.h: tests only.
 */
#ifndef CONSULTA_TESTS_WHOLE_ELECTION_H
#define CONSULTA_TESTS_WHOLE_ELECTION_H

#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "consulta/ballot.h"
#include "consulta/board.h"
#include "consulta/credential.h"
#include "consulta/trustees.h"

typedef struct whole_election {
    char dir[64], board[128];
    const char *uuid;
    char *election, *trustees, *credentials;
    size_t election_len, trustees_len, credentials_len;
    cns_scalar trustee_key;
    cns_credential_batch *voters;
    cns_election *parsed;
} whole_election;

/*
 * The setup: a trustee key, trustees.json, election.json from the template,
 * n voters' credentials (weights: NULL or n weights), in a new temporary folder.
 */
static inline void whole_setup(whole_election *f, const cns_group *group, const char *template_json,
                               const char *uuid, size_t n, const uint64_t *weights)
{
    char *priv = NULL, *pub = NULL, id[CNS_KEY_ID_BYTES];
    size_t priv_len, pub_len;
    cns_diag diag = {{0}};
    cns_trustees *t = NULL;
    f->uuid = uuid;
    snprintf(f->dir, sizeof f->dir, "/tmp/cns-election-XXXXXX");
    CHECK(mkdtemp(f->dir) != NULL);
    snprintf(f->board, sizeof f->board, "%s/%s.bel", f->dir, uuid);
    CHECK_OK(cns_trustee_keygen(&priv, &priv_len, &pub, &pub_len, id, group));
    CHECK_OK(cns_trustee_privkey_read(&f->trustee_key, group, priv, priv_len, &diag));
    CHECK_OK(
        cns_trustees_make(&f->trustees, &f->trustees_len, group, pub, pub_len, NULL, 0, &diag));
    CHECK_OK(cns_trustees_parse(&t, group, f->trustees, f->trustees_len, &diag));
    CHECK_OK(cns_election_make(&f->election, &f->election_len, template_json, strlen(template_json),
                               uuid, group, cns_trustees_public_key(t), &diag));
    CHECK_OK(cns_election_parse(&f->parsed, f->election, f->election_len, &diag));
    CHECK_OK(cns_credential_batch_generate(&f->voters, group, uuid, strlen(uuid), n, NULL, weights,
                                           &diag));
    CHECK_OK(cns_credential_list_to_json(cns_credential_batch_public(f->voters), &f->credentials,
                                         &f->credentials_len, &diag));
    cns_trustees_free(t);
    sodium_memzero(priv, priv_len);
    free(priv);
    free(pub);
}

/* OUT: voter i's credential secret. */
static inline void whole_secret(const whole_election *f, size_t i, cns_scalar *s)
{
    const char *cred = cns_credential_batch_secret(f->voters, i);
    cns_diag diag = {{0}};
    CHECK_OK(cns_credential_derive(cns_election_group(f->parsed), f->uuid, strlen(f->uuid), cred,
                                   strlen(cred), s, &diag));
}

/* Voter i's ballot for choices (JSON); the caller frees it. */
static inline char *whole_ballot(const whole_election *f, size_t i, const char *choices_json,
                                 size_t *len)
{
    cns_choices choices;
    cns_scalar s;
    cns_diag diag = {{0}};
    char *json = NULL;
    whole_secret(f, i, &s);
    CHECK_OK(cns_choices_parse(&choices, f->parsed, choices_json, strlen(choices_json), &diag));
    CHECK_OK(cns_ballot_make(&json, len, f->parsed, &s, &choices, &diag));
    cns_choices_free(&choices);
    sodium_memzero(&s, sizeof s);
    return json;
}

/* Cast k of the election: which voter casts it (OUT: *voter) and with which choices. */
typedef const char *(*whole_plan)(size_t k, size_t *voter);

/* Start the board, cast n_casts ballots by plan, close, tally, decrypt, publish the result. */
static inline void whole_run(whole_election *f, size_t n_casts, whole_plan plan)
{
    cns_board *b = NULL;
    cns_diag diag = {{0}};
    char *partial = NULL, *owned = NULL;
    size_t len, owned_len;
    CHECK_OK(cns_board_create(&b, f->board, f->election, f->election_len, f->trustees,
                              f->trustees_len, f->credentials, f->credentials_len, 1795909443,
                              &diag));
    for (size_t k = 0; k < n_casts; k++) {
        size_t voter = 0;
        const char *choices = plan(k, &voter);
        char *ballot = whole_ballot(f, voter, choices, &len);
        CHECK_OK(cns_board_cast(b, ballot, len, NULL, &diag));
        free(ballot);
    }
    CHECK_OK(cns_board_end_ballots(b, &diag));
    CHECK_OK(cns_board_publish_tally(b, NULL, 0, NULL, 0, &diag));
    CHECK_OK(cns_board_decrypt(b, &f->trustee_key, &partial, &len, &owned, &owned_len, &diag));
    CHECK_OK(cns_board_add_partial(b, partial, len, owned, owned_len, 0, NULL, &diag));
    CHECK_OK(cns_board_publish_result(b, NULL, 0, &diag));
    CHECK_OK(cns_board_close(b, &diag));
    free(partial);
    free(owned);
}

/* Remove the folder (and whatever the test left in it) and free everything. */
static inline void whole_free(whole_election *f)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    CHECK(system(cmd) == 0);
    cns_credential_batch_free(f->voters);
    cns_election_free(f->parsed);
    free(f->election);
    free(f->trustees);
    free(f->credentials);
    sodium_memzero(&f->trustee_key, sizeof f->trustee_key);
}

#endif
