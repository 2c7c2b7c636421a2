/* Shapes shared by the tally, partial decryptions and results. Internal. */
#ifndef CONSULTA_TALLY_INTERNAL_H
#define CONSULTA_TALLY_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "consulta/tally.h"
#include "core/buf.h"
#include "crypto/crypto.h"

/*
 * A ragged array of n_questions rows, row q having widths[q] cells. A
 * "Lists" question's row is written nested, one array per list:
 * starts[q] (NULL for a flat row) flags the cells that begin a list.
 */
typedef struct cns_shape {
    size_t n_questions;
    size_t *widths;
    size_t total; /* Σ widths */
    unsigned char **starts;
} cns_shape;

CNS_NODISCARD cns_err cns_shape_of(cns_shape *shape, const cns_election *election);
void cns_shape_free(cns_shape *shape);

/* A non-homomorphic question's column: one ciphertext per counted ballot. */
typedef struct cns_nh_col {
    cns_ciphertext *cts;
    size_t n, cap;
} cns_nh_col;

/* OUT: a copy of the list starts of question q (NULL when its row is flat). */
CNS_NODISCARD cns_err cns_starts_of(unsigned char **out, const cns_question *q);

/*
 * Writing a row of width cells: cns_row_sep before cell j ("," or, in a
 * nested row, "[" / "],[" where a list starts), cns_row_end after the last
 * cell (the nested row's closing "]"). The caller writes the row's own brackets.
 */
void cns_row_sep(cns_buf *b, const unsigned char *starts, size_t j);
void cns_row_end(cns_buf *b, const unsigned char *starts, size_t width);

/*
 * The cells of a row read from JSON: row itself (a new reference) when flat,
 * or its lists concatenated when nested; NULL when row does not have the
 * shape (not arrays, or lists of other lengths).
 */
json_t *cns_row_flat(const json_t *row, const unsigned char *starts, size_t width);

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

/*
 * The running sums of a tally, saved and restored (a board coming back to a
 * mark). OUT: *cells (malloc'd copy of the cells), *num, *weight.
 */
CNS_NODISCARD cns_err cns_tally_save(const cns_tally *tally, cns_ciphertext **cells, uint64_t *num,
                                     uint64_t *weight);
void cns_tally_restore(cns_tally *tally, const cns_ciphertext *cells, uint64_t num,
                       uint64_t weight);

#endif
