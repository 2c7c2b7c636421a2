/* Constant-time selection of elements and scalars (crypto.h). */
#include "crypto/crypto.h"

static void cmov_bytes(unsigned char *dst, const unsigned char *src, size_t len, unsigned flag)
{
    unsigned char mask = (unsigned char)(0u - (flag & 1u));
    for (size_t i = 0; i < len; i++)
        dst[i] ^= mask & (dst[i] ^ src[i]);
}

void cns_elt_cmov(cns_elt *dst, const cns_elt *src, unsigned flag)
{
    cmov_bytes(dst->opaque, src->opaque, sizeof dst->opaque, flag);
}

void cns_scalar_cmov(cns_scalar *dst, const cns_scalar *src, unsigned flag)
{
    cmov_bytes(dst->le, src->le, sizeof dst->le, flag);
}
