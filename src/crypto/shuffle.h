/*
 * The trustees' re-encryption shuffle and its proof (Terelius–Wikström, in
 * the form of CHVote 1.3.2 that Belenios 2.0 specifies: spec 2.0 §4.17, §6),
 * over the group interface. Internal to the library.
 *
 * A shuffle takes the N ciphertexts of one non-homomorphic question, re-
 * encrypts each under the election key y and permutes them; its proof shows
 * that the output is a re-encryption of a permutation of the input, without
 * telling which. The Fiat–Shamir strings are Belenios 2.0's, byte for byte:
 *
 *   str1 = ⟦e⟧⟦e′⟧⟦c⟧   (each "α,β," per ciphertext, "x," per element)
 *   u_i  = int_be(SHA256(hex(SHA256("shuffle-challenges|" φ "|" str1))
 *                        ‖ hex(SHA256(decimal i)))) mod q
 *   c    = int_be(SHA256("shuffle-challenge|" φ "|" ⟦t1,t2,t3,t41,t42⟧⟦t̂⟧
 *                        str1 ⟦ĉ⟧ y)) mod q
 *
 * where φ is the election fingerprint as Belenios writes it.
 *
 * The independent generators h, h_0 … h_{N−1} come from
 * cns_group_indep_generator (hashing into the group), never from the record
 * (ATTACKS.md #5).
 */
#ifndef CONSULTA_CRYPTO_SHUFFLE_H
#define CONSULTA_CRYPTO_SHUFFLE_H

#include <stddef.h>

#include "consulta/error.h"
#include "consulta/group.h"
#include "crypto/crypto.h"

/* The largest shuffle accepted (ciphertexts per question). */
#define CNS_SHUFFLE_MAX 1000000

/* A proof of shuffle of n ciphertexts: π = (t, s, c, ĉ) of spec 2.0 §6 table 4. */
typedef struct cns_shuffle_proof {
    size_t n;
    cns_elt t1, t2, t3, t41, t42;
    cns_scalar s1, s2, s3, s4;
    cns_elt *t_hat;      /* n */
    cns_scalar *s_hat;   /* n */
    cns_scalar *s_prime; /* n */
    cns_elt *c;          /* n: permutation commitments */
    cns_elt *c_hat;      /* n: chained commitments */
} cns_shuffle_proof;

/* Room for a proof of n ciphertexts (n ≤ CNS_SHUFFLE_MAX). Errors: CNS_ERR_LIMIT, CNS_ERR_NOMEM. */
CNS_NODISCARD cns_err cns_shuffle_proof_alloc(cns_shuffle_proof *proof, size_t n);

/* Free what cns_shuffle_proof_alloc allocated; a zeroed struct is fine. */
void cns_shuffle_proof_free(cns_shuffle_proof *proof);

/* The independent generators: h = generator −1, hs[i] = generator i (i < n). */
typedef struct cns_shuffle_gens {
    size_t n;
    cns_elt h;
    cns_elt *hs;
} cns_shuffle_gens;

/*
 * OUT: gens, the generators a shuffle of up to n ciphertexts uses, computed
 * on all cores and checked pairwise distinct (and distinct from 1 and g).
 * Errors: CNS_ERR_LIMIT, CNS_ERR_NOMEM, CNS_ERR_INVALID (a collision).
 */
CNS_NODISCARD cns_err cns_shuffle_gens_make(const cns_group *group, cns_shuffle_gens *gens,
                                            size_t n, cns_diag *diag);
void cns_shuffle_gens_free(cns_shuffle_gens *gens);

/*
 * Shuffle in[0..n-1] under y: OUT out[0..n-1] (re-encrypted, permuted) and
 * proof (allocated here; free with cns_shuffle_proof_free). gens must cover
 * n. fingerprint is φ, NUL-terminated. Work runs on all cores.
 * CT: the permutation and the randomness do not show in timing or memory
 * access, except n.
 * Errors: CNS_ERR_LIMIT, CNS_ERR_NOMEM, CNS_ERR_INVALID (gens too short).
 */
CNS_NODISCARD cns_err cns_shuffle_make(const cns_group *group, const cns_elt *y,
                                       const char *fingerprint, const cns_shuffle_gens *gens,
                                       const cns_ciphertext *in, size_t n, cns_ciphertext *out,
                                       cns_shuffle_proof *proof);

/*
 * Check that out is a shuffle of in (n ciphertexts each) under y with this
 * proof (CheckShuffleProof, spec 2.0 §6 table 5). Elements and scalars are
 * taken as already checked (parsed by the group's decoders).
 * Errors: CNS_ERR_VERIFY (diag names the equation that fails),
 * CNS_ERR_INVALID (sizes differ, gens too short), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_shuffle_verify(const cns_group *group, const cns_elt *y,
                                         const char *fingerprint, const cns_shuffle_gens *gens,
                                         const cns_ciphertext *in, const cns_ciphertext *out,
                                         size_t n, const cns_shuffle_proof *proof, cns_diag *diag);

#endif
