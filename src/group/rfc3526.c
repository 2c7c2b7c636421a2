/*
 * The "RFC-3526-2048" group (Belenios spec 3.3 §"RFC-3526-2048"): the
 * 2048-bit MODP group of RFC 3526 §3, p = 2q + 1 a safe prime, g = 2, and
 * its subgroup of order q (2047 bits), the quadratic residues. Belenios uses
 * it for elections with non-homomorphic questions. Scalars are 2047-bit:
 * 32 limbs, the whole of cns_scalar. The implementation is ff_impl.h's,
 * shared with BELENIOS-2048; the subgroup check x^q = 1 is Euler's
 * criterion, computed as a Legendre symbol.
 */
#include <string.h>

#include <gmp.h>
#include <sodium.h>

#include "group/internal.h"
#include "group/text.h"

#define N             32   /* limbs of p and of an element */
#define QN            32   /* limbs of q and of a scalar */
#define P_DIGITS      617  /* decimal digits of p */
#define EXP_BITS      2048 /* exponents are scalars, < q < 2^2047 */
#define FF_NAME       "RFC-3526-2048"
#define FF_GROUP      cns_group_rfc3526
#define FF_SAFE_PRIME 1

/* p, g, q as little-endian limbs (checked against the spec's decimals by tests/test_group.c). */
static const mp_limb_t P[N] = {
    0xffffffffffffffff, 0x15728e5a8aacaa68, 0x15d2261898fa0510, 0x3995497cea956ae5,
    0xde2bcbf695581718, 0xb5c55df06f4c52c9, 0x9b2783a2ec07a28f, 0xe39e772c180e8603,
    0x32905e462e36ce3b, 0xf1746c08ca18217c, 0x670c354e4abc9804, 0x9ed529077096966d,
    0x1c62f356208552bb, 0x83655d23dca3ad96, 0x69163fa8fd24cf5f, 0x98da48361c55d39a,
    0xc2007cb8a163bf05, 0x49286651ece45b3d, 0xae9f24117c4b1fe6, 0xee386bfb5a899fa5,
    0x0bff5cb6f406b7ed, 0xf44c42e9a637ed6b, 0xe485b576625e7ec6, 0x4fe1356d6d51c245,
    0x302b0a6df25f1437, 0xef9519b3cd3a431b, 0x514a08798e3404dd, 0x020bbea63b139b22,
    0x29024e088a67cc74, 0xc4c6628b80dc1cd1, 0xc90fdaa22168c234, 0xffffffffffffffff,
};
static const mp_limb_t G[N] = {
    0x0000000000000002, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
    0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
    0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
    0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
    0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
    0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
    0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
    0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
};
static const mp_limb_t Q[N] = {
    0x7fffffffffffffff, 0x0ab9472d45565534, 0x8ae9130c4c7d0288, 0x1ccaa4be754ab572,
    0xef15e5fb4aac0b8c, 0xdae2aef837a62964, 0xcd93c1d17603d147, 0xf1cf3b960c074301,
    0x19482f23171b671d, 0x78ba3604650c10be, 0xb3861aa7255e4c02, 0xcf6a9483b84b4b36,
    0x0e3179ab1042a95d, 0xc1b2ae91ee51d6cb, 0x348b1fd47e9267af, 0xcc6d241b0e2ae9cd,
    0xe1003e5c50b1df82, 0x24943328f6722d9e, 0xd74f9208be258ff3, 0xf71c35fdad44cfd2,
    0x85ffae5b7a035bf6, 0x7a262174d31bf6b5, 0xf242dabb312f3f63, 0xa7f09ab6b6a8e122,
    0x98158536f92f8a1b, 0xf7ca8cd9e69d218d, 0x28a5043cc71a026e, 0x0105df531d89cd91,
    0x948127044533e63a, 0x62633145c06e0e68, 0xe487ed5110b4611a, 0x7fffffffffffffff,
};

#include "group/ff_impl.h"
