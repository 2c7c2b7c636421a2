/*
 * Scalars modulo ℓ = 2^252 + 27742317777372353535851937790883648493, the
 * order shared by the Ed25519 and ristretto255 groups (internal to
 * src/group/). Both vtables point at these functions.
 */
#ifndef CONSULTA_GROUP_SCALAR25519_H
#define CONSULTA_GROUP_SCALAR25519_H

#include "consulta/group.h"

/* OUT: ℓ, 32 bytes little-endian. */
void cns_sc25519_order(unsigned char out[CNS_SCALAR_BYTES]);

/* OUT: the big-endian integer be (len bytes, any length) mod ℓ. CT: constant time in be. */
void cns_sc25519_reduce_be(cns_scalar *out, const unsigned char *be, size_t len);

/* OUT: a+b, a−b, a·b, −a mod ℓ. CT: constant time in a and b. out may alias. */
void cns_sc25519_add(cns_scalar *out, const cns_scalar *a, const cns_scalar *b);
void cns_sc25519_sub(cns_scalar *out, const cns_scalar *a, const cns_scalar *b);
void cns_sc25519_mul(cns_scalar *out, const cns_scalar *a, const cns_scalar *b);
void cns_sc25519_neg(cns_scalar *out, const cns_scalar *a);

/* OUT: 1/a mod ℓ. CNS_ERR_INVALID if a = 0. CT: constant time in a. */
cns_err cns_sc25519_inv(cns_scalar *out, const cns_scalar *a);

/* OUT: a uniformly random non-zero scalar (libsodium's CSPRNG). */
void cns_sc25519_random(cns_scalar *out);

#endif
