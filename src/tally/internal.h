/* Shapes shared by the tally, partial decryptions and results. Internal. */
#ifndef CONSULTA_TALLY_INTERNAL_H
#define CONSULTA_TALLY_INTERNAL_H

#include <stdbool.h>

#include "consulta/tally.h"
#include "crypto/crypto.h"

/* A ragged array of n_questions rows, row q having widths[q] cells. */
typedef struct cns_shape {
    size_t n_questions;
    size_t *widths;
    size_t total; /* Σ widths */
} cns_shape;

CNS_NODISCARD cns_err cns_shape_of(cns_shape *shape, const cns_election *election);
void cns_shape_free(cns_shape *shape);

/* A non-homomorphic question's column: one ciphertext per counted ballot. */
typedef struct cns_nh_col {
    cns_ciphertext *cts;
    size_t n, cap;
} cns_nh_col;

struct cns_tally {
    const cns_group *group;
    cns_shape shape;
    cns_ciphertext *cells; /* shape.total, row after row (a non-homomorphic row: unused) */
    cns_nh_col *nh;        /* shape.n_questions; used for non-homomorphic questions */
    bool *is_nh;           /* shape.n_questions */
    uint64_t num_tallied;
    uint64_t total_weight;
};

struct cns_partial {
    const cns_group *group;
    cns_shape shape;
    cns_elt *factors;  /* shape.total */
    cns_proof *proofs; /* shape.total (unused in combined partials) */
};

#endif
