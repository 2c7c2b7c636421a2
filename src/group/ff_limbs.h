/*
 * Limb-size neutral parameters of the finite-field groups (ff2048.c,
 * rfc3526.c): each defines P_BYTES and Q_BYTES (the sizes of p and of q's
 * limbs, in bytes) and includes this file before writing its constant
 * tables. GMP's limbs are 64 bits natively and 32 bits on wasm32; the
 * sizes in limbs follow from the sizes in bytes, and the tables are written
 * once as 64-bit constants through LIMB64, which splits each into two
 * little-endian 32-bit limbs when GMP_NUMB_BITS is 32.
 * The includer includes <gmp.h> first.
 */
#ifndef CNS_GROUP_FF_LIMBS_H
#define CNS_GROUP_FF_LIMBS_H

#if GMP_NUMB_BITS == 64
#define LIMB64(x) ((mp_limb_t)(x))
#elif GMP_NUMB_BITS == 32
#define LIMB64(x)                                                                                  \
    ((mp_limb_t)((unsigned long long)(x)&0xffffffffu)), ((mp_limb_t)((unsigned long long)(x) >> 32))
#else
#error "the finite-field groups need 32-bit or 64-bit GMP limbs"
#endif

#define N  (P_BYTES * 8 / GMP_NUMB_BITS) /* limbs of p and of an element */
#define QN (Q_BYTES * 8 / GMP_NUMB_BITS) /* limbs of q and of a scalar */

#endif
