/*
 * What the two edwards25519 groups share (internal to src/group/): an
 * element kept in memory as libsodium's extended point, with its canonical
 * encoding once known, and the arithmetic on it. ed25519.c and
 * ristretto255.c differ only in their encodings and checks.
 *
 * Layout of cns_elt.opaque: the 32-byte canonical encoding (valid when the
 * flag is set), the flag, then the ge25519_p3 point. An element decoded from
 * text or bytes carries its encoding; a computed one gets it when it is
 * first written (cns_curve_encoding).
 */
#ifndef CONSULTA_GROUP_CURVE_H
#define CONSULTA_GROUP_CURVE_H

#include <stdbool.h>

#include "group/ge25519.h"
#include "group/internal.h"

#define CURVE_BYTES 32

typedef struct curve_pt {
    unsigned char enc[CURVE_BYTES];
    uint64_t has_enc;
    ge25519_p3 p;
} curve_pt;

_Static_assert(sizeof(curve_pt) <= CNS_ELT_STORAGE_BYTES, "a point fits in cns_elt");

/* Point to canonical encoding (ge25519_p3_tobytes or ristretto255_p3_tobytes). */
typedef void (*curve_tobytes)(unsigned char *out, const ge25519_p3 *p);

/* The point of e. */
void cns_curve_point(ge25519_p3 *p, const cns_elt *e);

/* OUT: e = p, with its encoding if enc is not NULL. */
void cns_curve_set(cns_elt *e, const ge25519_p3 *p, const unsigned char *enc);

/* OUT: the canonical encoding of e: the stored one, else tobytes of its point. */
void cns_curve_encoding(unsigned char out[CURVE_BYTES], const cns_elt *e, curve_tobytes tobytes);

/* Whether a = b, comparing canonical encodings (variable time: elements are public). */
bool cns_curve_eq(const cns_elt *a, const cns_elt *b, curve_tobytes tobytes);

/* The neutral element (0, 1). */
void cns_curve_identity(ge25519_p3 *p);

/* Arithmetic shared by both groups; see the vtable in internal.h. */
void cns_curve_mul(cns_elt *out, const cns_elt *a, const cns_elt *b);
void cns_curve_div(cns_elt *out, const cns_elt *a, const cns_elt *b);
void cns_curve_pow(cns_elt *out, const cns_elt *a, const cns_scalar *k);
void cns_curve_pow_public(cns_elt *out, const cns_elt *a, const cns_scalar *k);
void cns_curve_pow_g(cns_elt *out, const cns_scalar *k);
cns_err cns_curve_multi_pow(cns_elt *out, const cns_elt *bases, const cns_scalar *exps, size_t n);

/* Fixed-base tables: the size of one (group/base.c allocates them). */
#define CURVE_BASE_BYTES (sizeof(uint64_t) + 64 * 16 * sizeof(ge25519_cached))
void cns_curve_base_build(void *table, const cns_elt *a);
void cns_curve_base_pow(cns_elt *out, const void *table, const cns_scalar *k);
void cns_curve_base_pow_public(cns_elt *out, const void *table, const cns_scalar *k);
void cns_curve_pow2_public(cns_elt *out, const void *table, const cns_scalar *s, const cns_elt *a,
                           const cns_scalar *c);

#endif
