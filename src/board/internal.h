/* The board's state, shared by its files. Internal to the library. */
#ifndef CONSULTA_BOARD_INTERNAL_H
#define CONSULTA_BOARD_INTERNAL_H

#include "consulta/ballot.h"
#include "consulta/board.h"
#include "consulta/trustees.h"
#include "core/map.h"

/* A data entry kept until the event that refers to it. */
typedef struct pending_data {
    unsigned char hash[CNS_HASH_BYTES];
    char *bytes;
    size_t len;
} pending_data;

/* A verified partial decryption and its trustee. */
typedef struct board_partial {
    uint64_t owner;
    cns_partial *partial;
} board_partial;

struct cns_board {
    char *path;                 /* the file, or NULL for a store board */
    bool has_store;             /* entries live in store, not in a file */
    cns_board_store store;      /* (copied) */
    bool trusted;               /* CNS_BOARD_TRUSTED: ballots' proofs not checked on reading */
    cns_archive_writer *writer; /* NULL when read-only; a sink writer for a store board */
    cns_election *election;
    cns_trustees *trustees;
    /* credential fingerprint → weight << 32 | index of its last ballot (1-based; 0: none) */
    cns_map credentials;
    cns_map ballots_seen; /* ballot fingerprint → index (ATTACKS.md #6, #7) */
    cns_map alphas_seen;  /* ciphertext alpha fingerprint → ballot index (#6, #12) */
    cns_map superseded;   /* ballot index → weight, for ballots replaced by a revote */
    cns_map revotes;      /* credential fingerprint → ballots after its first (revoters only) */
    cns_tally *tally;     /* all ballots cast; the counted ones once ballots are closed */
    bool tally_final;     /* superseded ballots taken out */
    board_partial *partials;
    size_t n_partials;
    cns_result result;
    /* the mixnet: the next shuffle's input (nh_ciphertexts JSON), shuffles so far, EndShuffles */
    char *mix_cts;
    size_t mix_len;
    uint64_t n_shuffles;
    bool shuffles_ended;
    cns_board_summary summary;
    pending_data *pending; /* data entries since the last event (while reading) */
    size_t n_pending, cap_pending;
    struct ballot_batch *batch; /* Ballot events read, waiting to be verified together */
    struct board_mark *mark;    /* what to come back to (cns_board_mark), or NULL */
    cns_progress_fn progress;
    void *progress_ctx;
};

/* ---- board.c ---- */

/* A board with nothing in it yet, for path (copied; NULL: a store board). OUT: *out (set even on
 * failure). */
CNS_NODISCARD cns_err cns_board_new(cns_board **out, const char *path);

/* A store board's sink writer, handing entries to store->put. */
CNS_NODISCARD cns_err cns_board_store_writer(cns_board *b, const cns_board_store *store,
                                             cns_diag *diag);

/* Call fn on every entry of the board from index 0 on: its file's or its store's. */
CNS_NODISCARD cns_err cns_board_each(cns_board *b, cns_board_entry_fn fn, void *ctx,
                                     cns_diag *diag);

/* The data entry with this hash among those since the last event, or NULL. */
const pending_data *cns_board_pending(const cns_board *b, const unsigned char *hash);

/* The map key of a group element (a fingerprint of its canonical encoding). */
void cns_board_elt_key(unsigned char key[CNS_KEY_BYTES], const cns_group *group, const cns_elt *e);

/* Whether the election has a non-homomorphic question (its ballots go through the mixnet). */
bool cns_board_has_nh(const cns_election *e);

/*
 * Whether the board follows a decryption now: with a non-homomorphic
 * question, not before EndShuffles (CNS_ERR_STATE), and not after it either
 * (CNS_ERR_INVALID: the decryption of shuffled ciphertexts is not followed yet).
 */
CNS_NODISCARD cns_err cns_board_check_decryption(const cns_board *b, cns_diag *diag);

/*
 * A trustee's shuffle (ATTACKS.md #16, #17): only after the encrypted tally
 * and before EndShuffles, by the trustees each in turn (1, 2, …, none
 * skipped), its proofs verified against exactly the previous output.
 * Changes nothing; OUT: *next (malloc'd), the next shuffle's input.
 */
CNS_NODISCARD cns_err cns_board_check_shuffle(const cns_board *b, uint64_t owner,
                                              const char *shuffle, size_t len, char **next,
                                              size_t *next_len, cns_diag *diag);

/* Count a checked shuffle; takes next. */
void cns_board_keep_shuffle(cns_board *b, char *next, size_t next_len);

/* EndShuffles: each trustee has shuffled. Changes nothing. */
CNS_NODISCARD cns_err cns_board_check_end_shuffles(const cns_board *b, cns_diag *diag);

/* ---- batch.c: ballots read from a record, verified on all cores, applied in order ---- */

/*
 * Queue the ballot of a Ballot event being read (data d: its bytes are
 * taken, d is left empty); the queue is verified and applied when full.
 * The outcome, diagnostics included, is the one reading one ballot at a
 * time would give.
 */
CNS_NODISCARD cns_err cns_board_batch_add(cns_board *b, const cns_archive_entry *event,
                                          pending_data *d, cns_diag *diag);

/*
 * Verify the queued ballots (in parallel), then hold each to the rules and
 * count it, in order; stop at the first failure, named as reading would name
 * it ("Ballot event at height H: ballot N: …").
 */
CNS_NODISCARD cns_err cns_board_batch_flush(cns_board *b, cns_diag *diag);

void cns_board_batch_free(cns_board *b);

/* ---- setup.c: election, trustees, credentials (nothing is written) ---- */
CNS_NODISCARD cns_err cns_board_setup(cns_board *b, const char *election, size_t election_len,
                                      const char *trustees, size_t trustees_len,
                                      const char *credentials, size_t credentials_len,
                                      cns_diag *diag);

/* ---- ballots.c: the rules for one ballot ---- */

/* Everything the board remembers of one accepted ballot, computed by the check. */
typedef struct ballot_marks ballot_marks;

/* Parse, verify (unless the board is trusted) and hold a ballot to the rules; changes nothing. OUT:
 * *marks. */
CNS_NODISCARD cns_err cns_board_check_ballot(cns_board *b, const char *bytes, size_t len,
                                             cns_ballot **ballot, ballot_marks **marks,
                                             cns_diag *diag);

/* Hold a parsed (and verified) ballot to the rules; changes nothing. OUT: *marks. */
CNS_NODISCARD cns_err cns_board_check_rules(cns_board *b, const cns_ballot *ballot,
                                            ballot_marks **marks, cns_diag *diag);

/* Remember an accepted ballot as the board's next one and count it; frees marks. */
CNS_NODISCARD cns_err cns_board_commit_ballot(cns_board *b, const cns_ballot *ballot,
                                              ballot_marks *marks);

void cns_board_marks_free(ballot_marks *marks);

/* ---- mark.c: coming back to a mark after the store's transaction failed ---- */

/* One ballot committed since the mark, as a rewind forgets it. */
typedef struct board_undo {
    unsigned char ballot_key[CNS_KEY_BYTES], credential_key[CNS_KEY_BYTES];
    uint64_t credential_before; /* the credential's value before */
    uint64_t superseded;        /* the index of the ballot it replaced, or 0 */
    bool revote_inserted;       /* its revotes entry was made (else counted up, if superseded) */
    unsigned char (*alpha_keys)[CNS_KEY_BYTES]; /* taken */
    size_t n_alphas;
} board_undo;

/* Record a ballot committed while a mark is set (takes u->alpha_keys); ok: it was whole. */
void cns_board_journal(cns_board *b, board_undo *u, bool ok);

void cns_board_mark_free(cns_board *b);

/* ---- count.c: tally, partial decryptions, result ---- */

/* Take the superseded ballots out of the tally (reads the file again). */
CNS_NODISCARD cns_err cns_board_finish_tally(cns_board *b, cns_diag *diag);

/* Check a published encrypted tally (json) against the board's own. */
CNS_NODISCARD cns_err cns_board_check_tally(cns_board *b, const char *json, size_t len,
                                            uint64_t num, uint64_t weight, cns_diag *diag);

/* Parse and verify a partial decryption; owner 0: find it. OUT: *partial, *owner_out. */
CNS_NODISCARD cns_err cns_board_check_partial(cns_board *b, const char *json, size_t len,
                                              uint64_t owner, cns_partial **partial,
                                              uint64_t *owner_out, cns_diag *diag);

/* Remember a verified partial decryption (takes partial). */
CNS_NODISCARD cns_err cns_board_keep_partial(cns_board *b, cns_partial *partial, uint64_t owner);

/* Compute the result from the kept partial decryptions into b->result. */
CNS_NODISCARD cns_err cns_board_compute_result(cns_board *b, cns_diag *diag);

/* Check a published result (json) against b->result. */
CNS_NODISCARD cns_err cns_board_check_result(cns_board *b, const char *json, size_t len,
                                             cns_diag *diag);

#endif
