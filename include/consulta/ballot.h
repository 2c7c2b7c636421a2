/*
 * consulta — ballots (Belenios spec 2.0 §4.11–4.15): made from a private
 * credential and the voter's choices, with every proof the specification
 * requires; parsed strictly and verified by the rules belenios-tool applies.
 *
 * THREAD SAFETY: distinct ballots may be made, parsed and verified on several
 * threads at once; a parsed ballot is immutable.
 */
#ifndef CONSULTA_BALLOT_H
#define CONSULTA_BALLOT_H

#include <stddef.h>

#include "consulta/election.h"
#include "consulta/error.h"
#include "consulta/group.h"
#include "consulta/limits.h"

typedef struct cns_ballot cns_ballot;

/*
 * The voter's plaintext choices, one 0/1 value per ciphertext, questions one
 * after the other: for a question allowing blank, a leading blank flag then
 * one value per answer ([1,0,…,0] is a blank vote). total is the sum of
 * cns_question_width over the questions.
 */
typedef struct cns_choices {
    unsigned char *values;
    size_t total;
} cns_choices;

/*
 * Parse choices written as belenios-tool takes them: a JSON array with one
 * array of 0/1 per question, e.g. [[0,1,0],[0,0,1,0,0]]. Checks the shape
 * against the election and the rules of each question (min, max, blank).
 * OUT: *out (free with cns_choices_free). Errors: CNS_ERR_DECODE, CNS_ERR_INVALID.
 */
CNS_NODISCARD cns_err cns_choices_parse(cns_choices *out, const cns_election *election,
                                        const char *json, size_t len, cns_diag *diag);

/* Check choices against the election's questions (shape, 0/1, min/max, blank). */
CNS_NODISCARD cns_err cns_choices_check(const cns_choices *choices, const cns_election *election,
                                        cns_diag *diag);

/* Wipe and free choices' values; the struct itself is the caller's. */
void cns_choices_free(cns_choices *choices);

/*
 * Make a ballot: encrypt the choices under the election key, prove each
 * value is 0 or 1, prove each question's constraints (overall and blank
 * proofs), and sign with the credential secret. OUT: *json (malloc'd, NUL
 * terminated, no newline; caller frees), *len.
 * CT: constant time in the choices and the credential secret, for choices
 * that pass cns_choices_check.
 */
CNS_NODISCARD cns_err cns_ballot_make(char **json, size_t *len, const cns_election *election,
                                      const cns_scalar *credential_secret,
                                      const cns_choices *choices, cns_diag *diag);

/* ---- the Benaloh audit (cast-as-intended) ---------------------------------------------------- */

/*
 * Progress while a ballot is made: done of total steps (one per ciphertext,
 * then one per question's overall proofs); called on the making thread.
 */
typedef void cns_ballot_progress(void *ctx, size_t done, size_t total);

/* Longest audit record accepted (bytes): the ballot, escaped, plus choices and randomness. */
#define CNS_BALLOT_AUDIT_MAX_BYTES (3 * CNS_MAX_BALLOT_BYTES)

/*
 * Make a ballot as cns_ballot_make does, and its Benaloh audit record: the
 * JSON object {"ballot":"<the ballot text>","choices":[[0,1,…],…],
 * "randomness":[["<r>",…],…]}, with choices as cns_choices_parse reads them
 * and, in the same shape, the decimal nonce r of each ciphertext (its
 * encryption is (g^r, y^r·g^m)). progress may be NULL.
 * OUT: *json, *len as cns_ballot_make; *audit (malloc'd, NUL terminated, no
 * newline), *audit_len. The record reveals the vote: a ballot whose record is
 * shown must never be cast, and a record not shown is wiped (sodium_memzero)
 * before it is freed. On error both outputs are NULL.
 * Errors: those of cns_ballot_make.
 * CT: as cns_ballot_make; the record is written in constant time in the
 * choices and nonces, except for the lengths of the nonces' decimal texts.
 */
CNS_NODISCARD cns_err cns_ballot_make_audit(char **json, size_t *len, char **audit,
                                            size_t *audit_len, const cns_election *election,
                                            const cns_scalar *credential_secret,
                                            const cns_choices *choices,
                                            cns_ballot_progress *progress, void *ctx,
                                            cns_diag *diag);

/*
 * Check a Benaloh audit record (audit: len bytes, borrowed, at most
 * CNS_BALLOT_AUDIT_MAX_BYTES) against the election: parse it strictly
 * (exactly the fields "ballot", "choices", "randomness"; the ballot parsed as
 * cns_ballot_parse does, so it must be for this election), recompute every
 * ciphertext from its choice and randomness through the group interface and
 * compare it with the ballot's, then check every proof of the ballot
 * (cns_ballot_verify). The first failure is reported, e.g.
 * "audit record: question 2, answer 3: the ballot's ciphertext is not the
 * encryption of 1 with this randomness" (for a question allowing blank, its
 * first value is named "blank flag").
 * Errors: CNS_ERR_LIMIT (too long), CNS_ERR_DECODE (not JSON, wrong shape or
 * field, bad scalar text, ballot that does not parse), CNS_ERR_INVALID
 * (ballot for another election), CNS_ERR_VERIFY (a ciphertext differs, a
 * proof fails), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_ballot_audit_check(const cns_election *election, const char *audit,
                                             size_t len, cns_diag *diag);

/*
 * Parse one ballot (len bytes, no newline): JSON shape, every element in the
 * group, canonical form, and that it is for this election (uuid and
 * fingerprint). Proofs are not checked here: see cns_ballot_verify.
 * OUT: *out, freed with cns_ballot_free; bytes are copied.
 */
CNS_NODISCARD cns_err cns_ballot_parse(cns_ballot **out, const cns_election *election,
                                       const char *bytes, size_t len, cns_diag *diag);

/*
 * Check every proof of a parsed ballot: the credential's signature over the
 * ballot's hash, each 0/1 proof, each overall and blank proof. diag names
 * the question and the proof that fails. Errors: CNS_ERR_VERIFY,
 * CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_ballot_verify(const cns_election *election, const cns_ballot *ballot,
                                        cns_diag *diag);

/*
 * The two halves of cns_ballot_verify, for who refuses cheaply first: the
 * credential's signature alone (one proof), then every other proof.
 * Errors: as cns_ballot_verify.
 */
CNS_NODISCARD cns_err cns_ballot_verify_signature(const cns_election *election,
                                                  const cns_ballot *ballot, cns_diag *diag);
CNS_NODISCARD cns_err cns_ballot_verify_proofs(const cns_election *election,
                                               const cns_ballot *ballot, cns_diag *diag);

/* Free a ballot; NULL is fine. */
void cns_ballot_free(cns_ballot *ballot);

/* The public credential the ballot is signed with (borrowed). */
const cns_elt *cns_ballot_credential(const cns_ballot *ballot);

/* The ballot's bytes, as parsed (borrowed). */
const char *cns_ballot_bytes(const cns_ballot *ballot, size_t *len);

/* OUT: the smart ballot tracker, Base64(SHA-256(ballot bytes)) without padding. */
void cns_ballot_tracker(const cns_ballot *ballot, char out[CNS_HASH_B64_BYTES]);

/* OUT: the tracker of a ballot's bytes (len, borrowed) without parsing them (a ballot just made).
 */
void cns_ballot_tracker_of(const char *bytes, size_t len, char out[CNS_HASH_B64_BYTES]);

#endif
