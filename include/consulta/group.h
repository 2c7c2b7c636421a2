/*
 * consulta — the group interface.
 *
 * The protocol is written once, in multiplicative notation as the Belenios
 * specification writes it (g^x, products of ciphertexts), against this
 * interface. Four prime-order groups implement it:
 *
 *   "BELENIOS-2048"  2048-bit finite field, 256-bit subgroup order (GMP)
 *   "RFC-3526-2048"  the 2048-bit MODP group of RFC 3526, g = 2, subgroup of
 *                    order q = (p − 1)/2 (2047 bits) (GMP); Belenios' group
 *                    for elections with non-homomorphic questions
 *   "Ed25519"        the prime-order subgroup of edwards25519, as Belenios 2.1
 *                    defines it (text form: 64 hex digits, big-endian)
 *   "ristretto255"   RFC 9496 (text form: 64 hex digits of the canonical
 *                    encoding); consulta's default
 *
 * Parameters are built in; only these names are accepted (ATTACKS.md #2).
 * Elements and scalars are fixed-size values the caller owns; nothing here
 * allocates except where a function says so.
 *
 * Text forms are those of the Belenios files: scalars are decimal for every
 * group; elements are decimal (finite field) or 64 lowercase hex digits
 * (curves). Decoders accept only the canonical form of an in-group value
 * (ATTACKS.md #3, #4).
 *
 * THREAD SAFETY: groups are immutable once built, and so are fixed-base
 * tables; every function may be called from several threads at once on
 * distinct outputs.
 */
#ifndef CONSULTA_GROUP_H
#define CONSULTA_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consulta/error.h"

/* Room for a scalar of the largest group order (RFC-3526-2048's 2047 bits). */
#define CNS_SCALAR_BYTES      256
#define CNS_ELT_STORAGE_BYTES 256
/* Longest text form of an element, plus the terminating NUL (2048-bit decimal). */
#define CNS_ELT_TEXT_MAX 640
/* Longest text form of a scalar (decimal below 2^2048), plus the NUL. */
#define CNS_SCALAR_TEXT_MAX 640
/* Longest canonical byte encoding of an element. */
#define CNS_ELT_MAX_BYTES 256

/*
 * An integer modulo the group order q, little-endian, always < q; the bytes
 * past q's length are zero (32 bytes are used for every group but
 * RFC-3526-2048), so equal scalars have equal bytes.
 */
typedef struct cns_scalar {
    unsigned char le[CNS_SCALAR_BYTES];
} cns_scalar;

/* A group element. The layout is the group's own business: never read it. */
typedef struct cns_elt {
    _Alignas(16) unsigned char opaque[CNS_ELT_STORAGE_BYTES];
} cns_elt;

typedef struct cns_group cns_group;

/* The group with this exact name, or NULL if the name is not one of ours. */
const cns_group *cns_group_by_name(const char *name);

/* The group's name as it appears in election.json ("BELENIOS-2048", …). */
const char *cns_group_name(const cns_group *group);

/* OUT: generator g. */
void cns_group_generator(const cns_group *group, cns_elt *out);

/* OUT: the neutral element 1. */
void cns_group_identity(const cns_group *group, cns_elt *out);

/* ---- element encodings ---------------------------------------------------- */

/*
 * Parse the text form of an element (len bytes, no NUL needed) and check it
 * fully: canonical digits, in range, in the prime-order subgroup.
 * OUT: out. Errors: CNS_ERR_DECODE (not the canonical text of an element),
 * CNS_ERR_INVALID (well-formed but not in the subgroup).
 */
CNS_NODISCARD cns_err cns_elt_from_text(const cns_group *group, cns_elt *out, const char *text,
                                        size_t len);

/*
 * Write the canonical text form of a, NUL-terminated, into out (cap bytes;
 * CNS_ELT_TEXT_MAX always suffices). Returns the length without the NUL.
 */
size_t cns_elt_to_text(const cns_group *group, char *out, size_t cap, const cns_elt *a);

/* Length of the canonical byte encoding of an element of this group. */
size_t cns_elt_bytes(const cns_group *group);

/* OUT: the canonical byte encoding of a (cns_elt_bytes(group) bytes). */
void cns_elt_encode(const cns_group *group, unsigned char *out, const cns_elt *a);

/* Parse and fully check a canonical byte encoding. Errors as cns_elt_from_text. */
CNS_NODISCARD cns_err cns_elt_decode(const cns_group *group, cns_elt *out, const unsigned char *in,
                                     size_t len);

/* ---- element arithmetic ----------------------------------------------------- */

/* OUT: a·b. out may alias a or b. */
void cns_elt_mul(const cns_group *group, cns_elt *out, const cns_elt *a, const cns_elt *b);

/* OUT: a/b. out may alias a or b. */
void cns_elt_div(const cns_group *group, cns_elt *out, const cns_elt *a, const cns_elt *b);

/* OUT: a^k. CT: constant time in k. */
void cns_elt_pow(const cns_group *group, cns_elt *out, const cns_elt *a, const cns_scalar *k);

/* OUT: a^k for a public k (faster; may leak k through timing). */
void cns_elt_pow_public(const cns_group *group, cns_elt *out, const cns_elt *a,
                        const cns_scalar *k);

/* OUT: g^k. CT: constant time in k. */
void cns_group_pow_g(const cns_group *group, cns_elt *out, const cns_scalar *k);

/*
 * OUT: Π bases[i]^exps[i] over i < n, for public exponents (verification).
 * n may be 0 (result 1). Allocates scratch memory; CNS_ERR_NOMEM on failure.
 */
CNS_NODISCARD cns_err cns_elt_multi_pow(const cns_group *group, cns_elt *out, const cns_elt *bases,
                                        const cns_scalar *exps, size_t n);

/* ---- fixed bases ------------------------------------------------------------ */

/*
 * A table of precomputed powers of one element that is raised to many
 * exponents: the generator, an election key. With it a power costs a few
 * dozen multiplications instead of a few hundred squarings.
 */
typedef struct cns_base cns_base;

/*
 * The table of a, built on first use (about 160 KiB for the curves, 256 KiB
 * for BELENIOS-2048) and kept, shared, until the process exits. Returns
 * NULL when memory is short or CNS_BASE_MAX tables exist already: callers
 * then use cns_elt_pow and friends with the element itself.
 * THREAD SAFETY: may be called from several threads at once.
 */
#define CNS_BASE_MAX 64
const cns_base *cns_base_get(const cns_group *group, const cns_elt *a);

/* The table of the generator g, as cns_base_get. */
const cns_base *cns_group_base_g(const cns_group *group);

/* OUT: base^k. CT: constant time in k. */
void cns_base_pow(const cns_group *group, cns_elt *out, const cns_base *base, const cns_scalar *k);

/* OUT: base^k for a public k. */
void cns_base_pow_public(const cns_group *group, cns_elt *out, const cns_base *base,
                         const cns_scalar *k);

/*
 * OUT: base^s · a^c for public s and c: the commitment a proof's challenge
 * c and response s stand for (Belenios verifies proofs by recomputing it).
 */
void cns_base_pow2_public(const cns_group *group, cns_elt *out, const cns_base *base,
                          const cns_scalar *s, const cns_elt *a, const cns_scalar *c);

/*
 * OUT: the independent generator number i (i ≥ −1) that shuffle proofs use,
 * derived from public data only by hashing into the group, never read from a
 * record (ATTACKS.md #5). Finite fields: int_be(SHA256("ggen|i"))^((p−1)/q)
 * mod p (spec 2.0 §6, table 8); Ed25519: the first curve point from
 * int_be(SHA256("ggen|i")) >> 2 upwards, times 8 (spec 2.1 §6); ristretto255
 * (consulta's own, docs/mixnet.md): RFC 9496 hash-to-group of
 * SHA-512("consulta-ristretto255-ggen|i"). Errors: CNS_ERR_INVALID when the
 * result is 1 or g (never seen; Belenios aborts there too).
 */
CNS_NODISCARD cns_err cns_group_indep_generator(const cns_group *group, cns_elt *out, long i);

/* Whether a = b. Variable time (elements are public). */
bool cns_elt_eq(const cns_group *group, const cns_elt *a, const cns_elt *b);

/* ---- scalars ----------------------------------------------------------------------- */

/* The group order q as a CNS_SCALAR_BYTES-byte little-endian integer. */
void cns_group_order(const cns_group *group, unsigned char out[CNS_SCALAR_BYTES]);

/*
 * Parse a decimal scalar: digits only, no sign, no leading zero (except "0"
 * itself), value < q. Errors: CNS_ERR_DECODE.
 */
CNS_NODISCARD cns_err cns_scalar_from_text(const cns_group *group, cns_scalar *out,
                                           const char *text, size_t len);

/* Decimal text of k into out (cap bytes, CNS_SCALAR_TEXT_MAX suffices); returns length. */
size_t cns_scalar_to_text(const cns_group *group, char *out, size_t cap, const cns_scalar *k);

/* OUT: the 32-byte big-endian integer digest, reduced mod q (Belenios' hash to Z_q). */
void cns_scalar_from_digest(const cns_group *group, cns_scalar *out,
                            const unsigned char digest[32]);

/* OUT: the len-byte big-endian integer be reduced mod q. CT: constant time in be. */
void cns_scalar_from_be(const cns_group *group, cns_scalar *out, const unsigned char *be,
                        size_t len);

/* OUT: v mod q. */
void cns_scalar_from_u64(const cns_group *group, cns_scalar *out, uint64_t v);

/* OUT: a uniformly random scalar from libsodium's CSPRNG. */
void cns_scalar_random(const cns_group *group, cns_scalar *out);

/* OUT: a+b, a-b, a·b, -a mod q. CT: constant time in the operands. out may alias. */
void cns_scalar_add(const cns_group *group, cns_scalar *out, const cns_scalar *a,
                    const cns_scalar *b);
void cns_scalar_sub(const cns_group *group, cns_scalar *out, const cns_scalar *a,
                    const cns_scalar *b);
void cns_scalar_mul(const cns_group *group, cns_scalar *out, const cns_scalar *a,
                    const cns_scalar *b);
void cns_scalar_neg(const cns_group *group, cns_scalar *out, const cns_scalar *a);

/* OUT: 1/a mod q. CNS_ERR_INVALID if a = 0. */
CNS_NODISCARD cns_err cns_scalar_inv(const cns_group *group, cns_scalar *out, const cns_scalar *a);

/* Whether a = b, in constant time. */
bool cns_scalar_eq(const cns_scalar *a, const cns_scalar *b);

/* Whether a = 0, in constant time. */
bool cns_scalar_is_zero(const cns_scalar *a);

#endif
