/*
 * The "Ed25519" group of Belenios 2.1 (spec 2.1 §5.2.1): the prime-order
 * subgroup of edwards25519, on libsodium.
 *
 * An element is the point in memory (curve.h). Its canonical byte encoding
 * is RFC 8032's (32 bytes, little-endian y with the sign of x in the top
 * bit); the text form is the same 256-bit integer written big-endian in 64
 * lowercase hex digits.
 *
 * libsodium's validity check refuses every small-order point, including the
 * identity, which Belenios accepts: this file accepts exactly one
 * small-order point, the identity, and otherwise checks as
 * crypto_core_ed25519_is_valid_point does (canonical, not of small order,
 * on the curve, in the subgroup of order ℓ).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "group/curve.h"
#include "group/scalar25519.h"
#include "group/text.h"

/* The identity (x = 0, y = 1) and the generator g (y = 4/5, x even). */
static const unsigned char IDENTITY[CURVE_BYTES] = {1};
static const unsigned char GENERATOR[CURVE_BYTES] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

/* Whether the y coordinate of enc (top bit ignored) is below p = 2^255 − 19. */
static bool y_is_canonical(const unsigned char enc[CURVE_BYTES])
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
static bool has_sign_of_zero(const unsigned char enc[CURVE_BYTES])
{
    unsigned char y[CURVE_BYTES], p_minus_1[CURVE_BYTES];

    if ((enc[31] & 0x80) == 0)
        return false;
    memcpy(y, enc, CURVE_BYTES);
    y[31] &= 0x7f;
    memset(p_minus_1, 0xff, CURVE_BYTES);
    p_minus_1[0] = 0xec;
    p_minus_1[31] = 0x7f;
    return memcmp(y, IDENTITY, CURVE_BYTES) == 0 || memcmp(y, p_minus_1, CURVE_BYTES) == 0;
}

/*
 * Accept enc iff it is the canonical encoding of a point of order 1 or ℓ.
 * OUT: p, the point.
 */
static cns_err check(ge25519_p3 *p, const unsigned char enc[CURVE_BYTES])
{
    if (!y_is_canonical(enc) || has_sign_of_zero(enc))
        return CNS_ERR_DECODE;
    if (memcmp(enc, IDENTITY, CURVE_BYTES) == 0) {
        cns_curve_identity(p);
        return CNS_OK;
    }
    /* crypto_core_ed25519_is_valid_point, keeping the point it decodes */
    if (ge25519_is_canonical(enc) == 0 || ge25519_has_small_order(enc) != 0 ||
        ge25519_frombytes(p, enc) != 0 || ge25519_is_on_curve(p) == 0 ||
        ge25519_is_on_main_subgroup(p) == 0)
        return CNS_ERR_INVALID;
    return CNS_OK;
}

static cns_err decode(cns_elt *out, const unsigned char *in, size_t len)
{
    ge25519_p3 p;
    cns_err err;

    if (len != CURVE_BYTES)
        return CNS_ERR_DECODE;
    err = check(&p, in);
    if (err == CNS_OK)
        cns_curve_set(out, &p, in);
    return err;
}

static cns_elt g_elt;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void g_init(void)
{
    cns_err err = decode(&g_elt, GENERATOR, CURVE_BYTES);
    (void)err; /* a constant that decodes (tests/test_group.c) */
}

static void generator(cns_elt *out)
{
    pthread_once(&g_once, g_init);
    *out = g_elt;
}

static void identity(cns_elt *out)
{
    ge25519_p3 p;
    cns_curve_identity(&p);
    cns_curve_set(out, &p, IDENTITY);
}

static cns_err from_text(cns_elt *out, const char *text, size_t len)
{
    unsigned char be[CURVE_BYTES], le[CURVE_BYTES];

    if (!cns_text_hex32(be, text, len))
        return CNS_ERR_DECODE;
    for (int i = 0; i < CURVE_BYTES; i++)
        le[i] = be[CURVE_BYTES - 1 - i];
    return decode(out, le, CURVE_BYTES);
}

static void encode(unsigned char *out, const cns_elt *a)
{
    cns_curve_encoding(out, a, ge25519_p3_tobytes);
}

static size_t to_text(char *out, size_t cap, const cns_elt *a)
{
    unsigned char le[CURVE_BYTES], be[CURVE_BYTES];

    encode(le, a);
    for (int i = 0; i < CURVE_BYTES; i++)
        be[i] = le[CURVE_BYTES - 1 - i];
    return cns_text_put_hex32(out, cap, be);
}

static bool eq(const cns_elt *a, const cns_elt *b)
{
    return cns_curve_eq(a, b, ge25519_p3_tobytes);
}

/*
 * Spec 2.1 §6 (GetGenerator for Ed25519): from z = int_be(SHA256("ggen|i"))
 * >> 2 upwards, the first z that decompresses (sign bit 0) to a curve point,
 * times the cofactor 8. Public values.
 */
static void indep_generator(cns_elt *out, long i)
{
    unsigned char digest[crypto_hash_sha256_BYTES], le[CURVE_BYTES];
    char text[32];
    int len = snprintf(text, sizeof text, "ggen|%ld", i);
    ge25519_p3 p;
    cns_scalar eight = {{8}};
    cns_elt pt;

    crypto_hash_sha256(digest, (const unsigned char *)text, (size_t)len);
    for (int k = 0; k < CURVE_BYTES; k++) /* big-endian digest, shifted right by 2, little-endian */
        le[k] = (unsigned char)((digest[31 - k] >> 2) | (k < 31 ? digest[30 - k] << 6 : 0));
    while (ge25519_frombytes(&p, le) != 0) {
        for (int k = 0; k < CURVE_BYTES && ++le[k] == 0; k++) /* z + 1; z < 2^254 never wraps */
            ;
    }
    cns_curve_set(&pt, &p, NULL);
    cns_curve_pow_public(out, &pt, &eight);
}

const cns_group cns_group_ed25519 = {
    .name = "Ed25519",
    .elt_bytes = CURVE_BYTES,
    .generator = generator,
    .identity = identity,
    .from_text = from_text,
    .to_text = to_text,
    .encode = encode,
    .decode = decode,
    .mul = cns_curve_mul,
    .div = cns_curve_div,
    .pow = cns_curve_pow,
    .pow_public = cns_curve_pow_public,
    .pow_g = cns_curve_pow_g,
    .multi_pow = cns_curve_multi_pow,
    .eq = eq,
    .base_bytes = CURVE_BASE_BYTES,
    .base_build = cns_curve_base_build,
    .base_pow = cns_curve_base_pow,
    .base_pow_public = cns_curve_base_pow_public,
    .pow2_public = cns_curve_pow2_public,
    .order = cns_sc25519_order,
    .scalar_reduce_be = cns_sc25519_reduce_be,
    .scalar_add = cns_sc25519_add,
    .scalar_sub = cns_sc25519_sub,
    .scalar_mul = cns_sc25519_mul,
    .scalar_neg = cns_sc25519_neg,
    .scalar_inv = cns_sc25519_inv,
    .scalar_random = cns_sc25519_random,
    .indep_generator = indep_generator,
};
