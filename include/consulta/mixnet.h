/*
 * consulta — the trustees' mixnet on Belenios' files (spec 2.0 §4.17, §6).
 *
 * A shuffle step takes the non-homomorphic ciphertexts of an election (one
 * list per non-homomorphic question, "nh_ciphertexts": the encrypted tally's
 * columns of those questions, or the previous shuffle's "ciphertexts") and
 * writes a Belenios `shuffle` structure:
 *   {"ciphertexts":[[{"alpha":…,"beta":…},…],…],"proofs":[proof,…]}
 * with each proof the JSON array [t, s, c, ĉ] of spec 2.0 §4.17, written
 * compactly as Belenios writes it.
 *
 * The election is read only for its group, public key and fingerprint φ
 * (Base64 of SHA-256 of the election.json bytes); which questions are non-
 * homomorphic is the caller's business here.
 *
 * THREAD SAFETY: reentrant; each call uses every core (CNS_THREADS).
 */
#ifndef CONSULTA_MIXNET_H
#define CONSULTA_MIXNET_H

#include <stddef.h>

#include "consulta/error.h"

/* Largest shuffle document read (bytes). */
#define CNS_MIXNET_MAX_BYTES ((size_t)1 << 30)

/*
 * Shuffle the ciphertexts cts (nh_ciphertexts JSON, cts_len bytes) of the
 * election election_json (its bytes, without the file's final newline): OUT
 * *out (malloc'd, NUL-terminated, *out_len bytes without a newline), the
 * shuffle structure. CT: the permutation and nonces are wiped after use.
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_LIMIT, CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_mixnet_shuffle(const char *election_json, size_t election_len,
                                         const char *cts, size_t cts_len, char **out,
                                         size_t *out_len, cns_diag *diag);

/*
 * Check that shuffle (shuffle JSON, canonical) is a valid shuffle of cts:
 * same shape, every element in the group, every proof of shuffle valid
 * against exactly cts. OUT (optional, may be NULL): *next, the shuffled
 * ciphertexts as nh_ciphertexts JSON, the input of the next shuffle.
 * Errors: CNS_ERR_VERIFY ("question N: proof of shuffle does not verify
 * (t1)"), CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_LIMIT, CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_mixnet_verify(const char *election_json, size_t election_len,
                                        const char *cts, size_t cts_len, const char *shuffle,
                                        size_t shuffle_len, char **next, size_t *next_len,
                                        cns_diag *diag);

#endif
