/*
 * The threshold key ceremony, steps 1 to 6, in both of Belenios' forms
 * (consulta/trustees.h): belenios-tool 2.0's (spec 2.0 §3.1.1, §4.6;
 * BELENIOS-FORMATS.md §6) when the certificates have no context, and
 * 2.5.1-3.3's (spec 3.3 §"Messages specific to threshold decryption
 * support") when they do: certificates with their context, polynomials
 * signed over all certificates (certs_sig), "signatures" in vinputs and
 * threshold parameters, signed verification keys, AES-GCM channels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/base58.h"
#include "consulta/limits.h"
#include "consulta/trustees.h"
#include "election/trustees_internal.h"
#include "record/json.h"

/* A string owned by the ceremony. */
struct text {
    char *s;
    size_t len;
};

struct member {
    cns_tr_cert cert;
    struct text cert_text;     /* canonical signed_msg */
    struct text polynomial;    /* step 3: its polynomial sent to itself */
    struct text *secrets;      /* step 3: n shares, secrets[j] sent to trustee j */
    struct text coefexps_text; /* step 3: canonical signed coefexps */
    struct text dkey;          /* step 5: private_key of its voutput */
    struct text public_key;    /* step 5: canonical trustee_public_key of S_j */
    cns_proof signature;       /* step 3, 3.x: its certs_sig signature */
};

struct cns_ceremony {
    const cns_group *group;
    size_t n, t;        /* t = 0 until the polynomials are loaded */
    struct member *m;   /* n members, certs order */
    cns_elt *A;         /* n·t coefexps, A[i·t+k] = g^{a_ik} */
    bool have_voutputs; /* step 6 input loaded */
    bool v3;            /* the certificates carry contexts: the Belenios 3.x ceremony */
    size_t ctx_t;       /* v3: the contexts' threshold */
    struct text certs;  /* the certificates as a JSON list (what certs_sig signs) */
};

/* The cipher of the ceremony's channel messages: AES-GCM in 3.x (3.3 knows no other). */
static cns_tr_cipher cipher_of(const cns_ceremony *c)
{
    return c->v3 ? CNS_TR_GCM : CNS_TR_CCM;
}

/* OUT: msg = certs_sig|{"certs":[…],"coefexps":[A_0…A_{t-1}]}. */
static cns_err certs_sig_msg(cns_buf *msg, const cns_ceremony *c, const cns_elt *A, size_t t)
{
    cns_buf_reset(msg);
    cns_tr_certs_sig_msg(msg, c->group, c->certs.s, c->certs.len, A, t);
    return cns_buf_status(msg);
}

/* Verify member i's certs_sig signature of its coefexps A (t of them). */
static cns_err certs_sig_verify(const cns_ceremony *c, size_t i, const cns_elt *A, size_t t,
                                const cns_proof *sig, const char *what, cns_diag *diag)
{
    cns_buf msg;
    cns_buf_init(&msg, CNS_TR_MAX_BYTES);
    cns_err err = certs_sig_msg(&msg, c, A, t);
    if (err == CNS_OK &&
        cns_tr_sig_verify(c->group, &c->m[i].cert.vk, msg.data, msg.len, sig) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "%s: signature of the certificates and coefexps does not verify with "
                           "the trustee's certificate",
                           what);
    cns_buf_free(&msg);
    return err;
}

static cns_err text_set(struct text *t, const char *s, size_t len)
{
    free(t->s);
    t->s = malloc(len + 1);
    if (t->s == NULL)
        return CNS_ERR_NOMEM;
    memcpy(t->s, s, len);
    t->s[len] = '\0';
    t->len = len;
    return CNS_OK;
}

static cns_err text_from_buf(struct text *t, const cns_buf *b)
{
    cns_err err = cns_buf_status(b);
    return err != CNS_OK ? err : text_set(t, b->data != NULL ? b->data : "", b->len);
}

/* ---- step 1 ---------------------------------------------------------------------------- */

cns_err cns_threshold_seed_new(char seed[CNS_SEED_LEN + 1])
{
    return cns_base58_random(seed, CNS_SEED_LEN);
}

/* Step 1: the certificate of seed, with ctx (3.x) or without (2.0). */
static cns_err cert_make(char **cert, size_t *len, char id[CNS_CERT_ID_BYTES],
                         const cns_group *group, const char *seed, size_t seed_len,
                         const cns_tr_context *ctx, cns_diag *diag)
{
    cns_scalar sk, dk;
    cns_elt vk, ek;
    cns_buf keys, out;
    unsigned char digest[crypto_hash_sha256_BYTES];
    cns_buf_init(&keys, CNS_TR_MAX_BYTES);
    cns_buf_init(&out, CNS_TR_MAX_BYTES);
    *cert = NULL;
    cns_err err = cns_tr_seed_keys(group, seed, seed_len, &sk, &dk, diag);
    if (err != CNS_OK)
        goto done;
    cns_group_pow_g(group, &vk, &sk);
    cns_group_pow_g(group, &ek, &dk);
    cns_tr_cert_keys_write(&keys, group, ctx, &vk, &ek);
    err = cns_buf_status(&keys);
    if (err != CNS_OK)
        goto done;
    crypto_hash_sha256(digest, (const unsigned char *)keys.data, keys.len);
    sodium_bin2hex(id, CNS_CERT_ID_BYTES, digest, sizeof digest);
    cns_tr_sign(&out, group, &sk, keys.data, keys.len);
    err = cns_tr_take(&out, cert, len);
done:
    sodium_memzero(&sk, sizeof sk);
    sodium_memzero(&dk, sizeof dk);
    cns_buf_free(&keys);
    cns_buf_free(&out);
    return err;
}

cns_err cns_threshold_cert_make(char **cert, size_t *len, char id[CNS_CERT_ID_BYTES],
                                const cns_group *group, const char *seed, size_t seed_len,
                                cns_diag *diag)
{
    return cert_make(cert, len, id, group, seed, seed_len, NULL, diag);
}

cns_err cns_threshold_cert_make_ctx(char **cert, size_t *len, char id[CNS_CERT_ID_BYTES],
                                    const cns_group *group, const char *seed, size_t seed_len,
                                    size_t index, size_t threshold, size_t size, cns_diag *diag)
{
    cns_tr_context ctx = {.size = size, .threshold = threshold, .index = index};
    *cert = NULL;
    if (size < 1 || size > CNS_MAX_TRUSTEES || threshold < 1 || threshold > size || index < 1 ||
        index > size)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "threshold context %zu/%zu/%zu: need 1 ≤ index ≤ size, 1 ≤ threshold ≤ "
                            "size ≤ %d",
                            index, threshold, size, CNS_MAX_TRUSTEES);
    return cert_make(cert, len, id, group, seed, seed_len, &ctx, diag);
}

/* ---- step 2 ---------------------------------------------------------------------------- */

void cns_ceremony_free(cns_ceremony *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; c->m != NULL && i < c->n; i++) {
        struct member *m = &c->m[i];
        free(m->cert_text.s);
        free(m->polynomial.s);
        for (size_t j = 0; m->secrets != NULL && j < c->n; j++)
            free(m->secrets[j].s);
        free(m->secrets);
        free(m->coefexps_text.s);
        free(m->dkey.s);
        free(m->public_key.s);
    }
    free(c->m);
    free(c->A);
    free(c->certs.s);
    free(c);
}

/* Read certificate line i into c->m[i]. */
static cns_err cert_line(cns_ceremony *c, size_t i, const char *line, size_t len, cns_diag *diag)
{
    char what[64];
    json_t *root = NULL;
    cns_buf back;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    snprintf(what, sizeof what, "certs: certificate %zu", i + 1);
    cns_err err = cns_jr_parse(&root, line, len, what, diag);
    if (err == CNS_OK)
        err = cns_tr_cert_read(c->group, root, &c->m[i].cert, &back, what, diag);
    if (err == CNS_OK)
        err = cns_jr_canonical(line, len, &back, what, diag);
    if (err == CNS_OK)
        err = text_from_buf(&c->m[i].cert_text, &back);
    json_decref(root);
    cns_buf_free(&back);
    return err;
}

/*
 * All certificates with a context (3.x: each {group, n, t, i + 1}, one t) or
 * none (2.0); keep the certificates' JSON list for certs_sig.
 */
static cns_err certs_flavour(cns_ceremony *c, cns_diag *diag)
{
    char what[64];
    cns_buf list;
    c->v3 = c->m[0].cert.has_context;
    c->ctx_t = c->v3 ? c->m[0].cert.context.threshold : 0;
    for (size_t i = 0; i < c->n; i++) {
        snprintf(what, sizeof what, "certs: certificate %zu", i + 1);
        if (c->m[i].cert.has_context != c->v3)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "%s (%s): %s, unlike certificate 1 (all certificates of a "
                                "ceremony have one, or none)",
                                what, c->m[i].cert.id, c->v3 ? "has no context" : "has a context");
        if (c->v3) {
            cns_err err = cns_tr_context_check(&c->m[i].cert, c->n, c->ctx_t, i, what, diag);
            if (err != CNS_OK)
                return err;
        }
    }
    cns_buf_init(&list, CNS_TR_MAX_BYTES);
    cns_buf_puts(&list, "[");
    for (size_t i = 0; i < c->n; i++) {
        cns_buf_puts(&list, i > 0 ? "," : "");
        cns_buf_put(&list, c->m[i].cert_text.s, c->m[i].cert_text.len);
    }
    cns_buf_puts(&list, "]");
    cns_err err = text_from_buf(&c->certs, &list);
    cns_buf_free(&list);
    return err;
}

cns_err cns_ceremony_new(cns_ceremony **out, const cns_group *group, const char *certs, size_t len,
                         cns_diag *diag)
{
    const char *starts[CNS_MAX_TRUSTEES];
    size_t lens[CNS_MAX_TRUSTEES], n = 0;
    cns_ceremony *c = NULL;
    *out = NULL;
    cns_err err = cns_tr_lines(certs, len, starts, lens, CNS_MAX_TRUSTEES, &n, "certs", diag);
    if (err != CNS_OK)
        return err;
    c = calloc(1, sizeof *c);
    if (c == NULL || (c->m = calloc(n, sizeof *c->m)) == NULL) {
        free(c);
        return CNS_ERR_NOMEM;
    }
    c->group = group;
    c->n = n;
    for (size_t i = 0; err == CNS_OK && i < n; i++)
        err = cert_line(c, i, starts[i], lens[i], diag);
    if (err == CNS_OK) {
        cns_tr_cert *tmp = malloc(n * sizeof *tmp);
        for (size_t i = 0; tmp != NULL && i < n; i++)
            tmp[i] = c->m[i].cert;
        err = tmp == NULL ? CNS_ERR_NOMEM : cns_tr_certs_distinct(group, tmp, n, "certs", diag);
        free(tmp);
    }
    if (err == CNS_OK)
        err = certs_flavour(c, diag);
    if (err != CNS_OK) {
        cns_ceremony_free(c);
        return err;
    }
    *out = c;
    return CNS_OK;
}

size_t cns_ceremony_size(const cns_ceremony *c)
{
    return c->n;
}

const char *cns_ceremony_cert_id(const cns_ceremony *c, size_t i)
{
    return i < c->n ? c->m[i].cert.id : NULL;
}

size_t cns_ceremony_context_threshold(const cns_ceremony *c)
{
    return c->v3 ? c->ctx_t : 0;
}

size_t cns_ceremony_threshold(const cns_ceremony *c)
{
    return c->t;
}

/* The keys of seed and its position in the ceremony. CT in the seed. */
static cns_err find_keys(const cns_ceremony *c, const char *seed, size_t seed_len, cns_scalar *sk,
                         cns_scalar *dk, size_t *index, cns_diag *diag)
{
    cns_elt vk, ek;
    cns_err err = cns_tr_seed_keys(c->group, seed, seed_len, sk, dk, diag);
    if (err != CNS_OK)
        return err;
    cns_group_pow_g(c->group, &vk, sk);
    cns_group_pow_g(c->group, &ek, dk);
    for (size_t i = 0; i < c->n; i++) {
        if (cns_elt_eq(c->group, &vk, &c->m[i].cert.vk) &&
            cns_elt_eq(c->group, &ek, &c->m[i].cert.ek)) {
            *index = i;
            return CNS_OK;
        }
    }
    return cns_diag_set(diag, CNS_ERR_NOTFOUND,
                        "key: its certificate is not among the %zu certificates", c->n);
}

cns_err cns_ceremony_find(size_t *index, const cns_ceremony *c, const char *seed, size_t seed_len,
                          cns_diag *diag)
{
    cns_scalar sk, dk;
    cns_err err = find_keys(c, seed, seed_len, &sk, &dk, index, diag);
    sodium_memzero(&sk, sizeof sk);
    sodium_memzero(&dk, sizeof dk);
    return err;
}

/* ---- step 3 ---------------------------------------------------------------------------- */

/* OUT: f(x) = Σ a_k x^k for the small public x. CT in the coefficients. */
static void poly_eval(const cns_group *group, cns_scalar *out, const cns_scalar *a, size_t t,
                      size_t x)
{
    cns_scalar xs = {{0}};
    for (size_t i = 0; i < sizeof(size_t) && i < CNS_SCALAR_BYTES; i++)
        xs.le[i] = (unsigned char)(x >> (8 * i));
    *out = a[t - 1];
    for (size_t k = t - 1; k-- > 0;) {
        cns_scalar_mul(group, out, out, &xs);
        cns_scalar_add(group, out, out, &a[k]);
    }
}

/* Append send(sk, recipient, {"key":"x"}) as a JSON string to out. */
static cns_err send_scalar(cns_buf *out, const cns_group *group, cns_tr_cipher cipher,
                           const cns_scalar *sk, const cns_elt *recipient, const char *key,
                           const cns_scalar *x)
{
    cns_buf msg, enc;
    cns_tr_buf_secret(&msg, 64 + CNS_SCALAR_TEXT_MAX);
    cns_buf_init(&enc, CNS_TR_MAX_BYTES);
    cns_buf_puts(&msg, "{");
    cns_jw_key(&msg, key);
    cns_tr_put_secret_scalar(&msg, group, x);
    cns_buf_puts(&msg, "}");
    cns_err err = cns_buf_status(&msg);
    if (err == CNS_OK)
        err = cns_tr_channel_send_alg(&enc, group, cipher, sk, recipient, recipient, msg.data,
                                      msg.len);
    if (err == CNS_OK)
        cns_jw_str(out, enc.data, enc.len);
    cns_buf_free(&msg);
    cns_buf_free(&enc);
    return err;
}

/* Append the "polynomial" field's value: the coefficients sent to the trustee itself. */
static cns_err send_polynomial(cns_buf *out, const cns_group *group, cns_tr_cipher cipher,
                               const cns_scalar *sk, const cns_elt *ek, const cns_scalar *a,
                               size_t t)
{
    cns_buf msg, enc;
    cns_tr_buf_secret(&msg, 32 + t * (CNS_SCALAR_TEXT_MAX + 3));
    cns_buf_init(&enc, CNS_TR_MAX_BYTES);
    cns_buf_puts(&msg, "{\"polynomial\":[");
    for (size_t k = 0; k < t; k++) {
        if (k > 0)
            cns_buf_puts(&msg, ",");
        cns_tr_put_secret_scalar(&msg, group, &a[k]);
    }
    cns_buf_puts(&msg, "]}");
    cns_err err = cns_buf_status(&msg);
    if (err == CNS_OK)
        err = cns_tr_channel_send_alg(&enc, group, cipher, sk, ek, ek, msg.data, msg.len);
    if (err == CNS_OK)
        cns_jw_str(out, enc.data, enc.len);
    cns_buf_free(&msg);
    cns_buf_free(&enc);
    return err;
}

/* Append the signed coefexps A_k = g^{a_k}. OUT: A. */
static cns_err sign_coefexps(cns_buf *out, const cns_group *group, const cns_scalar *sk,
                             const cns_scalar *a, size_t t, cns_elt A[CNS_MAX_TRUSTEES])
{
    cns_buf msg;
    cns_buf_init(&msg, CNS_TR_MAX_BYTES);
    for (size_t k = 0; k < t; k++)
        cns_group_pow_g(group, &A[k], &a[k]);
    cns_tr_coefexps_write(&msg, group, A, t);
    cns_err err = cns_buf_status(&msg);
    if (err == CNS_OK)
        cns_tr_sign(out, group, sk, msg.data, msg.len);
    cns_buf_free(&msg);
    return err;
}

/* Write the polynomial structure for coefficients a (t of them). */
static cns_err polynomial_write(cns_buf *out, const cns_ceremony *c, const cns_scalar *sk,
                                size_t me, const cns_scalar *a, size_t t)
{
    cns_scalar s;
    cns_elt A[CNS_MAX_TRUSTEES];
    cns_proof sig;
    cns_buf msg;
    cns_buf_init(&msg, CNS_TR_MAX_BYTES);
    cns_buf_puts(out, "{\"polynomial\":");
    cns_err err = send_polynomial(out, c->group, cipher_of(c), sk, &c->m[me].cert.ek, a, t);
    cns_buf_puts(out, ",\"secrets\":[");
    for (size_t j = 0; err == CNS_OK && j < c->n; j++) {
        if (j > 0)
            cns_buf_puts(out, ",");
        poly_eval(c->group, &s, a, t, j + 1);
        err = send_scalar(out, c->group, cipher_of(c), sk, &c->m[j].cert.ek, "secret", &s);
    }
    sodium_memzero(&s, sizeof s);
    cns_buf_puts(out, "],\"coefexps\":");
    if (err == CNS_OK)
        err = sign_coefexps(out, c->group, sk, a, t, A);
    if (err == CNS_OK && c->v3) /* 3.x: certs_sig, binding the coefexps to all certificates */
        err = certs_sig_msg(&msg, c, A, t);
    if (err == CNS_OK && c->v3) {
        cns_tr_sign_proof(&sig, c->group, sk, msg.data, msg.len);
        cns_buf_puts(out, ",\"signature\":");
        cns_jw_proof(out, c->group, &sig);
    }
    cns_buf_puts(out, "}");
    cns_buf_free(&msg);
    return err;
}

cns_err cns_ceremony_polynomial_make(char **json, size_t *len, const cns_ceremony *c,
                                     const char *seed, size_t seed_len, size_t threshold,
                                     cns_diag *diag)
{
    cns_scalar sk, dk, a[CNS_MAX_TRUSTEES];
    size_t me = 0;
    cns_buf out;
    cns_buf_init(&out, CNS_TR_MAX_BYTES);
    *json = NULL;
    cns_err err = CNS_OK;
    if (c->v3 && threshold == 0)
        threshold = c->ctx_t;
    if (c->v3 && threshold != c->ctx_t) {
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "threshold: %zu, but the certificates' context says %zu", threshold,
                           c->ctx_t);
        goto done;
    }
    if (threshold < 1 || threshold > c->n) {
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "threshold: %zu is not between 1 and the %zu trustees", threshold, c->n);
        goto done;
    }
    err = find_keys(c, seed, seed_len, &sk, &dk, &me, diag);
    if (err != CNS_OK)
        goto done;
    for (size_t k = 0; k < threshold; k++)
        cns_scalar_random(c->group, &a[k]);
    err = polynomial_write(&out, c, &sk, me, a, threshold);
    if (err == CNS_OK)
        err = cns_tr_take(&out, json, len);
done:
    sodium_memzero(&sk, sizeof sk);
    sodium_memzero(&dk, sizeof dk);
    sodium_memzero(a, sizeof a);
    cns_buf_free(&out);
    return err;
}

/* ---- step 4 ---------------------------------------------------------------------------- */

/* Check and keep a list of n encrypted messages (strings); write them back to back. */
static cns_err encrypted_list(const cns_group *group, const json_t *arr, size_t n,
                              struct text *list, cns_buf *back, const char *what, cns_diag *diag)
{
    char w[200];
    if (!json_is_array(arr) || json_array_size(arr) != n)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: \"secrets\" must be a list of %zu strings",
                            what, n);
    cns_buf_puts(back, "[");
    for (size_t j = 0; j < n; j++) {
        const json_t *v = json_array_get(arr, j);
        snprintf(w, sizeof w, "%s: secret %zu", what, j + 1);
        if (!json_is_string(v))
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: must be a string", w);
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        cns_err err = cns_tr_encrypted_check(group, s, len, w, diag);
        if (err == CNS_OK)
            err = text_set(&list[j], s, len);
        if (err != CNS_OK)
            return err;
        if (j > 0)
            cns_buf_puts(back, ",");
        cns_jw_str(back, s, len);
    }
    cns_buf_puts(back, "]");
    return CNS_OK;
}

/* Read polynomial line i (trustee i's step 3 output) into c->m[i] and c->A. */
static cns_err polynomial_line(cns_ceremony *c, size_t i, const char *line, size_t len,
                               cns_diag *diag)
{
    static const char *const keys[] = {"polynomial", "secrets", "coefexps", "?signature"};
    char what[160];
    json_t *root = NULL;
    const char *poly;
    size_t poly_len, t = c->v3 ? c->ctx_t : c->t;
    struct member *m = &c->m[i];
    cns_buf back, coef;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    cns_buf_init(&coef, CNS_TR_MAX_BYTES);
    snprintf(what, sizeof what, "polynomials: line %zu (certificate %s)", i + 1, m->cert.id);
    cns_err err = cns_jr_parse(&root, line, len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 4, what, diag);
    bool signed_ = err == CNS_OK && json_object_get(root, "signature") != NULL;
    if (err == CNS_OK && signed_ != c->v3)
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           c->v3 ? "%s: no \"signature\" (the certificates have contexts: "
                                   "Belenios 3.x polynomials are signed)"
                                 : "%s: unknown field \"signature\" (the certificates have no "
                                   "context)",
                           what);
    if (err == CNS_OK && signed_)
        err = cns_jr_proof(c->group, json_object_get(root, "signature"), &m->signature, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(root, "polynomial", &poly, &poly_len, what, diag);
    if (err == CNS_OK)
        err = cns_tr_encrypted_check(c->group, poly, poly_len, what, diag);
    if (err == CNS_OK)
        err = cns_tr_coefexps_read(c->group, json_object_get(root, "coefexps"), &m->cert.vk,
                                   c->A + i * CNS_MAX_TRUSTEES, &t, &coef, what, diag);
    if (err == CNS_OK && t > c->n)
        err = cns_diag_set(diag, CNS_ERR_INVALID, "%s: threshold %zu is more than the %zu trustees",
                           what, t, c->n);
    if (err == CNS_OK && signed_)
        err = certs_sig_verify(c, i, c->A + i * CNS_MAX_TRUSTEES, t, &m->signature, what, diag);
    if (err == CNS_OK && (m->secrets = calloc(c->n, sizeof *m->secrets)) == NULL)
        err = CNS_ERR_NOMEM;
    if (err == CNS_OK) {
        cns_buf_puts(&back, "{\"polynomial\":");
        cns_jw_str(&back, poly, poly_len);
        cns_buf_puts(&back, ",\"secrets\":");
        err = encrypted_list(c->group, json_object_get(root, "secrets"), c->n, m->secrets, &back,
                             what, diag);
    }
    if (err == CNS_OK) {
        cns_buf_puts(&back, ",\"coefexps\":");
        cns_buf_put(&back, coef.data, coef.len);
        if (signed_) {
            cns_buf_puts(&back, ",\"signature\":");
            cns_jw_proof(&back, c->group, &m->signature);
        }
        cns_buf_puts(&back, "}");
        err = cns_jr_canonical(line, len, &back, what, diag);
    }
    if (err == CNS_OK)
        err = text_set(&m->polynomial, poly, poly_len);
    if (err == CNS_OK)
        err = text_from_buf(&m->coefexps_text, &coef);
    if (err == CNS_OK)
        c->t = t;
    json_decref(root);
    cns_buf_free(&back);
    cns_buf_free(&coef);
    return err;
}

/* Pack A from rows of CNS_MAX_TRUSTEES to rows of t. */
static void pack_coefexps(cns_ceremony *c)
{
    for (size_t i = 0; i < c->n; i++)
        memmove(c->A + i * c->t, c->A + i * CNS_MAX_TRUSTEES, c->t * sizeof *c->A);
}

cns_err cns_ceremony_polynomials_load(cns_ceremony *c, const char *polynomials, size_t len,
                                      cns_diag *diag)
{
    const char *starts[CNS_MAX_TRUSTEES];
    size_t lens[CNS_MAX_TRUSTEES], n = 0;
    if (c->A != NULL)
        return cns_diag_set(diag, CNS_ERR_STATE, "polynomials: already loaded");
    cns_err err =
        cns_tr_lines(polynomials, len, starts, lens, CNS_MAX_TRUSTEES, &n, "polynomials", diag);
    if (err != CNS_OK)
        return err;
    if (n != c->n)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "polynomials: %zu lines for %zu certificates (one per trustee, in "
                            "certs order)",
                            n, c->n);
    c->A = calloc(c->n * CNS_MAX_TRUSTEES, sizeof *c->A);
    if (c->A == NULL)
        return CNS_ERR_NOMEM;
    c->t = 0;
    for (size_t i = 0; err == CNS_OK && i < n; i++)
        err = polynomial_line(c, i, starts[i], lens[i], diag);
    if (err == CNS_OK) {
        pack_coefexps(c);
        return CNS_OK;
    }
    /* leave the ceremony as before */
    for (size_t i = 0; i < c->n; i++) {
        struct member *m = &c->m[i];
        for (size_t j = 0; m->secrets != NULL && j < c->n; j++)
            free(m->secrets[j].s);
        free(m->secrets);
        m->secrets = NULL;
        free(m->polynomial.s);
        free(m->coefexps_text.s);
        m->polynomial.s = m->coefexps_text.s = NULL;
    }
    free(c->A);
    c->A = NULL;
    c->t = 0;
    return err;
}

/* 3.x: ,"signatures":[…], the members' certs_sig signatures (nothing in 2.0). */
static void write_signatures(cns_buf *out, const cns_ceremony *c)
{
    if (!c->v3)
        return;
    cns_buf_puts(out, ",\"signatures\":[");
    for (size_t i = 0; i < c->n; i++) {
        if (i > 0)
            cns_buf_puts(out, ",");
        cns_jw_proof(out, c->group, &c->m[i].signature);
    }
    cns_buf_puts(out, "]");
}

cns_err cns_ceremony_vinput_make(char **json, size_t *len, const cns_ceremony *c, size_t j,
                                 cns_diag *diag)
{
    cns_buf out;
    *json = NULL;
    if (c->A == NULL)
        return cns_diag_set(diag, CNS_ERR_STATE, "vinput: polynomials are not loaded");
    if (j >= c->n)
        return cns_diag_set(diag, CNS_ERR_INVALID, "vinput: no trustee %zu", j + 1);
    cns_buf_init(&out, CNS_TR_MAX_BYTES);
    cns_buf_puts(&out, "{\"polynomial\":");
    cns_jw_str(&out, c->m[j].polynomial.s, c->m[j].polynomial.len);
    cns_buf_puts(&out, ",\"secrets\":[");
    for (size_t i = 0; i < c->n; i++) {
        if (i > 0)
            cns_buf_puts(&out, ",");
        cns_jw_str(&out, c->m[i].secrets[j].s, c->m[i].secrets[j].len);
    }
    cns_buf_puts(&out, "],\"coefexps\":[");
    for (size_t i = 0; i < c->n; i++) {
        if (i > 0)
            cns_buf_puts(&out, ",");
        cns_buf_put(&out, c->m[i].coefexps_text.s, c->m[i].coefexps_text.len);
    }
    cns_buf_puts(&out, "]");
    write_signatures(&out, c);
    cns_buf_puts(&out, "}");
    return cns_tr_take(&out, json, len);
}

/* ---- step 5 ---------------------------------------------------------------------------- */

/* What a trustee works with in step 5. */
struct step5 {
    const cns_ceremony *c;
    size_t me, t;
    cns_scalar sk, dk;
    cns_elt A[CNS_MAX_TRUSTEES * CNS_MAX_TRUSTEES];
    const json_t *secrets;
    const char *poly;
    size_t poly_len;
};

/* Parse the vinput's shape and its signed coefexps (into st->A, rows of t). */
static cns_err vinput_read(struct step5 *st, const json_t *root, const char *vinput, size_t len,
                           cns_diag *diag)
{
    static const char *const keys[] = {"polynomial", "secrets", "coefexps", "?signatures"};
    const cns_ceremony *c = st->c;
    char what[160];
    cns_buf back;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    cns_err err = cns_jr_fields(root, keys, 4, "vinput", diag);
    const json_t *sigs = json_object_get(root, "signatures");
    if (err == CNS_OK && (sigs != NULL) != c->v3)
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           c->v3 ? "vinput: no \"signatures\" (the certificates have contexts)"
                                 : "vinput: unknown field \"signatures\" (the certificates have "
                                   "no context)");
    if (err == CNS_OK && c->v3 && (!json_is_array(sigs) || json_array_size(sigs) != c->n))
        err =
            cns_diag_set(diag, CNS_ERR_INVALID, "vinput: \"signatures\" must have %zu items", c->n);
    if (err == CNS_OK)
        err = cns_jr_string(root, "polynomial", &st->poly, &st->poly_len, "vinput", diag);
    const json_t *coefexps = json_object_get(root, "coefexps");
    st->secrets = json_object_get(root, "secrets");
    if (err == CNS_OK && (!json_is_array(st->secrets) || json_array_size(st->secrets) != c->n ||
                          !json_is_array(coefexps) || json_array_size(coefexps) != c->n))
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "vinput: \"secrets\" and \"coefexps\" must have %zu items each", c->n);
    if (err != CNS_OK)
        goto done;
    cns_buf_puts(&back, "{\"polynomial\":");
    cns_jw_str(&back, st->poly, st->poly_len);
    cns_buf_puts(&back, ",\"secrets\":[");
    for (size_t i = 0; err == CNS_OK && i < c->n; i++) {
        const json_t *s = json_array_get(st->secrets, i);
        if (!json_is_string(s))
            err = cns_diag_set(diag, CNS_ERR_DECODE, "vinput: secret %zu must be a string", i + 1);
        else
            cns_jw_str(&back, json_string_value(s), json_string_length(s));
        cns_buf_puts(&back, i + 1 < c->n ? "," : "],\"coefexps\":[");
    }
    st->t = 0;
    for (size_t i = 0; err == CNS_OK && i < c->n; i++) {
        cns_elt row[CNS_MAX_TRUSTEES];
        snprintf(what, sizeof what, "vinput: coefexps %zu (certificate %s)", i + 1,
                 c->m[i].cert.id);
        err = cns_tr_coefexps_read(c->group, json_array_get(coefexps, i), &c->m[i].cert.vk, row,
                                   &st->t, &back, what, diag);
        if (err == CNS_OK && st->t > c->n)
            err = cns_diag_set(diag, CNS_ERR_INVALID, "%s: threshold %zu is more than %zu", what,
                               st->t, c->n);
        if (err == CNS_OK)
            memcpy(st->A + i * st->t, row, st->t * sizeof *row);
        cns_buf_puts(&back, i + 1 < c->n ? "," : "]");
    }
    if (err == CNS_OK && c->v3)
        cns_buf_puts(&back, ",\"signatures\":[");
    for (size_t i = 0; err == CNS_OK && c->v3 && i < c->n; i++) {
        cns_proof sig;
        snprintf(what, sizeof what, "vinput: signature %zu (certificate %s)", i + 1,
                 c->m[i].cert.id);
        err = cns_jr_proof(c->group, json_array_get(sigs, i), &sig, what, diag);
        if (err == CNS_OK)
            err = certs_sig_verify(c, i, st->A + i * st->t, st->t, &sig, what, diag);
        cns_buf_puts(&back, i > 0 ? "," : "");
        cns_jw_proof(&back, c->group, &sig);
        cns_buf_puts(&back, i + 1 < c->n ? "" : "]");
    }
    cns_buf_puts(&back, "}");
    if (err == CNS_OK)
        err = cns_jr_canonical(vinput, len, &back, "vinput", diag);
done:
    cns_buf_free(&back);
    return err;
}

/* Parse {"polynomial":["a0",…]} with exactly t coefficients. CT in the coefficients. */
static cns_err plain_polynomial(const cns_group *group, const char *s, size_t len, cns_scalar *a,
                                size_t t)
{
    size_t pos = 0, k = 0;
    if (!cns_tr_lit(s, len, &pos, "{\"polynomial\":["))
        return CNS_ERR_DECODE;
    for (;;) {
        if (k == t || cns_tr_jdecimal(group, s, len, &pos, &a[k]) != CNS_OK)
            return CNS_ERR_DECODE;
        k++;
        if (!cns_tr_lit(s, len, &pos, ","))
            break;
    }
    if (k != t || !cns_tr_lit(s, len, &pos, "]}") || pos != len)
        return CNS_ERR_DECODE;
    return CNS_OK;
}

/* Parse {"<key>":"DIGITS"}. CT in the digits. */
static cns_err plain_scalar(const cns_group *group, const char *s, size_t len, const char *key,
                            cns_scalar *x)
{
    char head[40];
    size_t pos = 0;
    snprintf(head, sizeof head, "{\"%s\":", key);
    if (!cns_tr_lit(s, len, &pos, head) || cns_tr_jdecimal(group, s, len, &pos, x) != CNS_OK ||
        !cns_tr_lit(s, len, &pos, "}") || pos != len)
        return CNS_ERR_DECODE;
    return CNS_OK;
}

/* Decrypt the trustee's own polynomial and check it against its coefexps. */
static cns_err own_polynomial(struct step5 *st, cns_diag *diag)
{
    const cns_ceremony *c = st->c;
    cns_scalar a[CNS_MAX_TRUSTEES];
    cns_elt ga;
    cns_buf plain;
    cns_tr_buf_secret(&plain, st->poly_len);
    cns_err err = cns_tr_channel_recv(&plain, c->group, &st->dk, &c->m[st->me].cert.vk, st->poly,
                                      st->poly_len, "vinput: polynomial", diag);
    if (err == CNS_OK && plain_polynomial(c->group, plain.data, plain.len, a, st->t) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           "vinput: polynomial: not a canonical list of %zu coefficients", st->t);
    for (size_t k = 0; err == CNS_OK && k < st->t; k++) {
        cns_group_pow_g(c->group, &ga, &a[k]);
        if (!cns_elt_eq(c->group, &ga, &st->A[st->me * st->t + k]))
            err =
                cns_diag_set(diag, CNS_ERR_VERIFY,
                             "vinput: polynomial: coefficient %zu does not match our coefexps", k);
    }
    sodium_memzero(a, sizeof a);
    cns_buf_free(&plain);
    return err;
}

/* Decrypt the share s_ij sent by trustee i and check it against i's coefexps. */
static cns_err share_from(struct step5 *st, size_t i, cns_scalar *s, cns_diag *diag)
{
    const cns_ceremony *c = st->c;
    const json_t *v = json_array_get(st->secrets, i);
    char what[160];
    cns_elt gs, expected;
    cns_buf plain;
    cns_tr_buf_secret(&plain, json_string_length(v));
    snprintf(what, sizeof what, "vinput: share from trustee %zu (certificate %s)", i + 1,
             c->m[i].cert.id);
    cns_err err = cns_tr_channel_recv(&plain, c->group, &st->dk, &c->m[i].cert.vk,
                                      json_string_value(v), json_string_length(v), what, diag);
    if (err == CNS_OK && plain_scalar(c->group, plain.data, plain.len, "secret", s) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "%s: not a canonical secret message", what);
    if (err == CNS_OK)
        err = cns_tr_expected_key(c->group, &expected, st->A + i * st->t, 1, st->t, st->me + 1);
    if (err == CNS_OK) {
        cns_group_pow_g(c->group, &gs, s);
        if (!cns_elt_eq(c->group, &gs, &expected))
            err = cns_diag_set(diag, CNS_ERR_VERIFY,
                               "%s: share does not match the trustee's published coefexps "
                               "(faulty trustee %zu)",
                               what, i + 1);
    }
    cns_buf_free(&plain);
    return err;
}

/* Write the voutput for S. */
static cns_err voutput_write(cns_buf *out, const struct step5 *st, const cns_scalar *S)
{
    const cns_ceremony *c = st->c;
    cns_elt X;
    cns_proof pok, sig;
    char text[CNS_ELT_TEXT_MAX];
    cns_buf_puts(out, "{\"private_key\":");
    cns_err err = send_scalar(out, c->group, cipher_of(c), &st->sk, &c->m[st->me].cert.ek,
                              "decryption_key", S);
    cns_tr_tpk_prove(c->group, &X, &pok, S);
    if (c->v3) { /* 3.x: the member signs its verification key g^S_j */
        size_t n = cns_elt_to_text(c->group, text, sizeof text, &X);
        cns_tr_sign_proof(&sig, c->group, &st->sk, text, n);
    }
    cns_buf_puts(out, ",\"public_key\":");
    cns_tr_tpk_write(out, c->group, &X, &pok, c->v3 ? &sig : NULL, NULL, 0);
    cns_buf_puts(out, "}");
    return err;
}

static cns_err step5_run(struct step5 *st, const char *vinput, size_t len, cns_buf *out,
                         cns_diag *diag)
{
    json_t *root = NULL;
    cns_scalar s, S;
    memset(&s, 0, sizeof s);
    memset(&S, 0, sizeof S);
    cns_err err = cns_jr_parse(&root, vinput, len, "vinput", diag);
    if (err == CNS_OK)
        err = vinput_read(st, root, vinput, len, diag);
    if (err == CNS_OK)
        err = own_polynomial(st, diag);
    for (size_t i = 0; err == CNS_OK && i < st->c->n; i++) {
        err = share_from(st, i, &s, diag);
        if (err == CNS_OK)
            cns_scalar_add(st->c->group, &S, &S, &s);
    }
    if (err == CNS_OK)
        err = voutput_write(out, st, &S);
    sodium_memzero(&s, sizeof s);
    sodium_memzero(&S, sizeof S);
    json_decref(root);
    return err;
}

cns_err cns_ceremony_voutput_make(char **json, size_t *len, const cns_ceremony *c, const char *seed,
                                  size_t seed_len, const char *vinput, size_t vinput_len,
                                  cns_diag *diag)
{
    struct step5 *st = calloc(1, sizeof *st);
    cns_buf out;
    cns_buf_init(&out, CNS_TR_MAX_BYTES);
    *json = NULL;
    if (st == NULL)
        return CNS_ERR_NOMEM;
    st->c = c;
    cns_err err = find_keys(c, seed, seed_len, &st->sk, &st->dk, &st->me, diag);
    if (err == CNS_OK)
        err = step5_run(st, vinput, vinput_len, &out, diag);
    if (err == CNS_OK)
        err = cns_tr_take(&out, json, len);
    sodium_memzero(st, sizeof *st);
    free(st);
    cns_buf_free(&out);
    return err;
}

/* ---- step 6 ---------------------------------------------------------------------------- */

/* Read voutput line j into c->m[j] and check it. */
static cns_err voutput_line(cns_ceremony *c, size_t j, const char *line, size_t len, cns_diag *diag)
{
    static const char *const keys[] = {"private_key", "public_key"};
    char what[160];
    json_t *root = NULL;
    const char *pk;
    size_t pk_len;
    cns_elt X, expected;
    cns_proof pok, sig;
    bool has_sig = false;
    char text[CNS_ELT_TEXT_MAX];
    cns_buf back, tpk;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    cns_buf_init(&tpk, CNS_TR_MAX_BYTES);
    snprintf(what, sizeof what, "voutputs: line %zu (trustee %zu, certificate %s)", j + 1, j + 1,
             c->m[j].cert.id);
    cns_err err = cns_jr_parse(&root, line, len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(root, "private_key", &pk, &pk_len, what, diag);
    if (err == CNS_OK)
        err = cns_tr_encrypted_check(c->group, pk, pk_len, what, diag);
    if (err == CNS_OK)
        err = cns_tr_tpk_read(c->group, json_object_get(root, "public_key"), &X, &pok, &sig,
                              &has_sig, NULL, NULL, what, diag);
    if (err == CNS_OK && has_sig != c->v3)
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           c->v3 ? "%s: the public key is not signed (the certificates have "
                                   "contexts: Belenios 3.x signs it)"
                                 : "%s: the public key is signed, but the certificates have no "
                                   "context",
                           what);
    if (err == CNS_OK)
        err = cns_tr_expected_key(c->group, &expected, c->A, c->n, c->t, j + 1);
    if (err == CNS_OK && !cns_elt_eq(c->group, &X, &expected))
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "%s: public key is not the product of the coefexps at %zu", what, j + 1);
    if (err == CNS_OK && has_sig &&
        cns_tr_sig_verify(c->group, &c->m[j].cert.vk, text,
                          cns_elt_to_text(c->group, text, sizeof text, &X), &sig) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "%s: signature of the public key does not verify with the trustee's "
                           "certificate",
                           what);
    if (err == CNS_OK) {
        cns_tr_tpk_write(&tpk, c->group, &X, &pok, has_sig ? &sig : NULL, NULL, 0);
        cns_buf_puts(&back, "{\"private_key\":");
        cns_jw_str(&back, pk, pk_len);
        cns_buf_puts(&back, ",\"public_key\":");
        cns_buf_put(&back, tpk.data, tpk.len);
        cns_buf_puts(&back, "}");
        err = cns_jr_canonical(line, len, &back, what, diag);
    }
    if (err == CNS_OK)
        err = text_set(&c->m[j].dkey, pk, pk_len);
    if (err == CNS_OK)
        err = text_from_buf(&c->m[j].public_key, &tpk);
    json_decref(root);
    cns_buf_free(&back);
    cns_buf_free(&tpk);
    return err;
}

cns_err cns_ceremony_voutputs_load(cns_ceremony *c, const char *voutputs, size_t len,
                                   cns_diag *diag)
{
    const char *starts[CNS_MAX_TRUSTEES];
    size_t lens[CNS_MAX_TRUSTEES], n = 0;
    if (c->A == NULL || c->have_voutputs)
        return cns_diag_set(diag, CNS_ERR_STATE,
                            c->A == NULL ? "voutputs: polynomials are not loaded"
                                         : "voutputs: already loaded");
    cns_err err = cns_tr_lines(voutputs, len, starts, lens, CNS_MAX_TRUSTEES, &n, "voutputs", diag);
    if (err != CNS_OK)
        return err;
    if (n != c->n)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "voutputs: %zu lines for %zu certificates (one per trustee, in "
                            "certs order)",
                            n, c->n);
    for (size_t j = 0; err == CNS_OK && j < n; j++)
        err = voutput_line(c, j, starts[j], lens[j], diag);
    if (err == CNS_OK)
        c->have_voutputs = true;
    return err;
}

cns_err cns_ceremony_params_make(char **json, size_t *len, const cns_ceremony *c, cns_diag *diag)
{
    cns_buf out;
    *json = NULL;
    if (!c->have_voutputs)
        return cns_diag_set(diag, CNS_ERR_STATE, "threshold parameters: voutputs are not loaded");
    cns_buf_init(&out, CNS_JSON_MAX_BYTES);
    cns_buf_printf(&out, "{\"threshold\":%zu,\"certs\":[", c->t);
    for (size_t i = 0; i < c->n; i++) {
        cns_buf_puts(&out, i > 0 ? "," : "");
        cns_buf_put(&out, c->m[i].cert_text.s, c->m[i].cert_text.len);
    }
    cns_buf_puts(&out, "],\"coefexps\":[");
    for (size_t i = 0; i < c->n; i++) {
        cns_buf_puts(&out, i > 0 ? "," : "");
        cns_buf_put(&out, c->m[i].coefexps_text.s, c->m[i].coefexps_text.len);
    }
    cns_buf_puts(&out, "]");
    write_signatures(&out, c);
    cns_buf_puts(&out, ",\"verification_keys\":[");
    for (size_t i = 0; i < c->n; i++) {
        cns_buf_puts(&out, i > 0 ? "," : "");
        cns_buf_put(&out, c->m[i].public_key.s, c->m[i].public_key.len);
    }
    cns_buf_puts(&out, "]}");
    return cns_tr_take(&out, json, len);
}

const char *cns_ceremony_dkey(const cns_ceremony *c, size_t j, size_t *len)
{
    if (!c->have_voutputs || j >= c->n)
        return NULL;
    if (len != NULL)
        *len = c->m[j].dkey.len;
    return c->m[j].dkey.s;
}

/* ---- .dkey --------------------------------------------------------------------------- */

cns_err cns_threshold_dkey_decrypt(cns_scalar *S, const cns_group *group, const char *seed,
                                   size_t seed_len, const char *dkey, size_t len, cns_diag *diag)
{
    cns_scalar sk, dk;
    cns_elt vk;
    cns_buf plain;
    cns_tr_buf_secret(&plain, len < CNS_TR_MAX_BYTES ? len : CNS_TR_MAX_BYTES);
    cns_err err = cns_tr_seed_keys(group, seed, seed_len, &sk, &dk, diag);
    if (err != CNS_OK)
        goto done;
    cns_group_pow_g(group, &vk, &sk);
    err = cns_tr_channel_recv(&plain, group, &dk, &vk, dkey, len, "dkey", diag);
    if (err == CNS_OK && plain_scalar(group, plain.data, plain.len, "decryption_key", S) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "dkey: not a canonical decryption key message");
done:
    sodium_memzero(&sk, sizeof sk);
    sodium_memzero(&dk, sizeof dk);
    cns_buf_free(&plain);
    return err;
}
