/*
 * The "ristretto255" group (RFC 9496), consulta's default, on libsodium.
 *
 * An element is an edwards25519 point in memory (curve.h) standing for its
 * ristretto255 class; its canonical encoding is 32 bytes, its text form
 * those bytes in 64 lowercase hex digits. Every ristretto255 element is in
 * the prime-order group, so a refused encoding is always CNS_ERR_DECODE
 * (there is no "well-formed but outside the subgroup" case as for the
 * other groups).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "group/curve.h"
#include "group/scalar25519.h"
#include "group/text.h"

static const unsigned char GENERATOR[CURVE_BYTES] = {
    0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71, 0xa8, 0x84, 0xa9, 0x61, 0xc5, 0x00, 0x51, 0x5f,
    0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82, 0xdd, 0x8d, 0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76};

static cns_err decode(cns_elt *out, const unsigned char *in, size_t len)
{
    ge25519_p3 p;

    /* libsodium's decoding is the full RFC 9496 check, identity included. */
    if (len != CURVE_BYTES || ristretto255_frombytes(&p, in) != 0)
        return CNS_ERR_DECODE;
    cns_curve_set(out, &p, in);
    return CNS_OK;
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
    static const unsigned char zero[CURVE_BYTES];
    ge25519_p3 p;
    cns_curve_identity(&p);
    cns_curve_set(out, &p, zero);
}

static cns_err from_text(cns_elt *out, const char *text, size_t len)
{
    unsigned char enc[CURVE_BYTES];

    if (!cns_text_hex32(enc, text, len))
        return CNS_ERR_DECODE;
    return decode(out, enc, CURVE_BYTES);
}

static void encode(unsigned char *out, const cns_elt *a)
{
    cns_curve_encoding(out, a, ristretto255_p3_tobytes);
}

static size_t to_text(char *out, size_t cap, const cns_elt *a)
{
    unsigned char enc[CURVE_BYTES];
    encode(enc, a);
    return cns_text_put_hex32(out, cap, enc);
}

static bool eq(const cns_elt *a, const cns_elt *b)
{
    return cns_curve_eq(a, b, ristretto255_p3_tobytes);
}

/*
 * consulta's own (docs/mixnet.md): the RFC 9496 hash-to-group (libsodium's
 * crypto_core_ristretto255_from_hash) of SHA-512("consulta-ristretto255-ggen|i").
 */
static void indep_generator(cns_elt *out, long i)
{
    unsigned char digest[crypto_hash_sha512_BYTES], enc[CURVE_BYTES];
    char text[48];
    int len = snprintf(text, sizeof text, "consulta-ristretto255-ggen|%ld", i);
    cns_err err;

    crypto_hash_sha512(digest, (const unsigned char *)text, (size_t)len);
    crypto_core_ristretto255_from_hash(enc, digest);
    err = decode(out, enc, CURVE_BYTES);
    (void)err; /* libsodium's output is a canonical encoding */
}

const cns_group cns_group_ristretto255 = {
    .name = "ristretto255",
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
