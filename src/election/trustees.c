/*
 * Single trustee keys, threshold parameters and trustees.json
 * (consulta/trustees.h; spec 2.0 §4.5, §4.6.7, §4.7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/limits.h"
#include "consulta/trustees.h"
#include "election/trustees_internal.h"
#include "record/json.h"

/* ---- trustee_public_key --------------------------------------------------------- */

static void pok_prefix(cns_fs *fs, const cns_group *group, const cns_elt *X)
{
    cns_fs_init(fs, "pok|");
    cns_fs_str(fs, cns_group_name(group));
    cns_fs_str(fs, "|");
    cns_fs_elt(fs, group, X);
    cns_fs_str(fs, "|");
}

void cns_tr_tpk_prove(const cns_group *group, cns_elt *X, cns_proof *pok, const cns_scalar *x)
{
    cns_fs fs;
    cns_group_pow_g(group, X, x);
    pok_prefix(&fs, group, X);
    cns_schnorr_prove(group, pok, x, &fs);
}

void cns_tr_tpk_write(cns_buf *buf, const cns_group *group, const cns_elt *X, const cns_proof *pok,
                      const cns_proof *sig, const char *name, size_t name_len)
{
    cns_buf_puts(buf, "{\"pok\":");
    cns_jw_proof(buf, group, pok);
    cns_buf_puts(buf, ",\"public_key\":");
    cns_jw_elt(buf, group, X);
    if (sig != NULL) {
        cns_buf_puts(buf, ",\"signature\":");
        cns_jw_proof(buf, group, sig);
    }
    if (name != NULL) {
        cns_buf_puts(buf, ",\"name\":");
        cns_jw_str(buf, name, name_len);
    }
    cns_buf_puts(buf, "}");
}

cns_err cns_tr_tpk_read(const cns_group *group, const json_t *v, cns_elt *X, cns_proof *pok,
                        cns_proof *sig, bool *has_sig, const char **name, size_t *name_len,
                        const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"pok", "public_key", "?signature", "?name"};
    const char *nm = NULL;
    size_t nm_len = 0;
    cns_fs fs;
    cns_err err = cns_jr_fields(v, keys, 4, what, diag);
    bool signed_ = err == CNS_OK && json_object_get(v, "signature") != NULL;
    if (signed_ && has_sig == NULL)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "%s: unknown field \"signature\"", what);
    if (err == CNS_OK)
        err = cns_jr_proof(group, json_object_get(v, "pok"), pok, what, diag);
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(v, "public_key"), X, what, diag);
    if (err == CNS_OK && signed_)
        err = cns_jr_proof(group, json_object_get(v, "signature"), sig, what, diag);
    if (err == CNS_OK && json_object_get(v, "name") != NULL)
        err = cns_jr_string(v, "name", &nm, &nm_len, what, diag);
    if (err != CNS_OK)
        return err;
    pok_prefix(&fs, group, X);
    if (cns_schnorr_verify(group, pok, X, &fs) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "%s: proof of knowledge (pok) does not verify",
                            what);
    if (has_sig != NULL)
        *has_sig = signed_;
    if (name != NULL) {
        *name = nm;
        *name_len = nm_len;
    }
    return CNS_OK;
}

/* ---- Single keys ------------------------------------------------------------------ */

cns_err cns_trustee_pubkey_make(char **json, size_t *len, const cns_group *group,
                                const cns_scalar *x)
{
    cns_elt X;
    cns_proof pok;
    cns_buf buf;
    cns_buf_init(&buf, CNS_TR_MAX_BYTES);
    cns_tr_tpk_prove(group, &X, &pok, x);
    cns_tr_tpk_write(&buf, group, &X, &pok, NULL, NULL, 0);
    return cns_tr_take(&buf, json, len);
}

/* Parse one trustee_public_key document (canonical), verify it, append it to back. */
static cns_err tpk_doc_read(const cns_group *group, cns_elt *X, cns_buf *back, const char *json,
                            size_t len, const char *what, cns_diag *diag)
{
    json_t *root = NULL;
    cns_proof pok;
    const char *name = NULL;
    size_t name_len = 0;
    cns_buf tmp;
    cns_buf_init(&tmp, CNS_TR_MAX_BYTES);
    cns_err err = cns_jr_parse(&root, json, len, what, diag);
    if (err == CNS_OK)
        err = cns_tr_tpk_read(group, root, X, &pok, NULL, NULL, &name, &name_len, what, diag);
    if (err == CNS_OK) {
        cns_tr_tpk_write(&tmp, group, X, &pok, NULL, name, name_len);
        err = cns_jr_canonical(json, len, &tmp, what, diag);
    }
    if (err == CNS_OK)
        cns_buf_put(back, tmp.data, tmp.len);
    json_decref(root);
    cns_buf_free(&tmp);
    return err;
}

cns_err cns_trustee_pubkey_verify(cns_elt *X, const cns_group *group, const char *json, size_t len,
                                  const char *what, cns_diag *diag)
{
    cns_elt tmp;
    cns_buf back;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    cns_err err = tpk_doc_read(group, X != NULL ? X : &tmp, &back, json, len, what, diag);
    cns_buf_free(&back);
    return err;
}

void cns_trustee_key_id(char id[CNS_KEY_ID_BYTES], const cns_group *group, const cns_elt *X)
{
    char text[CNS_ELT_TEXT_MAX];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    unsigned char digest[crypto_hash_sha256_BYTES];
    size_t n = cns_elt_to_text(group, text, sizeof text, X);
    crypto_hash_sha256(digest, (const unsigned char *)text, n);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    for (size_t i = 0; i < CNS_KEY_ID_BYTES - 1; i++)
        id[i] = hex[i] >= 'a' ? (char)(hex[i] - 'a' + 'A') : hex[i];
    id[CNS_KEY_ID_BYTES - 1] = '\0';
}

cns_err cns_trustee_keygen(char **privkey, size_t *privkey_len, char **pubkey, size_t *pubkey_len,
                           char id[CNS_KEY_ID_BYTES], const cns_group *group)
{
    cns_scalar x;
    cns_elt X;
    cns_proof pok;
    cns_buf priv, pub;
    cns_err err;
    cns_tr_buf_secret(&priv, CNS_SCALAR_TEXT_MAX + 2);
    cns_buf_init(&pub, CNS_TR_MAX_BYTES);
    *privkey = NULL;
    *pubkey = NULL;
    cns_scalar_random(group, &x);
    cns_tr_tpk_prove(group, &X, &pok, &x);
    cns_tr_tpk_write(&pub, group, &X, &pok, NULL, NULL, 0);
    cns_tr_put_secret_scalar(&priv, group, &x);
    cns_trustee_key_id(id, group, &X);
    err = cns_tr_take(&pub, pubkey, pubkey_len);
    if (err == CNS_OK)
        err = cns_tr_take(&priv, privkey, privkey_len);
    if (err != CNS_OK) {
        free(*pubkey);
        *pubkey = NULL;
    }
    sodium_memzero(&x, sizeof x);
    cns_buf_free(&priv);
    cns_buf_free(&pub);
    return err;
}

cns_err cns_trustee_privkey_read(cns_scalar *x, const cns_group *group, const char *json,
                                 size_t len, cns_diag *diag)
{
    size_t pos = 0, tok_len;
    /* the string "DIGITS": no escapes can occur in canonical digits */
    if (len < 2 || json[0] != '"' || json[len - 1] != '"')
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "private key: expected a JSON string of a decimal integer");
    pos = 1;
    tok_len = len - 2;
    if (memchr(json + pos, '"', tok_len) != NULL ||
        cns_scalar_from_text(group, x, json + pos, tok_len) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "private key: not a canonical decimal integer below the group order");
    return CNS_OK;
}

/* ---- threshold parameters ------------------------------------------------------------- */

/* What a verified "Pedersen" item yields. */
struct pedersen {
    size_t n, t;
    bool signed_; /* Belenios 2.5.1 and later: "signatures" and the certificates' contexts */
    cns_elt sub_key;
    cns_elt vks[CNS_MAX_TRUSTEES];
};

static cns_err pedersen_arrays(const json_t *v, size_t *n, bool *signed_, const char *what,
                               cns_diag *diag)
{
    static const char *const keys[] = {"threshold", "certs", "coefexps", "?signatures",
                                       "verification_keys"};
    cns_err err = cns_jr_fields(v, keys, 5, what, diag);
    if (err != CNS_OK)
        return err;
    const json_t *certs = json_object_get(v, "certs");
    *n = json_array_size(certs);
    if (!json_is_array(certs) || *n == 0)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: \"certs\" must be a non-empty list", what);
    if (*n > CNS_MAX_TRUSTEES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu certificates, more than the %d allowed",
                            what, *n, CNS_MAX_TRUSTEES);
    *signed_ = json_object_get(v, "signatures") != NULL;
    static const char *const lists[] = {"coefexps", "verification_keys", "signatures"};
    for (size_t i = 0; i < (*signed_ ? 3u : 2u); i++) {
        const json_t *a = json_object_get(v, lists[i]);
        if (!json_is_array(a) || json_array_size(a) != *n)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "%s: \"%s\" must be a list of %zu items, one per certificate", what,
                                lists[i], *n);
    }
    return CNS_OK;
}

/*
 * Read and verify the certificates; append them to back as a JSON list. With
 * signatures (2.5.1 and later) each must carry its context {group, n, t,
 * i + 1}; without, none may.
 */
static cns_err pedersen_certs(const cns_group *group, const json_t *v, cns_tr_cert *certs,
                              const struct pedersen *p, cns_buf *back, const char *what,
                              cns_diag *diag)
{
    char w[256];
    const json_t *arr = json_object_get(v, "certs");
    cns_buf_puts(back, "[");
    for (size_t i = 0; i < p->n; i++) {
        snprintf(w, sizeof w, "%s: certificate %zu", what, i + 1);
        if (i > 0)
            cns_buf_puts(back, ",");
        cns_err err = cns_tr_cert_read(group, json_array_get(arr, i), &certs[i], back, w, diag);
        if (err == CNS_OK && p->signed_)
            err = cns_tr_context_check(&certs[i], p->n, p->t, i, w, diag);
        if (err == CNS_OK && !p->signed_ && certs[i].has_context)
            err = cns_diag_set(diag, CNS_ERR_DECODE,
                               "%s (%s): has a context but the parameters have no "
                               "\"signatures\" (Belenios 2.5.1 and later have both)",
                               w, certs[i].id);
        if (err != CNS_OK)
            return err;
    }
    cns_buf_puts(back, "]");
    return cns_tr_certs_distinct(group, certs, p->n, what, diag);
}

/* Read and verify the signed coefexps into A (n·t); append them to back. */
static cns_err pedersen_coefexps(const cns_group *group, const json_t *v, const cns_tr_cert *certs,
                                 size_t n, size_t t, cns_elt *A, cns_buf *back, const char *what,
                                 cns_diag *diag)
{
    char w[256];
    const json_t *arr = json_object_get(v, "coefexps");
    cns_buf_puts(back, "[");
    for (size_t i = 0; i < n; i++) {
        size_t ti = t;
        snprintf(w, sizeof w, "%s: coefexps %zu (certificate %s)", what, i + 1, certs[i].id);
        if (i > 0)
            cns_buf_puts(back, ",");
        cns_err err = cns_tr_coefexps_read(group, json_array_get(arr, i), &certs[i].vk, A + i * t,
                                           &ti, back, w, diag);
        if (err != CNS_OK)
            return err;
    }
    cns_buf_puts(back, "]");
    return CNS_OK;
}

/*
 * Verify "signatures" (2.5.1 and later): signature i is trustee i's, by its
 * certificate, of certs_sig|{"certs":[all certificates],"coefexps":[its A]};
 * certs_text is the certificates' list as written back. Appends the list to back.
 */
static cns_err pedersen_signatures(const cns_group *group, const json_t *v,
                                   const cns_tr_cert *certs, const char *certs_text,
                                   size_t certs_len, const cns_elt *A, const struct pedersen *p,
                                   cns_buf *back, const char *what, cns_diag *diag)
{
    char w[256];
    const json_t *arr = json_object_get(v, "signatures");
    cns_proof sig;
    cns_buf msg;
    cns_err err = CNS_OK;
    cns_buf_init(&msg, CNS_TR_MAX_BYTES);
    cns_buf_puts(back, "[");
    for (size_t i = 0; err == CNS_OK && i < p->n; i++) {
        snprintf(w, sizeof w, "%s: signature %zu (certificate %s)", what, i + 1, certs[i].id);
        err = cns_jr_proof(group, json_array_get(arr, i), &sig, w, diag);
        if (err != CNS_OK)
            break;
        cns_buf_reset(&msg);
        cns_tr_certs_sig_msg(&msg, group, certs_text, certs_len, A + i * p->t, p->t);
        err = cns_buf_status(&msg);
        if (err == CNS_OK &&
            cns_tr_sig_verify(group, &certs[i].vk, msg.data, msg.len, &sig) != CNS_OK)
            err = cns_diag_set(diag, CNS_ERR_VERIFY,
                               "%s: does not verify (certificates and coefexps signed by the "
                               "trustee)",
                               w);
        if (i > 0)
            cns_buf_puts(back, ",");
        cns_jw_proof(back, group, &sig);
    }
    cns_buf_puts(back, "]");
    cns_buf_free(&msg);
    return err;
}

/*
 * Read the verification keys, check each PoK and g^{S_j}, and (3.0 and
 * later: all or none) each signature of g^{S_j} by the member's certificate;
 * append them to back.
 */
static cns_err pedersen_vks(const cns_group *group, const json_t *v, const cns_tr_cert *certs,
                            const cns_elt *A, struct pedersen *p, cns_buf *back, const char *what,
                            cns_diag *diag)
{
    char w[256], text[CNS_ELT_TEXT_MAX];
    const json_t *arr = json_object_get(v, "verification_keys");
    bool first_signed = false;
    cns_buf_puts(back, "[");
    for (size_t j = 0; j < p->n; j++) {
        cns_proof pok, sig;
        cns_elt expected;
        const char *name;
        size_t name_len;
        bool has_sig;
        snprintf(w, sizeof w, "%s: verification key %zu (certificate %s)", what, j + 1,
                 certs[j].id);
        if (j > 0)
            cns_buf_puts(back, ",");
        cns_err err = cns_tr_tpk_read(group, json_array_get(arr, j), &p->vks[j], &pok, &sig,
                                      &has_sig, &name, &name_len, w, diag);
        if (err == CNS_OK)
            err = cns_tr_expected_key(group, &expected, A, p->n, p->t, j + 1);
        if (err != CNS_OK)
            return err;
        if (!cns_elt_eq(group, &expected, &p->vks[j]))
            return cns_diag_set(diag, CNS_ERR_VERIFY,
                                "%s: public key is not the product of the coefexps at %zu", w,
                                j + 1);
        if (j == 0)
            first_signed = has_sig;
        if (has_sig && !p->signed_)
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "%s: signed, but the parameters have no \"signatures\"", w);
        if (has_sig != first_signed)
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "%s: %s, unlike verification key 1 (all or none are signed)", w,
                                has_sig ? "signed" : "not signed");
        size_t n = cns_elt_to_text(group, text, sizeof text, &p->vks[j]);
        if (has_sig && cns_tr_sig_verify(group, &certs[j].vk, text, n, &sig) != CNS_OK)
            return cns_diag_set(diag, CNS_ERR_VERIFY,
                                "%s: signature does not verify with the trustee's certificate", w);
        cns_tr_tpk_write(back, group, &p->vks[j], &pok, has_sig ? &sig : NULL, name, name_len);
    }
    cns_buf_puts(back, "]");
    return CNS_OK;
}

/*
 * Read and verify threshold_parameters v; append its canonical text to back.
 * OUT: *p.
 */
static cns_err pedersen_read(const cns_group *group, const json_t *v, struct pedersen *p,
                             cns_buf *back, const char *what, cns_diag *diag)
{
    cns_tr_cert *certs = NULL;
    cns_elt *A = NULL;
    char *certs_text = NULL;
    long long t = 0;
    size_t certs_at, certs_end;
    cns_err err = pedersen_arrays(v, &p->n, &p->signed_, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(v, "threshold", 1, (long long)p->n, &t, what, diag);
    if (err != CNS_OK)
        return err;
    p->t = (size_t)t;
    certs = calloc(p->n, sizeof *certs);
    A = calloc(p->n * p->t, sizeof *A);
    if (certs == NULL || A == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    cns_buf_printf(back, "{\"threshold\":%zu,\"certs\":", p->t);
    certs_at = back->len;
    err = pedersen_certs(group, v, certs, p, back, what, diag);
    if (err != CNS_OK)
        goto done;
    certs_end = back->len;
    cns_buf_puts(back, ",\"coefexps\":");
    err = pedersen_coefexps(group, v, certs, p->n, p->t, A, back, what, diag);
    if (err == CNS_OK)
        err = cns_buf_status(back);
    if (err == CNS_OK && p->signed_) { /* a copy: back may move as it grows */
        certs_text = malloc(certs_end - certs_at + 1);
        err = certs_text != NULL ? CNS_OK : CNS_ERR_NOMEM;
    }
    if (err == CNS_OK && p->signed_) {
        memcpy(certs_text, back->data + certs_at, certs_end - certs_at);
        cns_buf_puts(back, ",\"signatures\":");
        err = pedersen_signatures(group, v, certs, certs_text, certs_end - certs_at, A, p, back,
                                  what, diag);
    }
    if (err != CNS_OK)
        goto done;
    cns_buf_puts(back, ",\"verification_keys\":");
    err = pedersen_vks(group, v, certs, A, p, back, what, diag);
    if (err != CNS_OK)
        goto done;
    cns_buf_puts(back, "}");
    cns_group_identity(group, &p->sub_key);
    for (size_t i = 0; i < p->n; i++)
        cns_elt_mul(group, &p->sub_key, &p->sub_key, &A[i * p->t]);
done:
    free(certs_text);
    free(certs);
    free(A);
    return err;
}

/* ---- trustees.json ------------------------------------------------------------------- */

struct id_entry {
    cns_trustee_info info;
    cns_elt vk;
};

struct cns_trustees {
    const cns_group *group;
    char *bytes;
    size_t len;
    cns_elt y;
    size_t n_items;
    size_t n_ids;
    struct id_entry ids[CNS_MAX_TRUSTEES];
};

static cns_err add_id(cns_trustees *t, cns_trustee_kind kind, size_t item, size_t index,
                      size_t threshold, size_t members, const cns_elt *vk, cns_diag *diag)
{
    if (t->n_ids == CNS_MAX_TRUSTEES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "trustees: more than %d trustees",
                            CNS_MAX_TRUSTEES);
    struct id_entry *e = &t->ids[t->n_ids++];
    e->vk = *vk;
    e->info.kind = kind;
    e->info.item = item;
    e->info.index = index;
    e->info.threshold = threshold;
    e->info.members = members;
    e->info.verification_key = NULL; /* set once t is at its final address */
    return CNS_OK;
}

static cns_err single_item(cns_trustees *t, const json_t *v, size_t item, cns_buf *back,
                           const char *what, cns_diag *diag)
{
    cns_elt X;
    cns_proof pok;
    const char *name;
    size_t name_len;
    cns_err err = cns_tr_tpk_read(t->group, v, &X, &pok, NULL, NULL, &name, &name_len, what, diag);
    if (err != CNS_OK)
        return err;
    cns_buf_puts(back, "[\"Single\",");
    cns_tr_tpk_write(back, t->group, &X, &pok, NULL, name, name_len);
    cns_buf_puts(back, "]");
    cns_elt_mul(t->group, &t->y, &t->y, &X);
    return add_id(t, CNS_TRUSTEE_SINGLE, item, 1, 1, 1, &X, diag);
}

static cns_err pedersen_item(cns_trustees *t, const json_t *v, size_t item, cns_buf *back,
                             const char *what, cns_diag *diag)
{
    struct pedersen *p = malloc(sizeof *p);
    cns_err err = CNS_ERR_NOMEM;
    if (p == NULL)
        return err;
    cns_buf_puts(back, "[\"Pedersen\",");
    err = pedersen_read(t->group, v, p, back, what, diag);
    cns_buf_puts(back, "]");
    for (size_t j = 0; err == CNS_OK && j < p->n; j++)
        err = add_id(t, CNS_TRUSTEE_PEDERSEN, item, j + 1, p->t, p->n, &p->vks[j], diag);
    if (err == CNS_OK)
        cns_elt_mul(t->group, &t->y, &t->y, &p->sub_key);
    free(p);
    return err;
}

static cns_err one_item(cns_trustees *t, const json_t *v, size_t item, cns_buf *back,
                        cns_diag *diag)
{
    char what[64];
    const char *kind = json_string_value(json_array_get(v, 0));
    if (!json_is_array(v) || json_array_size(v) != 2 || kind == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "trustees: item %zu must be [\"Single\",…] or [\"Pedersen\",…]",
                            item + 1);
    if (strcmp(kind, "Single") == 0) {
        snprintf(what, sizeof what, "trustees: item %zu (Single)", item + 1);
        return single_item(t, json_array_get(v, 1), item, back, what, diag);
    }
    if (strcmp(kind, "Pedersen") == 0) {
        snprintf(what, sizeof what, "trustees: item %zu (Pedersen)", item + 1);
        return pedersen_item(t, json_array_get(v, 1), item, back, what, diag);
    }
    return cns_diag_set(diag, CNS_ERR_DECODE, "trustees: item %zu: unknown kind \"%s\"", item + 1,
                        kind);
}

/* Read every item of root into t, writing the canonical form to back. */
static cns_err trustees_items(cns_trustees *t, const json_t *root, cns_buf *back, cns_diag *diag)
{
    size_t n = json_array_size(root);
    if (!json_is_array(root) || n == 0)
        return cns_diag_set(diag, CNS_ERR_DECODE, "trustees: expected a non-empty JSON list");
    if (n > CNS_MAX_TRUSTEES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "trustees: %zu items, more than the %d allowed", n,
                            CNS_MAX_TRUSTEES);
    cns_group_identity(t->group, &t->y);
    cns_buf_puts(back, "[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            cns_buf_puts(back, ",");
        cns_err err = one_item(t, json_array_get(root, i), i, back, diag);
        if (err != CNS_OK)
            return err;
    }
    cns_buf_puts(back, "]");
    t->n_items = n;
    return cns_buf_status(back);
}

cns_err cns_trustees_parse(cns_trustees **out, const cns_group *group, const char *json, size_t len,
                           cns_diag *diag)
{
    json_t *root = NULL;
    cns_buf back;
    cns_trustees *t = calloc(1, sizeof *t);
    cns_err err = CNS_ERR_NOMEM;
    cns_buf_init(&back, CNS_JSON_MAX_BYTES);
    *out = NULL;
    if (t == NULL)
        goto done;
    t->group = group;
    err = cns_jr_parse(&root, json, len, "trustees", diag);
    if (err == CNS_OK)
        err = trustees_items(t, root, &back, diag);
    if (err == CNS_OK)
        err = cns_jr_canonical(json, len, &back, "trustees", diag);
    if (err != CNS_OK)
        goto done;
    t->bytes = cns_buf_take(&back, &t->len);
    if (t->bytes == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < t->n_ids; i++)
        t->ids[i].info.verification_key = &t->ids[i].vk;
    *out = t;
    t = NULL;
done:
    json_decref(root);
    cns_buf_free(&back);
    cns_trustees_free(t);
    return err;
}

void cns_trustees_free(cns_trustees *t)
{
    if (t == NULL)
        return;
    free(t->bytes);
    free(t);
}

const cns_group *cns_trustees_group(const cns_trustees *t)
{
    return t->group;
}

const cns_elt *cns_trustees_public_key(const cns_trustees *t)
{
    return &t->y;
}

size_t cns_trustees_count(const cns_trustees *t)
{
    return t->n_ids;
}

size_t cns_trustees_items(const cns_trustees *t)
{
    return t->n_items;
}

cns_err cns_trustees_info(cns_trustee_info *info, const cns_trustees *t, size_t id)
{
    if (id == 0 || id > t->n_ids)
        return CNS_ERR_NOTFOUND;
    *info = t->ids[id - 1].info;
    return CNS_OK;
}

const char *cns_trustees_bytes(const cns_trustees *t, size_t *len)
{
    if (len != NULL)
        *len = t->len;
    return t->bytes;
}

/* ---- make-trustees -------------------------------------------------------------------- */

/* Append ["Single",…] for each line of public_keys.jsons. */
static cns_err make_singles(cns_buf *out, size_t *count, const cns_group *group, const char *text,
                            size_t len, cns_diag *diag)
{
    const char *starts[CNS_MAX_TRUSTEES];
    size_t lens[CNS_MAX_TRUSTEES], n;
    char what[64];
    cns_err err =
        cns_tr_lines(text, len, starts, lens, CNS_MAX_TRUSTEES, &n, "public_keys.jsons", diag);
    for (size_t i = 0; err == CNS_OK && i < n; i++) {
        cns_elt X;
        snprintf(what, sizeof what, "public_keys.jsons: line %zu", i + 1);
        if (out->len > 1)
            cns_buf_puts(out, ",");
        cns_buf_puts(out, "[\"Single\",");
        err = tpk_doc_read(group, &X, out, starts[i], lens[i], what, diag);
        cns_buf_puts(out, "]");
    }
    if (err == CNS_OK)
        *count = n;
    return err;
}

/* Append ["Pedersen",…] from threshold.json. */
static cns_err make_pedersen(cns_buf *out, size_t *count, const cns_group *group, const char *text,
                             size_t len, cns_diag *diag)
{
    json_t *root = NULL;
    struct pedersen *p = malloc(sizeof *p);
    cns_buf back;
    cns_buf_init(&back, CNS_JSON_MAX_BYTES);
    cns_err err = p == NULL ? CNS_ERR_NOMEM : CNS_OK;
    if (err == CNS_OK)
        err = cns_jr_parse(&root, text, len, "threshold.json", diag);
    if (err == CNS_OK)
        err = pedersen_read(group, root, p, &back, "threshold.json", diag);
    if (err == CNS_OK)
        err = cns_jr_canonical(text, len, &back, "threshold.json", diag);
    if (err == CNS_OK) {
        if (out->len > 1)
            cns_buf_puts(out, ",");
        cns_buf_puts(out, "[\"Pedersen\",");
        cns_buf_put(out, back.data, back.len);
        cns_buf_puts(out, "]");
        *count = p->n;
    }
    json_decref(root);
    cns_buf_free(&back);
    free(p);
    return err;
}

cns_err cns_trustees_make(char **json, size_t *len, const cns_group *group, const char *public_keys,
                          size_t public_keys_len, const char *threshold, size_t threshold_len,
                          cns_diag *diag)
{
    cns_buf out;
    size_t singles = 0, members = 0;
    cns_err err = CNS_OK;
    cns_buf_init(&out, CNS_JSON_MAX_BYTES);
    *json = NULL;
    if ((public_keys == NULL || public_keys_len == 0) && threshold == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "trustees are missing (no public_keys.jsons, no threshold.json)");
    cns_buf_puts(&out, "[");
    if (public_keys != NULL && public_keys_len > 0)
        err = make_singles(&out, &singles, group, public_keys, public_keys_len, diag);
    if (err == CNS_OK && threshold != NULL)
        err = make_pedersen(&out, &members, group, threshold, threshold_len, diag);
    if (err == CNS_OK && singles + members > CNS_MAX_TRUSTEES)
        err = cns_diag_set(diag, CNS_ERR_LIMIT, "trustees: %zu trustees, more than the %d allowed",
                           singles + members, CNS_MAX_TRUSTEES);
    cns_buf_puts(&out, "]");
    if (err == CNS_OK)
        err = cns_tr_take(&out, json, len);
    cns_buf_free(&out);
    return err;
}
