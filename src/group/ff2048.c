/*
 * The "BELENIOS-2048" group (spec 2.0 §5.1): the subgroup of order q (256
 * bits) of the multiplicative group modulo the 2048-bit prime p, on GMP.
 * The implementation is ff_impl.h's, shared with RFC-3526-2048.
 */
#include <string.h>

#include <gmp.h>
#include <sodium.h>

#include "group/internal.h"
#include "group/text.h"

#define N        32  /* limbs of p and of an element */
#define QN       4   /* limbs of q and of a scalar */
#define P_DIGITS 617 /* decimal digits of p */
#define EXP_BITS 256 /* exponents are scalars, < q < 2^256 */
#define FF_NAME  "BELENIOS-2048"
#define FF_GROUP cns_group_ff2048

/* p, g, q of spec 2.0 §5.1, as little-endian limbs (checked by tests/test_group.c). */
static const mp_limb_t P[N] = {
    0xd9cec4157646e64f, 0x1e59e0e6351e051e, 0xb44f6cef17d70730, 0x878affa2375e2999,
    0x6a4ccfa04ee4008f, 0x555bc810941e021b, 0xcb5de0acf66a3882, 0x0e7992d0f18cc759,
    0x82d8c31911acdd4a, 0xe3fada9e010840d0, 0x9aa8599411d998d3, 0x7f18fb1a8bc85827,
    0xbbb29c9ec3099b60, 0x6b006517d6f6747e, 0xd7229abe93a188b4, 0xa3e14dfa9b2162f4,
    0x6b4fe17d8d47e843, 0x7ebc15a349fa318a, 0x0a4091d8fa447f6c, 0x07435012768a2cdd,
    0x27a5022ddd8912d1, 0x3fb8c3aabfff12ce, 0x30c6e82ac36de1ae, 0x07dd973f9c53e509,
    0xa2f85e0fb11c0ede, 0x06e092a495af8d79, 0x421f514ed40bfd4c, 0x1e6d36856b428030,
    0x2791811d21fc35f2, 0xb7dc7ef3a791b686, 0xe39e568fccdffb0f, 0xa3ef2d011fefb1b6,
};
static const mp_limb_t G[N] = {
    0xcf284308f1d7e653, 0x41e1c91fe3823f4b, 0x743d663f42d853c0, 0x47aa680d43771902,
    0xac638f5f34100d2d, 0xb7aeff04867d8724, 0x3ac8b72fd04e0991, 0x22127b6cbba44d45,
    0x3731ae4268d60d7f, 0xc4ff49b1964c4a91, 0xd2dde0ce514e0927, 0x60a7ea574a61f552,
    0xf74b7a1615a274ba, 0x1b9e519edcee8bb0, 0x65f397c6b870df8c, 0x6aef1be365fdd901,
    0xdf9c2458570b06d2, 0x88fdb1a3381a697f, 0x8fe5fb9cf9fdb8ea, 0x643e673fd9d215fc,
    0xfd4f10d5b1a356a8, 0xd4bc04e29f3748ae, 0x301b894236823fe1, 0x541e5219e0d0d094,
    0x8262ee68a0e92cea, 0xd9d8976f01d95a1c, 0x5a9dfd001d26ba31, 0x988b98c259597f9c,
    0xe781878a52230a51, 0x31fd1c5807b61fb1, 0xd7caa3a78a42415e, 0x1307c1ab5f295885,
};
static const mp_limb_t Q[QN] = {
    0xe20263387d55c491,
    0xf0fa90c2168bc709,
    0xf4daa0f2579db7f2,
    0xadb6066a73522565,
};

#include "group/ff_impl.h"
