/*
 * The group vtable: what each group implementation provides. The public
 * functions of consulta/group.h (group.c) dispatch through it; scalar
 * arithmetic modulo q is shared where two groups have the same order.
 */
#ifndef CONSULTA_GROUP_INTERNAL_H
#define CONSULTA_GROUP_INTERNAL_H

#include "consulta/group.h"

struct cns_group {
    const char *name;
    size_t elt_bytes; /* length of the canonical byte encoding */

    void (*generator)(cns_elt *out);
    void (*identity)(cns_elt *out);
    cns_err (*from_text)(cns_elt *out, const char *text, size_t len);
    size_t (*to_text)(char *out, size_t cap, const cns_elt *a);
    void (*encode)(unsigned char *out, const cns_elt *a);
    cns_err (*decode)(cns_elt *out, const unsigned char *in, size_t len);
    void (*mul)(cns_elt *out, const cns_elt *a, const cns_elt *b);
    void (*div)(cns_elt *out, const cns_elt *a, const cns_elt *b);
    void (*pow)(cns_elt *out, const cns_elt *a, const cns_scalar *k);
    void (*pow_public)(cns_elt *out, const cns_elt *a, const cns_scalar *k);
    void (*pow_g)(cns_elt *out, const cns_scalar *k);
    cns_err (*multi_pow)(cns_elt *out, const cns_elt *bases, const cns_scalar *exps, size_t n);
    bool (*eq)(const cns_elt *a, const cns_elt *b);

    /* fixed bases: a table of base_bytes (allocated by base.c) built from a */
    size_t base_bytes;
    void (*base_build)(void *table, const cns_elt *a);
    void (*base_pow)(cns_elt *out, const void *table, const cns_scalar *k); /* CT in k */
    void (*base_pow_public)(cns_elt *out, const void *table, const cns_scalar *k);
    /* out = base^s · a^c for public s, c */
    void (*pow2_public)(cns_elt *out, const void *table, const cns_scalar *s, const cns_elt *a,
                        const cns_scalar *c);

    /* scalars modulo q */
    void (*order)(unsigned char out[CNS_SCALAR_BYTES]);
    void (*scalar_reduce_be)(cns_scalar *out, const unsigned char *be, size_t len);
    void (*scalar_add)(cns_scalar *out, const cns_scalar *a, const cns_scalar *b);
    void (*scalar_sub)(cns_scalar *out, const cns_scalar *a, const cns_scalar *b);
    void (*scalar_mul)(cns_scalar *out, const cns_scalar *a, const cns_scalar *b);
    void (*scalar_neg)(cns_scalar *out, const cns_scalar *a);
    cns_err (*scalar_inv)(cns_scalar *out, const cns_scalar *a);
    void (*scalar_random)(cns_scalar *out);

    /* the shuffle proofs' independent generator number i (consulta/group.h) */
    void (*indep_generator)(cns_elt *out, long i);
};

extern const cns_group cns_group_ff2048;
extern const cns_group cns_group_rfc3526;
extern const cns_group cns_group_ed25519;
extern const cns_group cns_group_ristretto255;

#endif
