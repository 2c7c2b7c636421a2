/*
 * Belenios' small PKI for the threshold ceremony (spec 2.0 §4.6.1–4.6.3):
 * seeds and derived keys, signed messages, certificates, coefexps, and the
 * encrypted channel (ElGamal-wrapped key, AES-256-CCM with an 8-byte tag,
 * SJCL-style nonce), plus strict hand-written readers for the plaintexts
 * that carry secrets, so that those never pass through jansson's unwiped
 * heap. See trustees_internal.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/ccm.h>
#include <nettle/gcm.h>
#include <sodium.h>

#include "consulta/base58.h"
#include "consulta/limits.h"
#include "election/trustees_internal.h"
#include "record/json.h"

#define CCM_TAG_BYTES 8

/* ---- keys ----------------------------------------------------------------------- */

/* OUT: x = SHA256(prefix ‖ seed) reduced mod q. CT. */
static void derive(const cns_group *group, cns_scalar *x, const char *prefix, const char *seed,
                   size_t len)
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)prefix, strlen(prefix));
    crypto_hash_sha256_update(&st, (const unsigned char *)seed, len);
    crypto_hash_sha256_final(&st, digest);
    cns_scalar_from_digest(group, x, digest);
    sodium_memzero(digest, sizeof digest);
    sodium_memzero(&st, sizeof st);
}

cns_err cns_tr_seed_keys(const cns_group *group, const char *seed, size_t len, cns_scalar *sk,
                         cns_scalar *dk, cns_diag *diag)
{
    unsigned bad = len != CNS_SEED_LEN;
    for (size_t i = 0; i < len && i < CNS_SEED_LEN; i++)
        bad |= (unsigned)cns_base58_digit(seed[i]) >> (sizeof(int) * 8 - 1);
    if (bad)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "seed: expected %d Base58 characters (a .key file of step 1)",
                            CNS_SEED_LEN);
    if (sk != NULL)
        derive(group, sk, "sk|", seed, len);
    if (dk != NULL)
        derive(group, dk, "dk|", seed, len);
    return CNS_OK;
}

/* A scalar holding a small value v < 2^64 (below every group order). */
static void scalar_small(cns_scalar *out, uint64_t v)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < 8; i++)
        out->le[i] = (unsigned char)(v >> (8 * i));
}

cns_err cns_tr_decimal_reduce(const cns_group *group, cns_scalar *x, const char *digits, size_t len)
{
    cns_scalar chunk, scale;
    uint64_t v = 0;
    if (len == 0 || len > CNS_TR_MAX_DIGITS || (len > 1 && digits[0] == '0'))
        return CNS_ERR_DECODE;
    unsigned bad = 0;
    for (size_t i = 0; i < len; i++)
        bad |= (unsigned)((unsigned char)digits[i] - '0') > 9u;
    if (bad)
        return CNS_ERR_DECODE;
    memset(x, 0, sizeof *x);
    /* Horner in chunks of up to 19 digits (10^19 < 2^64) */
    for (size_t at = 0; at < len;) {
        size_t m = len - at < 19 ? len - at : 19;
        uint64_t p = 1;
        v = 0;
        for (size_t i = 0; i < m; i++) {
            v = v * 10 + (uint64_t)(digits[at + i] - '0');
            p *= 10;
        }
        scalar_small(&chunk, v);
        scalar_small(&scale, p);
        cns_scalar_mul(group, x, x, &scale);
        cns_scalar_add(group, x, x, &chunk);
        at += m;
    }
    sodium_memzero(&v, sizeof v);
    sodium_memzero(&chunk, sizeof chunk);
    return CNS_OK;
}

/* ---- signed messages --------------------------------------------------------------- */

static void sig_prefix(cns_fs *fs, const char *msg, size_t len)
{
    cns_fs_init(fs, "sigmsg|");
    cns_fs_bytes(fs, msg, len);
    cns_fs_str(fs, "|");
}

void cns_tr_signed_write(cns_buf *buf, const cns_group *group, const char *msg, size_t len,
                         const cns_proof *sig)
{
    cns_buf_puts(buf, "{\"message\":");
    cns_jw_str(buf, msg, len);
    cns_buf_puts(buf, ",\"signature\":");
    cns_jw_proof(buf, group, sig);
    cns_buf_puts(buf, "}");
}

void cns_tr_sign_proof(cns_proof *sig, const cns_group *group, const cns_scalar *sk,
                       const char *msg, size_t len)
{
    cns_fs fs;
    sig_prefix(&fs, msg, len);
    cns_schnorr_prove(group, sig, sk, &fs);
    sodium_memzero(&fs, sizeof fs); /* it holds the message's last bytes */
}

void cns_tr_sign(cns_buf *buf, const cns_group *group, const cns_scalar *sk, const char *msg,
                 size_t len)
{
    cns_proof sig;
    cns_tr_sign_proof(&sig, group, sk, msg, len);
    cns_tr_signed_write(buf, group, msg, len, &sig);
}

cns_err cns_tr_sig_verify(const cns_group *group, const cns_elt *vk, const char *msg, size_t len,
                          const cns_proof *sig)
{
    cns_fs fs;
    sig_prefix(&fs, msg, len);
    return cns_schnorr_verify(group, sig, vk, &fs) == CNS_OK ? CNS_OK : CNS_ERR_VERIFY;
}

cns_err cns_tr_signed_read(const cns_group *group, const json_t *v, const char **msg, size_t *len,
                           cns_proof *sig, const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"message", "signature"};
    cns_err err = cns_jr_fields(v, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(v, "message", msg, len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_proof(group, json_object_get(v, "signature"), sig, what, diag);
    return err;
}

/* ---- certificates and coefexps ------------------------------------------------------ */

void cns_tr_cert_keys_write(cns_buf *buf, const cns_group *group, const cns_tr_context *ctx,
                            const cns_elt *vk, const cns_elt *ek)
{
    cns_buf_puts(buf, "{");
    if (ctx != NULL) {
        cns_buf_puts(buf, "\"context\":{\"group\":");
        cns_jw_cstr(buf, cns_group_name(group));
        cns_buf_printf(buf, ",\"size\":%zu,\"threshold\":%zu,\"index\":%zu},", ctx->size,
                       ctx->threshold, ctx->index);
    }
    cns_buf_puts(buf, "\"verification\":");
    cns_jw_elt(buf, group, vk);
    cns_buf_puts(buf, ",\"encryption\":");
    cns_jw_elt(buf, group, ek);
    cns_buf_puts(buf, "}");
}

/* The context object: its group must be ours; sizes within CNS_MAX_TRUSTEES. */
static cns_err context_read(const cns_group *group, const json_t *v, cns_tr_context *ctx,
                            const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"group", "size", "threshold", "index"};
    char w[300];
    const char *name;
    long long size = 0, threshold = 0, index = 0;
    snprintf(w, sizeof w, "%s: context", what);
    cns_err err = cns_jr_fields(v, keys, 4, w, diag);
    if (err == CNS_OK)
        err = cns_jr_string(v, "group", &name, NULL, w, diag);
    if (err == CNS_OK && strcmp(name, cns_group_name(group)) != 0)
        err = cns_diag_set(diag, CNS_ERR_VERIFY, "%s: group \"%s\", not the election's %s", w, name,
                           cns_group_name(group));
    if (err == CNS_OK)
        err = cns_jr_int(v, "size", 1, CNS_MAX_TRUSTEES, &size, w, diag);
    if (err == CNS_OK)
        err = cns_jr_int(v, "threshold", 1, size, &threshold, w, diag);
    if (err == CNS_OK)
        err = cns_jr_int(v, "index", 1, size, &index, w, diag);
    ctx->size = (size_t)size;
    ctx->threshold = (size_t)threshold;
    ctx->index = (size_t)index;
    return err;
}

/* Parse the cert_keys message (canonical). */
static cns_err cert_keys_read(const cns_group *group, const char *msg, size_t len, cns_tr_cert *c,
                              const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"?context", "verification", "encryption"};
    json_t *root = NULL;
    cns_buf back;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    cns_err err = cns_jr_parse(&root, msg, len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 3, what, diag);
    c->has_context = err == CNS_OK && json_object_get(root, "context") != NULL;
    if (err == CNS_OK && c->has_context)
        err = context_read(group, json_object_get(root, "context"), &c->context, what, diag);
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(root, "verification"), &c->vk, what, diag);
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(root, "encryption"), &c->ek, what, diag);
    if (err == CNS_OK) {
        cns_tr_cert_keys_write(&back, group, c->has_context ? &c->context : NULL, &c->vk, &c->ek);
        err = cns_jr_canonical(msg, len, &back, what, diag);
    }
    json_decref(root);
    cns_buf_free(&back);
    return err;
}

cns_err cns_tr_context_check(const cns_tr_cert *cert, size_t n, size_t t, size_t i,
                             const char *what, cns_diag *diag)
{
    if (!cert->has_context)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "%s (%s): no context, which Belenios 2.5.1 and later require", what,
                            cert->id);
    if (cert->context.size != n)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "%s (%s): context size %zu, not %zu", what,
                            cert->id, cert->context.size, n);
    if (cert->context.threshold != t)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "%s (%s): context threshold %zu, not %zu", what,
                            cert->id, cert->context.threshold, t);
    if (cert->context.index != i + 1)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "%s (%s): context index %zu, not %zu", what,
                            cert->id, cert->context.index, i + 1);
    return CNS_OK;
}

void cns_tr_certs_sig_msg(cns_buf *buf, const cns_group *group, const char *certs, size_t certs_len,
                          const cns_elt *A, size_t t)
{
    cns_buf_puts(buf, "certs_sig|{\"certs\":");
    cns_buf_put(buf, certs, certs_len);
    cns_buf_puts(buf, ",\"coefexps\":[");
    for (size_t k = 0; k < t; k++) {
        if (k > 0)
            cns_buf_puts(buf, ",");
        cns_jw_elt(buf, group, &A[k]);
    }
    cns_buf_puts(buf, "]}");
}

cns_err cns_tr_cert_read(const cns_group *group, const json_t *v, cns_tr_cert *cert, cns_buf *text,
                         const char *what, cns_diag *diag)
{
    const char *msg;
    size_t len;
    cns_proof sig;
    unsigned char digest[crypto_hash_sha256_BYTES];
    cns_err err = cns_tr_signed_read(group, v, &msg, &len, &sig, what, diag);
    if (err == CNS_OK)
        err = cert_keys_read(group, msg, len, cert, what, diag);
    if (err != CNS_OK)
        return err;
    crypto_hash_sha256(digest, (const unsigned char *)msg, len);
    sodium_bin2hex(cert->id, sizeof cert->id, digest, sizeof digest);
    if (cns_tr_sig_verify(group, &cert->vk, msg, len, &sig) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "%s (%s): signature does not verify with its verification key", what,
                            cert->id);
    if (text != NULL)
        cns_tr_signed_write(text, group, msg, len, &sig);
    return CNS_OK;
}

cns_err cns_tr_certs_distinct(const cns_group *group, const cns_tr_cert *certs, size_t n,
                              const char *what, cns_diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++) {
            const cns_tr_cert *a = &certs[j], *b = &certs[i];
            if (strcmp(a->id, b->id) == 0 || cns_elt_eq(group, &a->vk, &b->vk) ||
                cns_elt_eq(group, &a->ek, &b->ek) || cns_elt_eq(group, &a->vk, &b->ek) ||
                cns_elt_eq(group, &a->ek, &b->vk))
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "%s: certificate %zu (%s) duplicates certificate %zu (%s)",
                                    what, i + 1, b->id, j + 1, a->id);
        }
    }
    return CNS_OK;
}

void cns_tr_coefexps_write(cns_buf *buf, const cns_group *group, const cns_elt *A, size_t t)
{
    cns_buf_puts(buf, "{\"coefexps\":[");
    for (size_t k = 0; k < t; k++) {
        if (k > 0)
            cns_buf_puts(buf, ",");
        cns_jw_elt(buf, group, &A[k]);
    }
    cns_buf_puts(buf, "]}");
}

/* Parse the raw_coefexps message (canonical); *t as in cns_tr_coefexps_read. */
static cns_err coefexps_msg_read(const cns_group *group, const char *msg, size_t len, cns_elt *A,
                                 size_t *t, const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"coefexps"};
    json_t *root = NULL;
    cns_buf back;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    cns_err err = cns_jr_parse(&root, msg, len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 1, what, diag);
    const json_t *arr = json_object_get(root, "coefexps");
    size_t m = json_array_size(arr);
    if (err == CNS_OK && (!json_is_array(arr) || m == 0 || m > CNS_MAX_TRUSTEES))
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           "%s: \"coefexps\" must be a list of 1 to %d elements", what,
                           CNS_MAX_TRUSTEES);
    if (err == CNS_OK && *t != 0 && m != *t)
        err = cns_diag_set(diag, CNS_ERR_INVALID, "%s: %zu coefficients where the threshold is %zu",
                           what, m, *t);
    for (size_t k = 0; err == CNS_OK && k < m; k++)
        err = cns_jr_elt(group, json_array_get(arr, k), &A[k], what, diag);
    if (err == CNS_OK) {
        cns_tr_coefexps_write(&back, group, A, m);
        err = cns_jr_canonical(msg, len, &back, what, diag);
    }
    if (err == CNS_OK)
        *t = m;
    json_decref(root);
    cns_buf_free(&back);
    return err;
}

cns_err cns_tr_coefexps_read(const cns_group *group, const json_t *v, const cns_elt *vk, cns_elt *A,
                             size_t *t, cns_buf *text, const char *what, cns_diag *diag)
{
    const char *msg;
    size_t len;
    cns_proof sig;
    cns_err err = cns_tr_signed_read(group, v, &msg, &len, &sig, what, diag);
    if (err == CNS_OK)
        err = coefexps_msg_read(group, msg, len, A, t, what, diag);
    if (err != CNS_OK)
        return err;
    if (cns_tr_sig_verify(group, vk, msg, len, &sig) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "%s: signature does not verify with the trustee's certificate", what);
    if (text != NULL)
        cns_tr_signed_write(text, group, msg, len, &sig);
    return CNS_OK;
}

cns_err cns_tr_expected_key(const cns_group *group, cns_elt *out, const cns_elt *A, size_t n,
                            size_t t, size_t j)
{
    cns_scalar *exps = calloc(n * t, sizeof *exps);
    cns_scalar jj, p;
    if (exps == NULL)
        return CNS_ERR_NOMEM;
    scalar_small(&jj, j);
    for (size_t i = 0; i < n; i++) {
        scalar_small(&p, 1);
        for (size_t k = 0; k < t; k++) {
            exps[i * t + k] = p;
            cns_scalar_mul(group, &p, &p, &jj);
        }
    }
    cns_err err = cns_elt_multi_pow(group, out, A, exps, n * t);
    free(exps);
    return err;
}

/* ---- the channel ----------------------------------------------------------------- */

/*
 * AES-256-CCM as SJCL (and Belenios) does it: key = SHA256("key|"+K), nonce =
 * the first 15−L bytes of SHA256("iv|"+alpha), where L ≥ 2 is the smallest
 * number of bytes that holds the message length (so 13 bytes below 64 KiB).
 */
struct ccm_params {
    unsigned char key[32];
    unsigned char iv[32];
    size_t nonce_len;
};

static void ccm_params(const cns_group *group, struct ccm_params *p, const cns_elt *K,
                       const cns_elt *alpha, size_t msg_len)
{
    cns_fs fs;
    size_t l = 2;
    cns_fs_init(&fs, "key|");
    cns_fs_elt(&fs, group, K);
    crypto_hash_sha256_final(&fs.sha, p->key);
    cns_fs_init(&fs, "iv|");
    cns_fs_elt(&fs, group, alpha);
    crypto_hash_sha256_final(&fs.sha, p->iv);
    while (l < 4 && (msg_len >> (8 * l)) != 0)
        l++;
    p->nonce_len = 15 - l;
    sodium_memzero(&fs, sizeof fs);
}

/* The "algorithm" member as written: none (2.0: AES-CCM), or its name. */
static const char *const ALGORITHM_NAME[] = {NULL, "AES-CCM", "AES-GCM"};

static void encrypted_write(cns_buf *buf, const cns_group *group, cns_tr_cipher cipher,
                            const cns_elt *alpha, const cns_elt *beta, const char *hex,
                            size_t hex_len)
{
    cns_buf_puts(buf, "{");
    if (ALGORITHM_NAME[cipher] != NULL) {
        cns_buf_puts(buf, "\"algorithm\":");
        cns_jw_cstr(buf, ALGORITHM_NAME[cipher]);
        cns_buf_puts(buf, ",");
    }
    cns_buf_puts(buf, "\"alpha\":");
    cns_jw_elt(buf, group, alpha);
    cns_buf_puts(buf, ",\"beta\":");
    cns_jw_elt(buf, group, beta);
    cns_buf_puts(buf, ",\"data\":");
    cns_jw_str(buf, hex, hex_len);
    cns_buf_puts(buf, "}");
}

/*
 * AES-256-GCM as Belenios 3.1 and later do it (Cryptokit's AEAD.aes_gcm):
 * key = SHA256("key|"+K), IV = all 32 bytes of SHA256("iv|"+alpha), the
 * 16-byte tag after the ciphertext. OUT: ct (len + 16 bytes).
 */
static void gcm_seal(const struct ccm_params *p, unsigned char *ct, const unsigned char *pt,
                     size_t len)
{
    struct gcm_aes256_ctx ctx;
    gcm_aes256_set_key(&ctx, p->key);
    gcm_aes256_set_iv(&ctx, sizeof p->iv, p->iv);
    gcm_aes256_encrypt(&ctx, len, ct, pt);
    gcm_aes256_digest(&ctx, GCM_DIGEST_SIZE, ct + len);
    sodium_memzero(&ctx, sizeof ctx);
}

/* Inverse of gcm_seal: pt (len − 16 bytes); false if the tag does not check (compared in CT). */
static bool gcm_open(const struct ccm_params *p, unsigned char *pt, const unsigned char *ct,
                     size_t len)
{
    struct gcm_aes256_ctx ctx;
    unsigned char tag[GCM_DIGEST_SIZE];
    size_t mlen = len - GCM_DIGEST_SIZE;
    gcm_aes256_set_key(&ctx, p->key);
    gcm_aes256_set_iv(&ctx, sizeof p->iv, p->iv);
    gcm_aes256_decrypt(&ctx, mlen, pt, ct);
    gcm_aes256_digest(&ctx, GCM_DIGEST_SIZE, tag);
    bool ok = sodium_memcmp(tag, ct + mlen, GCM_DIGEST_SIZE) == 0;
    sodium_memzero(&ctx, sizeof ctx);
    return ok;
}

/* Encrypt the (secret) plaintext pt to ek with cipher; append the encrypted_msg. */
static cns_err encrypt_to(cns_buf *out, const cns_group *group, cns_tr_cipher cipher,
                          const cns_elt *ek, const unsigned char *pt, size_t len)
{
    cns_scalar r, s;
    cns_elt alpha, beta, K;
    struct ccm_params p;
    struct ccm_aes256_ctx ctx;
    unsigned char *ct = NULL;
    char *hex = NULL;
    size_t tag = cipher == CNS_TR_GCM ? GCM_DIGEST_SIZE : CCM_TAG_BYTES;
    cns_err err = CNS_ERR_NOMEM;

    if (len > (size_t)UINT32_MAX - tag)
        return CNS_ERR_LIMIT;
    ct = malloc(len + tag);
    hex = malloc(2 * (len + tag) + 1);
    if (ct == NULL || hex == NULL)
        goto done;
    cns_scalar_random(group, &r);
    cns_scalar_random(group, &s);
    cns_group_pow_g(group, &alpha, &r);
    cns_group_pow_g(group, &K, &s);
    cns_elt_pow(group, &beta, ek, &r);
    cns_elt_mul(group, &beta, &beta, &K);
    ccm_params(group, &p, &K, &alpha, len);
    if (cipher == CNS_TR_GCM) {
        gcm_seal(&p, ct, pt, len);
    } else {
        ccm_aes256_set_key(&ctx, p.key);
        ccm_aes256_encrypt_message(&ctx, p.nonce_len, p.iv, 0, NULL, CCM_TAG_BYTES,
                                   len + CCM_TAG_BYTES, ct, pt);
    }
    sodium_bin2hex(hex, 2 * (len + tag) + 1, ct, len + tag);
    encrypted_write(out, group, cipher, &alpha, &beta, hex, 2 * (len + tag));
    err = cns_buf_status(out);
done:
    sodium_memzero(&r, sizeof r);
    sodium_memzero(&s, sizeof s);
    sodium_memzero(&K, sizeof K);
    sodium_memzero(&p, sizeof p);
    sodium_memzero(&ctx, sizeof ctx);
    free(ct);
    free(hex);
    return err;
}

cns_err cns_tr_channel_send(cns_buf *out, const cns_group *group, const cns_scalar *sk,
                            const cns_elt *recipient, const char *msg, size_t len)
{
    return cns_tr_channel_send_alg(out, group, CNS_TR_CCM, sk, recipient, recipient, msg, len);
}

cns_err cns_tr_channel_send_to(cns_buf *out, const cns_group *group, const cns_scalar *sk,
                               const cns_elt *recipient, const cns_elt *ek, const char *msg,
                               size_t len)
{
    return cns_tr_channel_send_alg(out, group, CNS_TR_CCM, sk, recipient, ek, msg, len);
}

cns_err cns_tr_channel_send_alg(cns_buf *out, const cns_group *group, cns_tr_cipher cipher,
                                const cns_scalar *sk, const cns_elt *recipient, const cns_elt *ek,
                                const char *msg, size_t len)
{
    cns_buf cm, sm;
    if (len > CNS_TR_MAX_BYTES)
        return CNS_ERR_LIMIT;
    /* escaping makes a byte at most 6 (\u00XX): room enough never to move */
    cns_tr_buf_secret(&cm, 6 * len + CNS_ELT_TEXT_MAX + 64);
    cns_buf_init(&sm, 0);
    cns_buf_puts(&cm, "{\"recipient\":");
    cns_jw_elt(&cm, group, recipient);
    cns_buf_puts(&cm, ",\"message\":");
    cns_jw_str(&cm, msg, len);
    cns_buf_puts(&cm, "}");
    cns_err err = cns_buf_status(&cm);
    if (err == CNS_OK) {
        cns_tr_buf_secret(&sm, 6 * cm.len + 2 * CNS_SCALAR_TEXT_MAX + 64);
        cns_tr_sign(&sm, group, sk, cm.data, cm.len);
        err = cns_buf_status(&sm);
    }
    if (err == CNS_OK)
        err = encrypt_to(out, group, cipher, ek, (const unsigned char *)sm.data, sm.len);
    cns_buf_free(&cm);
    cns_buf_free(&sm);
    return err;
}

/* A parsed encrypted_msg: the elements and the raw ciphertext‖tag. */
struct encrypted {
    cns_tr_cipher cipher;
    cns_elt alpha, beta;
    unsigned char *data;
    size_t len;
};

static bool is_lower_hex(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static cns_err encrypted_read(const cns_group *group, struct encrypted *e, const char *enc,
                              size_t len, const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"?algorithm", "alpha", "beta", "data"};
    json_t *root = NULL;
    const char *hex = NULL, *alg = NULL;
    size_t hex_len = 0;
    cns_buf back;
    cns_buf_init(&back, CNS_TR_MAX_BYTES);
    e->data = NULL;
    e->cipher = CNS_TR_CCM;
    cns_err err = cns_jr_parse(&root, enc, len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 4, what, diag);
    if (err == CNS_OK && json_object_get(root, "algorithm") != NULL)
        err = cns_jr_string(root, "algorithm", &alg, NULL, what, diag);
    if (err == CNS_OK && alg != NULL) {
        if (strcmp(alg, "AES-GCM") == 0)
            e->cipher = CNS_TR_GCM;
        else if (strcmp(alg, "AES-CCM") == 0)
            e->cipher = CNS_TR_CCM_NAMED;
        else
            err = cns_diag_set(diag, CNS_ERR_DECODE,
                               "%s: unknown algorithm \"%s\" (AES-CCM or AES-GCM)", what, alg);
    }
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(root, "alpha"), &e->alpha, what, diag);
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(root, "beta"), &e->beta, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(root, "data", &hex, &hex_len, what, diag);
    size_t tag = e->cipher == CNS_TR_GCM ? GCM_DIGEST_SIZE : CCM_TAG_BYTES;
    if (err == CNS_OK && (hex_len % 2 != 0 || hex_len < 2 * tag ||
                          hex_len > 2 * (size_t)UINT32_MAX || !is_lower_hex(hex, hex_len)))
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           "%s: \"data\" must be lowercase hex of %zu bytes or more", what, tag);
    if (err == CNS_OK) {
        encrypted_write(&back, group, e->cipher, &e->alpha, &e->beta, hex, hex_len);
        err = cns_jr_canonical(enc, len, &back, what, diag);
    }
    if (err == CNS_OK) {
        e->len = hex_len / 2;
        e->data = malloc(e->len);
        if (e->data == NULL)
            err = CNS_ERR_NOMEM;
        else
            sodium_hex2bin(e->data, e->len, hex, hex_len, NULL, NULL, NULL);
    }
    json_decref(root);
    cns_buf_free(&back);
    return err;
}

cns_err cns_tr_encrypted_check(const cns_group *group, const char *enc, size_t len,
                               const char *what, cns_diag *diag)
{
    struct encrypted e;
    cns_err err = encrypted_read(group, &e, enc, len, what, diag);
    free(e.data);
    return err;
}

/* Decrypt e with dk into pt (e->len − tag bytes). CNS_ERR_VERIFY if the tag fails. CT in dk. */
static cns_err decrypt_with(const cns_group *group, unsigned char *pt, const struct encrypted *e,
                            const cns_scalar *dk)
{
    cns_elt K;
    struct ccm_params p;
    struct ccm_aes256_ctx ctx;
    bool gcm = e->cipher == CNS_TR_GCM;
    size_t mlen = e->len - (gcm ? GCM_DIGEST_SIZE : CCM_TAG_BYTES);
    int ok;
    cns_elt_pow(group, &K, &e->alpha, dk);
    cns_elt_div(group, &K, &e->beta, &K);
    ccm_params(group, &p, &K, &e->alpha, mlen);
    memset(&ctx, 0, sizeof ctx);
    if (gcm) {
        ok = gcm_open(&p, pt, e->data, e->len);
    } else {
        ccm_aes256_set_key(&ctx, p.key);
        ok = ccm_aes256_decrypt_message(&ctx, p.nonce_len, p.iv, 0, NULL, CCM_TAG_BYTES, mlen, pt,
                                        e->data);
    }
    sodium_memzero(&K, sizeof K);
    sodium_memzero(&p, sizeof p);
    sodium_memzero(&ctx, sizeof ctx);
    return ok ? CNS_OK : CNS_ERR_VERIFY;
}

/* Read a quoted token without escapes at s[*pos] (an element's text). */
static bool read_token(const char *s, size_t len, size_t *pos, const char **tok, size_t *tok_len)
{
    if (*pos >= len || s[*pos] != '"')
        return false;
    size_t start = *pos + 1, at = start;
    while (at < len && s[at] != '"' && s[at] != '\\')
        at++;
    if (at >= len || s[at] != '"')
        return false;
    *tok = s + start;
    *tok_len = at - start;
    *pos = at + 1;
    return true;
}

static bool read_scalar(const cns_group *group, const char *s, size_t len, size_t *pos,
                        cns_scalar *x)
{
    const char *tok;
    size_t tok_len;
    return read_token(s, len, pos, &tok, &tok_len) &&
           cns_scalar_from_text(group, x, tok, tok_len) == CNS_OK;
}

/* The plaintext signed_msg: OUT: msg (the channel_msg) and sig. */
static cns_err plain_signed_read(const cns_group *group, const char *s, size_t len, cns_buf *msg,
                                 cns_proof *sig)
{
    size_t pos = 0;
    if (!cns_tr_lit(s, len, &pos, "{\"message\":") || cns_tr_jstr(s, len, &pos, msg) != CNS_OK ||
        !cns_tr_lit(s, len, &pos, ",\"signature\":{\"challenge\":") ||
        !read_scalar(group, s, len, &pos, &sig->challenge) ||
        !cns_tr_lit(s, len, &pos, ",\"response\":") ||
        !read_scalar(group, s, len, &pos, &sig->response) || !cns_tr_lit(s, len, &pos, "}}") ||
        pos != len)
        return CNS_ERR_DECODE;
    return CNS_OK;
}

/* The channel_msg: OUT: recipient and the message. */
static cns_err plain_channel_read(const cns_group *group, const char *s, size_t len,
                                  cns_elt *recipient, cns_buf *msg)
{
    size_t pos = 0, tok_len;
    const char *tok;
    if (!cns_tr_lit(s, len, &pos, "{\"recipient\":") || !read_token(s, len, &pos, &tok, &tok_len) ||
        cns_elt_from_text(group, recipient, tok, tok_len) != CNS_OK ||
        !cns_tr_lit(s, len, &pos, ",\"message\":") || cns_tr_jstr(s, len, &pos, msg) != CNS_OK ||
        !cns_tr_lit(s, len, &pos, "}") || pos != len)
        return CNS_ERR_DECODE;
    return CNS_OK;
}

/* Check the decrypted signed channel message pt and append its content to out. */
static cns_err channel_open(cns_buf *out, const cns_group *group, const cns_scalar *dk,
                            const cns_elt *sender_vk, const char *pt, size_t len, const char *what,
                            cns_diag *diag)
{
    cns_buf cm;
    cns_proof sig;
    cns_elt recipient, ek;
    cns_tr_buf_secret(&cm, len); /* unescaping never lengthens */
    cns_err err = plain_signed_read(group, pt, len, &cm, &sig);
    if (err != CNS_OK) {
        err = cns_diag_set(diag, err, "%s: decrypted message is not a canonical signed message",
                           what);
        goto done;
    }
    if (cns_tr_sig_verify(group, sender_vk, cm.data, cm.len, &sig) != CNS_OK) {
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "%s: signature does not verify with the sender's certificate", what);
        goto done;
    }
    err = plain_channel_read(group, cm.data, cm.len, &recipient, out);
    if (err != CNS_OK) {
        err = cns_diag_set(diag, err, "%s: not a canonical channel message", what);
        goto done;
    }
    cns_group_pow_g(group, &ek, dk);
    if (!cns_elt_eq(group, &recipient, &ek))
        err = cns_diag_set(diag, CNS_ERR_VERIFY, "%s: message is addressed to another recipient",
                           what);
done:
    sodium_memzero(&ek, sizeof ek);
    cns_buf_free(&cm);
    return err;
}

cns_err cns_tr_channel_recv(cns_buf *out, const cns_group *group, const cns_scalar *dk,
                            const cns_elt *sender_vk, const char *enc, size_t len, const char *what,
                            cns_diag *diag)
{
    struct encrypted e;
    unsigned char *pt = NULL;
    size_t mlen = 0;
    cns_err err = encrypted_read(group, &e, enc, len, what, diag);
    if (err != CNS_OK)
        goto done;
    mlen = e.len - (e.cipher == CNS_TR_GCM ? GCM_DIGEST_SIZE : CCM_TAG_BYTES);
    pt = malloc(mlen + 1);
    if (pt == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    err = decrypt_with(group, pt, &e, dk);
    if (err != CNS_OK) {
        err = cns_diag_set(diag, err,
                           "%s: %s authentication tag does not check (tampered, or not "
                           "encrypted to this trustee)",
                           what, e.cipher == CNS_TR_GCM ? "AES-GCM" : "AES-CCM");
        goto done;
    }
    err = channel_open(out, group, dk, sender_vk, (const char *)pt, mlen, what, diag);
done:
    if (pt != NULL)
        sodium_memzero(pt, mlen);
    free(pt);
    free(e.data);
    return err;
}

/* ---- strict readers -------------------------------------------------------------- */

bool cns_tr_lit(const char *s, size_t len, size_t *pos, const char *lit)
{
    size_t n = strlen(lit);
    if (len - *pos < n || memcmp(s + *pos, lit, n) != 0)
        return false;
    *pos += n;
    return true;
}

/* The character an escape \c stands for, or -1 if cns_jw_str never writes \c. */
static int short_escape(char c)
{
    switch (c) {
    case '"':
        return '"';
    case '\\':
        return '\\';
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    default:
        return -1;
    }
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Read the escape at s[*pos] (after the backslash); OUT: *c. Canonical forms only. */
static bool read_escape(const char *s, size_t len, size_t *pos, unsigned char *c)
{
    if (*pos >= len)
        return false;
    int e = short_escape(s[*pos]);
    if (e >= 0) {
        *c = (unsigned char)e;
        *pos += 1;
        return true;
    }
    if (len - *pos < 5 || memcmp(s + *pos, "u00", 3) != 0)
        return false;
    int hi = hex_val(s[*pos + 3]), lo = hex_val(s[*pos + 4]);
    if (hi < 0 || lo < 0)
        return false;
    *c = (unsigned char)(hi << 4 | lo);
    /* cns_jw_str writes \u00XX only for the controls without a short escape, and DEL */
    if ((*c >= 0x20 && *c != 0x7f) || *c == '\b' || *c == '\f' || *c == '\n' || *c == '\r' ||
        *c == '\t')
        return false;
    *pos += 5;
    return true;
}

cns_err cns_tr_jstr(const char *s, size_t len, size_t *pos, cns_buf *out)
{
    if (*pos >= len || s[*pos] != '"')
        return CNS_ERR_DECODE;
    size_t at = *pos + 1;
    while (at < len && s[at] != '"') {
        unsigned char c = (unsigned char)s[at];
        if (c == '\\') {
            at++;
            if (!read_escape(s, len, &at, &c))
                return CNS_ERR_DECODE;
        } else if (c < 0x20 || c == 0x7f) {
            return CNS_ERR_DECODE;
        } else {
            at++;
        }
        cns_buf_put(out, &c, 1);
    }
    if (at >= len)
        return CNS_ERR_DECODE;
    *pos = at + 1;
    return cns_buf_status(out);
}

cns_err cns_tr_jdecimal(const cns_group *group, const char *s, size_t len, size_t *pos,
                        cns_scalar *x)
{
    const char *tok;
    size_t tok_len;
    if (!read_token(s, len, pos, &tok, &tok_len))
        return CNS_ERR_DECODE;
    return cns_tr_decimal_reduce(group, x, tok, tok_len);
}

/* ---- secret buffers ------------------------------------------------------------- */

void cns_tr_buf_secret(cns_buf *buf, size_t max)
{
    cns_buf_init(buf, max);
    buf->data = malloc(max + 1);
    if (buf->data == NULL) {
        buf->err = CNS_ERR_NOMEM;
        return;
    }
    buf->data[0] = '\0';
    buf->cap = max + 1;
}

void cns_tr_put_secret_scalar(cns_buf *buf, const cns_group *group, const cns_scalar *x)
{
    char text[CNS_SCALAR_TEXT_MAX];
    size_t len = cns_scalar_to_text(group, text, sizeof text, x);
    cns_buf_put(buf, "\"", 1);
    cns_buf_put(buf, text, len);
    cns_buf_put(buf, "\"", 1);
    sodium_memzero(text, sizeof text);
}

/* ---- lines ---------------------------------------------------------------------- */

cns_err cns_tr_lines(const char *text, size_t len, const char **starts, size_t *lens, size_t max,
                     size_t *n, const char *what, cns_diag *diag)
{
    size_t count = 0, at = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        if (end == at)
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: line %zu is empty", what, count + 1);
        if (count == max)
            return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: more than %zu lines", what, max);
        starts[count] = text + at;
        lens[count] = end - at;
        count++;
        at = end + 1;
    }
    if (count == 0)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: empty", what);
    *n = count;
    return CNS_OK;
}

cns_err cns_tr_take(cns_buf *buf, char **json, size_t *len)
{
    cns_err err = cns_buf_status(buf);
    if (err != CNS_OK) {
        cns_buf_free(buf);
        return err;
    }
    *json = cns_buf_take(buf, len);
    return *json != NULL ? CNS_OK : CNS_ERR_NOMEM;
}
