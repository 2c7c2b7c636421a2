/* Scalars modulo ℓ for Ed25519 and ristretto255 (scalar25519.h), on libsodium. */
#include "group/scalar25519.h"

#include <string.h>

#include <sodium.h>

#define SC_BYTES 32 /* ℓ < 2^253 */

/* ℓ, little-endian. */
static const unsigned char ORDER[CNS_SCALAR_BYTES] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

/* The bytes past ℓ's 32 are zero in every scalar (consulta/group.h). */
static void clear_tail(cns_scalar *out)
{
    memset(out->le + SC_BYTES, 0, CNS_SCALAR_BYTES - SC_BYTES);
}

void cns_sc25519_order(unsigned char out[CNS_SCALAR_BYTES])
{
    memcpy(out, ORDER, CNS_SCALAR_BYTES);
}

/*
 * Horner's rule in steps of 32 bytes: acc = acc·2^256 + chunk mod ℓ, where
 * acc < ℓ < 2^253 makes the 64-byte wide value fit libsodium's reduction. The
 * first chunk is the len mod 32 leading bytes (acc = 0 then).
 * CT: constant time in be (the loop depends on len only).
 */
void cns_sc25519_reduce_be(cns_scalar *out, const unsigned char *be, size_t len)
{
    unsigned char wide[64], acc[CNS_SCALAR_BYTES] = {0};
    size_t chunk = len % 32 != 0 ? len % 32 : 32;

    for (size_t pos = 0; pos < len; pos += chunk, chunk = 32) {
        memset(wide, 0, 32);
        for (size_t i = 0; i < chunk; i++)
            wide[i] = be[pos + chunk - 1 - i];
        memcpy(wide + 32, acc, 32);
        crypto_core_ed25519_scalar_reduce(acc, wide);
    }
    memcpy(out->le, acc, CNS_SCALAR_BYTES);
    sodium_memzero(wide, sizeof wide);
    sodium_memzero(acc, sizeof acc);
}

void cns_sc25519_add(cns_scalar *out, const cns_scalar *a, const cns_scalar *b)
{
    crypto_core_ed25519_scalar_add(out->le, a->le, b->le);
    clear_tail(out);
}

void cns_sc25519_sub(cns_scalar *out, const cns_scalar *a, const cns_scalar *b)
{
    crypto_core_ed25519_scalar_sub(out->le, a->le, b->le);
    clear_tail(out);
}

void cns_sc25519_mul(cns_scalar *out, const cns_scalar *a, const cns_scalar *b)
{
    crypto_core_ed25519_scalar_mul(out->le, a->le, b->le);
    clear_tail(out);
}

void cns_sc25519_neg(cns_scalar *out, const cns_scalar *a)
{
    crypto_core_ed25519_scalar_negate(out->le, a->le);
    clear_tail(out);
}

cns_err cns_sc25519_inv(cns_scalar *out, const cns_scalar *a)
{
    unsigned char r[CNS_SCALAR_BYTES] = {0};
    cns_err err = CNS_OK;

    if (crypto_core_ed25519_scalar_invert(r, a->le) != 0)
        err = CNS_ERR_INVALID;
    else
        memcpy(out->le, r, CNS_SCALAR_BYTES);
    sodium_memzero(r, sizeof r);
    return err;
}

void cns_sc25519_random(cns_scalar *out)
{
    crypto_core_ed25519_scalar_random(out->le);
    clear_tail(out);
}
