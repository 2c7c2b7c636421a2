/*
 * Arithmetic on edwards25519 points kept in memory (curve.h), shared by the
 * Ed25519 and ristretto255 groups. Every coordinate operation is one of
 * libsodium's (ge25519.h); this file only combines them: scalar recoding,
 * tables of multiples, constant-time selection of table entries.
 */
#include <stdlib.h>
#include <string.h>

#include "group/curve.h"

#define WINDOWS 64 /* 4-bit digits of a scalar below 2^256 */

/* A fixed base: its multiples j·16^i·a for every digit position i and j < 16. */
typedef struct curve_table {
    uint64_t is_g; /* a is the Ed25519 base point: libsodium's own tables serve */
    ge25519_cached row[WINDOWS][16];
} curve_table;

_Static_assert(sizeof(curve_table) == CURVE_BASE_BYTES, "CURVE_BASE_BYTES");

/* The Ed25519 base point B, RFC 8032 encoding (the generator of both groups). */
static const unsigned char B_ENC[CURVE_BYTES] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};
static const unsigned char ZERO[CNS_SCALAR_BYTES];

void cns_curve_point(ge25519_p3 *p, const cns_elt *e)
{
    memcpy(p, e->opaque + offsetof(curve_pt, p), sizeof *p);
}

void cns_curve_set(cns_elt *e, const ge25519_p3 *p, const unsigned char *enc)
{
    curve_pt pt = {.has_enc = enc != NULL, .p = *p};
    if (enc != NULL)
        memcpy(pt.enc, enc, CURVE_BYTES);
    memset(e->opaque, 0, sizeof e->opaque);
    memcpy(e->opaque, &pt, sizeof pt);
}

void cns_curve_encoding(unsigned char out[CURVE_BYTES], const cns_elt *e, curve_tobytes tobytes)
{
    uint64_t has_enc;
    memcpy(&has_enc, e->opaque + offsetof(curve_pt, has_enc), sizeof has_enc);
    if (has_enc) {
        memcpy(out, e->opaque + offsetof(curve_pt, enc), CURVE_BYTES);
    } else {
        ge25519_p3 p;
        cns_curve_point(&p, e);
        tobytes(out, &p);
    }
}

bool cns_curve_eq(const cns_elt *a, const cns_elt *b, curve_tobytes tobytes)
{
    unsigned char x[CURVE_BYTES], y[CURVE_BYTES];
    cns_curve_encoding(x, a, tobytes);
    cns_curve_encoding(y, b, tobytes);
    return memcmp(x, y, CURVE_BYTES) == 0;
}

void cns_curve_identity(ge25519_p3 *p)
{
    memset(p, 0, sizeof *p);
    p->Y[0] = 1; /* 51-bit limbs: the field element 1 */
    p->Z[0] = 1;
}

/* OUT: r = p + q. */
static void add(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_cached *q)
{
    ge25519_p1p1 t;
    ge25519_add(&t, p, q);
    ge25519_p1p1_to_p3(r, &t);
}

static void add_p3(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q)
{
    ge25519_cached c;
    ge25519_p3_to_cached(&c, q);
    add(r, p, &c);
}

/* OUT: r = 2p (the addition formula is complete, doubling included). */
static void dbl(ge25519_p3 *r, const ge25519_p3 *p)
{
    add_p3(r, p, p);
}

/* The extended point of a projective one: (X:Y:Z) read as completed ((X:Z),(Y:Z)). */
static void p2_to_p3(ge25519_p3 *r, const ge25519_p2 *p)
{
    ge25519_p1p1 t;
    memcpy(t.X, p->X, sizeof t.X);
    memcpy(t.Y, p->Y, sizeof t.Y);
    memcpy(t.Z, p->Z, sizeof t.Z);
    memcpy(t.T, p->Z, sizeof t.T);
    ge25519_p1p1_to_p3(r, &t);
}

void cns_curve_mul(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    ge25519_p3 p, q;
    cns_curve_point(&p, a);
    cns_curve_point(&q, b);
    add_p3(&p, &p, &q);
    cns_curve_set(out, &p, NULL);
}

void cns_curve_div(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    ge25519_p3 p, q;
    ge25519_cached c;
    ge25519_p1p1 t;
    cns_curve_point(&p, a);
    cns_curve_point(&q, b);
    ge25519_p3_to_cached(&c, &q);
    ge25519_sub(&t, &p, &c);
    ge25519_p1p1_to_p3(&p, &t);
    cns_curve_set(out, &p, NULL);
}

/* CT: libsodium's signed 4-bit windows with constant-time table lookups. */
void cns_curve_pow(cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    ge25519_p3 p, r;
    cns_curve_point(&p, a);
    ge25519_scalarmult(&r, k->le, &p);
    cns_curve_set(out, &r, NULL);
    sodium_memzero(&r, sizeof r);
}

void cns_curve_pow_public(cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    ge25519_p3 p;
    ge25519_p2 r;
    cns_curve_point(&p, a);
    ge25519_double_scalarmult_vartime(&r, k->le, &p, ZERO);
    p2_to_p3(&p, &r);
    cns_curve_set(out, &p, NULL);
}

/* CT: libsodium's fixed-base comb for B. */
void cns_curve_pow_g(cns_elt *out, const cns_scalar *k)
{
    ge25519_p3 r;
    ge25519_scalarmult_base(&r, k->le);
    cns_curve_set(out, &r, NULL);
    sodium_memzero(&r, sizeof r);
}

static unsigned digit(const cns_scalar *k, size_t i)
{
    return (k->le[i / 2] >> (4 * (i % 2))) & 15u;
}

/* The 16 multiples 0·p … 15·p, as cached points. */
static void multiples(ge25519_cached t[16], const ge25519_p3 *p)
{
    ge25519_p3 m;
    cns_curve_identity(&m);
    ge25519_p3_to_cached(&t[0], &m);
    for (int j = 1; j < 16; j++) {
        add_p3(&m, &m, p);
        ge25519_p3_to_cached(&t[j], &m);
    }
}

/*
 * Straus: one chain of doublings for all bases, 4-bit windows. For two
 * terms, two of libsodium's sliding-window multiplications are faster
 * (its doubling is not exported; ours is an addition).
 */
cns_err cns_curve_multi_pow(cns_elt *out, const cns_elt *bases, const cns_scalar *exps, size_t n)
{
    ge25519_cached(*t)[16] = NULL;
    ge25519_p3 acc, p;

    cns_curve_identity(&acc);
    if (n <= 2) {
        for (size_t i = 0; i < n; i++) {
            cns_curve_pow_public(out, &bases[i], &exps[i]);
            cns_curve_point(&p, out);
            add_p3(&acc, &acc, &p);
        }
        cns_curve_set(out, &acc, NULL);
        return CNS_OK;
    }
    t = malloc(n * sizeof *t);
    if (t == NULL)
        return CNS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        cns_curve_point(&p, &bases[i]);
        multiples(t[i], &p);
    }
    for (size_t w = WINDOWS; w-- > 0;) {
        for (int d = 0; d < 4 && w < WINDOWS - 1; d++)
            dbl(&acc, &acc);
        for (size_t i = 0; i < n; i++) {
            unsigned d = digit(&exps[i], w);
            if (d != 0)
                add(&acc, &acc, &t[i][d]);
        }
    }
    free(t);
    cns_curve_set(out, &acc, NULL);
    return CNS_OK;
}

/* ---- fixed bases -------------------------------------------------------------- */

void cns_curve_base_build(void *table, const cns_elt *a)
{
    curve_table *tab = table;
    unsigned char enc[CURVE_BYTES];
    ge25519_p3 p;

    cns_curve_point(&p, a);
    ge25519_p3_tobytes(enc, &p);
    tab->is_g = memcmp(enc, B_ENC, CURVE_BYTES) == 0;
    if (tab->is_g)
        return;
    for (size_t i = 0; i < WINDOWS; i++) {
        multiples(tab->row[i], &p);
        for (int d = 0; d < 4; d++)
            dbl(&p, &p);
    }
}

/* OUT: dst = src if flag, in constant time (masks over the words). */
static void cmov_cached(ge25519_cached *dst, const ge25519_cached *src, unsigned flag)
{
    uint64_t mask = 0 - (uint64_t)(flag & 1u), *d = (uint64_t *)dst;
    const uint64_t *s = (const uint64_t *)src;
    for (size_t i = 0; i < sizeof *dst / sizeof *d; i++)
        d[i] ^= mask & (d[i] ^ s[i]);
}

/* CT: every entry of each row is read; the digit selects by mask. */
void cns_curve_base_pow(cns_elt *out, const void *table, const cns_scalar *k)
{
    const curve_table *tab = table;
    ge25519_p3 acc;
    ge25519_cached c;

    if (tab->is_g) {
        cns_curve_pow_g(out, k);
        return;
    }
    cns_curve_identity(&acc);
    for (size_t i = 0; i < WINDOWS; i++) {
        unsigned d = digit(k, i);
        c = tab->row[i][0];
        for (unsigned j = 1; j < 16; j++)
            cmov_cached(&c, &tab->row[i][j], (unsigned)(((j ^ d) - 1u) >> 8) & 1u);
        add(&acc, &acc, &c);
    }
    cns_curve_set(out, &acc, NULL);
    sodium_memzero(&acc, sizeof acc);
    sodium_memzero(&c, sizeof c);
}

/* acc += k·base, from the table, in variable time. */
static void comb_public(ge25519_p3 *acc, const curve_table *tab, const cns_scalar *k)
{
    for (size_t i = 0; i < WINDOWS; i++) {
        unsigned d = digit(k, i);
        if (d != 0)
            add(acc, acc, &tab->row[i][d]);
    }
}

void cns_curve_base_pow_public(cns_elt *out, const void *table, const cns_scalar *k)
{
    const curve_table *tab = table;
    ge25519_p3 acc;
    ge25519_p2 r;

    if (tab->is_g) {
        cns_curve_identity(&acc);
        ge25519_double_scalarmult_vartime(&r, ZERO, &acc, k->le);
        p2_to_p3(&acc, &r);
    } else {
        cns_curve_identity(&acc);
        comb_public(&acc, tab, k);
    }
    cns_curve_set(out, &acc, NULL);
}

void cns_curve_pow2_public(cns_elt *out, const void *table, const cns_scalar *s, const cns_elt *a,
                           const cns_scalar *c)
{
    const curve_table *tab = table;
    ge25519_p3 p;
    ge25519_p2 r;

    cns_curve_point(&p, a);
    ge25519_double_scalarmult_vartime(&r, c->le, &p, tab->is_g ? s->le : ZERO);
    p2_to_p3(&p, &r);
    if (!tab->is_g)
        comb_public(&p, tab, s);
    cns_curve_set(out, &p, NULL);
}
