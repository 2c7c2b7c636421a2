/*
 * The "RFC-3526-2048" group (Belenios spec 3.3 §"RFC-3526-2048"): the
 * 2048-bit MODP group of RFC 3526 §3, p = 2q + 1 a safe prime, g = 2, and
 * its subgroup of order q (2047 bits), the quadratic residues. Belenios uses
 * it for elections with non-homomorphic questions. Scalars are 2047-bit:
 * 256 bytes, the whole of cns_scalar. The implementation is ff_impl.h's,
 * shared with BELENIOS-2048; the subgroup check x^q = 1 is Euler's
 * criterion, computed as a Legendre symbol.
 */
#include <string.h>

#include <gmp.h>
#include <sodium.h>

#include "group/ff_limbs.h"
#include "group/internal.h"
#include "group/text.h"

#define P_BYTES       256  /* bytes of p and of an element */
#define Q_BYTES       256  /* bytes of q's limbs and of a scalar */
#define P_DIGITS      617  /* decimal digits of p */
#define EXP_BITS      2048 /* exponents are scalars, < q < 2^2047 */
#define FF_NAME       "RFC-3526-2048"
#define FF_GROUP      cns_group_rfc3526
#define FF_SAFE_PRIME 1

/* p, g, q as little-endian limbs (checked against the spec's decimals by tests/test_group.c). */
static const mp_limb_t P[N] = {
    LIMB64(0xffffffffffffffff), LIMB64(0x15728e5a8aacaa68), LIMB64(0x15d2261898fa0510),
    LIMB64(0x3995497cea956ae5), LIMB64(0xde2bcbf695581718), LIMB64(0xb5c55df06f4c52c9),
    LIMB64(0x9b2783a2ec07a28f), LIMB64(0xe39e772c180e8603), LIMB64(0x32905e462e36ce3b),
    LIMB64(0xf1746c08ca18217c), LIMB64(0x670c354e4abc9804), LIMB64(0x9ed529077096966d),
    LIMB64(0x1c62f356208552bb), LIMB64(0x83655d23dca3ad96), LIMB64(0x69163fa8fd24cf5f),
    LIMB64(0x98da48361c55d39a), LIMB64(0xc2007cb8a163bf05), LIMB64(0x49286651ece45b3d),
    LIMB64(0xae9f24117c4b1fe6), LIMB64(0xee386bfb5a899fa5), LIMB64(0x0bff5cb6f406b7ed),
    LIMB64(0xf44c42e9a637ed6b), LIMB64(0xe485b576625e7ec6), LIMB64(0x4fe1356d6d51c245),
    LIMB64(0x302b0a6df25f1437), LIMB64(0xef9519b3cd3a431b), LIMB64(0x514a08798e3404dd),
    LIMB64(0x020bbea63b139b22), LIMB64(0x29024e088a67cc74), LIMB64(0xc4c6628b80dc1cd1),
    LIMB64(0xc90fdaa22168c234), LIMB64(0xffffffffffffffff),
};
static const mp_limb_t G[N] = {
    LIMB64(0x0000000000000002), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
    LIMB64(0x0000000000000000), LIMB64(0x0000000000000000),
};
static const mp_limb_t Q[N] = {
    LIMB64(0x7fffffffffffffff), LIMB64(0x0ab9472d45565534), LIMB64(0x8ae9130c4c7d0288),
    LIMB64(0x1ccaa4be754ab572), LIMB64(0xef15e5fb4aac0b8c), LIMB64(0xdae2aef837a62964),
    LIMB64(0xcd93c1d17603d147), LIMB64(0xf1cf3b960c074301), LIMB64(0x19482f23171b671d),
    LIMB64(0x78ba3604650c10be), LIMB64(0xb3861aa7255e4c02), LIMB64(0xcf6a9483b84b4b36),
    LIMB64(0x0e3179ab1042a95d), LIMB64(0xc1b2ae91ee51d6cb), LIMB64(0x348b1fd47e9267af),
    LIMB64(0xcc6d241b0e2ae9cd), LIMB64(0xe1003e5c50b1df82), LIMB64(0x24943328f6722d9e),
    LIMB64(0xd74f9208be258ff3), LIMB64(0xf71c35fdad44cfd2), LIMB64(0x85ffae5b7a035bf6),
    LIMB64(0x7a262174d31bf6b5), LIMB64(0xf242dabb312f3f63), LIMB64(0xa7f09ab6b6a8e122),
    LIMB64(0x98158536f92f8a1b), LIMB64(0xf7ca8cd9e69d218d), LIMB64(0x28a5043cc71a026e),
    LIMB64(0x0105df531d89cd91), LIMB64(0x948127044533e63a), LIMB64(0x62633145c06e0e68),
    LIMB64(0xe487ed5110b4611a), LIMB64(0x7fffffffffffffff),
};

#include "group/ff_impl.h"
