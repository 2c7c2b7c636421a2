/* The encrypted tally (consulta/tally.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballot/internal.h"
#include "consulta/limits.h"
#include "record/json.h"
#include "tally/internal.h"

cns_err cns_starts_of(unsigned char **out, const cns_question *q)
{
    size_t at = 0;
    *out = NULL;
    if (q->kind != CNS_QUESTION_LISTS)
        return CNS_OK;
    *out = calloc(q->n_answers, 1);
    if (*out == NULL)
        return CNS_ERR_NOMEM;
    for (size_t l = 0; l < q->n_lists; at += q->list_sizes[l], l++)
        (*out)[at] = 1;
    return CNS_OK;
}

cns_err cns_shape_of(cns_shape *shape, const cns_election *election)
{
    shape->n_questions = cns_election_question_count(election);
    shape->widths = calloc(shape->n_questions, sizeof *shape->widths);
    shape->starts = calloc(shape->n_questions, sizeof *shape->starts);
    shape->total = 0;
    if (shape->widths == NULL || shape->starts == NULL)
        return CNS_ERR_NOMEM;
    for (size_t q = 0; q < shape->n_questions; q++) {
        const cns_question *question = cns_election_question(election, q);
        shape->widths[q] = cns_question_width(question);
        shape->total += shape->widths[q];
        if (cns_starts_of(&shape->starts[q], question) != CNS_OK)
            return CNS_ERR_NOMEM;
    }
    return CNS_OK;
}

void cns_shape_free(cns_shape *shape)
{
    for (size_t q = 0; shape->starts != NULL && q < shape->n_questions; q++)
        free(shape->starts[q]);
    free(shape->starts);
    free(shape->widths);
    shape->widths = NULL;
    shape->starts = NULL;
}

void cns_row_sep(cns_buf *b, const unsigned char *starts, size_t j)
{
    if (starts == NULL || !starts[j])
        cns_buf_puts(b, j > 0 ? "," : "");
    else
        cns_buf_puts(b, j > 0 ? "],[" : "[");
}

void cns_row_end(cns_buf *b, const unsigned char *starts, size_t width)
{
    if (starts != NULL && width > 0)
        cns_buf_puts(b, "]");
}

json_t *cns_row_flat(const json_t *row, const unsigned char *starts, size_t width)
{
    size_t l = 0, k = 0;
    if (!json_is_array(row))
        return NULL;
    if (starts == NULL)
        return json_incref((json_t *)row);
    json_t *flat = json_array();
    for (size_t j = 0; flat != NULL && j < width; j++) {
        if (starts[j]) { /* list l begins: row[l] must hold exactly the cells up to the next start
                          */
            const json_t *list = json_array_get(row, l++);
            size_t n = 1;
            while (j + n < width && !starts[j + n])
                n++;
            if (!json_is_array(list) || json_array_size(list) != n) {
                json_decref(flat);
                return NULL;
            }
            for (k = 0; k < n; k++)
                json_array_append(flat, json_array_get(list, k));
        }
    }
    if (flat != NULL && l != json_array_size(row)) {
        json_decref(flat);
        return NULL;
    }
    return flat;
}

cns_err cns_tally_new(cns_tally **out, const cns_election *election)
{
    cns_tally *t = calloc(1, sizeof *t);
    *out = NULL;
    if (t == NULL)
        return CNS_ERR_NOMEM;
    t->group = cns_election_group(election);
    if (cns_shape_of(&t->shape, election) != CNS_OK ||
        (t->cells = calloc(t->shape.total, sizeof *t->cells)) == NULL ||
        (t->nh = calloc(t->shape.n_questions + 1, sizeof *t->nh)) == NULL ||
        (t->is_nh = calloc(t->shape.n_questions + 1, sizeof *t->is_nh)) == NULL) {
        cns_tally_free(t);
        return CNS_ERR_NOMEM;
    }
    for (size_t q = 0; q < t->shape.n_questions; q++)
        t->is_nh[q] = cns_election_question(election, q)->kind == CNS_QUESTION_NONHOMOMORPHIC;
    for (size_t i = 0; i < t->shape.total; i++) {
        cns_group_identity(t->group, &t->cells[i].alpha);
        cns_group_identity(t->group, &t->cells[i].beta);
    }
    *out = t;
    return CNS_OK;
}

void cns_tally_free(cns_tally *t)
{
    if (t == NULL)
        return;
    for (size_t q = 0; t->nh != NULL && q < t->shape.n_questions; q++)
        free(t->nh[q].cts);
    free(t->nh);
    free(t->is_nh);
    cns_shape_free(&t->shape);
    free(t->cells);
    free(t);
}

/* Append c to a non-homomorphic column. */
static cns_err nh_push(cns_nh_col *col, const cns_ciphertext *c)
{
    if (col->n == col->cap) {
        size_t cap = col->cap ? 2 * col->cap : 64;
        cns_ciphertext *cts = realloc(col->cts, cap * sizeof *cts);
        if (cts == NULL)
            return CNS_ERR_NOMEM;
        col->cts = cts;
        col->cap = cap;
    }
    col->cts[col->n++] = *c;
    return CNS_OK;
}

/* Take one copy of c out of a non-homomorphic column; CNS_ERR_INVALID if absent. */
static cns_err nh_take(const cns_group *group, cns_nh_col *col, const cns_ciphertext *c)
{
    for (size_t i = col->n; i-- > 0;) {
        if (cns_elt_eq(group, &col->cts[i].alpha, &c->alpha) &&
            cns_elt_eq(group, &col->cts[i].beta, &c->beta)) {
            col->cts[i] = col->cts[--col->n];
            return CNS_OK;
        }
    }
    return CNS_ERR_INVALID;
}

/* Belenios' order of a non-homomorphic column: by alpha, then beta, as numbers (spec 2.0 §4.16). */
static const cns_group *sort_group_;
static pthread_mutex_t sort_lock_ = PTHREAD_MUTEX_INITIALIZER;

static int ct_cmp(const void *pa, const void *pb)
{
    const cns_ciphertext *a = pa, *b = pb;
    unsigned char x[CNS_ELT_MAX_BYTES], y[CNS_ELT_MAX_BYTES];
    size_t n = cns_elt_bytes(sort_group_);
    cns_elt_encode(sort_group_, x, &a->alpha);
    cns_elt_encode(sort_group_, y, &b->alpha);
    int c = memcmp(x, y, n);
    if (c != 0)
        return c;
    cns_elt_encode(sort_group_, x, &a->beta);
    cns_elt_encode(sort_group_, y, &b->beta);
    return memcmp(x, y, n);
}

/* OUT: a sorted copy of col (malloc'd; NULL when empty or out of memory). */
static cns_ciphertext *nh_sorted(const cns_group *group, const cns_nh_col *col)
{
    cns_ciphertext *s = malloc((col->n + 1) * sizeof *s);
    if (s == NULL)
        return NULL;
    if (col->n > 0)
        memcpy(s, col->cts, col->n * sizeof *s);
    pthread_mutex_lock(&sort_lock_);
    sort_group_ = group;
    qsort(s, col->n, sizeof *s, ct_cmp);
    pthread_mutex_unlock(&sort_lock_);
    return s;
}

/*
 * Multiply (or divide, when remove) the tally by a ballot's ciphertexts^weight;
 * a non-homomorphic answer's ciphertext joins (or leaves) its column.
 */
static cns_err fold_ballot(cns_tally *t, const cns_ballot *ballot, uint64_t weight, bool remove)
{
    cns_scalar w;
    size_t at = 0;
    cns_scalar_from_u64(t->group, &w, weight);
    for (size_t q = 0; q < t->shape.n_questions; q++) {
        const cns_ciphertext *c = cns_ballot_ciphertexts(ballot, q);
        if (t->is_nh[q]) {
            cns_err err = remove ? nh_take(t->group, &t->nh[q], &c[0]) : nh_push(&t->nh[q], &c[0]);
            if (err != CNS_OK)
                return err;
            at += t->shape.widths[q];
            continue;
        }
        for (size_t j = 0; j < t->shape.widths[q]; j++, at++) {
            cns_ciphertext x = c[j];
            if (weight != 1) {
                cns_elt_pow_public(t->group, &x.alpha, &c[j].alpha, &w);
                cns_elt_pow_public(t->group, &x.beta, &c[j].beta, &w);
            }
            if (remove) {
                cns_elt_div(t->group, &t->cells[at].alpha, &t->cells[at].alpha, &x.alpha);
                cns_elt_div(t->group, &t->cells[at].beta, &t->cells[at].beta, &x.beta);
            } else {
                cns_ciphertext_mul(t->group, &t->cells[at], &t->cells[at], &x);
            }
        }
    }
    return CNS_OK;
}

/* Whether the tally has a non-homomorphic question. */
static bool has_nh(const cns_tally *t)
{
    for (size_t q = 0; q < t->shape.n_questions; q++) {
        if (t->is_nh[q])
            return true;
    }
    return false;
}

cns_err cns_tally_add(cns_tally *t, const cns_ballot *ballot, uint64_t weight)
{
    if (weight == 0 || weight > CNS_MAX_WEIGHT)
        return CNS_ERR_INVALID;
    if (t->total_weight > UINT64_MAX - weight)
        return CNS_ERR_LIMIT;
    if (weight != 1 && has_nh(t)) /* spec 2.0 §4.16: weights are for homomorphic questions only */
        return CNS_ERR_INVALID;
    cns_err err = fold_ballot(t, ballot, weight, false);
    if (err != CNS_OK)
        return err;
    t->num_tallied++;
    t->total_weight += weight;
    return CNS_OK;
}

cns_err cns_tally_remove(cns_tally *t, const cns_ballot *ballot, uint64_t weight)
{
    if (weight == 0 || t->num_tallied == 0 || t->total_weight < weight)
        return CNS_ERR_INVALID;
    cns_err err = fold_ballot(t, ballot, weight, true);
    if (err != CNS_OK)
        return err;
    t->num_tallied--;
    t->total_weight -= weight;
    return CNS_OK;
}

cns_err cns_tally_merge(cns_tally *dst, const cns_tally *src)
{
    if (dst->shape.total != src->shape.total || dst->group != src->group)
        return CNS_ERR_INVALID;
    if (dst->total_weight > UINT64_MAX - src->total_weight)
        return CNS_ERR_LIMIT;
    for (size_t i = 0; i < dst->shape.total; i++)
        cns_ciphertext_mul(dst->group, &dst->cells[i], &dst->cells[i], &src->cells[i]);
    for (size_t q = 0; q < dst->shape.n_questions; q++) {
        for (size_t i = 0; dst->is_nh[q] && i < src->nh[q].n; i++) {
            if (nh_push(&dst->nh[q], &src->nh[q].cts[i]) != CNS_OK)
                return CNS_ERR_NOMEM;
        }
    }
    dst->num_tallied += src->num_tallied;
    dst->total_weight += src->total_weight;
    return CNS_OK;
}

uint64_t cns_tally_num_tallied(const cns_tally *t)
{
    return t->num_tallied;
}

uint64_t cns_tally_total_weight(const cns_tally *t)
{
    return t->total_weight;
}

/* A non-homomorphic row, sorted, and its closing bracket. */
static void write_nh_row(cns_buf *b, const cns_tally *t, size_t q)
{
    cns_ciphertext *s = nh_sorted(t->group, &t->nh[q]);
    if (s == NULL) {
        cns_buf_put(b, NULL, SIZE_MAX); /* records the failure */
        return;
    }
    for (size_t i = 0; i < t->nh[q].n; i++) {
        if (i > 0)
            cns_buf_puts(b, ",");
        cns_jw_ciphertext(b, t->group, &s[i]);
    }
    cns_buf_puts(b, "]");
    free(s);
}

cns_err cns_tally_write_nh(const cns_tally *t, char **json, size_t *len)
{
    cns_buf b;
    bool first = true;
    cns_buf_init(&b, SIZE_MAX / 2);
    cns_buf_puts(&b, "[");
    for (size_t q = 0; q < t->shape.n_questions; q++) {
        if (!t->is_nh[q])
            continue;
        cns_buf_puts(&b, first ? "[" : ",[");
        first = false;
        write_nh_row(&b, t, q);
    }
    cns_buf_puts(&b, "]");
    *json = cns_buf_take(&b, len);
    return *json ? CNS_OK : CNS_ERR_NOMEM;
}

cns_err cns_tally_write(const cns_tally *t, char **json, size_t *len)
{
    cns_buf b;
    size_t at = 0;
    cns_buf_init(&b, CNS_JSON_MAX_BYTES);
    cns_buf_puts(&b, "[");
    for (size_t q = 0; q < t->shape.n_questions; q++) {
        cns_buf_puts(&b, q ? ",[" : "[");
        if (t->is_nh[q]) {
            write_nh_row(&b, t, q);
            at += t->shape.widths[q];
            continue;
        }
        for (size_t j = 0; j < t->shape.widths[q]; j++, at++) {
            cns_row_sep(&b, t->shape.starts[q], j);
            cns_jw_ciphertext(&b, t->group, &t->cells[at]);
        }
        cns_row_end(&b, t->shape.starts[q], t->shape.widths[q]);
        cns_buf_puts(&b, "]");
    }
    cns_buf_puts(&b, "]");
    *json = cns_buf_take(&b, len);
    return *json ? CNS_OK : CNS_ERR_NOMEM;
}

cns_err cns_tally_write_sized(const cns_tally *t, const char *tally_hash_hex, char **json,
                              size_t *len)
{
    cns_buf b;
    cns_buf_init(&b, 4096);
    cns_buf_printf(&b,
                   "{\"num_tallied\":%llu,\"total_weight\":", (unsigned long long)t->num_tallied);
    cns_jw_weight(&b, t->total_weight);
    cns_buf_puts(&b, ",\"encrypted_tally\":");
    cns_jw_cstr(&b, tally_hash_hex);
    cns_buf_puts(&b, "}");
    *json = cns_buf_take(&b, len);
    return *json ? CNS_OK : CNS_ERR_NOMEM;
}

static cns_err read_nh_row(cns_tally *t, const json_t *row, size_t q, cns_diag *diag)
{
    char what[128];
    cns_ciphertext c;
    for (size_t i = 0; i < json_array_size(row); i++) {
        snprintf(what, sizeof what, "encrypted tally: question %zu, ballot %zu", q + 1, i + 1);
        cns_err err = cns_jr_ciphertext(t->group, json_array_get(row, i), &c, what, diag);
        if (err == CNS_OK)
            err = nh_push(&t->nh[q], &c);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

static cns_err read_cells(cns_tally *t, const json_t *root, cns_diag *diag)
{
    char what[128];
    size_t at = 0;
    if (!json_is_array(root) || json_array_size(root) != t->shape.n_questions)
        return cns_diag_set(diag, CNS_ERR_INVALID, "encrypted tally: expected %zu questions",
                            t->shape.n_questions);
    for (size_t q = 0; q < t->shape.n_questions; q++) {
        const json_t *nh_row = json_array_get(root, q);
        if (t->is_nh[q] && json_is_array(nh_row)) {
            cns_err err = read_nh_row(t, nh_row, q, diag);
            if (err != CNS_OK)
                return err;
            at += t->shape.widths[q];
            continue;
        }
        json_t *row = cns_row_flat(json_array_get(root, q), t->shape.starts[q], t->shape.widths[q]);
        cns_err err = CNS_OK;
        if (row == NULL || json_array_size(row) != t->shape.widths[q])
            err = cns_diag_set(diag, CNS_ERR_INVALID,
                               "encrypted tally: question %zu needs %zu ciphertexts%s", q + 1,
                               t->shape.widths[q], t->shape.starts[q] ? " in its lists" : "");
        for (size_t j = 0; err == CNS_OK && j < t->shape.widths[q]; j++, at++) {
            snprintf(what, sizeof what, "encrypted tally: question %zu, answer %zu", q + 1, j + 1);
            err = cns_jr_ciphertext(t->group, json_array_get(row, j), &t->cells[at], what, diag);
        }
        json_decref(row);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

cns_err cns_tally_parse(cns_tally **out, const cns_election *election, const char *json, size_t len,
                        uint64_t num_tallied, uint64_t total_weight, cns_diag *diag)
{
    json_t *root = NULL;
    char *rewritten = NULL;
    size_t rewritten_len = 0;
    cns_tally *t = NULL;
    cns_err err = cns_tally_new(&t, election);
    if (err == CNS_OK)
        err = cns_jr_parse(&root, json, len, "encrypted tally", diag);
    if (err == CNS_OK)
        err = read_cells(t, root, diag);
    if (err == CNS_OK)
        err = cns_tally_write(t, &rewritten, &rewritten_len);
    if (err == CNS_OK && (rewritten_len != len || memcmp(rewritten, json, len) != 0))
        err = cns_diag_set(diag, CNS_ERR_DECODE, "encrypted tally: not in canonical form");
    if (err == CNS_OK) {
        t->num_tallied = num_tallied;
        t->total_weight = total_weight;
        *out = t;
        t = NULL;
    }
    json_decref(root);
    free(rewritten);
    cns_tally_free(t);
    return err;
}

/* Whether two non-homomorphic columns hold the same ciphertexts (as multisets). */
static bool nh_equal(const cns_group *group, const cns_nh_col *a, const cns_nh_col *b)
{
    cns_ciphertext *x = NULL, *y = NULL;
    bool same = a->n == b->n;
    if (same) {
        x = nh_sorted(group, a);
        y = nh_sorted(group, b);
        same = x != NULL && y != NULL;
        for (size_t i = 0; same && i < a->n; i++)
            same = cns_elt_eq(group, &x[i].alpha, &y[i].alpha) &&
                   cns_elt_eq(group, &x[i].beta, &y[i].beta);
    }
    free(x);
    free(y);
    return same;
}

bool cns_tally_equal(const cns_tally *a, const cns_tally *b)
{
    if (a->group != b->group || a->shape.total != b->shape.total ||
        a->num_tallied != b->num_tallied || a->total_weight != b->total_weight)
        return false;
    for (size_t q = 0; q < a->shape.n_questions; q++) {
        if (a->is_nh[q] && !nh_equal(a->group, &a->nh[q], &b->nh[q]))
            return false;
    }
    for (size_t i = 0; i < a->shape.total; i++) {
        if (!cns_elt_eq(a->group, &a->cells[i].alpha, &b->cells[i].alpha) ||
            !cns_elt_eq(a->group, &a->cells[i].beta, &b->cells[i].beta))
            return false;
    }
    return true;
}

cns_err cns_tally_save(const cns_tally *t, cns_ciphertext **cells, uint64_t *num, uint64_t *weight)
{
    *cells = malloc(t->shape.total * sizeof **cells);
    if (*cells == NULL)
        return CNS_ERR_NOMEM;
    memcpy(*cells, t->cells, t->shape.total * sizeof **cells);
    *num = t->num_tallied;
    *weight = t->total_weight;
    return CNS_OK;
}

void cns_tally_restore(cns_tally *t, const cns_ciphertext *cells, uint64_t num, uint64_t weight)
{
    memcpy(t->cells, cells, t->shape.total * sizeof *cells);
    t->num_tallied = num;
    t->total_weight = weight;
}
