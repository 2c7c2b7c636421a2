/*
 * Tests of the proof of shuffle (src/crypto/shuffle.c) in the three groups:
 * the generators (fixed values, distinct, the same on every call), a
 * shuffle that verifies and decrypts to a permutation of the input, and
 * tampered shuffles refused with the exact error: output ciphertexts
 * swapped, a ciphertext replaced, an input replaced, each kind of proof
 * value changed, a commitment changed, sizes that differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "consulta/group.h"
#include "crypto/crypto.h"
#include "crypto/shuffle.h"

#define N 24

static const char FP[] = "Vb5ySgz3z1sUfUVRHzLPlOVpQ9k5wb8hAqRKXWmqj/0";

/* OUT: the discrete logarithm (below 1000) of beta/alpha^x, or -1. */
static long decrypt_small(const cns_group *G, const cns_scalar *x, const cns_ciphertext *ct)
{
    cns_elt f, m, acc, g;
    cns_elt_pow(G, &f, &ct->alpha, x);
    cns_elt_div(G, &m, &ct->beta, &f);
    cns_group_identity(G, &acc);
    cns_group_generator(G, &g);
    for (long k = 0; k < 1000; k++) {
        if (cns_elt_eq(G, &acc, &m))
            return k;
        cns_elt_mul(G, &acc, &acc, &g);
    }
    return -1;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Whether out decrypts to the same multiset as in, and not in the same order for all. */
static void check_permutation(const cns_group *G, const cns_scalar *x, const cns_ciphertext *in,
                              const cns_ciphertext *out)
{
    long a[N], b[N];
    int same_place = 0;
    for (int i = 0; i < N; i++) {
        a[i] = decrypt_small(G, x, &in[i]);
        b[i] = decrypt_small(G, x, &out[i]);
        same_place += a[i] == b[i];
        CHECK(!cns_elt_eq(G, &in[i].alpha, &out[i].alpha) || N == 0); /* re-encrypted */
    }
    CHECK(same_place < N);
    qsort(a, N, sizeof a[0], cmp_long);
    qsort(b, N, sizeof b[0], cmp_long);
    CHECK(memcmp(a, b, sizeof a) == 0);
}

/* Expect a refusal with CNS_ERR_VERIFY naming the equation `what`. */
static void expect_refused(const cns_group *G, const cns_elt *y, const cns_shuffle_gens *gens,
                           const cns_ciphertext *in, const cns_ciphertext *out,
                           const cns_shuffle_proof *pf, const char *what)
{
    cns_diag diag = {{0}};
    char want[64];
    CHECK_ERR(cns_shuffle_verify(G, y, FP, gens, in, out, N, pf, &diag), CNS_ERR_VERIFY);
    snprintf(want, sizeof want, "proof of shuffle does not verify (%s)", what);
    CHECK_CONTAINS(diag.text, want);
}

static void copy_proof(cns_shuffle_proof *dst, const cns_shuffle_proof *src)
{
    CHECK_OK(cns_shuffle_proof_alloc(dst, src->n));
    cns_elt *t_hat = dst->t_hat, *c = dst->c, *c_hat = dst->c_hat;
    cns_scalar *s_hat = dst->s_hat, *s_prime = dst->s_prime;
    *dst = *src;
    dst->t_hat = t_hat, dst->c = c, dst->c_hat = c_hat, dst->s_hat = s_hat, dst->s_prime = s_prime;
    memcpy(t_hat, src->t_hat, src->n * sizeof *t_hat);
    memcpy(c, src->c, src->n * sizeof *c);
    memcpy(c_hat, src->c_hat, src->n * sizeof *c_hat);
    memcpy(s_hat, src->s_hat, src->n * sizeof *s_hat);
    memcpy(s_prime, src->s_prime, src->n * sizeof *s_prime);
}

static void test_tampering(const cns_group *G, const cns_elt *y, const cns_shuffle_gens *gens,
                           const cns_ciphertext *in, const cns_ciphertext *out,
                           const cns_shuffle_proof *pf)
{
    cns_ciphertext in2[N], out2[N], tmp;
    cns_shuffle_proof bad;
    cns_scalar one;
    cns_diag diag = {{0}};

    cns_scalar_from_u64(G, &one, 1);
    /* output ciphertexts swapped */
    memcpy(out2, out, sizeof out2);
    tmp = out2[3], out2[3] = out2[7], out2[7] = tmp;
    expect_refused(G, y, gens, in, out2, pf, "t1");
    /* an output ciphertext replaced by another encryption of the same vote */
    memcpy(out2, out, sizeof out2);
    {
        cns_elt g;
        cns_group_generator(G, &g);
        cns_elt_mul(G, &out2[5].alpha, &out2[5].alpha, &g);
        cns_elt_mul(G, &out2[5].beta, &out2[5].beta, y);
    }
    expect_refused(G, y, gens, in, out2, pf, "t1");
    /* an input replaced (a ballot substituted before the shuffle) */
    memcpy(in2, in, sizeof in2);
    in2[0] = in2[1];
    expect_refused(G, y, gens, in2, out, pf, "t1");
    /* responses changed: the challenge does not cover them */
    copy_proof(&bad, pf);
    cns_scalar_add(G, &bad.s1, &bad.s1, &one);
    expect_refused(G, y, gens, in, out, &bad, "t1");
    bad.s1 = pf->s1;
    cns_scalar_add(G, &bad.s2, &bad.s2, &one);
    expect_refused(G, y, gens, in, out, &bad, "t2");
    bad.s2 = pf->s2;
    cns_scalar_add(G, &bad.s3, &bad.s3, &one);
    expect_refused(G, y, gens, in, out, &bad, "t3");
    bad.s3 = pf->s3;
    cns_scalar_add(G, &bad.s4, &bad.s4, &one);
    expect_refused(G, y, gens, in, out, &bad, "t4,1");
    bad.s4 = pf->s4;
    cns_scalar_add(G, &bad.s_prime[4], &bad.s_prime[4], &one);
    expect_refused(G, y, gens, in, out, &bad, "t3");
    bad.s_prime[4] = pf->s_prime[4];
    cns_scalar_add(G, &bad.s_hat[9], &bad.s_hat[9], &one);
    expect_refused(G, y, gens, in, out, &bad, "t_hat 10");
    bad.s_hat[9] = pf->s_hat[9];
    /* commitments changed: the challenges change */
    bad.t_hat[2] = bad.t_hat[3];
    expect_refused(G, y, gens, in, out, &bad, "t1");
    bad.t_hat[2] = pf->t_hat[2];
    bad.c[0] = bad.c[1];
    expect_refused(G, y, gens, in, out, &bad, "t1");
    bad.c[0] = pf->c[0];
    bad.t41 = bad.t42;
    expect_refused(G, y, gens, in, out, &bad, "t1");
    bad.t41 = pf->t41;
    /* the untouched copy still verifies */
    CHECK_OK(cns_shuffle_verify(G, y, FP, gens, in, out, N, &bad, &diag));
    /* another election's fingerprint */
    CHECK_ERR(cns_shuffle_verify(G, y, "other", gens, in, out, N, &bad, &diag), CNS_ERR_VERIFY);
    /* sizes */
    CHECK_ERR(cns_shuffle_verify(G, y, FP, gens, in, out, N - 1, &bad, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "proof of shuffle is for 24 ciphertexts, not 23");
    cns_shuffle_proof_free(&bad);
}

static void test_group(const char *name)
{
    const cns_group *G = cns_group_by_name(name);
    cns_scalar x, r, m;
    cns_elt y;
    cns_ciphertext in[N], out[N], out_b[N];
    cns_shuffle_gens gens, gens2;
    cns_shuffle_proof pf, pf_b;
    cns_diag diag = {{0}};

    CHECK(G != NULL);
    cns_scalar_random(G, &x);
    cns_group_pow_g(G, &y, &x);
    for (int i = 0; i < N; i++) {
        cns_scalar_random(G, &r);
        cns_scalar_from_u64(G, &m, (uint64_t)(i % 7) * 11);
        cns_elgamal_encrypt(G, &in[i], &y, &r, &m);
    }
    CHECK_OK(cns_shuffle_gens_make(G, &gens, N, &diag));
    CHECK_OK(cns_shuffle_gens_make(G, &gens2, 3, &diag));
    CHECK(cns_elt_eq(G, &gens.h, &gens2.h));
    CHECK(cns_elt_eq(G, &gens.hs[2], &gens2.hs[2]));
    CHECK(!cns_elt_eq(G, &gens.hs[1], &gens2.hs[2]));

    CHECK_OK(cns_shuffle_make(G, &y, FP, &gens, in, N, out, &pf));
    CHECK_OK(cns_shuffle_verify(G, &y, FP, &gens, in, out, N, &pf, &diag));
    check_permutation(G, &x, in, out);
    /* a second shuffle, of the first one's output */
    CHECK_OK(cns_shuffle_make(G, &y, FP, &gens, out, N, out_b, &pf_b));
    CHECK_OK(cns_shuffle_verify(G, &y, FP, &gens, out, out_b, N, &pf_b, &diag));
    check_permutation(G, &x, in, out_b);
    /* the second proof does not prove a shuffle of the original input */
    expect_refused(G, &y, &gens, in, out_b, &pf_b, "t1");
    /* too few generators */
    CHECK_ERR(cns_shuffle_verify(G, &y, FP, &gens2, in, out, N, &pf, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "too few shuffle generators");
    test_tampering(G, &y, &gens, in, out, &pf);
    /* a shuffle of nothing and of one ciphertext */
    cns_shuffle_proof_free(&pf_b);
    CHECK_OK(cns_shuffle_make(G, &y, FP, &gens, in, 0, out_b, &pf_b));
    CHECK_OK(cns_shuffle_verify(G, &y, FP, &gens, in, out_b, 0, &pf_b, &diag));
    cns_shuffle_proof_free(&pf_b);
    CHECK_OK(cns_shuffle_make(G, &y, FP, &gens, in, 1, out_b, &pf_b));
    CHECK_OK(cns_shuffle_verify(G, &y, FP, &gens, in, out_b, 1, &pf_b, &diag));
    CHECK(decrypt_small(G, &x, &out_b[0]) == 0);
    cns_shuffle_proof_free(&pf_b);
    cns_shuffle_proof_free(&pf);
    cns_shuffle_gens_free(&gens);
    cns_shuffle_gens_free(&gens2);
}

/*
 * Known generators, recomputed independently in Python from the spec's
 * formulas: BELENIOS-2048's h (number −1) begins with these digits, and
 * Ed25519's generator 0.
 */
#define FF_GEN_M1_PREFIX "114710487765570230358877482379569675410209245052742127672570"
#define ED_GEN_0         "c95c81b40c41366b2e62e68fec3c5fa4dbb93f0c3c242ac2fe7a07c0e0fd92fe"

static void test_known_generators(void)
{
    const cns_group *G = cns_group_by_name("BELENIOS-2048");
    const cns_group *E = cns_group_by_name("Ed25519");
    char text[CNS_ELT_TEXT_MAX];
    cns_elt h;

    CHECK_OK(cns_group_indep_generator(G, &h, -1));
    cns_elt_to_text(G, text, sizeof text, &h);
    CHECK(strncmp(text, FF_GEN_M1_PREFIX, strlen(FF_GEN_M1_PREFIX)) == 0);
    CHECK_OK(cns_group_indep_generator(E, &h, 0));
    cns_elt_to_text(E, text, sizeof text, &h);
    CHECK(strcmp(text, ED_GEN_0) == 0);
}

/* Large multi-exponentiations (the verifier's) agree with plain powers. */
static void test_multi_pow(const char *name, size_t n)
{
    const cns_group *G = cns_group_by_name(name);
    cns_elt *bases = calloc(n, sizeof *bases), x, y, t;
    cns_scalar *exps = calloc(n, sizeof *exps), k;

    cns_group_identity(G, &y);
    for (size_t i = 0; i < n; i++) {
        cns_scalar_random(G, &k);
        cns_group_pow_g(G, &bases[i], &k);
        cns_scalar_random(G, &exps[i]);
        if (i % 7 == 3)
            cns_scalar_from_u64(G, &exps[i], i);
        cns_elt_pow_public(G, &t, &bases[i], &exps[i]);
        cns_elt_mul(G, &y, &y, &t);
    }
    CHECK_OK(cns_elt_multi_pow(G, &x, bases, exps, n));
    CHECK(cns_elt_eq(G, &x, &y));
    free(bases);
    free(exps);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_known_generators();
    test_multi_pow("BELENIOS-2048", 300);
    test_multi_pow("BELENIOS-2048", 4);
    test_multi_pow("RFC-3526-2048", 40);
    test_group("BELENIOS-2048");
    test_group("RFC-3526-2048");
    test_group("Ed25519");
    test_group("ristretto255");
    return CHECK_DONE();
}
