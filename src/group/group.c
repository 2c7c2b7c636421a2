/*
 * The public group interface (consulta/group.h): dispatch to the vtable, and
 * the decimal text form of scalars, which is the same for every group.
 */
#include <string.h>

#include <gmp.h>
#include <sodium.h>

#include "group/internal.h"
#include "group/text.h"

_Static_assert(GMP_NAIL_BITS == 0 && CNS_SCALAR_BYTES % sizeof(mp_limb_t) == 0, "GMP limbs");

#define SCALAR_LIMBS      (CNS_SCALAR_BYTES / sizeof(mp_limb_t))
#define SCALAR_DIGITS_MAX 617 /* 2^2048 < 10^617 */

const cns_group *cns_group_by_name(const char *name)
{
    static const cns_group *const groups[] = {&cns_group_ff2048, &cns_group_rfc3526,
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

static void limbs_from_le(mp_limb_t x[SCALAR_LIMBS], const unsigned char le[CNS_SCALAR_BYTES])
{
    for (size_t i = 0; i < SCALAR_LIMBS; i++) {
        x[i] = 0;
        for (size_t j = sizeof(mp_limb_t); j-- > 0;)
            x[i] = x[i] << 8 | le[i * sizeof(mp_limb_t) + j];
    }
}

static void limbs_to_le(unsigned char le[CNS_SCALAR_BYTES], const mp_limb_t x[SCALAR_LIMBS])
{
    for (size_t i = 0; i < CNS_SCALAR_BYTES; i++)
        le[i] = (unsigned char)(x[i / sizeof(mp_limb_t)] >> (8 * (i % sizeof(mp_limb_t))));
}

/*
 * CT: digits are parsed and compared with q without branching on their value
 * (mpn_set_str's basecase, a borrow for the comparison); the length of the
 * text is public. Temporaries are wiped: the text may be a private key.
 */
cns_err cns_scalar_from_text(const cns_group *group, cns_scalar *out, const char *text, size_t len)
{
    unsigned char digits[SCALAR_DIGITS_MAX], q_le[CNS_SCALAR_BYTES];
    mp_limb_t v[SCALAR_LIMBS + 2] = {0}, q[SCALAR_LIMBS], t[SCALAR_LIMBS], high;
    cns_err err = CNS_ERR_DECODE;

    if (len > SCALAR_DIGITS_MAX || !cns_text_decimal(digits, text, len))
        goto done;
    mpn_set_str(v, digits, len, 10);
    group->order(q_le);
    limbs_from_le(q, q_le);
    /* v < q iff v fits in SCALAR_LIMBS limbs and v − q borrows */
    high = v[SCALAR_LIMBS] | v[SCALAR_LIMBS + 1];
    if ((high != 0) | (mpn_sub_n(t, v, q, SCALAR_LIMBS) == 0))
        goto done;
    limbs_to_le(out->le, v);
    err = CNS_OK;
done:
    sodium_memzero(digits, sizeof digits);
    sodium_memzero(v, sizeof v);
    sodium_memzero(t, sizeof t);
    return err;
}

/* CT: the length of the text shows (leading zero limbs and digits are skipped). */
size_t cns_scalar_to_text(const cns_group *group, char *out, size_t cap, const cns_scalar *k)
{
    unsigned char digits[SCALAR_DIGITS_MAX + 1]; /* mpn_get_str: 2^2048 − 1, plus one */
    mp_limb_t v[SCALAR_LIMBS];
    mp_size_t n = SCALAR_LIMBS;
    size_t ndigits = 0, len;

    (void)group;
    limbs_from_le(v, k->le);
    while (n > 0 && v[n - 1] == 0)
        n--;
    if (n > 0)
        ndigits = mpn_get_str(digits, 10, v, n);
    len = cns_text_put_decimal(out, cap, digits, ndigits);
    sodium_memzero(digits, sizeof digits);
    sodium_memzero(v, sizeof v);
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
