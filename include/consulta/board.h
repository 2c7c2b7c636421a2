/*
 * consulta — the public board (a Belenios record, UUID.bel) and its rules.
 *
 * One set of rules serves the auditor who verifies a record and the
 * administrator who appends to it: opening a board reads and verifies it
 * from its first event, and every append is checked by the same code before
 * it is written (Belenios spec 2.0 §3.5; ATTACKS.md).
 *
 * What is checked: the archive's structure and hash chain; the setup
 * (election, trustees with every proof, public credentials distinct and
 * valid, election key = product of the trustees' keys); every ballot
 * (canonical, signed by a listed credential, every proof) and the board
 * rules (no ballot replayed, no ciphertext repeated, at most one counted
 * ballot per credential — the last); the encrypted tally, recomputed and
 * compared; every partial decryption's proofs against its trustee's key;
 * the result, recomputed from any sufficient set of partial decryptions.
 *
 * Memory grows with the number of credentials and ballots only through
 * fixed-size fingerprints; ballots are streamed, never all held.
 *
 * THREAD SAFETY: a board is used by one thread at a time.
 */
#ifndef CONSULTA_BOARD_H
#define CONSULTA_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "consulta/archive.h"
#include "consulta/election.h"
#include "consulta/error.h"
#include "consulta/tally.h"

typedef struct cns_board cns_board;

/* Told now and then how far a long operation is (done of total, in its unit). */
typedef void (*cns_progress_fn)(void *ctx, const char *phase, uint64_t done, uint64_t total);

/* Open for appending (lock the file), not only for reading. */
#define CNS_BOARD_APPEND 1u

/*
 * Read and verify the record at path, keeping what the rules need.
 * progress may be NULL. OUT: *out, freed with cns_board_free — also after a
 * failure, when it is not NULL and tells what was read before it (summary,
 * election). Errors: the first failure, diag naming the event, ballot or
 * trustee and the check: CNS_ERR_VERIFY (a proof, hash, chain link or
 * recomputation does not check), CNS_ERR_INVALID (a rule is broken), and
 * CNS_ERR_DECODE, CNS_ERR_NOTFOUND, CNS_ERR_IO, CNS_ERR_NOMEM, CNS_ERR_LIMIT.
 */
CNS_NODISCARD cns_err cns_board_open(cns_board **out, const char *path, unsigned flags,
                                     cns_progress_fn progress, void *progress_ctx, cns_diag *diag);

/*
 * Start a new record at path (which must not exist), as belenios-tool
 * archive init does: election, trustees and public credentials (each
 * without its file's trailing newline; copied) are checked as a verifier
 * would, then written with setup_data and the Setup event. The board is open
 * for appending. OUT: *out.
 */
CNS_NODISCARD cns_err cns_board_create(cns_board **out, const char *path, const char *election,
                                       size_t election_len, const char *trustees,
                                       size_t trustees_len, const char *credentials,
                                       size_t credentials_len, uint64_t timestamp, cns_diag *diag);

/* Close (sync, unlock) and free; NULL is fine. Errors: CNS_ERR_IO. */
CNS_NODISCARD cns_err cns_board_close(cns_board *board, cns_diag *diag);

/* Free without syncing; NULL is fine. */
void cns_board_free(cns_board *board);

/* The election (borrowed), or NULL before the setup was read. */
const cns_election *cns_board_election(const cns_board *board);

typedef struct cns_board_summary {
    uint64_t credentials;         /* public credentials */
    uint64_t ballots;             /* Ballot events */
    uint64_t counted;             /* ballots that count (the last per credential) */
    uint64_t total_weight;        /* their weight */
    uint64_t partial_decryptions; /* PartialDecryption events */
    bool ballots_closed;          /* EndBallots seen */
    bool tallied;                 /* EncryptedTally seen */
    bool has_result;              /* Result seen */
    cns_archive_head head;        /* the chain head: record it to audit the next board */
} cns_board_summary;

/* OUT: what the board holds so far. */
void cns_board_summary_get(const cns_board *board, cns_board_summary *out);

/* The encrypted tally once published (borrowed), else NULL. */
const cns_tally *cns_board_tally(const cns_board *board);

/* The result once published and checked (borrowed), else NULL. */
const cns_result *cns_board_result(const cns_board *board);

/*
 * Cast a ballot (len bytes, no newline): verified, held to the board rules,
 * then appended with a Ballot event. A revote by the same credential
 * replaces its previous ballot in the count. OUT: tracker, the smart ballot
 * tracker (may be NULL). Nothing is written when it is refused.
 * Errors: those of cns_ballot_parse/verify, CNS_ERR_INVALID (rules),
 * CNS_ERR_STATE (ballots are closed, or the board is read-only), CNS_ERR_IO.
 */
CNS_NODISCARD cns_err cns_board_cast(cns_board *board, const char *ballot, size_t len,
                                     char tracker[CNS_HASH_B64_BYTES], cns_diag *diag);

/* Close the ballot box (EndBallots). Errors: CNS_ERR_STATE, CNS_ERR_IO. */
CNS_NODISCARD cns_err cns_board_end_ballots(cns_board *board, cns_diag *diag);

/*
 * Publish the encrypted tally (EncryptedTally): computed from the counted
 * ballots. If json is not NULL (len bytes, an encrypted_tally made by another
 * tool) it must equal the computed one, and so must sized (the
 * sized_encrypted_tally that belenios-tool prints after it) if not NULL.
 */
CNS_NODISCARD cns_err cns_board_publish_tally(cns_board *board, const char *json, size_t len,
                                              const char *sized, size_t sized_len,
                                              cns_diag *diag);

/*
 * Add a trustee's partial decryption (len bytes) of the published tally
 * after checking its proofs. owned (may be NULL) is the wrapper
 * {"owner","payload"} belenios-tool prints after it: its payload must be
 * the partial decryption's hash and its owner is the trustee. Otherwise
 * owner is the trustee id (1-based), or 0 to find the trustee whose key the
 * proofs verify with. OUT: *owner_out (may be NULL).
 */
CNS_NODISCARD cns_err cns_board_add_partial(cns_board *board, const char *json, size_t len,
                                            const char *owned, size_t owned_len, uint64_t owner,
                                            uint64_t *owner_out, cns_diag *diag);

/*
 * As trustee with secret x: the partial decryption of the published tally
 * and its wrapper {"owner","payload"}, the owner being the trustee whose key
 * is g^x. OUT: *json, *owned (malloc'd; caller frees). Errors: CNS_ERR_STATE
 * (no tally yet), CNS_ERR_NOTFOUND (x is no trustee's key).
 * CT: constant time in x.
 */
CNS_NODISCARD cns_err cns_board_decrypt(const cns_board *board, const cns_scalar *x, char **json,
                                        size_t *len, char **owned, size_t *owned_len,
                                        cns_diag *diag);

/*
 * Publish the result (Result): computed from the partial decryptions; if
 * json is not NULL it must equal the computed one.
 */
CNS_NODISCARD cns_err cns_board_publish_result(cns_board *board, const char *json, size_t len,
                                               cns_diag *diag);

#endif
