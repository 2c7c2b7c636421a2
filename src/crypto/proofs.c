/* Schnorr, Chaum–Pedersen and disjunctive proofs (crypto.h). */
#include "crypto/crypto.h"

void cns_schnorr_prove(const cns_group *group, cns_proof *out, const cns_scalar *x,
                       const cns_fs *prefix)
{
    cns_scalar w, t;
    cns_elt A;
    cns_fs fs = *prefix;

    cns_scalar_random(group, &w);
    cns_group_pow_g(group, &A, &w);
    cns_fs_elt(&fs, group, &A);
    cns_fs_challenge(&fs, group, &out->challenge);
    cns_scalar_mul(group, &t, x, &out->challenge);
    cns_scalar_sub(group, &out->response, &w, &t);
    sodium_memzero(&w, sizeof w);
    sodium_memzero(&t, sizeof t);
    sodium_memzero(&fs, sizeof fs); /* a signed message's last bytes may be secret */
}

/* OUT: base^k, from base's table when there is one. CT: constant time in k. */
static void pow_fixed(const cns_group *group, cns_elt *out, const cns_elt *base,
                      const cns_scalar *k)
{
    const cns_base *table = cns_base_get(group, base);
    if (table != NULL)
        cns_base_pow(group, out, table, k);
    else
        cns_elt_pow(group, out, base, k);
}

/*
 * OUT: base^s · a^c, the commitment a proof with response s and challenge
 * c stands for, from base's table when there is one (base is g or y).
 */
static cns_err commitment(const cns_group *group, cns_elt *out, const cns_elt *base,
                          const cns_scalar *s, const cns_elt *a, const cns_scalar *c)
{
    const cns_base *table = cns_base_get(group, base);
    cns_elt bases[2] = {*base, *a};
    cns_scalar exps[2] = {*s, *c};
    if (table == NULL)
        return cns_elt_multi_pow(group, out, bases, exps, 2);
    cns_base_pow2_public(group, out, table, s, a, c);
    return CNS_OK;
}

/* OUT: g^response · X^challenge. */
static cns_err commitment_g(const cns_group *group, cns_elt *out, const cns_proof *proof,
                            const cns_elt *X)
{
    cns_elt g;
    cns_group_generator(group, &g);
    return commitment(group, out, &g, &proof->response, X, &proof->challenge);
}

cns_err cns_schnorr_verify(const cns_group *group, const cns_proof *proof, const cns_elt *X,
                           const cns_fs *prefix)
{
    cns_elt A;
    cns_scalar c;
    cns_fs fs = *prefix;
    cns_err err = commitment_g(group, &A, proof, X);
    if (err != CNS_OK)
        return err;
    cns_fs_elt(&fs, group, &A);
    cns_fs_challenge(&fs, group, &c);
    return cns_scalar_eq(&c, &proof->challenge) ? CNS_OK : CNS_ERR_VERIFY;
}

void cns_cp_prove(const cns_group *group, cns_proof *out, const cns_scalar *x, const cns_elt *alpha,
                  const cns_fs *prefix)
{
    cns_scalar w, t;
    cns_elt A, B;
    cns_fs fs = *prefix;

    cns_scalar_random(group, &w);
    cns_group_pow_g(group, &A, &w);
    cns_elt_pow(group, &B, alpha, &w);
    cns_fs_elt(&fs, group, &A);
    cns_fs_str(&fs, ",");
    cns_fs_elt(&fs, group, &B);
    cns_fs_challenge(&fs, group, &out->challenge);
    cns_scalar_mul(group, &t, x, &out->challenge);
    cns_scalar_sub(group, &out->response, &w, &t);
    sodium_memzero(&w, sizeof w);
    sodium_memzero(&t, sizeof t);
}

cns_err cns_cp_verify(const cns_group *group, const cns_proof *proof, const cns_elt *X,
                      const cns_elt *alpha, const cns_elt *F, const cns_fs *prefix)
{
    cns_elt A, B, bases[2] = {*alpha, *F};
    cns_scalar c, exps[2] = {proof->response, proof->challenge};
    cns_fs fs = *prefix;
    cns_err err = commitment_g(group, &A, proof, X);
    if (err == CNS_OK)
        err = cns_elt_multi_pow(group, &B, bases, exps, 2);
    if (err != CNS_OK)
        return err;
    cns_fs_elt(&fs, group, &A);
    cns_fs_str(&fs, ",");
    cns_fs_elt(&fs, group, &B);
    cns_fs_challenge(&fs, group, &c);
    return cns_scalar_eq(&c, &proof->challenge) ? CNS_OK : CNS_ERR_VERIFY;
}

/* Whether a == b, as 0 or 1, without branching. */
static unsigned ct_eq(size_t a, size_t b)
{
    size_t d = a ^ b;
    return (unsigned)(1 & ((d - 1) >> (sizeof d * 8 - 1)) & ~(d >> (sizeof d * 8 - 1)));
}

/* OUT: A = g^r·a^c and B = y^r·b^c, the simulated commitments of one branch. CT in r, c. */
static void simulate(const cns_group *group, cns_elt *A, cns_elt *B, const cns_elt *y,
                     const cns_branch *branch, const cns_proof *p)
{
    cns_elt t;
    cns_group_pow_g(group, A, &p->response);
    cns_elt_pow(group, &t, &branch->a, &p->challenge);
    cns_elt_mul(group, A, A, &t);
    pow_fixed(group, B, y, &p->response);
    cns_elt_pow(group, &t, &branch->b, &p->challenge);
    cns_elt_mul(group, B, B, &t);
}

void cns_disj_prove(const cns_group *group, cns_proof *proofs, const cns_elt *y,
                    const cns_branch *branches, size_t n, size_t real, const cns_scalar *r,
                    const cns_fs *prefix)
{
    cns_scalar w, c, others, t, zero;
    cns_elt gw, yw, A, B;
    cns_fs fs = *prefix;

    cns_scalar_random(group, &w);
    cns_group_pow_g(group, &gw, &w);
    pow_fixed(group, &yw, y, &w);
    cns_scalar_from_u64(group, &zero, 0);
    others = zero;
    /* Every branch is simulated; the real one's commitments are swapped in by mask. */
    for (size_t j = 0; j < n; j++) {
        unsigned is_real = ct_eq(j, real);
        cns_scalar_random(group, &proofs[j].challenge);
        cns_scalar_random(group, &proofs[j].response);
        simulate(group, &A, &B, y, &branches[j], &proofs[j]);
        cns_elt_cmov(&A, &gw, is_real);
        cns_elt_cmov(&B, &yw, is_real);
        t = proofs[j].challenge;
        cns_scalar_cmov(&t, &zero, is_real);
        cns_scalar_add(group, &others, &others, &t);
        if (j > 0)
            cns_fs_str(&fs, ",");
        cns_fs_elt(&fs, group, &A);
        cns_fs_str(&fs, ",");
        cns_fs_elt(&fs, group, &B);
    }
    cns_fs_challenge(&fs, group, &c);
    cns_scalar_sub(group, &c, &c, &others); /* the real branch's challenge */
    cns_scalar_mul(group, &t, r, &c);
    cns_scalar_sub(group, &t, &w, &t); /* the real branch's response */
    for (size_t j = 0; j < n; j++) {
        unsigned is_real = ct_eq(j, real);
        cns_scalar_cmov(&proofs[j].challenge, &c, is_real);
        cns_scalar_cmov(&proofs[j].response, &t, is_real);
    }
    sodium_memzero(&w, sizeof w);
    sodium_memzero(&t, sizeof t);
    sodium_memzero(&c, sizeof c);
    sodium_memzero(&others, sizeof others);
    sodium_memzero(&gw, sizeof gw);
    sodium_memzero(&yw, sizeof yw);
}

cns_err cns_disj_verify(const cns_group *group, const cns_proof *proofs, const cns_elt *y,
                        const cns_branch *branches, size_t n, const cns_fs *prefix)
{
    cns_fs fs = *prefix;
    cns_scalar sum, c;
    cns_elt g, A, B;

    cns_group_generator(group, &g);
    cns_scalar_from_u64(group, &sum, 0);
    for (size_t j = 0; j < n; j++) {
        const cns_proof *p = &proofs[j];
        cns_err err = commitment(group, &A, &g, &p->response, &branches[j].a, &p->challenge);
        if (err == CNS_OK)
            err = commitment(group, &B, y, &p->response, &branches[j].b, &p->challenge);
        if (err != CNS_OK)
            return err;
        cns_scalar_add(group, &sum, &sum, &proofs[j].challenge);
        if (j > 0)
            cns_fs_str(&fs, ",");
        cns_fs_elt(&fs, group, &A);
        cns_fs_str(&fs, ",");
        cns_fs_elt(&fs, group, &B);
    }
    cns_fs_challenge(&fs, group, &c);
    return cns_scalar_eq(&c, &sum) ? CNS_OK : CNS_ERR_VERIFY;
}
