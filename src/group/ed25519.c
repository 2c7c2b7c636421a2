/*
 * The "Ed25519" group of Belenios 2.1 (spec 2.1 §5.2.1): the prime-order
 * subgroup of edwards25519, on libsodium.
 *
 * An element is stored as its RFC 8032 encoding (32 bytes, little-endian
 * y with the sign of x in the top bit) at the start of cns_elt.opaque, the
 * rest zero; this is also its canonical byte encoding. The text form is the
 * same 256-bit integer written big-endian in 64 lowercase hex digits.
 *
 * libsodium refuses the identity where Belenios accepts it: is_valid_point
 * rejects every small-order point including the identity, and scalarmult
 * returns -1 when its input or its result is the identity (and for scalar 0).
 * This file accepts exactly one small-order point, the identity, and turns a
 * refused scalar multiplication into the identity, which is then the right
 * answer: our elements are in the subgroup of order ℓ and our scalars are < ℓ.
 */
#include <string.h>

#include <sodium.h>

#include "group/internal.h"
#include "group/scalar25519.h"
#include "group/text.h"

#define PT_BYTES 32

/* The identity (x = 0, y = 1) and the generator g (y = 4/5, x even). */
static const unsigned char IDENTITY[PT_BYTES] = {1};
static const unsigned char GENERATOR[PT_BYTES] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

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

/* Whether the y coordinate of enc (top bit ignored) is below p = 2^255 − 19. */
static bool y_is_canonical(const unsigned char enc[PT_BYTES])
{
    if ((enc[31] & 0x7f) != 0x7f || enc[0] < 0xed)
        return true;
    for (int i = 1; i < 31; i++) {
        if (enc[i] != 0xff)
            return true;
    }
    return false;
}

/* Whether enc sets the sign bit of x although x = 0, that is y = 1 or y = p − 1. */
static bool has_sign_of_zero(const unsigned char enc[PT_BYTES])
{
    unsigned char y[PT_BYTES], p_minus_1[PT_BYTES];

    if ((enc[31] & 0x80) == 0)
        return false;
    memcpy(y, enc, PT_BYTES);
    y[31] &= 0x7f;
    memset(p_minus_1, 0xff, PT_BYTES);
    p_minus_1[0] = 0xec;
    p_minus_1[31] = 0x7f;
    return memcmp(y, IDENTITY, PT_BYTES) == 0 || memcmp(y, p_minus_1, PT_BYTES) == 0;
}

/* Accept enc iff it is the canonical encoding of a point of order 1 or ℓ. */
static cns_err check(const unsigned char enc[PT_BYTES])
{
    if (!y_is_canonical(enc) || has_sign_of_zero(enc))
        return CNS_ERR_DECODE;
    if (memcmp(enc, IDENTITY, PT_BYTES) == 0)
        return CNS_OK;
    /* Refuses points off the curve, of small order, or outside the subgroup. */
    if (crypto_core_ed25519_is_valid_point(enc) != 1)
        return CNS_ERR_INVALID;
    return CNS_OK;
}

static cns_err decode(cns_elt *out, const unsigned char *in, size_t len)
{
    cns_err err;

    if (len != PT_BYTES)
        return CNS_ERR_DECODE;
    err = check(in);
    if (err == CNS_OK)
        store(out, in);
    return err;
}

static cns_err from_text(cns_elt *out, const char *text, size_t len)
{
    unsigned char be[PT_BYTES], le[PT_BYTES];

    if (!cns_text_hex32(be, text, len))
        return CNS_ERR_DECODE;
    for (int i = 0; i < PT_BYTES; i++)
        le[i] = be[PT_BYTES - 1 - i];
    return decode(out, le, PT_BYTES);
}

static size_t to_text(char *out, size_t cap, const cns_elt *a)
{
    unsigned char be[PT_BYTES];

    for (int i = 0; i < PT_BYTES; i++)
        be[i] = a->opaque[PT_BYTES - 1 - i];
    return cns_text_put_hex32(out, cap, be);
}

static void encode(unsigned char *out, const cns_elt *a)
{
    memcpy(out, a->opaque, PT_BYTES);
}

/* The sum of two valid points never fails in libsodium (it only refuses undecodable input). */
static void mul(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    unsigned char r[PT_BYTES];

    if (crypto_core_ed25519_add(r, a->opaque, b->opaque) != 0)
        memcpy(r, IDENTITY, PT_BYTES); /* unreachable: a and b passed check() */
    store(out, r);
}

static void div_(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    unsigned char r[PT_BYTES];

    if (crypto_core_ed25519_sub(r, a->opaque, b->opaque) != 0)
        memcpy(r, IDENTITY, PT_BYTES); /* unreachable: a and b passed check() */
    store(out, r);
}

/*
 * Store r, or the identity if libsodium refused the multiplication (rc != 0:
 * k = 0, or a or the result is the identity). CT: a mask, no branch on rc.
 */
static void store_or_identity(cns_elt *out, unsigned char r[PT_BYTES], int rc)
{
    unsigned char mask = (unsigned char)(0u - (unsigned)(rc != 0));

    for (int i = 0; i < PT_BYTES; i++)
        r[i] = (unsigned char)((r[i] & ~mask) | (IDENTITY[i] & mask));
    store(out, r);
}

/*
 * CT: libsodium's ladder is constant time in k; whether k = 0 shows (libsodium
 * tests it), which a uniformly random secret is with probability 1/ℓ.
 */
static void pow_(cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    unsigned char r[PT_BYTES] = {0};
    int rc = crypto_scalarmult_ed25519_noclamp(r, k->le, a->opaque);
    store_or_identity(out, r, rc);
}

/* CT: as pow_. */
static void pow_g(cns_elt *out, const cns_scalar *k)
{
    unsigned char r[PT_BYTES] = {0};
    int rc = crypto_scalarmult_ed25519_base_noclamp(r, k->le);
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

const cns_group cns_group_ed25519 = {
    .name = "Ed25519",
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
