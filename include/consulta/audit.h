/*
 * consulta — the auditor: verify a whole public record (a Belenios board,
 * UUID.bel) from its first event to its result, and name exactly the item
 * that fails (Belenios spec 2.0 §3.5; ATTACKS.md).
 *
 * What is checked, in order: the archive's structure and hash chain; the
 * setup (election, trustees with every proof, public credentials distinct
 * and valid, election key = product of the trustees' keys); every ballot
 * (canonical form, signed by a listed credential, every proof) and the board
 * rules (no ballot replayed, no ciphertext repeated, at most one counted
 * ballot per credential — the last); the encrypted tally, recomputed and
 * compared; every partial decryption's proofs against its trustee's key;
 * the result, recomputed from any valid set of partial decryptions and
 * compared.
 *
 * Memory grows with the number of credentials and ballots only through
 * small fixed-size fingerprints; ballots are streamed.
 *
 * THREAD SAFETY: one audit per report at a time.
 */
#ifndef CONSULTA_AUDIT_H
#define CONSULTA_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "consulta/archive.h"
#include "consulta/election.h"
#include "consulta/error.h"
#include "consulta/tally.h"

/* Called now and then with the bytes of the archive read so far and its size. */
typedef void (*cns_progress_fn)(void *ctx, const char *phase, uint64_t done, uint64_t total);

typedef struct cns_audit_report {
    cns_election *election; /* owned by the report; NULL if setup failed */
    uint64_t credentials;   /* public credentials */
    uint64_t ballots;       /* Ballot events */
    uint64_t counted;       /* ballots counted (last per credential) */
    uint64_t total_weight;  /* their weight */
    uint64_t partial_decryptions;
    bool ballots_closed;   /* EndBallots seen */
    bool tallied;          /* EncryptedTally seen (and checked) */
    bool has_result;       /* Result seen (and checked) */
    cns_result result;     /* when has_result */
    cns_archive_head head; /* the chain head: record it to audit the next board */
} cns_audit_report;

/*
 * Verify the record in the archive file at path. OUT: *report (free with
 * cns_audit_report_free, also after a failure: it holds what was learnt).
 * progress may be NULL. Errors: the first failure, with diag naming the
 * entry, the ballot or the trustee, and the check: CNS_ERR_VERIFY (a proof,
 * hash, chain link or recomputation does not check), CNS_ERR_INVALID (a
 * protocol rule is broken: unknown credential, replayed ballot, …),
 * CNS_ERR_DECODE, CNS_ERR_NOTFOUND, CNS_ERR_IO, CNS_ERR_NOMEM, CNS_ERR_LIMIT.
 */
CNS_NODISCARD cns_err cns_audit_record(cns_audit_report *report, const char *path,
                                       cns_progress_fn progress, void *progress_ctx,
                                       cns_diag *diag);

void cns_audit_report_free(cns_audit_report *report);

#endif
