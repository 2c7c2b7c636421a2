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
 * Reopening one's own board (the server restarting, or catching up with
 * another server process on the same database): ballots' proofs are not
 * checked again (they were when cast); every board rule, the chain, the
 * tally, partial decryptions and result still are. An auditor never uses it.
 */
#define CNS_BOARD_TRUSTED 2u

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

/* Called for each entry of a board kept in a store (ctx passed back). */
typedef cns_err (*cns_board_entry_fn)(void *ctx, const cns_archive_entry *entry, cns_diag *diag);

/*
 * Where a board's entries live when they are not in a file (the server's
 * database): exactly the archive's entries, BELENIOS (index 0), data and
 * events, so that the file is a plain copy of them. The board reads them
 * back with each and appends with put; it neither begins nor commits
 * transactions: the caller wraps each operation in one.
 */
typedef struct cns_board_store {
    /*
     * Call fn on every entry from index from on, in order, each with index,
     * kind, hash, content and len set (content borrowed for the call); stop
     * at the first error and return it.
     */
    cns_err (*each)(void *ctx, uint64_t from, cns_board_entry_fn fn, void *fn_ctx, cns_diag *diag);
    /* Keep a new entry (borrowed for the call) after the last one. */
    cns_err (*put)(void *ctx, const cns_archive_entry *entry, cns_diag *diag);
    void *ctx;
} cns_board_store;

/*
 * Read and verify a board kept in store (copied; its ctx must outlive the
 * board), exactly as cns_board_open reads a file, entry by entry, and open
 * it for appending through store->put. flags: 0 or CNS_BOARD_TRUSTED.
 * OUT: *out as for cns_board_open. Errors: those of cns_board_open and of
 * the store.
 */
CNS_NODISCARD cns_err cns_board_open_store(cns_board **out, const cns_board_store *store,
                                           unsigned flags, cns_progress_fn progress,
                                           void *progress_ctx, cns_diag *diag);

/*
 * Start a new board in store (which must be empty), as cns_board_create
 * starts a file: the entries go to store->put. OUT: *out.
 */
CNS_NODISCARD cns_err cns_board_create_store(cns_board **out, const cns_board_store *store,
                                             const char *election, size_t election_len,
                                             const char *trustees, size_t trustees_len,
                                             const char *credentials, size_t credentials_len,
                                             uint64_t timestamp, cns_diag *diag);

/*
 * Apply the entries another writer appended to the store since this board
 * last read or wrote it (from index summary.head.entries on), with every
 * rule of reading. After an error the board must be freed (and reopened).
 * Errors: those of cns_board_open, CNS_ERR_STATE (not a store board).
 */
CNS_NODISCARD cns_err cns_board_catch_up(cns_board *board, cns_diag *diag);

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

/* A ballot parsed and verified against an election, not yet held to a board's rules. */
typedef struct cns_board_ballot cns_board_ballot;

/*
 * The costly half of cns_board_cast, which needs no board: parse the ballot
 * (len bytes, copied) and verify every proof against election (borrowed;
 * only read, so several threads may prepare ballots while one holds the
 * board). OUT: *out, freed with cns_board_ballot_free. Errors: those of
 * cns_ballot_parse and cns_ballot_verify.
 */
CNS_NODISCARD cns_err cns_board_ballot_prepare(cns_board_ballot **out, const cns_election *election,
                                               const char *ballot, size_t len, cns_diag *diag);

/* The prepared ballot's public credential (borrowed). */
const cns_elt *cns_board_ballot_credential(const cns_board_ballot *ballot);

/* Free a prepared ballot; NULL is fine. */
void cns_board_ballot_free(cns_board_ballot *ballot);

/*
 * The same in steps, for a server that refuses cheaply first: parse (OUT:
 * *out, not yet verified), screen against the board's rules that need no
 * proof (ballot box open, not a replay, credential listed, no ciphertext
 * repeated; nothing changes; OUT: *cast, the ballots its credential already
 * cast here), then verify the signature, then the other proofs. A ballot is
 * prepared once both verify. Errors: as cns_board_ballot_prepare and
 * cns_board_cast_prepared.
 */
CNS_NODISCARD cns_err cns_board_ballot_parse(cns_board_ballot **out, const cns_election *election,
                                             const char *ballot, size_t len, cns_diag *diag);
CNS_NODISCARD cns_err cns_board_ballot_screen(cns_board *board, const cns_board_ballot *ballot,
                                              uint64_t *cast, cns_diag *diag);
CNS_NODISCARD cns_err cns_board_ballot_verify_signature(const cns_board_ballot *ballot,
                                                        cns_diag *diag);
CNS_NODISCARD cns_err cns_board_ballot_verify_proofs(cns_board_ballot *ballot, cns_diag *diag);

/* The ballots the credential of ballot has cast on the board (0 when none or not listed). */
uint64_t cns_board_credential_ballots(const cns_board *board, const cns_board_ballot *ballot);

/*
 * The other half: hold a prepared ballot (borrowed) to the board rules and
 * append it, as cns_board_cast does. It must have been prepared against
 * the board's election (the same object, or one with the same fingerprint:
 * the prepared election must outlive the call). OUT: tracker (may be NULL).
 * Errors: as cns_board_cast; CNS_ERR_INVALID for another election,
 * CNS_ERR_STATE for a ballot whose proofs were not verified.
 */
CNS_NODISCARD cns_err cns_board_cast_prepared(cns_board *board, const cns_board_ballot *ballot,
                                              char tracker[CNS_HASH_B64_BYTES], cns_diag *diag);

/*
 * Coming back after the store failed: a board kept in a store (the server's)
 * is changed in memory as it appends, inside the store's transaction; when
 * the transaction fails (a full disk at commit), cns_board_rewind puts the
 * board back as it was at cns_board_mark, without reading it again, so long
 * as only ballots were cast since. cns_board_unmark keeps what was appended.
 * Errors: CNS_ERR_NOMEM (mark); CNS_ERR_STATE (rewind: no mark, or something
 * else than ballots changed since: free the board and open it again).
 */
CNS_NODISCARD cns_err cns_board_mark(cns_board *board);
CNS_NODISCARD cns_err cns_board_rewind(cns_board *board);
void cns_board_unmark(cns_board *board);

/* Close the ballot box (EndBallots). Errors: CNS_ERR_STATE, CNS_ERR_IO. */
CNS_NODISCARD cns_err cns_board_end_ballots(cns_board *board, cns_diag *diag);

/*
 * Publish the encrypted tally (EncryptedTally): computed from the counted
 * ballots. If json is not NULL (len bytes, an encrypted_tally made by another
 * tool) it must equal the computed one, and so must sized (the
 * sized_encrypted_tally that belenios-tool prints after it) if not NULL.
 */
CNS_NODISCARD cns_err cns_board_publish_tally(cns_board *board, const char *json, size_t len,
                                              const char *sized, size_t sized_len, cns_diag *diag);

/*
 * The trustees' mixnet (non-homomorphic questions, consulta/mixnet.h):
 * append trustee owner's shuffle (json: a Belenios shuffle), checked as
 * reading checks it — after the encrypted tally, trustees 1, 2, … each once
 * in turn, every proof of shuffle verified against the previous output —
 * then EndShuffles once every trustee has shuffled.
 * cns_board_shuffle_input: OUT *json (malloc'd), the next shuffle's input
 * (nh_ciphertexts).
 */
CNS_NODISCARD cns_err cns_board_add_shuffle(cns_board *board, const char *json, size_t len,
                                            uint64_t owner, cns_diag *diag);
CNS_NODISCARD cns_err cns_board_end_shuffles(cns_board *board, cns_diag *diag);
CNS_NODISCARD cns_err cns_board_shuffle_input(const cns_board *board, char **json, size_t *len,
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
