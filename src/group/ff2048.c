/*
 * The "BELENIOS-2048" group (spec 2.0 §5.1): the subgroup of order q (256
 * bits) of the multiplicative group modulo the 2048-bit prime p, on GMP.
 * The implementation is ff_impl.h's, shared with RFC-3526-2048.
 */
#include <string.h>

#include <gmp.h>
#include <sodium.h>

#include "group/ff_limbs.h"
#include "group/internal.h"
#include "group/text.h"

#define P_BYTES  256 /* bytes of p and of an element */
#define Q_BYTES  32  /* bytes of q's limbs and of a scalar */
#define P_DIGITS 617 /* decimal digits of p */
#define EXP_BITS 256 /* exponents are scalars, < q < 2^256 */
#define FF_NAME  "BELENIOS-2048"
#define FF_GROUP cns_group_ff2048

/* p, g, q of spec 2.0 §5.1, as little-endian limbs (checked by tests/test_group.c). */
static const mp_limb_t P[N] = {
    LIMB64(0xd9cec4157646e64f), LIMB64(0x1e59e0e6351e051e), LIMB64(0xb44f6cef17d70730),
    LIMB64(0x878affa2375e2999), LIMB64(0x6a4ccfa04ee4008f), LIMB64(0x555bc810941e021b),
    LIMB64(0xcb5de0acf66a3882), LIMB64(0x0e7992d0f18cc759), LIMB64(0x82d8c31911acdd4a),
    LIMB64(0xe3fada9e010840d0), LIMB64(0x9aa8599411d998d3), LIMB64(0x7f18fb1a8bc85827),
    LIMB64(0xbbb29c9ec3099b60), LIMB64(0x6b006517d6f6747e), LIMB64(0xd7229abe93a188b4),
    LIMB64(0xa3e14dfa9b2162f4), LIMB64(0x6b4fe17d8d47e843), LIMB64(0x7ebc15a349fa318a),
    LIMB64(0x0a4091d8fa447f6c), LIMB64(0x07435012768a2cdd), LIMB64(0x27a5022ddd8912d1),
    LIMB64(0x3fb8c3aabfff12ce), LIMB64(0x30c6e82ac36de1ae), LIMB64(0x07dd973f9c53e509),
    LIMB64(0xa2f85e0fb11c0ede), LIMB64(0x06e092a495af8d79), LIMB64(0x421f514ed40bfd4c),
    LIMB64(0x1e6d36856b428030), LIMB64(0x2791811d21fc35f2), LIMB64(0xb7dc7ef3a791b686),
    LIMB64(0xe39e568fccdffb0f), LIMB64(0xa3ef2d011fefb1b6),
};
static const mp_limb_t G[N] = {
    LIMB64(0xcf284308f1d7e653), LIMB64(0x41e1c91fe3823f4b), LIMB64(0x743d663f42d853c0),
    LIMB64(0x47aa680d43771902), LIMB64(0xac638f5f34100d2d), LIMB64(0xb7aeff04867d8724),
    LIMB64(0x3ac8b72fd04e0991), LIMB64(0x22127b6cbba44d45), LIMB64(0x3731ae4268d60d7f),
    LIMB64(0xc4ff49b1964c4a91), LIMB64(0xd2dde0ce514e0927), LIMB64(0x60a7ea574a61f552),
    LIMB64(0xf74b7a1615a274ba), LIMB64(0x1b9e519edcee8bb0), LIMB64(0x65f397c6b870df8c),
    LIMB64(0x6aef1be365fdd901), LIMB64(0xdf9c2458570b06d2), LIMB64(0x88fdb1a3381a697f),
    LIMB64(0x8fe5fb9cf9fdb8ea), LIMB64(0x643e673fd9d215fc), LIMB64(0xfd4f10d5b1a356a8),
    LIMB64(0xd4bc04e29f3748ae), LIMB64(0x301b894236823fe1), LIMB64(0x541e5219e0d0d094),
    LIMB64(0x8262ee68a0e92cea), LIMB64(0xd9d8976f01d95a1c), LIMB64(0x5a9dfd001d26ba31),
    LIMB64(0x988b98c259597f9c), LIMB64(0xe781878a52230a51), LIMB64(0x31fd1c5807b61fb1),
    LIMB64(0xd7caa3a78a42415e), LIMB64(0x1307c1ab5f295885),
};
static const mp_limb_t Q[QN] = {
    LIMB64(0xe20263387d55c491),
    LIMB64(0xf0fa90c2168bc709),
    LIMB64(0xf4daa0f2579db7f2),
    LIMB64(0xadb6066a73522565),
};

#include "group/ff_impl.h"
