/* The encrypted tally (consulta/tally.h). */
#include <stdlib.h>
#include <string.h>

#include "ballot/internal.h"
#include "consulta/limits.h"
#include "record/json.h"
#include "tally/internal.h"

cns_err cns_shape_of(cns_shape *shape, const cns_election *election)
{
    shape->n_questions = cns_election_question_count(election);
    shape->widths = calloc(shape->n_questions, sizeof *shape->widths);
    shape->total = 0;
    if (shape->widths == NULL)
        return CNS_ERR_NOMEM;
    for (size_t q = 0; q < shape->n_questions; q++) {
        shape->widths[q] = cns_question_width(cns_election_question(election, q));
        shape->total += shape->widths[q];
    }
    return CNS_OK;
}

void cns_shape_free(cns_shape *shape)
{
    free(shape->widths);
    shape->widths = NULL;
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
            if (j > 0)
                cns_buf_puts(&b, ",");
            cns_jw_ciphertext(&b, t->group, &t->cells[at]);
        }
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
        const json_t *row = json_array_get(root, q);
        if (!json_is_array(row) || json_array_size(row) != t->shape.widths[q])
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "encrypted tally: question %zu needs %zu ciphertexts", q + 1,
                                t->shape.widths[q]);
        for (size_t j = 0; j < t->shape.widths[q]; j++, at++) {
            snprintf(what, sizeof what, "encrypted tally: question %zu, answer %zu", q + 1, j + 1);
            cns_err err =
                cns_jr_ciphertext(t->group, json_array_get(row, j), &t->cells[at], what, diag);
            if (err != CNS_OK)
                return err;
        }
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
