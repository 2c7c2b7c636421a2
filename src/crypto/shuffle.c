/*
 * The re-encryption shuffle and its Terelius–Wikström proof (shuffle.h),
 * as Belenios 2.0 computes them (spec 2.0 §6; glondu/belenios 2.0,
 * src/lib/v1/mixnet.ml), with two shortcuts that change no value:
 *
 *  - the prover writes the chained commitments in closed form,
 *    ĉ_i = g^{R_i}·h^{U_i} with R_i = r̂_i + u′_i·R_{i−1} and U_i = u′_i·U_{i−1}
 *    (R_{−1} = 0, U_{−1} = 1), so that ĉ_i and t̂_i = g^{ω̂_i}·ĉ_{i−1}^{ω′_i}
 *    are fixed-base powers of g and h, computed independently of each other;
 *  - the verifier folds each of t3′, t4,1′, t4,2′ into one
 *    multi-exponentiation of 2N+1 terms.
 *
 * Independent loops run on every core (ballot/pool.h), in chunks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ballot/pool.h"
#include "core/buf.h"
#include "crypto/shuffle.h"

_Static_assert(sizeof(cns_ciphertext) == 2 * sizeof(cns_elt), "a ciphertext is two elements");

#define CHUNKS 32 /* pieces a loop is cut into for the cores */

/* ---- running loops in chunks on every core ------------------------------------ */

typedef void (*range_fn)(void *ctx, size_t lo, size_t hi, size_t chunk);

typedef struct par {
    range_fn fn;
    void *ctx;
    size_t n;
} par;

static void par_chunk(void *ctx, size_t k)
{
    const par *p = ctx;
    size_t lo = p->n * k / CHUNKS, hi = p->n * (k + 1) / CHUNKS;
    if (lo < hi)
        p->fn(p->ctx, lo, hi, k);
}

/* Call fn on CHUNKS consecutive ranges covering [0, n), concurrently. */
static void par_run(range_fn fn, void *ctx, size_t n)
{
    par p = {fn, ctx, n};
    cns_pool_run(par_chunk, &p, CHUNKS);
}

/* ---- allocation ------------------------------------------------------------------ */

cns_err cns_shuffle_proof_alloc(cns_shuffle_proof *proof, size_t n)
{
    memset(proof, 0, sizeof *proof);
    if (n > CNS_SHUFFLE_MAX)
        return CNS_ERR_LIMIT;
    proof->n = n;
    size_t m = n > 0 ? n : 1;
    proof->t_hat = calloc(m, sizeof(cns_elt));
    proof->c = calloc(m, sizeof(cns_elt));
    proof->c_hat = calloc(m, sizeof(cns_elt));
    proof->s_hat = calloc(m, sizeof(cns_scalar));
    proof->s_prime = calloc(m, sizeof(cns_scalar));
    if (proof->t_hat == NULL || proof->c == NULL || proof->c_hat == NULL || proof->s_hat == NULL ||
        proof->s_prime == NULL) {
        cns_shuffle_proof_free(proof);
        return CNS_ERR_NOMEM;
    }
    return CNS_OK;
}

void cns_shuffle_proof_free(cns_shuffle_proof *proof)
{
    if (proof == NULL)
        return;
    free(proof->t_hat);
    free(proof->c);
    free(proof->c_hat);
    free(proof->s_hat);
    free(proof->s_prime);
    memset(proof, 0, sizeof *proof);
}

/* Free n scalars after wiping them (secrets). */
static void free_secret(cns_scalar *s, size_t n)
{
    if (s != NULL) {
        sodium_memzero(s, n * sizeof *s);
        free(s);
    }
}

/* ---- generators -------------------------------------------------------------------- */

typedef struct gens_job {
    const cns_group *group;
    cns_shuffle_gens *gens;
    cns_err err[CHUNKS];
} gens_job;

static void gens_range(void *ctx, size_t lo, size_t hi, size_t chunk)
{
    gens_job *j = ctx;
    for (size_t i = lo; i < hi && j->err[chunk] == CNS_OK; i++)
        j->err[chunk] = cns_group_indep_generator(j->group, &j->gens->hs[i], (long)i);
}

typedef struct enc_item {
    unsigned char enc[CNS_ELT_MAX_BYTES]; /* zero-padded: compared whole */
    long index;
} enc_item;

static int enc_cmp(const void *a, const void *b)
{
    return memcmp(((const enc_item *)a)->enc, ((const enc_item *)b)->enc, CNS_ELT_MAX_BYTES);
}

/* CNS_ERR_INVALID if two of h, hs[0..n-1] are equal (Belenios aborts then too). */
static cns_err gens_distinct(const cns_group *group, const cns_shuffle_gens *gens, cns_diag *diag)
{
    size_t n = gens->n + 1;
    enc_item *items = calloc(n, sizeof *items);
    cns_err err = CNS_OK;

    if (items == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory for shuffle generators");
    for (size_t i = 0; i < n; i++) {
        cns_elt_encode(group, items[i].enc, i == 0 ? &gens->h : &gens->hs[i - 1]);
        items[i].index = (long)i - 1;
    }
    qsort(items, n, sizeof *items, enc_cmp);
    for (size_t i = 1; i < n && err == CNS_OK; i++) {
        if (memcmp(items[i - 1].enc, items[i].enc, CNS_ELT_MAX_BYTES) == 0)
            err = cns_diag_set(diag, CNS_ERR_INVALID, "shuffle generator %ld collides with %ld",
                               items[i].index, items[i - 1].index);
    }
    free(items);
    return err;
}

cns_err cns_shuffle_gens_make(const cns_group *group, cns_shuffle_gens *gens, size_t n,
                              cns_diag *diag)
{
    gens_job job = {.group = group, .gens = gens};
    cns_err err;

    memset(gens, 0, sizeof *gens);
    if (n > CNS_SHUFFLE_MAX)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "more than %d ciphertexts to shuffle",
                            CNS_SHUFFLE_MAX);
    gens->hs = calloc(n > 0 ? n : 1, sizeof(cns_elt));
    if (gens->hs == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory for shuffle generators");
    gens->n = n;
    err = cns_group_indep_generator(group, &gens->h, -1);
    if (err != CNS_OK)
        goto done;
    par_run(gens_range, &job, n);
    for (size_t k = 0; k < CHUNKS && err == CNS_OK; k++)
        err = job.err[k];
    if (err != CNS_OK)
        goto done;
    err = gens_distinct(group, gens, diag);
done:
    if (err == CNS_ERR_INVALID && diag != NULL && diag->text[0] == '\0')
        cns_diag_set(diag, err, "a shuffle generator is 1 or g");
    if (err != CNS_OK)
        cns_shuffle_gens_free(gens);
    return err;
}

void cns_shuffle_gens_free(cns_shuffle_gens *gens)
{
    if (gens == NULL)
        return;
    free(gens->hs);
    memset(gens, 0, sizeof *gens);
}

/* ---- the Fiat–Shamir strings ------------------------------------------------------------ */

typedef struct text_job {
    const cns_group *group;
    const cns_elt *elts;
    cns_buf bufs[CHUNKS];
} text_job;

static void text_range(void *ctx, size_t lo, size_t hi, size_t chunk)
{
    text_job *j = ctx;
    char text[CNS_ELT_TEXT_MAX];
    for (size_t i = lo; i < hi; i++) {
        size_t len = cns_elt_to_text(j->group, text, sizeof text, &j->elts[i]);
        cns_buf_put(&j->bufs[chunk], text, len);
        cns_buf_put(&j->bufs[chunk], ",", 1);
    }
}

/* Append "e0,e1,…,e(n−1)," (text forms) to out, the texts computed on every core. */
static void put_elts(cns_buf *out, const cns_group *group, const cns_elt *elts, size_t n)
{
    text_job *j = malloc(sizeof *j);
    if (j == NULL) {
        cns_buf_put(out, NULL, SIZE_MAX); /* records the failure */
        return;
    }
    j->group = group;
    j->elts = elts;
    for (size_t k = 0; k < CHUNKS; k++)
        cns_buf_init(&j->bufs[k], SIZE_MAX / 2);
    par_run(text_range, j, n);
    for (size_t k = 0; k < CHUNKS; k++) {
        if (cns_buf_status(&j->bufs[k]) != CNS_OK)
            cns_buf_put(out, NULL, SIZE_MAX);
        else if (j->bufs[k].len > 0)
            cns_buf_put(out, j->bufs[k].data, j->bufs[k].len);
        cns_buf_free(&j->bufs[k]);
    }
    free(j);
}

/* OUT: str1 = ⟦e⟧⟦e′⟧⟦c⟧. */
static cns_err make_str1(cns_buf *str1, const cns_group *group, const cns_ciphertext *in,
                         const cns_ciphertext *out, const cns_elt *c, size_t n)
{
    cns_buf_init(str1, SIZE_MAX / 2);
    put_elts(str1, group, (const cns_elt *)in, 2 * n);
    put_elts(str1, group, (const cns_elt *)out, 2 * n);
    put_elts(str1, group, c, n);
    return cns_buf_status(str1);
}

static void hex_digest(char hex[65], const unsigned char digest[32])
{
    sodium_bin2hex(hex, 65, digest, 32);
}

/* GetNIZKPChallenges(n, "shuffle-challenges|" φ "|" str1): OUT u[0..n-1]. */
static void challenges(const cns_group *group, cns_scalar *u, size_t n, const char *fingerprint,
                       const cns_buf *str1)
{
    crypto_hash_sha256_state st;
    unsigned char digest[32];
    char pair[129], num[24];

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"shuffle-challenges|", 19);
    crypto_hash_sha256_update(&st, (const unsigned char *)fingerprint, strlen(fingerprint));
    crypto_hash_sha256_update(&st, (const unsigned char *)"|", 1);
    if (str1->len > 0)
        crypto_hash_sha256_update(&st, (const unsigned char *)str1->data, str1->len);
    crypto_hash_sha256_final(&st, digest);
    hex_digest(pair, digest);
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(num, sizeof num, "%zu", i);
        crypto_hash_sha256(digest, (const unsigned char *)num, (size_t)len);
        hex_digest(pair + 64, digest);
        crypto_hash_sha256(digest, (const unsigned char *)pair, 128);
        cns_scalar_from_digest(group, &u[i], digest);
    }
}

/* GetNIZKPChallenge("shuffle-challenge|" φ "|" str2 str1 ⟦ĉ⟧ y): OUT c. */
static cns_err challenge(const cns_group *group, cns_scalar *c, const char *fingerprint,
                         const cns_shuffle_proof *proof, const cns_buf *str1, const cns_elt *y)
{
    cns_elt t[5] = {proof->t1, proof->t2, proof->t3, proof->t41, proof->t42};
    cns_buf text;
    cns_fs fs;
    cns_err err;

    cns_buf_init(&text, SIZE_MAX / 2);
    put_elts(&text, group, t, 5);
    put_elts(&text, group, proof->t_hat, proof->n);
    if (str1->len > 0)
        cns_buf_put(&text, str1->data, str1->len);
    put_elts(&text, group, proof->c_hat, proof->n);
    err = cns_buf_status(&text);
    if (err == CNS_OK) {
        cns_fs_init(&fs, "shuffle-challenge|");
        cns_fs_str(&fs, fingerprint);
        cns_fs_str(&fs, "|");
        cns_fs_bytes(&fs, text.data, text.len);
        cns_fs_elt(&fs, group, y);
        cns_fs_challenge(&fs, group, c);
    }
    cns_buf_free(&text);
    return err;
}

/* ---- powers ---------------------------------------------------------------------------------- */

/* OUT: base^k from base's table when there is one. CT: constant time in k. */
static void pow_fixed(const cns_group *group, cns_elt *out, const cns_base *table,
                      const cns_elt *base, const cns_scalar *k)
{
    if (table != NULL)
        cns_base_pow(group, out, table, k);
    else
        cns_elt_pow(group, out, base, k);
}

/* OUT: g^s · a^c for public s, c. */
static cns_err pow2_g(const cns_group *group, cns_elt *out, const cns_base *tg, const cns_scalar *s,
                      const cns_elt *a, const cns_scalar *c)
{
    cns_elt bases[2];
    cns_scalar exps[2] = {*s, *c};
    if (tg != NULL) {
        cns_base_pow2_public(group, out, tg, s, a, c);
        return CNS_OK;
    }
    cns_group_generator(group, &bases[0]);
    bases[1] = *a;
    return cns_elt_multi_pow(group, out, bases, exps, 2);
}

/* ---- the prover -------------------------------------------------------------------------------
 */

typedef struct prover {
    const cns_group *group;
    const cns_shuffle_gens *gens;
    const cns_ciphertext *in;
    cns_ciphertext *out;
    cns_shuffle_proof *proof;
    const cns_base *tg, *ty, *th;
    cns_elt g, y;
    size_t *psi;
    cns_scalar *r_enc;  /* re-encryption nonces, by input index */
    cns_scalar *r_com;  /* permutation-commitment nonces, by input index */
    cns_scalar *u;      /* challenges, by input index */
    cns_scalar *u_perm; /* u′_i = u_psi(i) */
    cns_scalar *R, *U;  /* ĉ_i = g^R_i · h^U_i */
    cns_scalar *w_hat, *w_prime;
    cns_elt part3[CHUNKS], part41[CHUNKS], part42[CHUNKS];
} prover;

/* out[i] = re-encryption of in[psi(i)]; c_psi(i) = g^r · h_i. */
static void reencrypt_range(void *ctx, size_t lo, size_t hi, size_t chunk)
{
    prover *p = ctx;
    const cns_group *G = p->group;
    cns_elt t;
    (void)chunk;
    for (size_t i = lo; i < hi; i++) {
        size_t j = p->psi[i];
        pow_fixed(G, &t, p->tg, &p->g, &p->r_enc[j]);
        cns_elt_mul(G, &p->out[i].alpha, &p->in[j].alpha, &t);
        pow_fixed(G, &t, p->ty, &p->y, &p->r_enc[j]);
        cns_elt_mul(G, &p->out[i].beta, &p->in[j].beta, &t);
        pow_fixed(G, &t, p->tg, &p->g, &p->r_com[j]);
        cns_elt_mul(G, &p->proof->c[j], &t, &p->gens->hs[i]);
    }
}

/* ĉ_i = g^R_i · h^U_i and t̂_i = g^(ω̂_i + ω′_i·R_{i−1}) · h^(ω′_i·U_{i−1}). */
static void chain_range(void *ctx, size_t lo, size_t hi, size_t chunk)
{
    prover *p = ctx;
    const cns_group *G = p->group;
    cns_scalar one, zero = {{0}}, a, b;
    cns_elt x, z;
    (void)chunk;
    cns_scalar_from_u64(G, &one, 1);
    for (size_t i = lo; i < hi; i++) {
        const cns_scalar *Rp = i > 0 ? &p->R[i - 1] : &zero, *Up = i > 0 ? &p->U[i - 1] : &one;
        pow_fixed(G, &x, p->tg, &p->g, &p->R[i]);
        pow_fixed(G, &z, p->th, &p->gens->h, &p->U[i]);
        cns_elt_mul(G, &p->proof->c_hat[i], &x, &z);
        cns_scalar_mul(G, &a, &p->w_prime[i], Rp);
        cns_scalar_add(G, &a, &a, &p->w_hat[i]);
        cns_scalar_mul(G, &b, &p->w_prime[i], Up);
        pow_fixed(G, &x, p->tg, &p->g, &a);
        pow_fixed(G, &z, p->th, &p->gens->h, &b);
        cns_elt_mul(G, &p->proof->t_hat[i], &x, &z);
    }
    sodium_memzero(&a, sizeof a);
    sodium_memzero(&b, sizeof b);
}

/* Partial products of h_i^ω′_i, β′_i^ω′_i, α′_i^ω′_i (secret exponents: CT powers). */
static void commit_range(void *ctx, size_t lo, size_t hi, size_t chunk)
{
    prover *p = ctx;
    const cns_group *G = p->group;
    cns_elt t;
    (void)G;
    for (size_t i = lo; i < hi; i++) {
        cns_elt_pow(G, &t, &p->gens->hs[i], &p->w_prime[i]);
        cns_elt_mul(G, &p->part3[chunk], &p->part3[chunk], &t);
        cns_elt_pow(G, &t, &p->out[i].beta, &p->w_prime[i]);
        cns_elt_mul(G, &p->part41[chunk], &p->part41[chunk], &t);
        cns_elt_pow(G, &t, &p->out[i].alpha, &p->w_prime[i]);
        cns_elt_mul(G, &p->part42[chunk], &p->part42[chunk], &t);
    }
}

/* OUT: Π parts[k]. */
static void product(const cns_group *group, cns_elt *out, const cns_elt *parts)
{
    cns_group_identity(group, out);
    for (size_t k = 0; k < CHUNKS; k++)
        cns_elt_mul(group, out, out, &parts[k]);
}

/* A uniformly random permutation (spec 2.0 §6, table 2). */
static void gen_permutation(size_t *psi, size_t *tmp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = i;
    for (size_t i = 0; i < n; i++) {
        size_t k = i + (size_t)randombytes_uniform((uint32_t)(n - i));
        psi[i] = tmp[k];
        tmp[k] = tmp[i];
    }
}

static cns_err prover_alloc(prover *p, size_t n)
{
    size_t m = n > 0 ? n : 1;
    p->psi = calloc(m, sizeof *p->psi);
    p->r_enc = calloc(m, sizeof(cns_scalar));
    p->r_com = calloc(m, sizeof(cns_scalar));
    p->u = calloc(m, sizeof(cns_scalar));
    p->u_perm = calloc(m, sizeof(cns_scalar));
    p->R = calloc(m, sizeof(cns_scalar));
    p->U = calloc(m, sizeof(cns_scalar));
    p->w_hat = calloc(m, sizeof(cns_scalar));
    p->w_prime = calloc(m, sizeof(cns_scalar));
    if (p->psi == NULL || p->r_enc == NULL || p->r_com == NULL || p->u == NULL ||
        p->u_perm == NULL || p->R == NULL || p->U == NULL || p->w_hat == NULL || p->w_prime == NULL)
        return CNS_ERR_NOMEM;
    return CNS_OK;
}

static void prover_free(prover *p, size_t n)
{
    size_t m = n > 0 ? n : 1;
    if (p->psi != NULL) {
        sodium_memzero(p->psi, m * sizeof *p->psi);
        free(p->psi);
    }
    free_secret(p->r_enc, m);
    free_secret(p->r_com, m);
    free(p->u);
    free_secret(p->u_perm, m);
    free_secret(p->R, m);
    free_secret(p->U, m);
    free_secret(p->w_hat, m);
    free_secret(p->w_prime, m);
}

/* OUT: Σ a_i·b_i (b NULL: Σ a_i). */
static void inner(const cns_group *group, cns_scalar *out, const cns_scalar *a, const cns_scalar *b,
                  size_t n)
{
    cns_scalar t;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (b != NULL) {
            cns_scalar_mul(group, &t, &a[i], &b[i]);
            cns_scalar_add(group, out, out, &t);
        } else {
            cns_scalar_add(group, out, out, &a[i]);
        }
    }
    sodium_memzero(&t, sizeof t);
}

/* OUT: s = w + c·x. */
static void response(const cns_group *group, cns_scalar *s, const cns_scalar *w,
                     const cns_scalar *c, const cns_scalar *x)
{
    cns_scalar t;
    cns_scalar_mul(group, &t, c, x);
    cns_scalar_add(group, s, w, &t);
    sodium_memzero(&t, sizeof t);
}

/* Steps 17–24 of GenShuffleProof: the responses, given the challenge c. */
static void responses(prover *p, const cns_scalar w[4], const cns_scalar *c, size_t n)
{
    const cns_group *G = p->group;
    cns_shuffle_proof *pf = p->proof;
    cns_scalar x, v, t, r_hat_i;

    inner(G, &x, p->r_com, NULL, n);
    response(G, &pf->s1, &w[0], c, &x);
    /* r̂ = Σ r̂_i·v_i with v_{n−1} = 1, v_i = u′_{i+1}·v_{i+1}; r̂_i = R_i − u′_i·R_{i−1} */
    memset(&x, 0, sizeof x);
    cns_scalar_from_u64(G, &v, 1);
    for (size_t i = n; i-- > 0;) {
        r_hat_i = p->R[i];
        if (i > 0) {
            cns_scalar_mul(G, &t, &p->u_perm[i], &p->R[i - 1]);
            cns_scalar_sub(G, &r_hat_i, &r_hat_i, &t);
        }
        cns_scalar_mul(G, &t, &r_hat_i, &v);
        cns_scalar_add(G, &x, &x, &t);
        response(G, &pf->s_hat[i], &p->w_hat[i], c, &r_hat_i);
        response(G, &pf->s_prime[i], &p->w_prime[i], c, &p->u_perm[i]);
        cns_scalar_mul(G, &v, &v, &p->u_perm[i]);
    }
    response(G, &pf->s2, &w[1], c, &x);
    inner(G, &x, p->r_com, p->u, n);
    response(G, &pf->s3, &w[2], c, &x);
    inner(G, &x, p->r_enc, p->u, n);
    response(G, &pf->s4, &w[3], c, &x);
    sodium_memzero(&x, sizeof x);
    sodium_memzero(&v, sizeof v);
    sodium_memzero(&t, sizeof t);
    sodium_memzero(&r_hat_i, sizeof r_hat_i);
}

/* Steps 10–11: t1, t2, t3, t4,1, t4,2. */
static void commitments(prover *p, const cns_scalar w[4], size_t n)
{
    const cns_group *G = p->group;
    cns_shuffle_proof *pf = p->proof;
    cns_scalar neg4;
    cns_elt t, prod;

    for (size_t k = 0; k < CHUNKS; k++) {
        cns_group_identity(G, &p->part3[k]);
        p->part41[k] = p->part42[k] = p->part3[k];
    }
    par_run(commit_range, p, n);
    pow_fixed(G, &pf->t1, p->tg, &p->g, &w[0]);
    pow_fixed(G, &pf->t2, p->tg, &p->g, &w[1]);
    pow_fixed(G, &t, p->tg, &p->g, &w[2]);
    product(G, &prod, p->part3);
    cns_elt_mul(G, &pf->t3, &t, &prod);
    cns_scalar_neg(G, &neg4, &w[3]);
    pow_fixed(G, &t, p->ty, &p->y, &neg4);
    product(G, &prod, p->part41);
    cns_elt_mul(G, &pf->t41, &t, &prod);
    pow_fixed(G, &t, p->tg, &p->g, &neg4);
    product(G, &prod, p->part42);
    cns_elt_mul(G, &pf->t42, &t, &prod);
    sodium_memzero(&neg4, sizeof neg4);
}

cns_err cns_shuffle_make(const cns_group *group, const cns_elt *y, const char *fingerprint,
                         const cns_shuffle_gens *gens, const cns_ciphertext *in, size_t n,
                         cns_ciphertext *out, cns_shuffle_proof *proof)
{
    prover p = {.group = group, .gens = gens, .in = in, .out = out, .proof = proof, .y = *y};
    cns_scalar w[4], c, one;
    size_t *tmp = NULL;
    cns_buf str1;
    cns_err err;

    cns_buf_init(&str1, 0);
    err = cns_shuffle_proof_alloc(proof, n);
    if (err != CNS_OK)
        return err;
    if (gens->n < n) {
        err = CNS_ERR_INVALID;
        goto done;
    }
    err = prover_alloc(&p, n);
    tmp = calloc(n > 0 ? n : 1, sizeof *tmp);
    if (err != CNS_OK || tmp == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    cns_group_generator(group, &p.g);
    p.tg = cns_group_base_g(group);
    p.ty = cns_base_get(group, y);
    p.th = cns_base_get(group, &gens->h);

    /* GenShuffle and GenPermutationCommitment */
    gen_permutation(p.psi, tmp, n);
    for (size_t i = 0; i < n; i++) {
        cns_scalar_random(group, &p.r_enc[i]);
        cns_scalar_random(group, &p.r_com[i]);
    }
    par_run(reencrypt_range, &p, n);

    /* the challenges u, and the commitment chain in closed form */
    err = make_str1(&str1, group, in, out, proof->c, n);
    if (err != CNS_OK)
        goto done;
    challenges(group, p.u, n, fingerprint, &str1);
    cns_scalar_from_u64(group, &one, 1);
    for (size_t i = 0; i < n; i++) {
        cns_scalar r_hat;
        p.u_perm[i] = p.u[p.psi[i]];
        cns_scalar_random(group, &r_hat);
        if (i == 0) {
            p.R[0] = r_hat;
            p.U[0] = p.u_perm[0];
        } else {
            response(group, &p.R[i], &r_hat, &p.u_perm[i], &p.R[i - 1]);
            cns_scalar_mul(group, &p.U[i], &p.u_perm[i], &p.U[i - 1]);
        }
        sodium_memzero(&r_hat, sizeof r_hat);
        cns_scalar_random(group, &p.w_hat[i]);
        cns_scalar_random(group, &p.w_prime[i]);
    }
    for (int k = 0; k < 4; k++)
        cns_scalar_random(group, &w[k]);
    par_run(chain_range, &p, n);
    commitments(&p, w, n);

    err = challenge(group, &c, fingerprint, proof, &str1, y);
    if (err != CNS_OK)
        goto done;
    responses(&p, w, &c, n);
done:
    sodium_memzero(w, sizeof w);
    free(tmp);
    prover_free(&p, n);
    cns_buf_free(&str1);
    if (err != CNS_OK)
        cns_shuffle_proof_free(proof);
    return err;
}

/* ---- the verifier --------------------------------------------------------------------------- */

typedef struct verifier {
    const cns_group *group;
    const cns_elt *bases; /* the terms of one multi-exponentiation */
    const cns_scalar *exps;
    size_t n, pieces; /* terms, and the pieces they are cut into (one per thread) */
    cns_elt part[CHUNKS];
    cns_err err[CHUNKS];
} verifier;

/* Piece k of a multi-exponentiation: large pieces, as the bucket method gains with size. */
static void multi_piece(void *ctx, size_t k)
{
    verifier *v = ctx;
    size_t lo = v->n * k / v->pieces, hi = v->n * (k + 1) / v->pieces;
    v->err[k] = cns_elt_multi_pow(v->group, &v->part[k], v->bases + lo, v->exps + lo, hi - lo);
}

/* OUT: Π bases[i]^exps[i] over i < n, on every core. */
static cns_err multi_pow_par(const cns_group *group, cns_elt *out, const cns_elt *bases,
                             const cns_scalar *exps, size_t n)
{
    size_t threads = cns_pool_threads();
    verifier v = {.group = group, .bases = bases, .exps = exps, .n = n};
    v.pieces = threads < 1 ? 1 : threads > CHUNKS ? CHUNKS : threads;
    for (size_t k = 0; k < CHUNKS; k++) {
        cns_group_identity(group, &v.part[k]);
        v.err[k] = CNS_OK;
    }
    cns_pool_run(multi_piece, &v, v.pieces);
    for (size_t k = 0; k < CHUNKS; k++) {
        if (v.err[k] != CNS_OK)
            return v.err[k];
    }
    product(group, out, v.part);
    return CNS_OK;
}

typedef struct hat_job {
    const cns_group *group;
    const cns_base *tg;
    const cns_shuffle_gens *gens;
    const cns_shuffle_proof *proof;
    cns_scalar neg_c;
    size_t first_bad[CHUNKS]; /* SIZE_MAX: none */
    cns_err err[CHUNKS];
} hat_job;

/* t̂′_i = ĉ_i^{−c} · g^{ŝ_i} · ĉ_{i−1}^{s′_i} = t̂_i ? */
static void hat_range(void *ctx, size_t lo, size_t hi, size_t chunk)
{
    hat_job *j = ctx;
    const cns_group *G = j->group;
    const cns_shuffle_proof *pf = j->proof;
    cns_elt bases[2], a, b;
    cns_scalar exps[2];

    j->first_bad[chunk] = SIZE_MAX;
    j->err[chunk] = CNS_OK;
    for (size_t i = lo; i < hi; i++) {
        bases[0] = pf->c_hat[i];
        bases[1] = i > 0 ? pf->c_hat[i - 1] : j->gens->h;
        exps[0] = j->neg_c;
        exps[1] = pf->s_prime[i];
        j->err[chunk] = cns_elt_multi_pow(G, &a, bases, exps, 2);
        if (j->err[chunk] != CNS_OK)
            return;
        if (j->tg != NULL) {
            cns_base_pow_public(G, &b, j->tg, &pf->s_hat[i]);
        } else {
            cns_group_generator(G, &b);
            cns_elt_pow_public(G, &b, &b, &pf->s_hat[i]);
        }
        cns_elt_mul(G, &a, &a, &b);
        if (!cns_elt_eq(G, &a, &pf->t_hat[i])) {
            j->first_bad[chunk] = i;
            return;
        }
    }
}

typedef struct fold {
    cns_elt *bases;
    cns_scalar *exps;
} fold;

/*
 * The three folded checks: t3′ = Π c_i^{−c·u_i} · Π h_i^{s′_i} · g^{s3},
 * t4,1′ = Π β_i^{−c·u_i} · Π β′_i^{s′_i} · y^{−s4},
 * t4,2′ = Π α_i^{−c·u_i} · Π α′_i^{s′_i} · g^{−s4}.
 */
static cns_err check_folded(const cns_group *group, const cns_elt *y, const cns_shuffle_gens *gens,
                            const cns_ciphertext *in, const cns_ciphertext *out,
                            const cns_shuffle_proof *pf, const cns_scalar *cu, fold *f, size_t n,
                            cns_diag *diag)
{
    static const char *const names[3] = {"t3", "t4,1", "t4,2"};
    const cns_elt *expect[3] = {&pf->t3, &pf->t41, &pf->t42};
    cns_elt g, r;
    cns_scalar neg_s4;
    cns_err err = CNS_OK;

    cns_group_generator(group, &g);
    cns_scalar_neg(group, &neg_s4, &pf->s4);
    memcpy(f->exps, cu, n * sizeof *cu);
    memcpy(f->exps + n, pf->s_prime, n * sizeof *cu);
    for (int which = 0; which < 3 && err == CNS_OK; which++) {
        for (size_t i = 0; i < n; i++) {
            f->bases[i] = which == 0 ? pf->c[i] : which == 1 ? in[i].beta : in[i].alpha;
            f->bases[n + i] = which == 0 ? gens->hs[i] : which == 1 ? out[i].beta : out[i].alpha;
        }
        f->bases[2 * n] = which == 1 ? *y : g;
        f->exps[2 * n] = which == 0 ? pf->s3 : neg_s4;
        err = multi_pow_par(group, &r, f->bases, f->exps, 2 * n + 1);
        if (err == CNS_OK && !cns_elt_eq(group, &r, expect[which]))
            err = cns_diag_set(diag, CNS_ERR_VERIFY, "proof of shuffle does not verify (%s)",
                               names[which]);
    }
    return err;
}

/* Checks t1′, t2′ (steps 11–14, 17–18). */
static cns_err check_t12(const cns_group *group, const cns_shuffle_gens *gens,
                         const cns_shuffle_proof *pf, const cns_scalar *u, const cns_scalar *neg_c,
                         size_t n, cns_diag *diag)
{
    const cns_base *tg = cns_group_base_g(group);
    cns_elt c_bar, h_prod, c_hat, x;
    cns_scalar u_prod;

    cns_group_identity(group, &c_bar);
    cns_group_identity(group, &h_prod);
    cns_scalar_from_u64(group, &u_prod, 1);
    for (size_t i = 0; i < n; i++) {
        cns_elt_mul(group, &c_bar, &c_bar, &pf->c[i]);
        cns_elt_mul(group, &h_prod, &h_prod, &gens->hs[i]);
        cns_scalar_mul(group, &u_prod, &u_prod, &u[i]);
    }
    cns_elt_div(group, &c_bar, &c_bar, &h_prod);
    cns_elt_pow_public(group, &x, &gens->h, &u_prod);
    cns_elt_div(group, &c_hat, n > 0 ? &pf->c_hat[n - 1] : &gens->h, &x);
    if (pow2_g(group, &x, tg, &pf->s1, &c_bar, neg_c) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory verifying a shuffle");
    if (!cns_elt_eq(group, &x, &pf->t1))
        return cns_diag_set(diag, CNS_ERR_VERIFY, "proof of shuffle does not verify (t1)");
    if (pow2_g(group, &x, tg, &pf->s2, &c_hat, neg_c) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory verifying a shuffle");
    if (!cns_elt_eq(group, &x, &pf->t2))
        return cns_diag_set(diag, CNS_ERR_VERIFY, "proof of shuffle does not verify (t2)");
    return CNS_OK;
}

/*
 * All n equations t̂_i = ĉ_i^{−c}·g^{ŝ_i}·ĉ_{i−1}^{s′_i} at once, with random
 * 128-bit weights δ_i (small-exponent batch verification; a false proof
 * passes with probability 2^−128):
 *   Π t̂_i^{−δ_i} · Π_j ĉ_j^{−c·δ_j + δ_{j+1}·s′_{j+1}} · h^{δ_0·s′_0} · g^{Σ δ_i·ŝ_i} = 1
 * (δ_n = 0), one multi-exponentiation of 2n+2 terms. OUT: *ok.
 */
static cns_err check_hats_batch(const cns_group *group, const cns_shuffle_gens *gens,
                                const cns_shuffle_proof *pf, const cns_scalar *neg_c, size_t n,
                                fold *f, bool *ok)
{
    cns_scalar *delta = calloc(n + 1, sizeof *delta), t, sum;
    cns_elt r, one;
    cns_err err = CNS_OK;

    if (delta == NULL)
        return CNS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        randombytes_buf(delta[i].le, 16);
    memset(&sum, 0, sizeof sum);
    for (size_t i = 0; i < n; i++) {
        f->bases[i] = pf->t_hat[i];
        cns_scalar_neg(group, &f->exps[i], &delta[i]);
        f->bases[n + i] = pf->c_hat[i];
        cns_scalar_mul(group, &f->exps[n + i], neg_c, &delta[i]);
        if (i + 1 < n) {
            cns_scalar_mul(group, &t, &delta[i + 1], &pf->s_prime[i + 1]);
            cns_scalar_add(group, &f->exps[n + i], &f->exps[n + i], &t);
        }
        cns_scalar_mul(group, &t, &delta[i], &pf->s_hat[i]);
        cns_scalar_add(group, &sum, &sum, &t);
    }
    f->bases[2 * n] = gens->h;
    cns_scalar_mul(group, &f->exps[2 * n], &delta[0], &pf->s_prime[0]);
    cns_group_generator(group, &f->bases[2 * n + 1]);
    f->exps[2 * n + 1] = sum;
    err = multi_pow_par(group, &r, f->bases, f->exps, 2 * n + 2);
    cns_group_identity(group, &one);
    *ok = err == CNS_OK && cns_elt_eq(group, &r, &one);
    free(delta);
    return err;
}

static cns_err check_hats(const cns_group *group, const cns_shuffle_gens *gens,
                          const cns_shuffle_proof *pf, const cns_scalar *neg_c, size_t n, fold *f,
                          cns_diag *diag)
{
    bool ok = false;
    if (n > 0 && check_hats_batch(group, gens, pf, neg_c, n, f, &ok) == CNS_OK && ok)
        return CNS_OK;
    /* one at a time, to name the first equation that fails */
    hat_job *j = malloc(sizeof *j);
    size_t bad = SIZE_MAX;
    cns_err err = CNS_OK;

    if (j == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory verifying a shuffle");
    *j = (hat_job){.group = group, .tg = cns_group_base_g(group), .gens = gens, .proof = pf};
    j->neg_c = *neg_c;
    for (size_t k = 0; k < CHUNKS; k++) {
        j->first_bad[k] = SIZE_MAX;
        j->err[k] = CNS_OK;
    }
    par_run(hat_range, j, n);
    for (size_t k = 0; k < CHUNKS; k++) {
        if (j->err[k] != CNS_OK && err == CNS_OK)
            err = cns_diag_set(diag, j->err[k], "proof of shuffle: %s", cns_strerror(j->err[k]));
        if (j->first_bad[k] < bad)
            bad = j->first_bad[k];
    }
    free(j);
    if (err == CNS_OK && bad != SIZE_MAX)
        err = cns_diag_set(diag, CNS_ERR_VERIFY, "proof of shuffle does not verify (t_hat %zu)",
                           bad + 1);
    return err;
}

cns_err cns_shuffle_verify(const cns_group *group, const cns_elt *y, const char *fingerprint,
                           const cns_shuffle_gens *gens, const cns_ciphertext *in,
                           const cns_ciphertext *out, size_t n, const cns_shuffle_proof *proof,
                           cns_diag *diag)
{
    cns_scalar *u = NULL, *cu = NULL, c, neg_c;
    fold f = {NULL, NULL};
    cns_buf str1;
    cns_err err;

    cns_buf_init(&str1, 0);
    if (proof->n != n)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "proof of shuffle is for %zu ciphertexts, not %zu", proof->n, n);
    if (gens->n < n)
        return cns_diag_set(diag, CNS_ERR_INVALID, "too few shuffle generators");
    u = calloc(n + 1, sizeof *u);
    cu = calloc(n + 1, sizeof *cu);
    f.bases = calloc(2 * n + 2, sizeof *f.bases);
    f.exps = calloc(2 * n + 2, sizeof *f.exps);
    if (u == NULL || cu == NULL || f.bases == NULL || f.exps == NULL) {
        err = cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory verifying a shuffle");
        goto done;
    }
    err = make_str1(&str1, group, in, out, proof->c, n);
    if (err == CNS_OK)
        err = challenge(group, &c, fingerprint, proof, &str1, y);
    if (err != CNS_OK) {
        err = cns_diag_set(diag, err, "proof of shuffle: %s", cns_strerror(err));
        goto done;
    }
    challenges(group, u, n, fingerprint, &str1);
    cns_scalar_neg(group, &neg_c, &c);
    for (size_t i = 0; i < n; i++)
        cns_scalar_mul(group, &cu[i], &neg_c, &u[i]);

    err = check_t12(group, gens, proof, u, &neg_c, n, diag);
    if (err == CNS_OK)
        err = check_folded(group, y, gens, in, out, proof, cu, &f, n, diag);
    if (err == CNS_OK)
        err = check_hats(group, gens, proof, &neg_c, n, &f, diag);
done:
    free(u);
    free(cu);
    free(f.bases);
    free(f.exps);
    cns_buf_free(&str1);
    return err;
}
