/*
 * The trustees' mixnet on Belenios' files (consulta/mixnet.h): reading and
 * writing nh_ciphertexts and shuffle structures exactly as Belenios 2.0
 * writes them, around the proof of shuffle of crypto/shuffle.c.
 */
#include "consulta/mixnet.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/election.h"
#include "core/hash.h"
#include "crypto/shuffle.h"
#include "record/json.h"

/* One non-homomorphic question's ciphertexts. */
typedef struct column {
    size_t n;
    cns_ciphertext *cts;
} column;

typedef struct nh {
    size_t n_cols;
    column *cols;
} nh;

/* The election as a shuffle needs it. */
typedef struct mix_ctx {
    const cns_group *group;
    cns_elt y;
    char fingerprint[CNS_HASH_B64_BYTES];
} mix_ctx;

static void nh_free(nh *v)
{
    for (size_t i = 0; v->cols != NULL && i < v->n_cols; i++)
        free(v->cols[i].cts);
    free(v->cols);
    memset(v, 0, sizeof *v);
}

static void proofs_free(cns_shuffle_proof *proofs, size_t n)
{
    for (size_t i = 0; proofs != NULL && i < n; i++)
        cns_shuffle_proof_free(&proofs[i]);
    free(proofs);
}

static cns_err parse_json(json_t **out, const char *bytes, size_t len, const char *what,
                          cns_diag *diag)
{
    json_error_t error;
    if (len > CNS_MIXNET_MAX_BYTES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu bytes is more than the %zu allowed", what,
                            len, CNS_MIXNET_MAX_BYTES);
    *out = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &error);
    if (*out == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: invalid JSON at line %d, column %d: %s",
                            what, error.line, error.column, error.text);
    return CNS_OK;
}

/* The group, public key and fingerprint of election.json. */
static cns_err read_election(mix_ctx *ctx, const char *bytes, size_t len, cns_diag *diag)
{
    json_t *root = NULL;
    const char *name;
    size_t name_len;
    cns_err err = cns_jr_parse(&root, bytes, len, "election", diag);

    if (err == CNS_OK)
        err = cns_jr_string(root, "group", &name, &name_len, "election", diag);
    if (err == CNS_OK) {
        ctx->group = cns_group_by_name(name);
        if (ctx->group == NULL || strlen(name) != name_len)
            err = cns_diag_set(diag, CNS_ERR_INVALID, "election: unknown group \"%s\"", name);
    }
    if (err == CNS_OK)
        err = cns_jr_elt(ctx->group, json_object_get(root, "public_key"), &ctx->y,
                         "election: public_key", diag);
    if (err == CNS_OK)
        cns_hash_b64(ctx->fingerprint, bytes, len);
    json_decref(root);
    return err;
}

/* A JSON array of arrays of ciphertexts. */
static cns_err read_nh(const cns_group *group, const json_t *v, nh *out, const char *what,
                       cns_diag *diag)
{
    char where[96];
    if (!json_is_array(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: expected an array", what);
    out->n_cols = json_array_size(v);
    out->cols = calloc(out->n_cols + 1, sizeof *out->cols);
    if (out->cols == NULL)
        return CNS_ERR_NOMEM;
    for (size_t q = 0; q < out->n_cols; q++) {
        const json_t *col = json_array_get(v, q);
        if (!json_is_array(col))
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: question %zu: expected an array", what,
                                q + 1);
        size_t n = json_array_size(col);
        if (n > CNS_SHUFFLE_MAX)
            return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: question %zu: more than %d ciphertexts",
                                what, q + 1, CNS_SHUFFLE_MAX);
        out->cols[q].cts = calloc(n + 1, sizeof(cns_ciphertext));
        if (out->cols[q].cts == NULL)
            return CNS_ERR_NOMEM;
        out->cols[q].n = n;
        for (size_t i = 0; i < n; i++) {
            snprintf(where, sizeof where, "%s: question %zu: ciphertext %zu", what, q + 1, i + 1);
            cns_err err =
                cns_jr_ciphertext(group, json_array_get(col, i), &out->cols[q].cts[i], where, diag);
            if (err != CNS_OK)
                return err;
        }
    }
    return CNS_OK;
}

/* A JSON array of exactly n elements / scalars. */
static cns_err read_elts(const cns_group *group, const json_t *v, cns_elt *out, size_t n,
                         const char *what, cns_diag *diag)
{
    if (!json_is_array(v) || json_array_size(v) != n)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: expected an array of %zu elements", what, n);
    for (size_t i = 0; i < n; i++) {
        cns_err err = cns_jr_elt(group, json_array_get(v, i), &out[i], what, diag);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

static cns_err read_scalars(const cns_group *group, const json_t *v, cns_scalar *out, size_t n,
                            const char *what, cns_diag *diag)
{
    if (!json_is_array(v) || json_array_size(v) != n)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: expected an array of %zu numbers", what, n);
    for (size_t i = 0; i < n; i++) {
        cns_err err = cns_jr_scalar(group, json_array_get(v, i), &out[i], what, diag);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

/* [t, s, c, ĉ] with t = [t1,t2,t3,[t41,t42],[t̂…]], s = [s1,s2,s3,s4,[ŝ…],[s′…]]. */
static cns_err read_proof(const cns_group *group, const json_t *v, cns_shuffle_proof *p, size_t n,
                          const char *what, cns_diag *diag)
{
    const json_t *t = json_array_get(v, 0), *s = json_array_get(v, 1);
    cns_elt t5[5], t4[2];
    cns_scalar s4[4];
    cns_err err;

    if (!json_is_array(v) || json_array_size(v) != 4 || !json_is_array(t) ||
        json_array_size(t) != 5 || !json_is_array(s) || json_array_size(s) != 6)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: not a shuffle proof [t, s, c, c_hat]", what);
    err = cns_shuffle_proof_alloc(p, n);
    if (err != CNS_OK)
        return cns_diag_set(diag, err, "%s: %s", what, cns_strerror(err));
    for (size_t i = 0; i < 3 && err == CNS_OK; i++)
        err = cns_jr_elt(group, json_array_get(t, i), &t5[i], what, diag);
    if (err == CNS_OK)
        err = read_elts(group, json_array_get(t, 3), t4, 2, what, diag);
    if (err == CNS_OK)
        err = read_elts(group, json_array_get(t, 4), p->t_hat, n, what, diag);
    for (size_t i = 0; i < 4 && err == CNS_OK; i++)
        err = cns_jr_scalar(group, json_array_get(s, i), &s4[i], what, diag);
    if (err == CNS_OK)
        err = read_scalars(group, json_array_get(s, 4), p->s_hat, n, what, diag);
    if (err == CNS_OK)
        err = read_scalars(group, json_array_get(s, 5), p->s_prime, n, what, diag);
    if (err == CNS_OK)
        err = read_elts(group, json_array_get(v, 2), p->c, n, what, diag);
    if (err == CNS_OK)
        err = read_elts(group, json_array_get(v, 3), p->c_hat, n, what, diag);
    if (err != CNS_OK)
        return err;
    p->t1 = t5[0], p->t2 = t5[1], p->t3 = t5[2], p->t41 = t4[0], p->t42 = t4[1];
    p->s1 = s4[0], p->s2 = s4[1], p->s3 = s4[2], p->s4 = s4[3];
    return CNS_OK;
}

/* ---- writing ------------------------------------------------------------------------ */

static void write_elts(cns_buf *b, const cns_group *group, const cns_elt *e, size_t n)
{
    cns_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            cns_buf_puts(b, ",");
        cns_jw_elt(b, group, &e[i]);
    }
    cns_buf_puts(b, "]");
}

static void write_scalars(cns_buf *b, const cns_group *group, const cns_scalar *s, size_t n)
{
    cns_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            cns_buf_puts(b, ",");
        cns_jw_scalar(b, group, &s[i]);
    }
    cns_buf_puts(b, "]");
}

static void write_nh(cns_buf *b, const cns_group *group, const nh *v)
{
    cns_buf_puts(b, "[");
    for (size_t q = 0; q < v->n_cols; q++) {
        cns_buf_puts(b, q > 0 ? ",[" : "[");
        for (size_t i = 0; i < v->cols[q].n; i++) {
            if (i > 0)
                cns_buf_puts(b, ",");
            cns_jw_ciphertext(b, group, &v->cols[q].cts[i]);
        }
        cns_buf_puts(b, "]");
    }
    cns_buf_puts(b, "]");
}

static void write_proof(cns_buf *b, const cns_group *group, const cns_shuffle_proof *p)
{
    cns_elt t[3] = {p->t1, p->t2, p->t3}, t4[2] = {p->t41, p->t42};
    cns_scalar s[4] = {p->s1, p->s2, p->s3, p->s4};

    cns_buf_puts(b, "[[");
    for (int i = 0; i < 3; i++) {
        cns_jw_elt(b, group, &t[i]);
        cns_buf_puts(b, ",");
    }
    write_elts(b, group, t4, 2);
    cns_buf_puts(b, ",");
    write_elts(b, group, p->t_hat, p->n);
    cns_buf_puts(b, "],[");
    for (int i = 0; i < 4; i++) {
        cns_jw_scalar(b, group, &s[i]);
        cns_buf_puts(b, ",");
    }
    write_scalars(b, group, p->s_hat, p->n);
    cns_buf_puts(b, ",");
    write_scalars(b, group, p->s_prime, p->n);
    cns_buf_puts(b, "],");
    write_elts(b, group, p->c, p->n);
    cns_buf_puts(b, ",");
    write_elts(b, group, p->c_hat, p->n);
    cns_buf_puts(b, "]");
}

static void write_shuffle(cns_buf *b, const cns_group *group, const nh *out,
                          const cns_shuffle_proof *proofs)
{
    cns_buf_puts(b, "{\"ciphertexts\":");
    write_nh(b, group, out);
    cns_buf_puts(b, ",\"proofs\":[");
    for (size_t q = 0; q < out->n_cols; q++) {
        if (q > 0)
            cns_buf_puts(b, ",");
        write_proof(b, group, &proofs[q]);
    }
    cns_buf_puts(b, "]}");
}

/* ---- the two operations ---------------------------------------------------------------- */

/* The generators for the longest column. */
static cns_err gens_for(const mix_ctx *ctx, const nh *v, cns_shuffle_gens *gens, cns_diag *diag)
{
    size_t longest = 0;
    for (size_t q = 0; q < v->n_cols; q++)
        longest = v->cols[q].n > longest ? v->cols[q].n : longest;
    return cns_shuffle_gens_make(ctx->group, gens, longest, diag);
}

/* Read election.json and the input ciphertexts. */
static cns_err read_inputs(mix_ctx *ctx, nh *in, const char *election_json, size_t election_len,
                           const char *cts, size_t cts_len, cns_diag *diag)
{
    json_t *root = NULL;
    cns_err err = read_election(ctx, election_json, election_len, diag);
    if (err == CNS_OK)
        err = parse_json(&root, cts, cts_len, "ciphertexts", diag);
    if (err == CNS_OK)
        err = read_nh(ctx->group, root, in, "ciphertexts", diag);
    json_decref(root);
    return err;
}

cns_err cns_mixnet_shuffle(const char *election_json, size_t election_len, const char *cts,
                           size_t cts_len, char **out, size_t *out_len, cns_diag *diag)
{
    mix_ctx ctx;
    nh in = {0, NULL}, res = {0, NULL};
    cns_shuffle_proof *proofs = NULL;
    cns_shuffle_gens gens = {0, {{0}}, NULL};
    cns_buf b;
    cns_err err;

    *out = NULL;
    cns_buf_init(&b, SIZE_MAX / 2);
    err = read_inputs(&ctx, &in, election_json, election_len, cts, cts_len, diag);
    if (err == CNS_OK)
        err = gens_for(&ctx, &in, &gens, diag);
    if (err != CNS_OK)
        goto done;
    res.cols = calloc(in.n_cols + 1, sizeof *res.cols);
    proofs = calloc(in.n_cols + 1, sizeof *proofs);
    if (res.cols == NULL || proofs == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    res.n_cols = in.n_cols;
    for (size_t q = 0; q < in.n_cols && err == CNS_OK; q++) {
        res.cols[q].n = in.cols[q].n;
        res.cols[q].cts = calloc(in.cols[q].n + 1, sizeof(cns_ciphertext));
        if (res.cols[q].cts == NULL)
            err = CNS_ERR_NOMEM;
        else
            err = cns_shuffle_make(ctx.group, &ctx.y, ctx.fingerprint, &gens, in.cols[q].cts,
                                   in.cols[q].n, res.cols[q].cts, &proofs[q]);
    }
    if (err != CNS_OK) {
        err = cns_diag_set(diag, err, "shuffle: %s", cns_strerror(err));
        goto done;
    }
    write_shuffle(&b, ctx.group, &res, proofs);
    err = cns_buf_status(&b);
    if (err == CNS_OK)
        *out = cns_buf_take(&b, out_len);
done:
    proofs_free(proofs, in.n_cols);
    cns_shuffle_gens_free(&gens);
    nh_free(&in);
    nh_free(&res);
    cns_buf_free(&b);
    return err;
}

/* Parse and check the shape of a shuffle of in. OUT: res, proofs (n_cols each). */
static cns_err read_shuffle(const mix_ctx *ctx, const nh *in, const char *shuffle, size_t len,
                            nh *res, cns_shuffle_proof **proofs, cns_diag *diag)
{
    static const char *const keys[] = {"ciphertexts", "proofs"};
    json_t *root = NULL;
    const json_t *pv;
    char what[64];
    cns_buf b;
    cns_err err = parse_json(&root, shuffle, len, "shuffle", diag);

    cns_buf_init(&b, SIZE_MAX / 2);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 2, "shuffle", diag);
    if (err == CNS_OK)
        err = read_nh(ctx->group, json_object_get(root, "ciphertexts"), res, "shuffle", diag);
    if (err != CNS_OK)
        goto done;
    pv = json_object_get(root, "proofs");
    if (res->n_cols != in->n_cols || !json_is_array(pv) || json_array_size(pv) != in->n_cols) {
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "shuffle: %zu questions, the input has %zu (and one proof each)",
                           res->n_cols, in->n_cols);
        goto done;
    }
    *proofs = calloc(in->n_cols + 1, sizeof **proofs);
    if (*proofs == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    for (size_t q = 0; q < in->n_cols && err == CNS_OK; q++) {
        snprintf(what, sizeof what, "shuffle: question %zu: proof", q + 1);
        if (res->cols[q].n != in->cols[q].n)
            err = cns_diag_set(diag, CNS_ERR_INVALID,
                               "shuffle: question %zu: %zu ciphertexts out, %zu in", q + 1,
                               res->cols[q].n, in->cols[q].n);
        else
            err = read_proof(ctx->group, json_array_get(pv, q), &(*proofs)[q], in->cols[q].n, what,
                             diag);
    }
    if (err != CNS_OK)
        goto done;
    write_shuffle(&b, ctx->group, res, *proofs);
    err = cns_jr_canonical(shuffle, len, &b, "shuffle", diag);
done:
    cns_buf_free(&b);
    json_decref(root);
    return err;
}

cns_err cns_mixnet_verify(const char *election_json, size_t election_len, const char *cts,
                          size_t cts_len, const char *shuffle, size_t shuffle_len, char **next,
                          size_t *next_len, cns_diag *diag)
{
    mix_ctx ctx;
    nh in = {0, NULL}, res = {0, NULL};
    cns_shuffle_proof *proofs = NULL;
    cns_shuffle_gens gens = {0, {{0}}, NULL};
    cns_buf b;
    cns_err err;

    if (next != NULL)
        *next = NULL;
    cns_buf_init(&b, SIZE_MAX / 2);
    err = read_inputs(&ctx, &in, election_json, election_len, cts, cts_len, diag);
    if (err == CNS_OK)
        err = read_shuffle(&ctx, &in, shuffle, shuffle_len, &res, &proofs, diag);
    if (err == CNS_OK)
        err = gens_for(&ctx, &in, &gens, diag);
    for (size_t q = 0; q < in.n_cols && err == CNS_OK; q++) {
        err = cns_shuffle_verify(ctx.group, &ctx.y, ctx.fingerprint, &gens, in.cols[q].cts,
                                 res.cols[q].cts, in.cols[q].n, &proofs[q], diag);
        if (err != CNS_OK)
            err = cns_diag_prefix(diag, err, "question %zu: ", q + 1);
    }
    if (err == CNS_OK && next != NULL) {
        write_nh(&b, ctx.group, &res);
        err = cns_buf_status(&b);
        if (err == CNS_OK)
            *next = cns_buf_take(&b, next_len);
    }
    proofs_free(proofs, in.n_cols);
    cns_shuffle_gens_free(&gens);
    nh_free(&in);
    nh_free(&res);
    cns_buf_free(&b);
    return err;
}
