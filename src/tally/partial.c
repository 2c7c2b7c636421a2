/* Partial decryptions, their proofs and their combination (consulta/tally.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/json.h"
#include "tally/internal.h"

static cns_err partial_alloc(cns_partial **out, const cns_election *election)
{
    cns_partial *p = calloc(1, sizeof *p);
    *out = NULL;
    if (p == NULL)
        return CNS_ERR_NOMEM;
    p->group = cns_election_group(election);
    if (cns_shape_of(&p->shape, election) != CNS_OK ||
        (p->factors = calloc(p->shape.total, sizeof *p->factors)) == NULL ||
        (p->proofs = calloc(p->shape.total, sizeof *p->proofs)) == NULL) {
        cns_partial_free(p);
        return CNS_ERR_NOMEM;
    }
    *out = p;
    return CNS_OK;
}

void cns_partial_free(cns_partial *p)
{
    if (p == NULL)
        return;
    cns_shape_free(&p->shape);
    free(p->factors);
    free(p->proofs);
    free(p);
}

/* The prefix "decrypt|φ|X|" of every decryption proof. */
static void decrypt_prefix(cns_fs *fs, const cns_election *election, const cns_elt *X)
{
    cns_fs_init(fs, "decrypt|");
    cns_fs_str(fs, cns_election_fingerprint(election));
    cns_fs_str(fs, "|");
    cns_fs_elt(fs, cns_election_group(election), X);
    cns_fs_str(fs, "|");
}

static void write_partial(cns_buf *b, const cns_partial *p)
{
    size_t at = 0;
    cns_buf_puts(b, "{\"decryption_factors\":[");
    for (size_t q = 0; q < p->shape.n_questions; q++) {
        cns_buf_puts(b, q ? ",[" : "[");
        for (size_t j = 0; j < p->shape.widths[q]; j++, at++) {
            cns_row_sep(b, p->shape.starts[q], j);
            cns_jw_elt(b, p->group, &p->factors[at]);
        }
        cns_row_end(b, p->shape.starts[q], p->shape.widths[q]);
        cns_buf_puts(b, "]");
    }
    cns_buf_puts(b, "],\"decryption_proofs\":[");
    at = 0;
    for (size_t q = 0; q < p->shape.n_questions; q++) {
        cns_buf_puts(b, q ? ",[" : "[");
        for (size_t j = 0; j < p->shape.widths[q]; j++, at++) {
            cns_row_sep(b, p->shape.starts[q], j);
            cns_jw_proof(b, p->group, &p->proofs[at]);
        }
        cns_row_end(b, p->shape.starts[q], p->shape.widths[q]);
        cns_buf_puts(b, "]");
    }
    cns_buf_puts(b, "]}");
}

cns_err cns_partial_make(char **json, size_t *len, const cns_election *election,
                         const cns_tally *tally, const cns_scalar *x)
{
    const cns_group *group = cns_election_group(election);
    cns_partial *p = NULL;
    cns_elt X;
    cns_fs prefix;
    cns_buf b;

    *json = NULL;
    cns_err err = partial_alloc(&p, election);
    if (err != CNS_OK)
        return err;
    cns_group_pow_g(group, &X, x);
    decrypt_prefix(&prefix, election, &X);
    for (size_t i = 0; i < p->shape.total; i++) {
        cns_elt_pow(group, &p->factors[i], &tally->cells[i].alpha, x);
        cns_cp_prove(group, &p->proofs[i], x, &tally->cells[i].alpha, &prefix);
    }
    cns_buf_init(&b, CNS_JSON_MAX_BYTES);
    write_partial(&b, p);
    *json = cns_buf_take(&b, len);
    cns_partial_free(p);
    return *json ? CNS_OK : CNS_ERR_NOMEM;
}

static cns_err read_rows(cns_partial *p, const json_t *rows, bool factors, cns_diag *diag)
{
    char what[128];
    size_t at = 0;
    const char *name = factors ? "decryption_factors" : "decryption_proofs";
    if (!json_is_array(rows) || json_array_size(rows) != p->shape.n_questions)
        return cns_diag_set(diag, CNS_ERR_INVALID, "partial decryption: %s needs %zu rows", name,
                            p->shape.n_questions);
    for (size_t q = 0; q < p->shape.n_questions; q++) {
        json_t *row = cns_row_flat(json_array_get(rows, q), p->shape.starts[q], p->shape.widths[q]);
        cns_err err = CNS_OK;
        snprintf(what, sizeof what, "partial decryption: %s of question %zu", name, q + 1);
        if (row == NULL || json_array_size(row) != p->shape.widths[q])
            err = cns_diag_set(diag, CNS_ERR_INVALID, "%s: expected %zu items%s", what,
                               p->shape.widths[q], p->shape.starts[q] ? " in its lists" : "");
        for (size_t j = 0; err == CNS_OK && j < p->shape.widths[q]; j++, at++)
            err = factors
                      ? cns_jr_elt(p->group, json_array_get(row, j), &p->factors[at], what, diag)
                      : cns_jr_proof(p->group, json_array_get(row, j), &p->proofs[at], what, diag);
        json_decref(row);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

cns_err cns_partial_parse(cns_partial **out, const cns_election *election, const char *json,
                          size_t len, cns_diag *diag)
{
    static const char *const keys[] = {"decryption_factors", "decryption_proofs"};
    json_t *root = NULL;
    cns_partial *p = NULL;
    cns_buf b;
    cns_buf_init(&b, CNS_JSON_MAX_BYTES);
    cns_err err = partial_alloc(&p, election);
    if (err == CNS_OK)
        err = cns_jr_parse(&root, json, len, "partial decryption", diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 2, "partial decryption", diag);
    if (err == CNS_OK)
        err = read_rows(p, json_object_get(root, "decryption_factors"), true, diag);
    if (err == CNS_OK)
        err = read_rows(p, json_object_get(root, "decryption_proofs"), false, diag);
    if (err == CNS_OK) {
        write_partial(&b, p);
        err = cns_jr_canonical(json, len, &b, "partial decryption", diag);
    }
    if (err == CNS_OK) {
        *out = p;
        p = NULL;
    }
    json_decref(root);
    cns_buf_free(&b);
    cns_partial_free(p);
    return err;
}

cns_err cns_partial_verify(const cns_election *election, const cns_tally *tally,
                           const cns_partial *p, const cns_elt *X, cns_diag *diag)
{
    const cns_group *group = cns_election_group(election);
    cns_fs prefix;
    size_t at = 0;
    if (p->shape.total != tally->shape.total)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "partial decryption: shape differs from the "
                            "tally's");
    decrypt_prefix(&prefix, election, X);
    for (size_t q = 0; q < p->shape.n_questions; q++) {
        for (size_t j = 0; j < p->shape.widths[q]; j++, at++) {
            cns_err err = cns_cp_verify(group, &p->proofs[at], X, &tally->cells[at].alpha,
                                        &p->factors[at], &prefix);
            if (err == CNS_ERR_VERIFY)
                return cns_diag_set(diag, err,
                                    "question %zu, answer %zu: decryption proof does not verify",
                                    q + 1, j + 1);
            if (err != CNS_OK)
                return err;
        }
    }
    return CNS_OK;
}

cns_err cns_partial_combine(cns_partial **out, const cns_election *election,
                            const cns_partial *const *parts, const cns_scalar *exponents, size_t n)
{
    cns_partial *p = NULL;
    cns_elt *bases = calloc(n ? n : 1, sizeof *bases);
    cns_err err = bases ? partial_alloc(&p, election) : CNS_ERR_NOMEM;
    for (size_t i = 0; err == CNS_OK && i < p->shape.total; i++) {
        for (size_t k = 0; k < n; k++)
            bases[k] = parts[k]->factors[i];
        err = cns_elt_multi_pow(p->group, &p->factors[i], bases, exponents, n);
    }
    free(bases);
    if (err != CNS_OK) {
        cns_partial_free(p);
        p = NULL;
    }
    *out = p;
    return err;
}

cns_err cns_lagrange(const cns_group *group, cns_scalar *out, const uint32_t *indices, size_t n,
                     uint32_t delta)
{
    cns_scalar num, den, k, d, t;
    bool found = false;
    cns_scalar_from_u64(group, &num, 1);
    cns_scalar_from_u64(group, &den, 1);
    cns_scalar_from_u64(group, &d, delta);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (indices[i] == indices[j])
                return CNS_ERR_INVALID;
        }
        if (indices[i] == delta) {
            found = true;
            continue;
        }
        cns_scalar_from_u64(group, &k, indices[i]);
        cns_scalar_mul(group, &num, &num, &k);
        cns_scalar_sub(group, &t, &k, &d);
        cns_scalar_mul(group, &den, &den, &t);
    }
    if (!found)
        return CNS_ERR_INVALID;
    cns_err err = cns_scalar_inv(group, &t, &den);
    if (err == CNS_OK)
        cns_scalar_mul(group, out, &num, &t);
    return err;
}
