/*
 * The "ristretto255" group (RFC 9496), consulta's default, on libsodium.
 *
 * An element is stored as its canonical 32-byte encoding at the start of
 * cns_elt.opaque, the rest zero; the text form is that encoding in 64
 * lowercase hex digits. Every ristretto255 element is in the prime-order
 * group, so a refused encoding is always CNS_ERR_DECODE (there is no
 * "well-formed but outside the subgroup" case as for the other groups).
 *
 * libsodium's scalarmult returns -1 when the result is the identity (the
 * all-zero encoding), for k = 0 or a = 1; we turn that into the identity.
 */
#include <string.h>

#include <sodium.h>

#include "group/internal.h"
#include "group/scalar25519.h"
#include "group/text.h"

#define PT_BYTES 32

static const unsigned char IDENTITY[PT_BYTES] = {0};
static const unsigned char GENERATOR[PT_BYTES] = {
    0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71, 0xa8, 0x84, 0xa9, 0x61, 0xc5, 0x00, 0x51, 0x5f,
    0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82, 0xdd, 0x8d, 0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76};

static void store(cns_elt *out, const unsigned char pt[PT_BYTES])
{
    memset(out->opaque + PT_BYTES, 0, sizeof out->opaque - PT_BYTES);
    memcpy(out->opaque, pt, PT_BYTES);
}

static void generator(cns_elt *out)
{
    store(out, GENERATOR);
}

static void identity(cns_elt *out)
{
    store(out, IDENTITY);
}

static cns_err decode(cns_elt *out, const unsigned char *in, size_t len)
{
    /* libsodium's check is the full RFC 9496 decoding, identity included. */
    if (len != PT_BYTES || crypto_core_ristretto255_is_valid_point(in) != 1)
        return CNS_ERR_DECODE;
    store(out, in);
    return CNS_OK;
}

static cns_err from_text(cns_elt *out, const char *text, size_t len)
{
    unsigned char enc[PT_BYTES];

    if (!cns_text_hex32(enc, text, len))
        return CNS_ERR_DECODE;
    return decode(out, enc, PT_BYTES);
}

static size_t to_text(char *out, size_t cap, const cns_elt *a)
{
    return cns_text_put_hex32(out, cap, a->opaque);
}

static void encode(unsigned char *out, const cns_elt *a)
{
    memcpy(out, a->opaque, PT_BYTES);
}

static void mul(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    unsigned char r[PT_BYTES];

    if (crypto_core_ristretto255_add(r, a->opaque, b->opaque) != 0)
        memcpy(r, IDENTITY, PT_BYTES); /* unreachable: a and b passed decode() */
    store(out, r);
}

static void div_(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    unsigned char r[PT_BYTES];

    if (crypto_core_ristretto255_sub(r, a->opaque, b->opaque) != 0)
        memcpy(r, IDENTITY, PT_BYTES); /* unreachable: a and b passed decode() */
    store(out, r);
}

/* Store r, or the identity if rc != 0. CT: a mask, no branch on rc. */
static void store_or_identity(cns_elt *out, unsigned char r[PT_BYTES], int rc)
{
    unsigned char mask = (unsigned char)(0u - (unsigned)(rc != 0));

    for (int i = 0; i < PT_BYTES; i++)
        r[i] = (unsigned char)((r[i] & ~mask) | (IDENTITY[i] & mask));
    store(out, r);
}

/*
 * CT: libsodium's ladder is constant time in k; whether the result is the
 * identity (k = 0) shows, which a uniformly random secret is with probability 1/ℓ.
 */
static void pow_(cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    unsigned char r[PT_BYTES] = {0};
    int rc = crypto_scalarmult_ristretto255(r, k->le, a->opaque);
    store_or_identity(out, r, rc);
}

/* CT: as pow_. */
static void pow_g(cns_elt *out, const cns_scalar *k)
{
    unsigned char r[PT_BYTES] = {0};
    int rc = crypto_scalarmult_ristretto255_base(r, k->le);
    store_or_identity(out, r, rc);
}

/* Simple product of powers; a later change brings Straus/Pippenger. */
static cns_err multi_pow(cns_elt *out, const cns_elt *bases, const cns_scalar *exps, size_t n)
{
    cns_elt acc, t;

    identity(&acc);
    for (size_t i = 0; i < n; i++) {
        pow_(&t, &bases[i], &exps[i]);
        mul(&acc, &acc, &t);
    }
    *out = acc;
    return CNS_OK;
}

static bool eq(const cns_elt *a, const cns_elt *b)
{
    return memcmp(a->opaque, b->opaque, PT_BYTES) == 0;
}

const cns_group cns_group_ristretto255 = {
    .name = "ristretto255",
    .elt_bytes = PT_BYTES,
    .generator = generator,
    .identity = identity,
    .from_text = from_text,
    .to_text = to_text,
    .encode = encode,
    .decode = decode,
    .mul = mul,
    .div = div_,
    .pow = pow_,
    .pow_public = pow_,
    .pow_g = pow_g,
    .multi_pow = multi_pow,
    .eq = eq,
    .order = cns_sc25519_order,
    .scalar_reduce_be = cns_sc25519_reduce_be,
    .scalar_add = cns_sc25519_add,
    .scalar_sub = cns_sc25519_sub,
    .scalar_mul = cns_sc25519_mul,
    .scalar_neg = cns_sc25519_neg,
    .scalar_inv = cns_sc25519_inv,
    .scalar_random = cns_sc25519_random,
};
