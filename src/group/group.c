/*
 * The public group interface (consulta/group.h): dispatch to the vtable, and
 * the decimal text form of scalars, which is the same for every group.
 */
#include <string.h>

#include <sodium.h>

#include "group/internal.h"
#include "group/text.h"

#define SCALAR_DIGITS_MAX CNS_TEXT_SCALAR_DIGITS
_Static_assert(CNS_TEXT_SCALAR_BYTES == CNS_SCALAR_BYTES, "text.h knows the scalar size");

const cns_group *cns_group_by_name(const char *name)
{
    static const cns_group *const groups[] = {
#ifndef CNS_NO_FF2048 /* the finite-field groups need GMP (the WebAssembly curve build has none)   \
                       */
        &cns_group_ff2048, &cns_group_rfc3526,
#endif
        &cns_group_ed25519, &cns_group_ristretto255};
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (strcmp(groups[i]->name, name) == 0)
            return groups[i];
    }
    return NULL;
}

const char *cns_group_name(const cns_group *group)
{
    return group->name;
}

void cns_group_generator(const cns_group *group, cns_elt *out)
{
    group->generator(out);
}

void cns_group_identity(const cns_group *group, cns_elt *out)
{
    group->identity(out);
}

cns_err cns_elt_from_text(const cns_group *group, cns_elt *out, const char *text, size_t len)
{
    return group->from_text(out, text, len);
}

size_t cns_elt_to_text(const cns_group *group, char *out, size_t cap, const cns_elt *a)
{
    return group->to_text(out, cap, a);
}

size_t cns_elt_bytes(const cns_group *group)
{
    return group->elt_bytes;
}

void cns_elt_encode(const cns_group *group, unsigned char *out, const cns_elt *a)
{
    group->encode(out, a);
}

cns_err cns_elt_decode(const cns_group *group, cns_elt *out, const unsigned char *in, size_t len)
{
    return group->decode(out, in, len);
}

void cns_elt_mul(const cns_group *group, cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    group->mul(out, a, b);
}

void cns_elt_div(const cns_group *group, cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    group->div(out, a, b);
}

void cns_elt_pow(const cns_group *group, cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    group->pow(out, a, k);
}

void cns_elt_pow_public(const cns_group *group, cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    group->pow_public(out, a, k);
}

void cns_group_pow_g(const cns_group *group, cns_elt *out, const cns_scalar *k)
{
    group->pow_g(out, k);
}

cns_err cns_elt_multi_pow(const cns_group *group, cns_elt *out, const cns_elt *bases,
                          const cns_scalar *exps, size_t n)
{
    return group->multi_pow(out, bases, exps, n);
}

cns_err cns_group_indep_generator(const cns_group *group, cns_elt *out, long i)
{
    cns_elt one, g;

    group->indep_generator(out, i);
    cns_group_identity(group, &one);
    cns_group_generator(group, &g);
    if (group->eq(out, &one) || group->eq(out, &g))
        return CNS_ERR_INVALID;
    return CNS_OK;
}

bool cns_elt_eq(const cns_group *group, const cns_elt *a, const cns_elt *b)
{
    return group->eq(a, b);
}

void cns_group_order(const cns_group *group, unsigned char out[CNS_SCALAR_BYTES])
{
    group->order(out);
}

/* CT: the borrow of a − b over CNS_SCALAR_BYTES little-endian bytes (1 if a < b), without branches.
 */
static unsigned borrow_le(const unsigned char a[CNS_SCALAR_BYTES],
                          const unsigned char b[CNS_SCALAR_BYTES])
{
    unsigned borrow = 0;
    for (size_t i = 0; i < CNS_SCALAR_BYTES; i++)
        borrow = ((unsigned)a[i] - b[i] - borrow) >> 8 & 1u;
    return borrow;
}

/*
 * CT: digits are parsed and compared with q without branching on their value
 * (src/group/text.c; a borrow for the comparison); the length of the text is
 * public. Temporaries are wiped: the text may be a private key.
 */
cns_err cns_scalar_from_text(const cns_group *group, cns_scalar *out, const char *text, size_t len)
{
    unsigned char digits[SCALAR_DIGITS_MAX], v[CNS_SCALAR_BYTES], q[CNS_SCALAR_BYTES];
    cns_err err = CNS_ERR_DECODE;

    if (len > SCALAR_DIGITS_MAX || !cns_text_decimal(digits, text, len))
        goto done;
    bool fits = cns_text_decimal_to_le(v, digits, len);
    group->order(q);
    /* v < q iff v fits in CNS_SCALAR_BYTES and v − q borrows */
    if (!(fits & (borrow_le(v, q) == 1)))
        goto done;
    memcpy(out->le, v, sizeof v);
    err = CNS_OK;
done:
    sodium_memzero(digits, sizeof digits);
    sodium_memzero(v, sizeof v);
    return err;
}

/* The length of the group order in bytes (public). */
static size_t order_bytes(const cns_group *group)
{
    unsigned char q[CNS_SCALAR_BYTES];
    size_t n = CNS_SCALAR_BYTES;
    group->order(q);
    while (n > 1 && q[n - 1] == 0)
        n--;
    return n;
}

/* CT: the length of the text shows (leading zero digits are skipped). */
size_t cns_scalar_to_text(const cns_group *group, char *out, size_t cap, const cns_scalar *k)
{
    unsigned char digits[SCALAR_DIGITS_MAX];
    size_t len;

    (void)group;
    cns_text_le_to_decimal(digits, k->le, order_bytes(group));
    len = cns_text_put_decimal(out, cap, digits, SCALAR_DIGITS_MAX);
    sodium_memzero(digits, sizeof digits);
    return len;
}

void cns_scalar_from_digest(const cns_group *group, cns_scalar *out, const unsigned char digest[32])
{
    group->scalar_reduce_be(out, digest, 32);
}

void cns_scalar_from_be(const cns_group *group, cns_scalar *out, const unsigned char *be,
                        size_t len)
{
    group->scalar_reduce_be(out, be, len);
}

void cns_scalar_from_u64(const cns_group *group, cns_scalar *out, uint64_t v)
{
    unsigned char be[8];
    for (int i = 7; i >= 0; i--) {
        be[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    group->scalar_reduce_be(out, be, sizeof be);
}

void cns_scalar_random(const cns_group *group, cns_scalar *out)
{
    group->scalar_random(out);
}

void cns_scalar_add(const cns_group *group, cns_scalar *out, const cns_scalar *a,
                    const cns_scalar *b)
{
    group->scalar_add(out, a, b);
}

void cns_scalar_sub(const cns_group *group, cns_scalar *out, const cns_scalar *a,
                    const cns_scalar *b)
{
    group->scalar_sub(out, a, b);
}

void cns_scalar_mul(const cns_group *group, cns_scalar *out, const cns_scalar *a,
                    const cns_scalar *b)
{
    group->scalar_mul(out, a, b);
}

void cns_scalar_neg(const cns_group *group, cns_scalar *out, const cns_scalar *a)
{
    group->scalar_neg(out, a);
}

cns_err cns_scalar_inv(const cns_group *group, cns_scalar *out, const cns_scalar *a)
{
    return group->scalar_inv(out, a);
}

bool cns_scalar_eq(const cns_scalar *a, const cns_scalar *b)
{
    return sodium_memcmp(a->le, b->le, CNS_SCALAR_BYTES) == 0;
}

bool cns_scalar_is_zero(const cns_scalar *a)
{
    return sodium_is_zero(a->le, CNS_SCALAR_BYTES) == 1;
}
