/*
 * consulta — the tally (Belenios spec 2.0 §4.16, §4.18, §4.19): the
 * encrypted tally recomputed from the counted ballots, the trustees' partial
 * decryptions with their proofs, and the result.
 *
 * THREAD SAFETY: an encrypted tally is written by one thread at a time;
 * several partial tallies built on separate threads combine with
 * cns_tally_merge (the product is the same in any order).
 */
#ifndef CONSULTA_TALLY_H
#define CONSULTA_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "consulta/ballot.h"
#include "consulta/election.h"
#include "consulta/error.h"

typedef struct cns_tally cns_tally;

/* An empty encrypted tally for the election (every ciphertext is (1, 1)). */
CNS_NODISCARD cns_err cns_tally_new(cns_tally **out, const cns_election *election);

/* Free a tally; NULL is fine. */
void cns_tally_free(cns_tally *tally);

/*
 * Multiply in the ciphertexts of a (verified) ballot, each raised to weight
 * (≥ 1). Errors: CNS_ERR_LIMIT if the total weight would overflow.
 */
CNS_NODISCARD cns_err cns_tally_add(cns_tally *tally, const cns_ballot *ballot, uint64_t weight);

/*
 * Take a ballot back out (divide by its ciphertexts raised to weight): for a
 * ballot superseded by a revote after it was added.
 * Errors: CNS_ERR_INVALID if the tally holds no ballot or less weight.
 */
CNS_NODISCARD cns_err cns_tally_remove(cns_tally *tally, const cns_ballot *ballot, uint64_t weight);

/* Multiply the partial tally src into dst (same election). */
CNS_NODISCARD cns_err cns_tally_merge(cns_tally *dst, const cns_tally *src);

/* Number of ballots counted, and the sum of their weights. */
uint64_t cns_tally_num_tallied(const cns_tally *tally);
uint64_t cns_tally_total_weight(const cns_tally *tally);

/* OUT: the encrypted_tally JSON (malloc'd; caller frees). */
CNS_NODISCARD cns_err cns_tally_write(const cns_tally *tally, char **json, size_t *len);

/*
 * Parse a published encrypted_tally (shape from the election, canonical
 * form). num_tallied and total_weight come from the sized_encrypted_tally.
 */
CNS_NODISCARD cns_err cns_tally_parse(cns_tally **out, const cns_election *election,
                                      const char *json, size_t len, uint64_t num_tallied,
                                      uint64_t total_weight, cns_diag *diag);

/* Whether two tallies hold the same ciphertexts and counts. */
bool cns_tally_equal(const cns_tally *a, const cns_tally *b);

/*
 * OUT: the non-homomorphic questions' columns of the tally, as Belenios'
 * nh_ciphertexts: [[ciphertext…] per non-homomorphic question], each column
 * one ciphertext per counted ballot, sorted (the input of the first
 * shuffle; consulta/mixnet.h). json is malloc'd.
 */
CNS_NODISCARD cns_err cns_tally_write_nh(const cns_tally *tally, char **json, size_t *len);

/*
 * OUT: the sized_encrypted_tally JSON {"num_tallied","total_weight",
 * "encrypted_tally":<hex hash of the encrypted_tally data>}.
 */
CNS_NODISCARD cns_err cns_tally_write_sized(const cns_tally *tally, const char *tally_hash_hex,
                                            char **json, size_t *len);

/* ---- partial decryptions -------------------------------------------------------- */

typedef struct cns_partial cns_partial;

/*
 * A trustee's partial decryption of the tally with its private key (or key
 * share) x: each factor alpha^x with a proof bound to φ and X = g^x.
 * OUT: *json (malloc'd). CT: constant time in x.
 */
CNS_NODISCARD cns_err cns_partial_make(char **json, size_t *len, const cns_election *election,
                                       const cns_tally *tally, const cns_scalar *x);

/* Parse a partial decryption of this tally's shape (canonical form). */
CNS_NODISCARD cns_err cns_partial_parse(cns_partial **out, const cns_election *election,
                                        const char *json, size_t len, cns_diag *diag);

void cns_partial_free(cns_partial *partial);

/*
 * Check every decryption proof of a partial decryption against the tally
 * and the trustee's verification key X. diag names the question and answer.
 */
CNS_NODISCARD cns_err cns_partial_verify(const cns_election *election, const cns_tally *tally,
                                         const cns_partial *partial, const cns_elt *X,
                                         cns_diag *diag);

/*
 * Combine decryption factors: OUT: *out whose factor for each ciphertext is
 * Π parts[i].factor ^ exponents[i] (1 for a "Single" trustee, the Lagrange
 * coefficient for a member of a threshold group). parts are borrowed and
 * must have been verified.
 */
CNS_NODISCARD cns_err cns_partial_combine(cns_partial **out, const cns_election *election,
                                          const cns_partial *const *parts,
                                          const cns_scalar *exponents, size_t n);

/*
 * OUT: the Lagrange coefficient λ_δ = Π_{k∈I, k≠δ} k/(k−δ) mod q for the
 * 1-based trustee indices I (n distinct values, δ among them).
 * Errors: CNS_ERR_INVALID if an index repeats or δ is not in I.
 */
CNS_NODISCARD cns_err cns_lagrange(const cns_group *group, cns_scalar *out, const uint32_t *indices,
                                   size_t n, uint32_t delta);

/* ---- result ------------------------------------------------------------------------- */

/* The counts per question and per ciphertext (blank count first when allowed). */
typedef struct cns_result {
    uint64_t **counts; /* counts[q][j] */
    size_t *widths;    /* cns_question_width of each question */
    size_t n_questions;
    /* starts[q]: NULL, or for a "Lists" question widths[q] flags, 1 where a list begins
     * (its counts are written nested, one array per list) */
    unsigned char **starts;
} cns_result;

/*
 * One decryption factor per ciphertext already combined over the trustees
 * (see trustees.h for the combination): the result is log_g(beta / factor),
 * searched up to the tally's total weight. partials_combined is a partial
 * whose factors are the combined ones.
 * OUT: *result (free with cns_result_free). Errors: CNS_ERR_VERIFY if a
 * logarithm is not found within the bound.
 */
CNS_NODISCARD cns_err cns_result_decrypt(cns_result *result, const cns_election *election,
                                         const cns_tally *tally, const cns_partial *combined,
                                         cns_diag *diag);

/* OUT: {"result":[[…],…]}. */
CNS_NODISCARD cns_err cns_result_write(const cns_result *result, char **json, size_t *len);

/* Parse a published result of this election's shape. */
CNS_NODISCARD cns_err cns_result_parse(cns_result *result, const cns_election *election,
                                       const char *json, size_t len, cns_diag *diag);

/* Whether two results are equal. */
bool cns_result_equal(const cns_result *a, const cns_result *b);

void cns_result_free(cns_result *result);

#endif
