/* ElGamal encryption of small plaintexts in the exponent (crypto.h). */
#include "crypto/crypto.h"

void cns_elgamal_encrypt(const cns_group *group, cns_ciphertext *out, const cns_elt *y,
                         const cns_scalar *r, const cns_scalar *m)
{
    const cns_base *table = cns_base_get(group, y);
    cns_elt gm;
    cns_group_pow_g(group, &out->alpha, r);
    if (table != NULL)
        cns_base_pow(group, &out->beta, table, r);
    else
        cns_elt_pow(group, &out->beta, y, r);
    cns_group_pow_g(group, &gm, m);
    cns_elt_mul(group, &out->beta, &out->beta, &gm);
    sodium_memzero(&gm, sizeof gm);
}

void cns_ciphertext_mul(const cns_group *group, cns_ciphertext *out, const cns_ciphertext *a,
                        const cns_ciphertext *b)
{
    cns_elt_mul(group, &out->alpha, &a->alpha, &b->alpha);
    cns_elt_mul(group, &out->beta, &a->beta, &b->beta);
}
