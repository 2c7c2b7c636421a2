/*
 * The finite-field groups' implementation, shared by ff2048.c
 * ("BELENIOS-2048") and rfc3526.c ("RFC-3526-2048"): each defines P_BYTES,
 * Q_BYTES, EXP_BITS, P_DIGITS, the arrays P, G, Q (little-endian limbs,
 * written through group/ff_limbs.h, which gives N and QN, the sizes in
 * limbs), FF_NAME, FF_GROUP (the vtable's name) and, when p = 2q + 1,
 * FF_SAFE_PRIME, then includes this file once. Everything below is static
 * and neutral in the limb size (64 bits natively, 32 on wasm32).
 *
 * An element x (1 ≤ x < p, x^q = 1) is stored as N little-endian limbs
 * (P_BYTES bytes) filling cns_elt.opaque; the representation is unique, so
 * equality is memcmp. Its text form is canonical decimal, its byte encoding
 * P_BYTES bytes big-endian. Scalars are integers mod q, QN limbs in
 * computations.
 *
 * Everything a secret can reach (pow, pow_g, mul, the scalar operations) uses
 * GMP's mpn_sec_* functions, whose timing and memory accesses depend on the
 * operand sizes only; their scratch space is on the stack and wiped.
 */
#ifndef FF_GROUP
#error "define the group's parameters before including ff_impl.h"
#endif
/* The includer includes <string.h>, <gmp.h>, <sodium.h>, group/internal.h and group/text.h first.
 */

#include <stdio.h>  /* snprintf, for indep_generator */
#include <stdlib.h> /* malloc, for multi_pow */

#define LIMB_BYTES    ((int)sizeof(mp_limb_t))
#define SCRATCH_LIMBS (8192 / LIMB_BYTES)
#define CHUNK_LIMBS   (32 / LIMB_BYTES) /* scalar_reduce_be's 32-byte steps */

_Static_assert(GMP_NUMB_BITS == 8 * sizeof(mp_limb_t) && GMP_NAIL_BITS == 0,
               "GMP limbs without nails");
_Static_assert(N *GMP_NUMB_BITS == P_BYTES * 8 && QN * GMP_NUMB_BITS == Q_BYTES * 8,
               "p and q fill whole limbs");
_Static_assert(P_BYTES == CNS_ELT_STORAGE_BYTES, "an element fills cns_elt");
_Static_assert(Q_BYTES <= CNS_SCALAR_BYTES, "a scalar fits cns_scalar");
_Static_assert(EXP_BITS == QN * GMP_NUMB_BITS, "exponents are QN limbs");

/* ---- scratch space for mpn_sec_* ------------------------------------------- */

/*
 * The stack buffer covers what GMP 6 asks for at these sizes (at most a few
 * hundred limbs); should a GMP ask for more, GMP's own allocator is used,
 * which like every GMP allocation aborts when memory is exhausted.
 */
typedef struct scratch {
    mp_limb_t *p;
    size_t n;
    mp_limb_t stack[SCRATCH_LIMBS];
} scratch;

static mp_limb_t *scratch_get(scratch *s, mp_size_t itch)
{
    void *(*alloc)(size_t);

    s->n = (size_t)itch;
    s->p = s->stack;
    if (s->n > SCRATCH_LIMBS) {
        mp_get_memory_functions(&alloc, NULL, NULL);
        s->p = alloc(s->n * sizeof(mp_limb_t));
    }
    return s->p;
}

/* Wipe what the computation left in the scratch space, and free it if allocated. */
static void scratch_release(scratch *s)
{
    void (*release)(void *, size_t);

    sodium_memzero(s->p, s->n * sizeof(mp_limb_t));
    if (s->p != s->stack) {
        mp_get_memory_functions(NULL, NULL, &release);
        release(s->p, s->n * sizeof(mp_limb_t));
    }
}

/* ---- elements -------------------------------------------------------------------- */

static void load(mp_limb_t x[N], const cns_elt *a)
{
    memcpy(x, a->opaque, N * sizeof(mp_limb_t));
}

static void store(cns_elt *out, const mp_limb_t x[N])
{
    memcpy(out->opaque, x, N * sizeof(mp_limb_t));
}

/* x = the value of z, which must be below 2^2048. */
static void from_mpz(mp_limb_t x[N], const mpz_t z)
{
    size_t n = mpz_size(z);

    memset(x, 0, N * sizeof(mp_limb_t));
    memcpy(x, mpz_limbs_read(z), n * sizeof(mp_limb_t));
}

static void generator(cns_elt *out)
{
    store(out, G);
}

static void identity(cns_elt *out)
{
    mp_limb_t one[N] = {1};
    store(out, one);
}

#ifdef FF_SAFE_PRIME
/*
 * p = 2q + 1: the subgroup of order q is the quadratic residues, so for
 * 0 < x < p, x^q = 1 iff the Legendre symbol (x/p) is 1 (Euler's criterion),
 * which GMP computes far faster than the power.
 */
static bool in_subgroup(const mp_limb_t x[N])
{
    mpz_t xz, pz;
    return mpz_jacobi(mpz_roinit_n(xz, x, N), mpz_roinit_n(pz, P, N)) == 1;
}
#else
static bool in_subgroup(const mp_limb_t x[N])
{
    mpz_t r, xz, qz, pz;
    bool ok;

    mpz_init(r);
    mpz_powm(r, mpz_roinit_n(xz, x, N), mpz_roinit_n(qz, Q, QN), mpz_roinit_n(pz, P, N));
    ok = mpz_cmp_ui(r, 1) == 0;
    mpz_clear(r);
    return ok;
}
#endif

/* Accept x iff 1 ≤ x < p and x^q = 1 (mod p). */
static cns_err check(const mp_limb_t x[N])
{
    if (mpn_zero_p(x, N) || mpn_cmp(x, P, N) >= 0 || !in_subgroup(x))
        return CNS_ERR_INVALID;
    return CNS_OK;
}

static cns_err from_text(cns_elt *out, const char *text, size_t len)
{
    unsigned char digits[P_DIGITS];
    mp_limb_t x[N + 2] = {0}; /* mpn_set_str may write one limb beyond 2^2048 */
    cns_err err;

    if (!cns_text_decimal(len <= P_DIGITS ? digits : NULL, text, len))
        return CNS_ERR_DECODE;
    if (len > P_DIGITS) /* canonical digits, but of a value above p */
        return CNS_ERR_INVALID;
    if (mpn_set_str(x, digits, len, 10) > N)
        return CNS_ERR_INVALID;
    err = check(x);
    if (err == CNS_OK)
        store(out, x);
    return err;
}

static size_t to_text(char *out, size_t cap, const cns_elt *a)
{
    unsigned char digits[P_DIGITS + 2]; /* mpn_get_str: digits of 2^2048 − 1, plus one */
    mp_limb_t x[N];
    mp_size_t n = N;

    load(x, a);
    while (n > 1 && x[n - 1] == 0)
        n--;
    return cns_text_put_decimal(out, cap, digits, mpn_get_str(digits, 10, x, n));
}

static void encode(unsigned char *out, const cns_elt *a)
{
    mp_limb_t x[N];

    load(x, a);
    for (size_t i = 0; i < P_BYTES; i++)
        out[P_BYTES - 1 - i] = (unsigned char)(x[i / LIMB_BYTES] >> (8 * (i % LIMB_BYTES)));
}

static cns_err decode(cns_elt *out, const unsigned char *in, size_t len)
{
    mp_limb_t x[N] = {0};
    cns_err err;

    if (len != P_BYTES)
        return CNS_ERR_DECODE;
    for (size_t i = 0; i < P_BYTES; i++)
        x[i / LIMB_BYTES] |= (mp_limb_t)in[P_BYTES - 1 - i] << (8 * (i % LIMB_BYTES));
    err = check(x);
    if (err == CNS_OK)
        store(out, x);
    return err;
}

/* r = a·b mod p. CT: mpn_sec_mul and mpn_sec_div_r. r may alias a or b. */
static void mulmod(mp_limb_t r[N], const mp_limb_t a[N], const mp_limb_t b[N])
{
    mp_limb_t prod[2 * N];
    mp_size_t itch = mpn_sec_mul_itch(N, N);
    scratch s;

    if (mpn_sec_div_r_itch(2 * N, N) > itch)
        itch = mpn_sec_div_r_itch(2 * N, N);
    scratch_get(&s, itch);
    mpn_sec_mul(prod, a, N, b, N, s.p);
    mpn_sec_div_r(prod, 2 * N, P, N, s.p);
    scratch_release(&s);
    memcpy(r, prod, N * sizeof(mp_limb_t));
    sodium_memzero(prod, sizeof prod);
}

static void mul(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    mp_limb_t x[N], y[N];

    load(x, a);
    load(y, b);
    mulmod(x, x, y);
    store(out, x);
}

/* Variable time in b (mpz_invert); the product is as mul. */
static void div_(cns_elt *out, const cns_elt *a, const cns_elt *b)
{
    mp_limb_t x[N], y[N];
    mpz_t inv, yz, pz;

    load(x, a);
    load(y, b);
    mpz_init(inv);
    mpz_invert(inv, mpz_roinit_n(yz, y, N), mpz_roinit_n(pz, P, N)); /* b ≠ 0: invertible */
    from_mpz(y, inv);
    mpz_clear(inv);
    mulmod(x, x, y);
    store(out, x);
}

static void scalar_load(mp_limb_t x[QN], const cns_scalar *k)
{
    for (int i = 0; i < QN; i++) {
        x[i] = 0;
        for (int j = LIMB_BYTES - 1; j >= 0; j--)
            x[i] = x[i] << 8 | k->le[LIMB_BYTES * i + j];
    }
}

/* The bytes of a scalar past q's limbs are zero (consulta/group.h). */
static void scalar_store(cns_scalar *out, const mp_limb_t x[QN])
{
    for (int i = 0; i < Q_BYTES; i++)
        out->le[i] = (unsigned char)(x[i / LIMB_BYTES] >> (8 * (i % LIMB_BYTES)));
    memset(out->le + Q_BYTES, 0, CNS_SCALAR_BYTES - Q_BYTES);
}

/*
 * CT: mpn_sec_powm with the exponent length fixed at 256 bits (it handles
 * k = 0), so neither the value nor the size of k shows.
 */
static void pow_(cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    mp_limb_t base[N], e[QN], r[N];
    scratch s;

    load(base, a);
    scalar_load(e, k);
    scratch_get(&s, mpn_sec_powm_itch(N, EXP_BITS, N));
    mpn_sec_powm(r, base, N, e, EXP_BITS, P, N, s.p);
    scratch_release(&s);
    sodium_memzero(e, sizeof e);
    store(out, r);
}

/* Variable time (mpz_powm): k is public. */
static void pow_public(cns_elt *out, const cns_elt *a, const cns_scalar *k)
{
    mp_limb_t base[N], e[QN], r[N];
    mpz_t rz, bz, ez, pz;

    load(base, a);
    scalar_load(e, k);
    mpz_init(rz);
    mpz_powm(rz, mpz_roinit_n(bz, base, N), mpz_roinit_n(ez, e, QN), mpz_roinit_n(pz, P, N));
    from_mpz(r, rz);
    mpz_clear(rz);
    store(out, r);
}

static void base_pow(cns_elt *out, const void *table, const cns_scalar *k);

/* CT: as base_pow with g's table, or as pow_ if there is none. */
static void pow_g(cns_elt *out, const cns_scalar *k)
{
    const cns_base *table = cns_group_base_g(&FF_GROUP);
    cns_elt g;

    if (table != NULL) {
        cns_base_pow(&FF_GROUP, out, table, k);
        return;
    }
    generator(&g);
    pow_(out, &g, k);
}

static cns_err multi_pow(cns_elt *out, const cns_elt *bases, const cns_scalar *exps, size_t n);

/* ---- fixed bases: powers j·16^i of the base, j < 16, for each 4-bit digit i ---- */

#define WINDOWS (EXP_BITS / 4)

typedef struct ff_table {
    mp_limb_t row[WINDOWS][16][N];
} ff_table;

/* r = a·b mod p, variable time (public operands). r may alias a or b. */
static void mulmod_public(mp_limb_t r[N], const mp_limb_t a[N], const mp_limb_t b[N])
{
    mp_limb_t prod[2 * N], quot[N + 1];

    mpn_mul_n(prod, a, b, N);
    mpn_tdiv_qr(quot, r, 0, prod, 2 * N, P, N);
}

/* ---- multi-exponentiation: Pippenger's buckets, public exponents ---- */

/* Bits c..c+w-1 of k (w ≤ 16), for c < EXP_BITS. */
static unsigned window_digit(const cns_scalar *k, size_t c, unsigned w)
{
    unsigned v = 0;
    for (unsigned b = 0; b < w && c + b < EXP_BITS; b++)
        v |= (unsigned)((k->le[(c + b) / 8] >> ((c + b) % 8)) & 1) << b;
    return v;
}

/* The window width minimising (EXP_BITS/w)·(n + 2^w) multiplications. */
static unsigned window_width(size_t n)
{
    unsigned best = 1;
    double best_cost = 0;
    for (unsigned w = 1; w <= 14; w++) {
        double cost = ((double)EXP_BITS / w + 1) * ((double)n + (double)(2u << w));
        if (w == 1 || cost < best_cost)
            best = w, best_cost = cost;
    }
    return best;
}

/* acc = acc·x, where an unset acc (*set false) takes x. */
static void mul_into(mp_limb_t acc[N], bool *set, const mp_limb_t x[N])
{
    if (*set)
        mulmod_public(acc, acc, x);
    else
        memcpy(acc, x, N * sizeof(mp_limb_t)), *set = true;
}

/*
 * Π bases[i]^exps[i] by Pippenger's bucket method: for each w-bit window
 * from the top, every base goes into the bucket of its digit, and the
 * buckets are summed with running products (Σ d·B_d in 2^(w+1) products).
 */
static cns_err multi_pow(cns_elt *out, const cns_elt *bases, const cns_scalar *exps, size_t n)
{
    unsigned w = window_width(n);
    size_t nb = (size_t)1 << w, windows = (EXP_BITS + w - 1) / w;
    mp_limb_t(*bucket)[N] = NULL, acc[N], run[N], total[N], x[N];
    bool *filled = NULL, acc_set = false;

    if (n < 4) { /* plain powers */
        cns_elt t, r;
        identity(&r);
        for (size_t i = 0; i < n; i++) {
            pow_public(&t, &bases[i], &exps[i]);
            load(acc, &r), load(x, &t);
            mulmod_public(acc, acc, x);
            store(&r, acc);
        }
        *out = r;
        return CNS_OK;
    }
    bucket = malloc(nb * sizeof *bucket);
    filled = malloc(nb * sizeof *filled);
    if (bucket == NULL || filled == NULL) {
        free(bucket);
        free(filled);
        return CNS_ERR_NOMEM;
    }
    for (size_t win = windows; win-- > 0;) {
        bool run_set = false, total_set = false;
        for (unsigned b = 0; b < w && acc_set; b++)
            mulmod_public(acc, acc, acc);
        memset(filled, 0, nb * sizeof *filled);
        for (size_t i = 0; i < n; i++) {
            unsigned d = window_digit(&exps[i], win * w, w);
            if (d != 0) {
                load(x, &bases[i]);
                mul_into(bucket[d], &filled[d], x);
            }
        }
        for (size_t d = nb - 1; d > 0; d--) {
            if (filled[d])
                mul_into(run, &run_set, bucket[d]);
            if (run_set)
                mul_into(total, &total_set, run);
        }
        if (total_set)
            mul_into(acc, &acc_set, total);
    }
    free(bucket);
    free(filled);
    if (!acc_set)
        identity(out);
    else
        store(out, acc);
    return CNS_OK;
}

static void base_build(void *table, const cns_elt *a)
{
    ff_table *t = table;
    mp_limb_t x[N];

    load(x, a);
    for (size_t i = 0; i < WINDOWS; i++) {
        memset(t->row[i][0], 0, sizeof t->row[i][0]);
        t->row[i][0][0] = 1;
        memcpy(t->row[i][1], x, sizeof x);
        for (int j = 2; j < 16; j++)
            mulmod_public(t->row[i][j], t->row[i][j - 1], x);
        mulmod_public(x, t->row[i][15], x); /* x^16 */
    }
}

static unsigned digit(const cns_scalar *k, size_t i)
{
    return (k->le[i / 2] >> (4 * (i % 2))) & 15u;
}

/* CT: each row is read whole and the digit's entry kept by mask; products by mulmod. */
static void base_pow(cns_elt *out, const void *table, const cns_scalar *k)
{
    const ff_table *t = table;
    mp_limb_t acc[N], sel[N];

    for (size_t i = 0; i < WINDOWS; i++) {
        unsigned d = digit(k, i);
        memset(sel, 0, sizeof sel);
        for (unsigned j = 0; j < 16; j++) {
            mp_limb_t mask = 0 - (mp_limb_t)((((j ^ d) - 1u) >> 8) & 1u);
            for (size_t w = 0; w < N; w++)
                sel[w] |= mask & t->row[i][j][w];
        }
        if (i == 0)
            memcpy(acc, sel, sizeof acc);
        else
            mulmod(acc, acc, sel);
    }
    store(out, acc);
    sodium_memzero(acc, sizeof acc);
    sodium_memzero(sel, sizeof sel);
}

/* acc = base^k from the table, in variable time. */
static void comb_public(mp_limb_t acc[N], const ff_table *t, const cns_scalar *k)
{
    memset(acc, 0, N * sizeof(mp_limb_t));
    acc[0] = 1;
    for (size_t i = 0; i < WINDOWS; i++) {
        unsigned d = digit(k, i);
        if (d != 0)
            mulmod_public(acc, acc, t->row[i][d]);
    }
}

static void base_pow_public(cns_elt *out, const void *table, const cns_scalar *k)
{
    mp_limb_t acc[N];
    comb_public(acc, table, k);
    store(out, acc);
}

static void pow2_public(cns_elt *out, const void *table, const cns_scalar *s, const cns_elt *a,
                        const cns_scalar *c)
{
    mp_limb_t acc[N], x[N];
    cns_elt t;

    pow_public(&t, a, c);
    load(x, &t);
    comb_public(acc, table, s);
    mulmod_public(acc, acc, x);
    store(out, acc);
}

static bool eq(const cns_elt *a, const cns_elt *b)
{
    return memcmp(a->opaque, b->opaque, N * sizeof(mp_limb_t)) == 0;
}

/* ---- scalars modulo q ------------------------------------------------------- */

static void order(unsigned char out[CNS_SCALAR_BYTES])
{
    cns_scalar q;

    scalar_store(&q, Q);
    memcpy(out, q.le, CNS_SCALAR_BYTES);
}

/*
 * OUT: be (len bytes, big-endian, any length) mod q, by Horner's rule in
 * steps of 32 bytes: acc = acc·2^256 + chunk mod q. The first chunk is the
 * len mod 32 leading bytes. CT: constant time in be (the loop depends on len).
 */
static void scalar_reduce_be(cns_scalar *out, const unsigned char *be, size_t len)
{
    mp_limb_t wide[QN + CHUNK_LIMBS], acc[QN] = {0};
    size_t chunk = len % 32 != 0 ? len % 32 : 32;
    scratch s;

    scratch_get(&s, mpn_sec_div_r_itch(QN + CHUNK_LIMBS, QN));
    for (size_t pos = 0; pos < len; pos += chunk, chunk = 32) {
        memset(wide, 0, sizeof wide);
        for (size_t i = 0; i < chunk; i++)
            wide[i / LIMB_BYTES] |= (mp_limb_t)be[pos + chunk - 1 - i] << (8 * (i % LIMB_BYTES));
        memcpy(wide + CHUNK_LIMBS, acc, sizeof acc);
        mpn_sec_div_r(wide, QN + CHUNK_LIMBS, Q, QN, s.p);
        memcpy(acc, wide, sizeof acc);
    }
    scratch_release(&s);
    scalar_store(out, acc);
    sodium_memzero(wide, sizeof wide);
    sodium_memzero(acc, sizeof acc);
}

/* CT: carries and borrows are masks (mpn_cnd_*), never branches. */
static void scalar_add(cns_scalar *out, const cns_scalar *a, const cns_scalar *b)
{
    mp_limb_t x[QN], y[QN], t[QN], carry, borrow;

    scalar_load(x, a);
    scalar_load(y, b);
    carry = mpn_add_n(x, x, y, QN);
    borrow = mpn_sub_n(t, x, Q, QN);
    /* x + y ≥ q iff the sum carried out or x − q did not borrow */
    mpn_cnd_sub_n(carry | (borrow ^ 1), x, x, Q, QN);
    scalar_store(out, x);
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
    sodium_memzero(t, sizeof t);
}

/* CT: as scalar_add. */
static void scalar_sub(cns_scalar *out, const cns_scalar *a, const cns_scalar *b)
{
    mp_limb_t x[QN], y[QN], borrow;

    scalar_load(x, a);
    scalar_load(y, b);
    borrow = mpn_sub_n(x, x, y, QN);
    mpn_cnd_add_n(borrow, x, x, Q, QN);
    scalar_store(out, x);
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
}

/* CT: as scalar_add. */
static void scalar_neg(cns_scalar *out, const cns_scalar *a)
{
    static const cns_scalar zero;
    scalar_sub(out, &zero, a);
}

/* CT: mpn_sec_mul and mpn_sec_div_r. */
static void scalar_mul(cns_scalar *out, const cns_scalar *a, const cns_scalar *b)
{
    mp_limb_t x[QN], y[QN], prod[2 * QN];
    mp_size_t itch = mpn_sec_mul_itch(QN, QN);
    scratch s;

    if (mpn_sec_div_r_itch(2 * QN, QN) > itch)
        itch = mpn_sec_div_r_itch(2 * QN, QN);
    scalar_load(x, a);
    scalar_load(y, b);
    scratch_get(&s, itch);
    mpn_sec_mul(prod, x, QN, y, QN, s.p);
    mpn_sec_div_r(prod, 2 * QN, Q, QN, s.p);
    scratch_release(&s);
    scalar_store(out, prod);
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
    sodium_memzero(prod, sizeof prod);
}

/* CT: mpn_sec_invert; only whether a = 0 shows (in the result). */
static cns_err scalar_inv(cns_scalar *out, const cns_scalar *a)
{
    mp_limb_t x[QN], r[QN];
    cns_err err = CNS_OK;
    scratch s;

    scalar_load(x, a);
    scratch_get(&s, mpn_sec_invert_itch(QN));
    if (mpn_sec_invert(r, x, Q, QN, 2 * QN * GMP_NUMB_BITS, s.p))
        scalar_store(out, r);
    else
        err = CNS_ERR_INVALID;
    scratch_release(&s);
    sodium_memzero(x, sizeof x);
    sodium_memzero(r, sizeof r);
    return err;
}

/* 256 random bits more than q has, reduced mod q: the bias is below 2^-256. */
static void scalar_random(cns_scalar *out)
{
    unsigned char buf[Q_BYTES + 32];

    randombytes_buf(buf, sizeof buf);
    scalar_reduce_be(out, buf, sizeof buf);
    sodium_memzero(buf, sizeof buf);
}

/* Spec 2.0 §6, table 8: int_be(SHA256("ggen|i"))^((p−1)/q) mod p; public values. */
static void indep_generator(cns_elt *out, long i)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char text[32];
    mpz_t x, cofactor, pm1, pz, qz;
    mp_limb_t h[N];
    int len = snprintf(text, sizeof text, "ggen|%ld", i);

    crypto_hash_sha256(digest, (const unsigned char *)text, (size_t)len);
    mpz_inits(x, cofactor, pm1, NULL);
    mpz_import(x, sizeof digest, 1, 1, 1, 0, digest);
    mpz_sub_ui(pm1, mpz_roinit_n(pz, P, N), 1);
    mpz_divexact(cofactor, pm1, mpz_roinit_n(qz, Q, QN));
    mpz_powm(x, x, cofactor, pz);
    from_mpz(h, x);
    store(out, h);
    mpz_clears(x, cofactor, pm1, NULL);
}

const cns_group FF_GROUP = {
    .name = FF_NAME,
    .elt_bytes = P_BYTES,
    .generator = generator,
    .identity = identity,
    .from_text = from_text,
    .to_text = to_text,
    .encode = encode,
    .decode = decode,
    .mul = mul,
    .div = div_,
    .pow = pow_,
    .pow_public = pow_public,
    .pow_g = pow_g,
    .multi_pow = multi_pow,
    .eq = eq,
    .base_bytes = sizeof(ff_table),
    .base_build = base_build,
    .base_pow = base_pow,
    .base_pow_public = base_pow_public,
    .pow2_public = pow2_public,
    .order = order,
    .scalar_reduce_be = scalar_reduce_be,
    .scalar_add = scalar_add,
    .scalar_sub = scalar_sub,
    .scalar_mul = scalar_mul,
    .scalar_neg = scalar_neg,
    .scalar_inv = scalar_inv,
    .scalar_random = scalar_random,
    .indep_generator = indep_generator,
};
