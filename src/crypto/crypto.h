/*
 * The proofs of the Belenios protocol, written once over the group interface:
 * Fiat–Shamir hashing, Schnorr proofs (trustee proofs of knowledge, ballot
 * signatures, signed messages), Chaum–Pedersen proofs (decryption factors),
 * disjunctive proofs (0/1, interval and blank proofs of ballots) and ElGamal.
 *
 * Internal to the library. Nothing here allocates; all values are
 * caller-owned fixed-size structs.
 */
#ifndef CONSULTA_CRYPTO_H
#define CONSULTA_CRYPTO_H

#include <stddef.h>

#include <sodium.h>

#include "consulta/group.h"

/* ---- Fiat–Shamir: challenge = int_be(SHA256(text)) mod q ------------------ */

/* A hash being fed the text of a statement. Copyable by value (no pointers). */
typedef struct cns_fs {
    crypto_hash_sha256_state sha;
} cns_fs;

/* Start a hash with the NUL-terminated text prefix (e.g. "pok|"). */
void cns_fs_init(cns_fs *fs, const char *prefix);

/* Append len raw bytes / a NUL-terminated string. */
void cns_fs_bytes(cns_fs *fs, const void *bytes, size_t len);
void cns_fs_str(cns_fs *fs, const char *s);

/* Append the text form of an element (decimal or hex, as the group writes it). */
void cns_fs_elt(cns_fs *fs, const cns_group *group, const cns_elt *e);

/* OUT: the challenge; consumes fs (it must not be used afterwards). */
void cns_fs_challenge(cns_fs *fs, const cns_group *group, cns_scalar *out);

/* ---- proofs ----------------------------------------------------------------- */

typedef struct cns_proof {
    cns_scalar challenge;
    cns_scalar response;
} cns_proof;

typedef struct cns_ciphertext {
    cns_elt alpha;
    cns_elt beta;
} cns_ciphertext;

/*
 * Schnorr proof of knowledge of x = log_g X: A = g^w, challenge =
 * H(prefix ‖ A), response = w − x·challenge. prefix is borrowed and left
 * unchanged (it is copied before A is appended).
 * CT: constant time in x.
 */
void cns_schnorr_prove(const cns_group *group, cns_proof *out, const cns_scalar *x,
                       const cns_fs *prefix);

/* Check a Schnorr proof for X: A = g^response·X^challenge, challenge = H(prefix ‖ A). */
CNS_NODISCARD cns_err cns_schnorr_verify(const cns_group *group, const cns_proof *proof,
                                         const cns_elt *X, const cns_fs *prefix);

/*
 * Chaum–Pedersen proof that log_g X = log_alpha F = x: A = g^w, B = alpha^w,
 * challenge = H(prefix ‖ A "," B). CT: constant time in x.
 */
void cns_cp_prove(const cns_group *group, cns_proof *out, const cns_scalar *x, const cns_elt *alpha,
                  const cns_fs *prefix);

/* Check a Chaum–Pedersen proof for (X, alpha, F). */
CNS_NODISCARD cns_err cns_cp_verify(const cns_group *group, const cns_proof *proof,
                                    const cns_elt *X, const cns_elt *alpha, const cns_elt *F,
                                    const cns_fs *prefix);

/*
 * A branch of a disjunctive proof claims that (a, b) = (g^r, y^r) for some r.
 * For ciphertext (α, β) and plaintext M, the branch is (α, β/g^M).
 */
typedef struct cns_branch {
    cns_elt a;
    cns_elt b;
} cns_branch;

/*
 * Disjunctive Chaum–Pedersen proof (Belenios iprove and blank proofs): that
 * one of the n branches holds, the true one being `real` with nonce r.
 * Commitments A_j = g^{r_j}·a_j^{c_j}, B_j = y^{r_j}·b_j^{c_j}; the sum of
 * the challenges equals H(prefix ‖ A_0 "," B_0 "," … "," A_{n-1} "," B_{n-1}).
 * OUT: proofs[0..n-1]. prefix is borrowed.
 * CT: constant time in real and r (the branch taken does not show in timing
 * or memory access); n leaks.
 */
void cns_disj_prove(const cns_group *group, cns_proof *proofs, const cns_elt *y,
                    const cns_branch *branches, size_t n, size_t real, const cns_scalar *r,
                    const cns_fs *prefix);

/* Check a disjunctive proof of n branches. */
CNS_NODISCARD cns_err cns_disj_verify(const cns_group *group, const cns_proof *proofs,
                                      const cns_elt *y, const cns_branch *branches, size_t n,
                                      const cns_fs *prefix);

/* ---- ElGamal ------------------------------------------------------------------ */

/* OUT: (g^r, y^r·g^m). CT: constant time in r and m. */
void cns_elgamal_encrypt(const cns_group *group, cns_ciphertext *out, const cns_elt *y,
                         const cns_scalar *r, const cns_scalar *m);

/* OUT: component-wise product a·b (homomorphic addition of plaintexts). */
void cns_ciphertext_mul(const cns_group *group, cns_ciphertext *out, const cns_ciphertext *a,
                        const cns_ciphertext *b);

/* ---- constant-time selection ---------------------------------------------------- */

/* If flag (0 or 1), copy src over dst; CT: constant time in flag. */
void cns_elt_cmov(cns_elt *dst, const cns_elt *src, unsigned flag);
void cns_scalar_cmov(cns_scalar *dst, const cns_scalar *src, unsigned flag);

#endif
