/* The encrypted tally (consulta/tally.h). */
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
        (t->cells = calloc(t->shape.total, sizeof *t->cells)) == NULL) {
        cns_tally_free(t);
        return CNS_ERR_NOMEM;
    }
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
    cns_shape_free(&t->shape);
    free(t->cells);
    free(t);
}

/* Multiply (or divide, when remove) the tally by a ballot's ciphertexts^weight. */
static void fold_ballot(cns_tally *t, const cns_ballot *ballot, uint64_t weight, bool remove)
{
    cns_scalar w;
    size_t at = 0;
    cns_scalar_from_u64(t->group, &w, weight);
    for (size_t q = 0; q < t->shape.n_questions; q++) {
        const cns_ciphertext *c = cns_ballot_ciphertexts(ballot, q);
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
}

cns_err cns_tally_add(cns_tally *t, const cns_ballot *ballot, uint64_t weight)
{
    if (weight == 0 || weight > CNS_MAX_WEIGHT)
        return CNS_ERR_INVALID;
    if (t->total_weight > UINT64_MAX - weight)
        return CNS_ERR_LIMIT;
    fold_ballot(t, ballot, weight, false);
    t->num_tallied++;
    t->total_weight += weight;
    return CNS_OK;
}

cns_err cns_tally_remove(cns_tally *t, const cns_ballot *ballot, uint64_t weight)
{
    if (weight == 0 || t->num_tallied == 0 || t->total_weight < weight)
        return CNS_ERR_INVALID;
    fold_ballot(t, ballot, weight, true);
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

cns_err cns_tally_write(const cns_tally *t, char **json, size_t *len)
{
    cns_buf b;
    size_t at = 0;
    cns_buf_init(&b, CNS_JSON_MAX_BYTES);
    cns_buf_puts(&b, "[");
    for (size_t q = 0; q < t->shape.n_questions; q++) {
        cns_buf_puts(&b, q ? ",[" : "[");
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

static cns_err read_cells(cns_tally *t, const json_t *root, cns_diag *diag)
{
    char what[128];
    size_t at = 0;
    if (!json_is_array(root) || json_array_size(root) != t->shape.n_questions)
        return cns_diag_set(diag, CNS_ERR_INVALID, "encrypted tally: expected %zu questions",
                            t->shape.n_questions);
    for (size_t q = 0; q < t->shape.n_questions; q++) {
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

bool cns_tally_equal(const cns_tally *a, const cns_tally *b)
{
    if (a->group != b->group || a->shape.total != b->shape.total ||
        a->num_tallied != b->num_tallied || a->total_weight != b->total_weight)
        return false;
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
