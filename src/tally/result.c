/* The election result: discrete logarithms of the decrypted tally (consulta/tally.h). */
#include <stdlib.h>
#include <string.h>

#include "record/json.h"
#include "tally/internal.h"

/*
 * Baby-step giant-step table for log_g in [0, bound]: the encodings of g^j
 * for j < steps, in an open-addressing hash table.
 */
typedef struct dlog_table {
    const cns_group *group;
    size_t elt_bytes;
    uint64_t steps;         /* baby steps; giant steps are g^-steps */
    unsigned char *encoded; /* steps encodings */
    uint32_t *slots;        /* slot → j + 1, 0 when empty */
    size_t n_slots;         /* power of two ≥ 2·steps */
    cns_elt giant;          /* g^-steps */
} dlog_table;

static size_t slot_of(const unsigned char *enc, size_t len, size_t mask)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the encoding */
    for (size_t i = 0; i < len; i++)
        h = (h ^ enc[i]) * 1099511628211ULL;
    return (size_t)h & mask;
}

static void table_free(dlog_table *t)
{
    free(t->encoded);
    free(t->slots);
}

static cns_err table_build(dlog_table *t, const cns_group *group, uint64_t bound)
{
    cns_elt x, g;
    cns_scalar s;
    memset(t, 0, sizeof *t);
    t->group = group;
    t->elt_bytes = cns_elt_bytes(group);
    t->steps = 1;
    while (t->steps * t->steps <= bound)
        t->steps++;
    t->n_slots = 1;
    while (t->n_slots < 2 * t->steps)
        t->n_slots <<= 1;
    t->encoded = malloc(t->steps * t->elt_bytes);
    t->slots = calloc(t->n_slots, sizeof *t->slots);
    if (t->encoded == NULL || t->slots == NULL) {
        table_free(t);
        return CNS_ERR_NOMEM;
    }
    cns_group_identity(group, &x);
    cns_group_generator(group, &g);
    for (uint64_t j = 0; j < t->steps; j++) {
        unsigned char *enc = t->encoded + j * t->elt_bytes;
        cns_elt_encode(group, enc, &x);
        size_t slot = slot_of(enc, t->elt_bytes, t->n_slots - 1);
        while (t->slots[slot] != 0)
            slot = (slot + 1) & (t->n_slots - 1);
        t->slots[slot] = (uint32_t)(j + 1);
        cns_elt_mul(group, &x, &x, &g);
    }
    cns_scalar_from_u64(group, &s, t->steps);
    cns_scalar_neg(group, &s, &s);
    cns_group_pow_g(group, &t->giant, &s);
    return CNS_OK;
}

/* The j < steps with g^j = x, or -1. */
static int64_t table_find(const dlog_table *t, const cns_elt *x)
{
    unsigned char enc[CNS_ELT_MAX_BYTES];
    cns_elt_encode(t->group, enc, x);
    size_t slot = slot_of(enc, t->elt_bytes, t->n_slots - 1);
    while (t->slots[slot] != 0) {
        uint32_t j = t->slots[slot] - 1;
        if (memcmp(t->encoded + (size_t)j * t->elt_bytes, enc, t->elt_bytes) == 0)
            return j;
        slot = (slot + 1) & (t->n_slots - 1);
    }
    return -1;
}

/* OUT: m in [0, bound] with g^m = x. CNS_ERR_VERIFY if there is none. */
static cns_err table_log(const dlog_table *t, uint64_t *m, const cns_elt *x, uint64_t bound)
{
    cns_elt y = *x;
    for (uint64_t i = 0; i * t->steps <= bound; i++) {
        int64_t j = table_find(t, &y);
        if (j >= 0 && i * t->steps + (uint64_t)j <= bound) {
            *m = i * t->steps + (uint64_t)j;
            return CNS_OK;
        }
        cns_elt_mul(t->group, &y, &y, &t->giant);
    }
    return CNS_ERR_VERIFY;
}

static cns_err result_alloc(cns_result *r, const cns_shape *shape)
{
    memset(r, 0, sizeof *r);
    r->counts = calloc(shape->n_questions, sizeof *r->counts);
    r->widths = calloc(shape->n_questions, sizeof *r->widths);
    r->starts = calloc(shape->n_questions, sizeof *r->starts);
    if (r->counts == NULL || r->widths == NULL || r->starts == NULL)
        return CNS_ERR_NOMEM;
    r->n_questions = shape->n_questions;
    for (size_t q = 0; q < shape->n_questions; q++) {
        r->widths[q] = shape->widths[q];
        r->counts[q] = calloc(shape->widths[q], sizeof **r->counts);
        if (r->counts[q] == NULL)
            return CNS_ERR_NOMEM;
        if (shape->starts[q] != NULL) {
            r->starts[q] = malloc(shape->widths[q]);
            if (r->starts[q] == NULL)
                return CNS_ERR_NOMEM;
            memcpy(r->starts[q], shape->starts[q], shape->widths[q]);
        }
    }
    return CNS_OK;
}

void cns_result_free(cns_result *r)
{
    for (size_t q = 0; r->counts != NULL && q < r->n_questions; q++)
        free(r->counts[q]);
    for (size_t q = 0; r->starts != NULL && q < r->n_questions; q++)
        free(r->starts[q]);
    free(r->counts);
    free(r->widths);
    free(r->starts);
    memset(r, 0, sizeof *r);
}

cns_err cns_result_decrypt(cns_result *r, const cns_election *election, const cns_tally *tally,
                           const cns_partial *combined, cns_diag *diag)
{
    const cns_group *group = cns_election_group(election);
    uint64_t bound = tally->total_weight;
    dlog_table table;
    size_t at = 0;
    cns_err err = result_alloc(r, &tally->shape);
    if (err == CNS_OK)
        err = table_build(&table, group, bound);
    if (err != CNS_OK) {
        cns_result_free(r);
        return err;
    }
    for (size_t q = 0; q < r->n_questions && err == CNS_OK; q++) {
        for (size_t j = 0; j < r->widths[q] && err == CNS_OK; j++, at++) {
            cns_elt x;
            cns_elt_div(group, &x, &tally->cells[at].beta, &combined->factors[at]);
            err = table_log(&table, &r->counts[q][j], &x, bound);
            if (err != CNS_OK)
                err = cns_diag_set(diag, err,
                                   "question %zu, answer %zu: the decrypted count is not between "
                                   "0 and the total weight %llu",
                                   q + 1, j + 1, (unsigned long long)bound);
        }
    }
    table_free(&table);
    if (err != CNS_OK)
        cns_result_free(r);
    return err;
}

cns_err cns_result_write(const cns_result *r, char **json, size_t *len)
{
    cns_buf b;
    cns_buf_init(&b, CNS_JSON_MAX_BYTES);
    cns_buf_puts(&b, "{\"result\":[");
    for (size_t q = 0; q < r->n_questions; q++) {
        cns_buf_puts(&b, q ? ",[" : "[");
        const unsigned char *starts = r->starts != NULL ? r->starts[q] : NULL;
        for (size_t j = 0; j < r->widths[q]; j++) {
            cns_row_sep(&b, starts, j);
            cns_jw_weight(&b, r->counts[q][j]);
        }
        cns_row_end(&b, starts, r->widths[q]);
        cns_buf_puts(&b, "]");
    }
    cns_buf_puts(&b, "]}");
    *json = cns_buf_take(&b, len);
    return *json ? CNS_OK : CNS_ERR_NOMEM;
}

static cns_err read_result(cns_result *r, const json_t *rows, cns_diag *diag)
{
    if (!json_is_array(rows) || json_array_size(rows) != r->n_questions)
        return cns_diag_set(diag, CNS_ERR_INVALID, "result: expected %zu questions",
                            r->n_questions);
    for (size_t q = 0; q < r->n_questions; q++) {
        json_t *row = cns_row_flat(json_array_get(rows, q), r->starts[q], r->widths[q]);
        cns_err err = CNS_OK;
        if (row == NULL || json_array_size(row) != r->widths[q])
            err = cns_diag_set(diag, CNS_ERR_INVALID, "result: question %zu needs %zu counts%s",
                               q + 1, r->widths[q], r->starts[q] ? " in its lists" : "");
        for (size_t j = 0; err == CNS_OK && j < r->widths[q]; j++) {
            char what[96];
            snprintf(what, sizeof what, "result: question %zu, count %zu", q + 1, j + 1);
            err = cns_jr_weight_value(json_array_get(row, j), INT64_MAX, &r->counts[q][j], what,
                                      diag);
        }
        json_decref(row);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

cns_err cns_result_parse(cns_result *r, const cns_election *election, const char *json, size_t len,
                         cns_diag *diag)
{
    static const char *const keys[] = {"result"};
    json_t *root = NULL;
    cns_shape shape;
    char *rewritten = NULL;
    size_t rewritten_len = 0;
    cns_err err = cns_shape_of(&shape, election);
    if (err == CNS_OK)
        err = result_alloc(r, &shape);
    if (err == CNS_OK)
        err = cns_jr_parse(&root, json, len, "result", diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 1, "result", diag);
    if (err == CNS_OK)
        err = read_result(r, json_object_get(root, "result"), diag);
    if (err == CNS_OK)
        err = cns_result_write(r, &rewritten, &rewritten_len);
    if (err == CNS_OK && (rewritten_len != len || memcmp(rewritten, json, len) != 0))
        err = cns_diag_set(diag, CNS_ERR_DECODE, "result: not in canonical form");
    json_decref(root);
    free(rewritten);
    cns_shape_free(&shape);
    if (err != CNS_OK)
        cns_result_free(r);
    return err;
}

bool cns_result_equal(const cns_result *a, const cns_result *b)
{
    if (a->n_questions != b->n_questions)
        return false;
    for (size_t q = 0; q < a->n_questions; q++) {
        if (a->widths[q] != b->widths[q] ||
            memcmp(a->counts[q], b->counts[q], a->widths[q] * sizeof **a->counts) != 0)
            return false;
    }
    return true;
}
