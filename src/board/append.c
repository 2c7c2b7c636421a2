/*
 * Appending to a board: each addition is held to the rules a verifier
 * applies (board.c reads them back with the same code), then written with
 * exactly belenios-tool's bytes. Nothing is written when a check fails.
 */
#include <stdlib.h>
#include <string.h>

#include "board/internal.h"
#include "core/buf.h"
#include "core/hash.h"
#include "record/json.h"

static cns_err writable(const cns_board *b, cns_diag *diag)
{
    if (b->writer == NULL)
        return cns_diag_set(diag, CNS_ERR_STATE, "the board is open read-only");
    return CNS_OK;
}

/* Queue a data entry. OUT: hex, the lowercase hex of its hash (may be NULL). */
static cns_err add_data(cns_board *b, const char *bytes, size_t len, char *hex, cns_diag *diag)
{
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err = cns_archive_writer_add_data(b->writer, bytes, len, hash, diag);
    if (err == CNS_OK && hex != NULL)
        cns_hash_to_hex(hex, hash);
    return err;
}

/* Queue a small JSON wrapper built in buf, then the event that refers to it. */
static cns_err add_wrapped_event(cns_board *b, cns_buf *buf, cns_event_type type, cns_diag *diag)
{
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err = cns_buf_status(buf);
    if (err == CNS_OK)
        err = cns_archive_writer_add_data(b->writer, buf->data, buf->len, hash, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_add_event(b->writer, type, hash, NULL, diag);
    return err;
}

/* The setup entries and the Setup event, through b's writer. */
static cns_err write_setup(cns_board *b, const char *election, size_t election_len,
                           const char *trustees, size_t trustees_len, const char *credentials,
                           size_t credentials_len, cns_diag *diag)
{
    char e[CNS_HASH_HEX_BYTES], t[CNS_HASH_HEX_BYTES], c[CNS_HASH_HEX_BYTES];
    cns_buf setup;
    cns_buf_init(&setup, 1024);
    cns_err err = add_data(b, election, election_len, e, diag);
    if (err == CNS_OK)
        err = add_data(b, trustees, trustees_len, t, diag);
    if (err == CNS_OK)
        err = add_data(b, credentials, credentials_len, c, diag);
    if (err == CNS_OK) {
        cns_buf_printf(&setup, "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}",
                       e, t, c);
        err = add_wrapped_event(b, &setup, CNS_EVENT_SETUP, diag);
    }
    if (err == CNS_OK)
        err = cns_archive_writer_sync(b->writer, diag);
    cns_buf_free(&setup);
    return err;
}

cns_err cns_board_create(cns_board **out, const char *path, const char *election,
                         size_t election_len, const char *trustees, size_t trustees_len,
                         const char *credentials, size_t credentials_len, uint64_t timestamp,
                         cns_diag *diag)
{
    cns_err err = cns_board_new(out, path);
    cns_board *b = *out;
    if (err == CNS_OK)
        err = cns_board_setup(b, election, election_len, trustees, trustees_len, credentials,
                              credentials_len, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_create(&b->writer, path, timestamp, diag);
    if (err == CNS_OK)
        err = write_setup(b, election, election_len, trustees, trustees_len, credentials,
                          credentials_len, diag);
    return err;
}

cns_err cns_board_create_store(cns_board **out, const cns_board_store *store, const char *election,
                               size_t election_len, const char *trustees, size_t trustees_len,
                               const char *credentials, size_t credentials_len, uint64_t timestamp,
                               cns_diag *diag)
{
    cns_err err = cns_board_new(out, NULL);
    cns_board *b = *out;
    if (err == CNS_OK)
        err = cns_board_setup(b, election, election_len, trustees, trustees_len, credentials,
                              credentials_len, diag);
    if (err == CNS_OK)
        err = cns_board_store_writer(b, store, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_start(b->writer, timestamp, diag);
    if (err == CNS_OK)
        err = write_setup(b, election, election_len, trustees, trustees_len, credentials,
                          credentials_len, diag);
    return err;
}

struct cns_board_ballot {
    const cns_election *election; /* verified against */
    cns_ballot *ballot;
    bool verified; /* every proof */
};

cns_err cns_board_ballot_parse(cns_board_ballot **out, const cns_election *election,
                               const char *bytes, size_t len, cns_diag *diag)
{
    cns_board_ballot *p = calloc(1, sizeof *p);
    *out = NULL;
    if (p == NULL)
        return CNS_ERR_NOMEM;
    p->election = election;
    cns_err err = cns_ballot_parse(&p->ballot, election, bytes, len, diag);
    if (err != CNS_OK) {
        cns_board_ballot_free(p);
        return err;
    }
    *out = p;
    return CNS_OK;
}

cns_err cns_board_ballot_verify_signature(const cns_board_ballot *p, cns_diag *diag)
{
    return cns_ballot_verify_signature(p->election, p->ballot, diag);
}

cns_err cns_board_ballot_verify_proofs(cns_board_ballot *p, cns_diag *diag)
{
    cns_err err = cns_ballot_verify_proofs(p->election, p->ballot, diag);
    p->verified = err == CNS_OK;
    return err;
}

cns_err cns_board_ballot_prepare(cns_board_ballot **out, const cns_election *election,
                                 const char *bytes, size_t len, cns_diag *diag)
{
    cns_board_ballot *p = NULL;
    cns_err err = cns_board_ballot_parse(&p, election, bytes, len, diag);
    *out = NULL;
    if (err == CNS_OK)
        err = cns_ballot_verify(election, p->ballot, diag);
    if (err != CNS_OK) {
        cns_board_ballot_free(p);
        return err;
    }
    p->verified = true;
    *out = p;
    return CNS_OK;
}

const cns_elt *cns_board_ballot_credential(const cns_board_ballot *p)
{
    return cns_ballot_credential(p->ballot);
}

void cns_board_ballot_free(cns_board_ballot *p)
{
    if (p == NULL)
        return;
    cns_ballot_free(p->ballot);
    free(p);
}

/* Ballots may be cast: the board is writable and its ballot box open. */
static cns_err castable(const cns_board *b, cns_diag *diag)
{
    cns_err err = writable(b, diag);
    if (err == CNS_OK && b->summary.ballots_closed)
        err = cns_diag_set(diag, CNS_ERR_STATE, "the ballot box is closed");
    return err;
}

/* The ballot was parsed against the board's election (or one with its fingerprint). */
static cns_err same_election(const cns_board *b, const cns_board_ballot *p, cns_diag *diag)
{
    if (p->election != b->election &&
        strcmp(cns_election_fingerprint(p->election), cns_election_fingerprint(b->election)) != 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "the ballot was prepared for another election");
    return CNS_OK;
}

cns_err cns_board_ballot_screen(cns_board *b, const cns_board_ballot *p, uint64_t *cast,
                                cns_diag *diag)
{
    ballot_marks *marks = NULL;
    cns_err err = castable(b, diag);
    *cast = 0;
    if (err == CNS_OK)
        err = same_election(b, p, diag);
    if (err == CNS_OK)
        err = cns_board_check_rules(b, p->ballot, &marks, diag);
    cns_board_marks_free(marks);
    if (err == CNS_OK)
        *cast = cns_board_credential_ballots(b, p);
    return err;
}

uint64_t cns_board_credential_ballots(const cns_board *b, const cns_board_ballot *p)
{
    unsigned char key[CNS_KEY_BYTES];
    cns_board_elt_key(key, cns_election_group(b->election), cns_ballot_credential(p->ballot));
    const uint64_t *cred = cns_map_get(&b->credentials, key);
    if (cred == NULL || (*cred & 0xffffffffULL) == 0)
        return 0;
    const uint64_t *revotes = cns_map_get(&b->revotes, key);
    return 1 + (revotes ? *revotes : 0);
}

cns_err cns_board_cast_prepared(cns_board *b, const cns_board_ballot *p,
                                char tracker[CNS_HASH_B64_BYTES], cns_diag *diag)
{
    ballot_marks *marks = NULL;
    unsigned char hash[CNS_HASH_BYTES];
    size_t len;
    const char *bytes = cns_ballot_bytes(p->ballot, &len);
    cns_err err = castable(b, diag);
    if (err == CNS_OK)
        err = same_election(b, p, diag);
    if (err == CNS_OK && !p->verified)
        err = cns_diag_set(diag, CNS_ERR_STATE, "the ballot's proofs were not verified");
    if (err == CNS_OK)
        err = cns_board_check_rules(b, p->ballot, &marks, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_add_data(b->writer, bytes, len, hash, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_add_event(b->writer, CNS_EVENT_BALLOT, hash, NULL, diag);
    if (err == CNS_OK) {
        if (tracker != NULL)
            cns_ballot_tracker(p->ballot, tracker);
        err = cns_board_commit_ballot(b, p->ballot, marks);
        marks = NULL;
    }
    cns_board_marks_free(marks);
    return err;
}

cns_err cns_board_cast(cns_board *b, const char *bytes, size_t len,
                       char tracker[CNS_HASH_B64_BYTES], cns_diag *diag)
{
    cns_board_ballot *p = NULL;
    cns_err err = castable(b, diag);
    if (err == CNS_OK)
        err = cns_board_ballot_prepare(&p, b->election, bytes, len, diag);
    if (err == CNS_OK)
        err = cns_board_cast_prepared(b, p, tracker, diag);
    cns_board_ballot_free(p);
    return err;
}

cns_err cns_board_end_ballots(cns_board *b, cns_diag *diag)
{
    cns_err err = writable(b, diag);
    if (err == CNS_OK && b->summary.ballots_closed)
        err = cns_diag_set(diag, CNS_ERR_STATE, "the ballot box is already closed");
    if (err == CNS_OK)
        err = cns_archive_writer_add_event(b->writer, CNS_EVENT_END_BALLOTS, NULL, NULL, diag);
    if (err == CNS_OK)
        b->summary.ballots_closed = true;
    return err;
}

/* The board's sized_encrypted_tally for its tally whose bytes hash to hex. */
static void write_sized(cns_buf *sized, const cns_tally *tally, const char *hex)
{
    cns_buf_printf(sized, "{\"num_tallied\":%llu,\"total_weight\":",
                   (unsigned long long)cns_tally_num_tallied(tally));
    cns_jw_weight(sized, cns_tally_total_weight(tally)); /* Belenios 3.x: a string above 2^30 − 1 */
    cns_buf_printf(sized, ",\"encrypted_tally\":\"%s\"}", hex);
}

cns_err cns_board_publish_tally(cns_board *b, const char *json, size_t len, const char *given,
                                size_t given_len, cns_diag *diag)
{
    char *mine = NULL, hex[CNS_HASH_HEX_BYTES];
    size_t mine_len = 0;
    cns_buf sized;
    cns_buf_init(&sized, 1024);
    cns_err err = writable(b, diag);
    if (err == CNS_OK && (!b->summary.ballots_closed || b->summary.tallied))
        err = cns_diag_set(diag, CNS_ERR_STATE,
                           b->summary.tallied ? "the tally is already published"
                                              : "the ballot box is not closed yet");
    if (err == CNS_OK)
        err = cns_board_finish_tally(b, diag);
    if (err == CNS_OK)
        err = cns_tally_write(b->tally, &mine, &mine_len);
    if (err == CNS_OK && json != NULL)
        err = cns_board_check_tally(b, json, len, cns_tally_num_tallied(b->tally),
                                    cns_tally_total_weight(b->tally), diag);
    if (err == CNS_OK) {
        cns_hash_hex(hex, mine, mine_len);
        write_sized(&sized, b->tally, hex);
        err = cns_buf_status(&sized);
    }
    if (err == CNS_OK && given != NULL &&
        (given_len != sized.len || memcmp(given, sized.data, sized.len) != 0))
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "sized encrypted tally: not the board's count, weight and tally hash");
    if (err == CNS_OK)
        err = add_data(b, mine, mine_len, NULL, diag);
    if (err == CNS_OK)
        err = add_wrapped_event(b, &sized, CNS_EVENT_ENCRYPTED_TALLY, diag);
    if (err == CNS_OK)
        b->summary.tallied = true;
    free(mine);
    cns_buf_free(&sized);
    return err;
}

/* {"owner":N,"payload":"hex"} */
static void write_owned(cns_buf *owned, uint64_t owner, const char *hex)
{
    cns_buf_printf(owned, "{\"owner\":%llu,\"payload\":\"%s\"}", (unsigned long long)owner, hex);
}

/* The owner named by belenios-tool's wrapper, whose payload must be json's hash. */
static cns_err owner_of(uint64_t *owner, const char *json, size_t len, const char *owned,
                        size_t owned_len, cns_diag *diag)
{
    char hex[CNS_HASH_HEX_BYTES];
    unsigned long long n = 0;
    int used = 0;
    cns_hash_hex(hex, json, len);
    char expect[128];
    if (owned_len < sizeof expect && sscanf(owned, "{\"owner\":%llu,%n", &n, &used) == 1 && n > 0) {
        int w = snprintf(expect, sizeof expect, "{\"owner\":%llu,\"payload\":\"%s\"}", n, hex);
        if (w > 0 && (size_t)w == owned_len && memcmp(expect, owned, owned_len) == 0) {
            *owner = n;
            return CNS_OK;
        }
    }
    return cns_diag_set(diag, CNS_ERR_INVALID,
                        "owned partial decryption: not {\"owner\":N,\"payload\":\"<hash of the "
                        "partial decryption>\"}");
}

cns_err cns_board_add_shuffle(cns_board *b, const char *json, size_t len, uint64_t owner,
                              cns_diag *diag)
{
    char hex[CNS_HASH_HEX_BYTES], *next = NULL;
    size_t next_len = 0;
    cns_buf owned;
    cns_buf_init(&owned, 1024);
    cns_err err = writable(b, diag);
    if (err == CNS_OK)
        err = cns_board_check_shuffle(b, owner, json, len, &next, &next_len, diag);
    if (err == CNS_OK)
        err = add_data(b, json, len, hex, diag);
    if (err == CNS_OK) {
        write_owned(&owned, owner, hex);
        err = add_wrapped_event(b, &owned, CNS_EVENT_SHUFFLE, diag);
    }
    if (err == CNS_OK) {
        cns_board_keep_shuffle(b, next, next_len);
        next = NULL;
    }
    free(next);
    cns_buf_free(&owned);
    return err;
}

cns_err cns_board_end_shuffles(cns_board *b, cns_diag *diag)
{
    cns_err err = writable(b, diag);
    if (err == CNS_OK)
        err = cns_board_check_end_shuffles(b, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_add_event(b->writer, CNS_EVENT_END_SHUFFLES, NULL, NULL, diag);
    if (err == CNS_OK)
        b->shuffles_ended = true;
    return err;
}

cns_err cns_board_shuffle_input(const cns_board *b, char **json, size_t *len, cns_diag *diag)
{
    *json = NULL;
    if (b->mix_cts == NULL || b->shuffles_ended)
        return cns_diag_set(diag, CNS_ERR_STATE,
                            "no shuffle to make: the election has no non-homomorphic question, "
                            "its tally is not published yet, or the shuffles are over");
    *json = malloc(b->mix_len + 1);
    if (*json == NULL)
        return CNS_ERR_NOMEM;
    memcpy(*json, b->mix_cts, b->mix_len + 1);
    *len = b->mix_len;
    return CNS_OK;
}

cns_err cns_board_add_partial(cns_board *b, const char *json, size_t len, const char *given,
                              size_t given_len, uint64_t owner, uint64_t *owner_out, cns_diag *diag)
{
    cns_partial *partial = NULL;
    char hex[CNS_HASH_HEX_BYTES];
    uint64_t found = 0;
    cns_buf owned;
    cns_buf_init(&owned, 1024);
    cns_err err = writable(b, diag);
    if (err == CNS_OK && (!b->summary.tallied || b->summary.has_result))
        err = cns_diag_set(diag, CNS_ERR_STATE,
                           "partial decryptions come after the tally and "
                           "before the result");
    if (err == CNS_OK)
        err = cns_board_check_decryption(b, diag);
    if (err == CNS_OK && given != NULL)
        err = owner_of(&owner, json, len, given, given_len, diag);
    if (err == CNS_OK)
        err = cns_board_check_partial(b, json, len, owner, &partial, &found, diag);
    if (err == CNS_OK)
        err = add_data(b, json, len, hex, diag);
    if (err == CNS_OK) {
        write_owned(&owned, found, hex);
        err = add_wrapped_event(b, &owned, CNS_EVENT_PARTIAL_DECRYPTION, diag);
    }
    if (err == CNS_OK) {
        err = cns_board_keep_partial(b, partial, found);
        partial = NULL;
        if (owner_out != NULL)
            *owner_out = found;
    }
    cns_partial_free(partial);
    cns_buf_free(&owned);
    return err;
}

cns_err cns_board_decrypt(const cns_board *b, const cns_scalar *x, char **json, size_t *len,
                          char **owned, size_t *owned_len, cns_diag *diag)
{
    const cns_group *group = cns_election_group(b->election);
    char hex[CNS_HASH_HEX_BYTES];
    uint64_t owner = 0;
    cns_elt X;
    cns_buf wrapper;
    *json = *owned = NULL;
    if (!b->summary.tallied)
        return cns_diag_set(diag, CNS_ERR_STATE, "the tally is not published yet");
    cns_group_pow_g(group, &X, x);
    for (uint64_t id = 1; id <= cns_trustees_count(b->trustees) && owner == 0; id++) {
        cns_trustee_info info;
        if (cns_trustees_info(&info, b->trustees, id) == CNS_OK &&
            cns_elt_eq(group, info.verification_key, &X))
            owner = id;
    }
    if (owner == 0)
        return cns_diag_set(diag, CNS_ERR_NOTFOUND,
                            "this key is not the key of any of the election's trustees");
    cns_err err = cns_board_check_decryption(b, diag);
    if (err == CNS_OK)
        err = cns_partial_make(json, len, b->election, b->tally, x);
    if (err != CNS_OK)
        return err;
    cns_hash_hex(hex, *json, *len);
    cns_buf_init(&wrapper, 1024);
    write_owned(&wrapper, owner, hex);
    *owned = cns_buf_take(&wrapper, owned_len);
    if (*owned == NULL) {
        free(*json);
        *json = NULL;
        return CNS_ERR_NOMEM;
    }
    return CNS_OK;
}

cns_err cns_board_publish_result(cns_board *b, const char *json, size_t len, cns_diag *diag)
{
    char *mine = NULL;
    size_t mine_len = 0;
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err = writable(b, diag);
    if (err == CNS_OK && (!b->summary.tallied || b->summary.has_result))
        err = cns_diag_set(diag, CNS_ERR_STATE,
                           b->summary.has_result ? "the result is already published"
                                                 : "the tally is not published yet");
    if (err == CNS_OK)
        err = cns_board_check_decryption(b, diag);
    if (err == CNS_OK)
        err = cns_board_compute_result(b, diag);
    if (err == CNS_OK && json != NULL)
        err = cns_board_check_result(b, json, len, diag);
    if (err == CNS_OK)
        err = cns_result_write(&b->result, &mine, &mine_len);
    if (err == CNS_OK)
        err = cns_archive_writer_add_data(b->writer, mine, mine_len, hash, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_add_event(b->writer, CNS_EVENT_RESULT, hash, NULL, diag);
    if (err == CNS_OK)
        b->summary.has_result = true;
    free(mine);
    return err;
}
