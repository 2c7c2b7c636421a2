/* Shapes shared by the tally, partial decryptions and results. Internal. */
#ifndef CONSULTA_TALLY_INTERNAL_H
#define CONSULTA_TALLY_INTERNAL_H

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

struct cns_tally {
    const cns_group *group;
    cns_shape shape;
    cns_ciphertext *cells; /* shape.total, row after row */
    uint64_t num_tallied;
    uint64_t total_weight;
};

struct cns_partial {
    const cns_group *group;
    cns_shape shape;
    cns_elt *factors;  /* shape.total */
    cns_proof *proofs; /* shape.total (unused in combined partials) */
};

/*
 * The running sums of a tally, saved and restored (a board coming back to a
 * mark). OUT: *cells (malloc'd copy of the cells), *num, *weight.
 */
CNS_NODISCARD cns_err cns_tally_save(const cns_tally *tally, cns_ciphertext **cells, uint64_t *num,
                                     uint64_t *weight);
void cns_tally_restore(cns_tally *tally, const cns_ciphertext *cells, uint64_t num,
                       uint64_t weight);

#endif
