/*
 * Trustees: the reference elections' trustees.json (belenios-tool 2.0,
 * BELENIOS-2048; Belenios 2.1, Ed25519) parse and verify and give the
 * election key; every reference .dkey decrypts to the trustee's share;
 * reference polynomials/vinputs/voutputs check; whole ceremonies made by
 * consulta in every group; ceremonies crossed with belenios-tool 2.0; and
 * every rejection with its error and its diagnostic.
 */
#include <dirent.h>
#include <spawn.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "check.h"
#include "consulta/group.h"
#include "consulta/trustees.h"
#include "core/buf.h"
#include "election/trustees_internal.h"
#include "record/json.h"
#include "util.h"

#define FF   "belenios-2.0-ff"
#define ED   "belenios-2.1-ed25519"
#define NREF 3

static char *read_in(const char *dir, const char *name, size_t *len, int strip)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_file(path, len, strip);
}

/* The "public_key" of election.json, parsed in group. */
static bool election_key(const char *dir, const cns_group *group, cns_elt *y)
{
    size_t len;
    char *bytes = read_in(dir, "election.json", &len, 1);
    json_t *root = bytes != NULL ? json_loadb(bytes, len, 0, NULL) : NULL;
    const char *text = json_string_value(json_object_get(root, "public_key"));
    bool ok = text != NULL && cns_elt_from_text(group, y, text, strlen(text)) == CNS_OK;
    json_decref(root);
    free(bytes);
    return ok;
}

/* The names of the reference certificates (their ids), in certs.jsons order. */
static size_t reference_ids(const char *dir, char ids[][CNS_CERT_ID_BYTES])
{
    size_t len, n = 0;
    char *certs = read_in(dir, "certs.jsons", &len, 0);
    for (char *line = certs; line != NULL && *line != '\0' && n < NREF;) {
        char *end = strchr(line, '\n');
        size_t l = end != NULL ? (size_t)(end - line) : strlen(line);
        json_t *root = json_loadb(line, l, 0, NULL);
        const char *msg = json_string_value(json_object_get(root, "message"));
        unsigned char digest[32];
        crypto_hash_sha256(digest, (const unsigned char *)msg, strlen(msg));
        sodium_bin2hex(ids[n++], CNS_CERT_ID_BYTES, digest, sizeof digest);
        json_decref(root);
        line = end != NULL ? end + 1 : line + l;
    }
    free(certs);
    return n;
}

/* ---- reference data ----------------------------------------------------------------- */

static void test_reference_trustees(const char *dir, const char *group_name)
{
    char path[1024];
    const cns_group *group = cns_group_by_name(group_name);
    cns_trustees *t = NULL;
    cns_diag diag = {{0}};
    cns_elt y;
    size_t len;
    snprintf(path, sizeof path, "%s/trustees.json", dir);
    char *json = read_file(path, &len, 1);
    CHECK(json != NULL && group != NULL);
    if (json == NULL || group == NULL)
        return;
    cns_err err = cns_trustees_parse(&t, group, json, len, &diag);
    CHECK_OK(err);
    if (err != CNS_OK) {
        fprintf(stderr, "%s: %s\n", dir, diag.text);
        free(json);
        return;
    }
    CHECK(election_key(dir, group, &y));
    CHECK(cns_elt_eq(group, cns_trustees_public_key(t), &y));
    CHECK(cns_trustees_count(t) == 4);
    CHECK(cns_trustees_items(t) == 2);
    size_t blen;
    const char *bytes = cns_trustees_bytes(t, &blen);
    CHECK(blen == len && memcmp(bytes, json, len) == 0);

    cns_trustee_info info;
    CHECK_OK(cns_trustees_info(&info, t, 1));
    CHECK(info.kind == CNS_TRUSTEE_SINGLE && info.item == 0 && info.index == 1);
    for (size_t id = 2; id <= 4; id++) {
        CHECK_OK(cns_trustees_info(&info, t, id));
        CHECK(info.kind == CNS_TRUSTEE_PEDERSEN && info.item == 1 && info.index == id - 1 &&
              info.threshold == 2 && info.members == 3);
    }
    CHECK_ERR(cns_trustees_info(&info, t, 0), CNS_ERR_NOTFOUND);
    CHECK_ERR(cns_trustees_info(&info, t, 5), CNS_ERR_NOTFOUND);

    /* the Single's keys: .pubkey verifies, .privkey is its private key */
    snprintf(path, sizeof path, "%s/%s", testdata_dir(), dir);
    DIR *d = opendir(path);
    struct dirent *ent;
    while (d != NULL && (ent = readdir(d)) != NULL) {
        size_t nl = strlen(ent->d_name);
        if (nl < 8 || strcmp(ent->d_name + nl - 7, ".pubkey") != 0)
            continue;
        char stem[64], name[128];
        cns_elt X, gx;
        cns_scalar x;
        snprintf(stem, sizeof stem, "%.*s", (int)(nl - 7), ent->d_name);
        size_t plen;
        char *pub = read_in(dir, ent->d_name, &plen, 1);
        snprintf(name, sizeof name, "%s.privkey", stem);
        size_t klen;
        char *priv = read_in(dir, name, &klen, 1);
        CHECK(pub != NULL && priv != NULL);
        if (pub != NULL && priv != NULL) {
            CHECK_OK(cns_trustee_pubkey_verify(&X, group, pub, plen, ent->d_name, &diag));
            CHECK_OK(cns_trustee_privkey_read(&x, group, priv, klen, &diag));
            cns_group_pow_g(group, &gx, &x);
            CHECK(cns_elt_eq(group, &gx, &X));
            CHECK_OK(cns_trustees_info(&info, t, 1));
            CHECK(cns_elt_eq(group, &X, info.verification_key));
            char id[CNS_KEY_ID_BYTES];
            cns_trustee_key_id(id, group, &X);
            CHECK(strcmp(id, stem) == 0);
        }
        free(pub);
        free(priv);
    }
    if (d != NULL)
        closedir(d);

    /* every .dkey decrypts with its seed to S_j, and g^{S_j} is the verification key */
    char ids[NREF][CNS_CERT_ID_BYTES];
    CHECK(reference_ids(dir, ids) == NREF);
    for (size_t j = 0; j < NREF; j++) {
        char name[256];
        size_t klen, dlen;
        cns_scalar S;
        cns_elt gS;
        snprintf(name, sizeof name, "%s.key", ids[j]);
        char *seed = read_in(dir, name, &klen, 1);
        snprintf(name, sizeof name, "%s.dkey", ids[j]);
        char *dkey = read_in(dir, name, &dlen, 1);
        CHECK(seed != NULL && dkey != NULL);
        if (seed != NULL && dkey != NULL) {
            err = cns_threshold_dkey_decrypt(&S, group, seed, klen, dkey, dlen, &diag);
            CHECK_OK(err);
            if (err != CNS_OK)
                fprintf(stderr, "%s: %s\n", name, diag.text);
            cns_group_pow_g(group, &gS, &S);
            CHECK_OK(cns_trustees_info(&info, t, 2 + j));
            CHECK(cns_elt_eq(group, &gS, info.verification_key));
            sodium_memzero(&S, sizeof S);
        }
        free(seed);
        free(dkey);
    }
    cns_trustees_free(t);
    free(json);
}

/* The reference ceremony's messages: steps 2, 4 (routing), 5 checks, 6. */
static void test_reference_ceremony(const char *dir, const char *group_name)
{
    const cns_group *group = cns_group_by_name(group_name);
    cns_ceremony *c = NULL;
    cns_diag diag = {{0}};
    size_t len, plen, vlen;
    char ids[NREF][CNS_CERT_ID_BYTES];
    char *certs = read_in(dir, "certs.jsons", &len, 0);
    char *polys = read_in(dir, "polynomials.jsons", &plen, 0);
    CHECK(certs != NULL && polys != NULL && reference_ids(dir, ids) == NREF);
    if (certs == NULL || polys == NULL)
        goto done;
    cns_err err = cns_ceremony_new(&c, group, certs, len, &diag);
    CHECK_OK(err);
    if (err != CNS_OK) {
        fprintf(stderr, "%s certs: %s\n", dir, diag.text);
        goto done;
    }
    CHECK(cns_ceremony_size(c) == NREF);
    for (size_t i = 0; i < NREF; i++)
        CHECK(strcmp(cns_ceremony_cert_id(c, i), ids[i]) == 0);
    err = cns_ceremony_polynomials_load(c, polys, plen, &diag);
    CHECK_OK(err);
    if (err != CNS_OK) {
        fprintf(stderr, "%s polynomials: %s\n", dir, diag.text);
        goto done;
    }
    CHECK(cns_ceremony_threshold(c) == 2);

    /* step 4 reproduces the reference vinputs byte for byte */
    char *voutputs = NULL;
    size_t voutputs_len = 0;
    for (size_t j = 0; j < NREF; j++) {
        char name[128], *vinput = NULL;
        size_t vin_len;
        snprintf(name, sizeof name, "%s.vinput", ids[j]);
        char *ref = read_in(dir, name, &vlen, 1);
        CHECK_OK(cns_ceremony_vinput_make(&vinput, &vin_len, c, j, &diag));
        CHECK(ref != NULL && vinput != NULL && vin_len == vlen && memcmp(ref, vinput, vlen) == 0);

        /* step 5 by consulta on the reference vinput, with the reference seed */
        snprintf(name, sizeof name, "%s.key", ids[j]);
        size_t klen;
        char *seed = read_in(dir, name, &klen, 1);
        char *vout = NULL;
        size_t vout_len;
        err = cns_ceremony_voutput_make(&vout, &vout_len, c, seed, klen, ref, vlen, &diag);
        CHECK_OK(err);
        if (err != CNS_OK)
            fprintf(stderr, "%s step 5: %s\n", name, diag.text);
        free(vout);
        free(seed);

        snprintf(name, sizeof name, "%s.voutput", ids[j]);
        char *vo = read_in(dir, name, &vlen, 0);
        CHECK(vo != NULL);
        if (vo != NULL) {
            char *bigger = realloc(voutputs, voutputs_len + vlen + 1);
            if (bigger != NULL) {
                voutputs = bigger;
                memcpy(voutputs + voutputs_len, vo, vlen);
                voutputs_len += vlen;
                voutputs[voutputs_len] = '\0';
            }
        }
        free(vo);
        free(ref);
        free(vinput);
    }

    /* step 6 reproduces threshold.json and the .dkey files */
    err = cns_ceremony_voutputs_load(c, voutputs, voutputs_len, &diag);
    CHECK_OK(err);
    if (err != CNS_OK)
        fprintf(stderr, "%s voutputs: %s\n", dir, diag.text);
    char *params = NULL;
    size_t params_len, tlen;
    char *ref_params = read_in(dir, "threshold.json", &tlen, 1);
    CHECK_OK(cns_ceremony_params_make(&params, &params_len, c, &diag));
    CHECK(params != NULL && ref_params != NULL && params_len == tlen &&
          memcmp(params, ref_params, tlen) == 0);
    for (size_t j = 0; j < NREF; j++) {
        char name[256];
        size_t dlen, klen;
        snprintf(name, sizeof name, "%s.dkey", ids[j]);
        char *ref = read_in(dir, name, &dlen, 1);
        const char *dkey = cns_ceremony_dkey(c, j, &klen);
        CHECK(ref != NULL && dkey != NULL && klen == dlen && memcmp(ref, dkey, dlen) == 0);
        free(ref);
    }
    free(params);
    free(ref_params);
    free(voutputs);
done:
    cns_ceremony_free(c);
    free(certs);
    free(polys);
}

/* ---- ceremonies made by consulta -------------------------------------------------------- */

#define N 3

/* One whole ceremony, every artefact kept so that tests can tamper with it. */
struct cer {
    const cns_group *group;
    size_t t;
    char seeds[N][CNS_SEED_LEN + 1];
    char ids[N][CNS_CERT_ID_BYTES];
    cns_buf certs, polys, voutputs; /* as the .jsons files: one line each */
    char *vinputs[N];
    size_t vinput_len[N];
    char *params;
    size_t params_len;
    char *dkeys[N];
    size_t dkey_len[N];
};

static void cer_init(struct cer *c, const cns_group *group, size_t t)
{
    memset(c, 0, sizeof *c);
    c->group = group;
    c->t = t;
    cns_buf_init(&c->certs, CNS_TR_MAX_BYTES);
    cns_buf_init(&c->polys, CNS_TR_MAX_BYTES);
    cns_buf_init(&c->voutputs, CNS_TR_MAX_BYTES);
}

static void cer_free(struct cer *c)
{
    cns_buf_free(&c->certs);
    cns_buf_free(&c->polys);
    cns_buf_free(&c->voutputs);
    for (size_t i = 0; i < N; i++) {
        free(c->vinputs[i]);
        free(c->dkeys[i]);
    }
    free(c->params);
    sodium_memzero(c->seeds, sizeof c->seeds);
}

static void put_line(cns_buf *b, const char *s, size_t len)
{
    cns_buf_put(b, s, len);
    cns_buf_put(b, "\n", 1);
}

/* Step 1 for every trustee. */
static void cer_step1(struct cer *c)
{
    cns_diag diag = {{0}};
    for (size_t i = 0; i < N; i++) {
        char *cert = NULL;
        size_t len;
        CHECK_OK(cns_threshold_seed_new(c->seeds[i]));
        CHECK(strlen(c->seeds[i]) == CNS_SEED_LEN);
        CHECK_OK(cns_threshold_cert_make(&cert, &len, c->ids[i], c->group, c->seeds[i],
                                         CNS_SEED_LEN, &diag));
        if (cert != NULL)
            put_line(&c->certs, cert, len);
        free(cert);
    }
}

/* Step 3 for every trustee (each with its own view of the certificates). */
static void cer_step3(struct cer *c)
{
    cns_diag diag = {{0}};
    for (size_t i = 0; i < N; i++) {
        cns_ceremony *mine = NULL;
        char *poly = NULL;
        size_t len, at = N;
        CHECK_OK(cns_ceremony_new(&mine, c->group, c->certs.data, c->certs.len, &diag));
        if (mine == NULL)
            continue;
        CHECK_OK(cns_ceremony_find(&at, mine, c->seeds[i], CNS_SEED_LEN, &diag));
        CHECK(at == i);
        CHECK_OK(cns_ceremony_polynomial_make(&poly, &len, mine, c->seeds[i], CNS_SEED_LEN, c->t,
                                              &diag));
        if (poly != NULL)
            put_line(&c->polys, poly, len);
        free(poly);
        cns_ceremony_free(mine);
    }
}

/* Step 4 (server). Returns the error of loading the polynomials. */
static cns_err cer_step4(struct cer *c, cns_diag *diag)
{
    cns_ceremony *server = NULL;
    cns_err err = cns_ceremony_new(&server, c->group, c->certs.data, c->certs.len, diag);
    if (err == CNS_OK)
        err = cns_ceremony_polynomials_load(server, c->polys.data, c->polys.len, diag);
    for (size_t j = 0; err == CNS_OK && j < N; j++) {
        free(c->vinputs[j]);
        err = cns_ceremony_vinput_make(&c->vinputs[j], &c->vinput_len[j], server, j, diag);
    }
    cns_ceremony_free(server);
    return err;
}

/* Step 5 for trustee j. */
static cns_err cer_step5_one(struct cer *c, size_t j, cns_diag *diag)
{
    cns_ceremony *mine = NULL;
    char *vout = NULL;
    size_t len;
    cns_err err = cns_ceremony_new(&mine, c->group, c->certs.data, c->certs.len, diag);
    if (err == CNS_OK)
        err = cns_ceremony_voutput_make(&vout, &len, mine, c->seeds[j], CNS_SEED_LEN, c->vinputs[j],
                                        c->vinput_len[j], diag);
    if (err == CNS_OK)
        put_line(&c->voutputs, vout, len);
    free(vout);
    cns_ceremony_free(mine);
    return err;
}

/* Step 6 (server). */
static cns_err cer_step6(struct cer *c, cns_diag *diag)
{
    cns_ceremony *server = NULL;
    cns_err err = cns_ceremony_new(&server, c->group, c->certs.data, c->certs.len, diag);
    if (err == CNS_OK)
        err = cns_ceremony_polynomials_load(server, c->polys.data, c->polys.len, diag);
    if (err == CNS_OK)
        err = cns_ceremony_voutputs_load(server, c->voutputs.data, c->voutputs.len, diag);
    if (err == CNS_OK)
        err = cns_ceremony_params_make(&c->params, &c->params_len, server, diag);
    for (size_t j = 0; err == CNS_OK && j < N; j++) {
        size_t len;
        const char *dkey = cns_ceremony_dkey(server, j, &len);
        c->dkeys[j] = dkey != NULL ? strndup(dkey, len) : NULL;
        c->dkey_len[j] = len;
        CHECK(c->dkeys[j] != NULL);
    }
    cns_ceremony_free(server);
    return err;
}

/* The whole ceremony; every step must succeed. */
static bool cer_run(struct cer *c)
{
    cns_diag diag = {{0}};
    cer_step1(c);
    cer_step3(c);
    cns_err err = cer_step4(c, &diag);
    CHECK_OK(err);
    for (size_t j = 0; err == CNS_OK && j < N; j++) {
        err = cer_step5_one(c, j, &diag);
        CHECK_OK(err);
    }
    if (err == CNS_OK) {
        err = cer_step6(c, &diag);
        CHECK_OK(err);
    }
    if (err != CNS_OK)
        fprintf(stderr, "ceremony in %s: %s\n", cns_group_name(c->group), diag.text);
    return err == CNS_OK;
}

/* λ_j for the 1-based indices in set (k of them), as scalars. */
static void lagrange(const cns_group *group, cns_scalar *out, const size_t *set, size_t k, size_t j)
{
    cns_scalar num, den, x;
    cns_scalar_from_u64(group, out, 1);
    for (size_t m = 0; m < k; m++) {
        if (set[m] == j)
            continue;
        cns_scalar_from_u64(group, &num, set[m]);
        cns_scalar_from_u64(group, &x, j);
        cns_scalar_sub(group, &den, &num, &x);
        CHECK_OK(cns_scalar_inv(group, &den, &den));
        cns_scalar_mul(group, out, out, &num);
        cns_scalar_mul(group, out, out, &den);
    }
}

/* A whole ceremony by consulta in one group, then trustees.json with a Single. */
static void test_ceremony(const char *group_name)
{
    const cns_group *group = cns_group_by_name(group_name);
    struct cer c;
    cns_diag diag = {{0}};
    CHECK(group != NULL);
    if (group == NULL)
        return;
    cer_init(&c, group, 2);
    if (!cer_run(&c))
        goto done;

    /* a Single key, then trustees.json as make-trustees makes it */
    char *priv = NULL, *pub = NULL, id[CNS_KEY_ID_BYTES], *json = NULL;
    size_t priv_len, pub_len, json_len;
    cns_scalar x, S[N];
    cns_elt X, gx;
    CHECK_OK(cns_trustee_keygen(&priv, &priv_len, &pub, &pub_len, id, group));
    CHECK_OK(cns_trustee_privkey_read(&x, group, priv, priv_len, &diag));
    CHECK_OK(cns_trustee_pubkey_verify(&X, group, pub, pub_len, "pubkey", &diag));
    cns_group_pow_g(group, &gx, &x);
    CHECK(cns_elt_eq(group, &gx, &X));
    cns_buf pks;
    cns_buf_init(&pks, CNS_TR_MAX_BYTES);
    put_line(&pks, pub, pub_len);
    CHECK_OK(cns_trustees_make(&json, &json_len, group, pks.data, pks.len, c.params, c.params_len,
                               &diag));
    cns_trustees *t = NULL;
    if (json != NULL)
        CHECK_OK(cns_trustees_parse(&t, group, json, json_len, &diag));
    CHECK(t != NULL && cns_trustees_count(t) == 1 + N);

    /* Pedersen alone: its sub-key */
    char *pjson = NULL;
    size_t pjson_len;
    cns_trustees *pt = NULL;
    CHECK_OK(cns_trustees_make(&pjson, &pjson_len, group, NULL, 0, c.params, c.params_len, &diag));
    if (pjson != NULL)
        CHECK_OK(cns_trustees_parse(&pt, group, pjson, pjson_len, &diag));
    if (t == NULL || pt == NULL)
        goto free_all;
    cns_elt y;
    cns_elt_mul(group, &y, &X, cns_trustees_public_key(pt));
    CHECK(cns_elt_eq(group, &y, cns_trustees_public_key(t)));

    /* every .dkey gives S_j with g^{S_j} = its verification key */
    for (size_t j = 0; j < N; j++) {
        cns_trustee_info info;
        cns_elt gS;
        CHECK_OK(cns_threshold_dkey_decrypt(&S[j], group, c.seeds[j], CNS_SEED_LEN, c.dkeys[j],
                                            c.dkey_len[j], &diag));
        CHECK_OK(cns_trustees_info(&info, t, 2 + j));
        cns_group_pow_g(group, &gS, &S[j]);
        CHECK(cns_elt_eq(group, &gS, info.verification_key));
        CHECK(info.index == j + 1 && info.threshold == 2 && info.members == N);
    }
    /* any 2 of the 3 shares recombine to the Pedersen secret */
    static const size_t sets[3][2] = {{1, 2}, {1, 3}, {2, 3}};
    for (size_t s = 0; s < 3; s++) {
        cns_scalar acc, l, term;
        cns_elt g_acc;
        memset(&acc, 0, sizeof acc);
        for (size_t m = 0; m < 2; m++) {
            size_t j = sets[s][m];
            lagrange(group, &l, sets[s], 2, j);
            cns_scalar_mul(group, &term, &l, &S[j - 1]);
            cns_scalar_add(group, &acc, &acc, &term);
        }
        cns_group_pow_g(group, &g_acc, &acc);
        CHECK(cns_elt_eq(group, &g_acc, cns_trustees_public_key(pt)));
    }
free_all:
    sodium_memzero(S, sizeof S);
    sodium_memzero(&x, sizeof x);
    cns_trustees_free(t);
    cns_trustees_free(pt);
    cns_buf_free(&pks);
    free(json);
    free(pjson);
    if (priv != NULL)
        sodium_memzero(priv, priv_len);
    free(priv);
    free(pub);
done:
    cer_free(&c);
}

/* ---- rejections -------------------------------------------------------------------------- */

/* s with the first occurrence of old replaced by new (malloc'd), or NULL if old is absent. */
static char *replace_once(const char *str, size_t len, const char *old, size_t old_len,
                          const char *new, size_t new_len, size_t *out_len)
{
    const char *at = memmem(str, len, old, old_len);
    if (at == NULL)
        return NULL;
    size_t pre = (size_t)(at - str);
    char *out = malloc(len - old_len + new_len + 1);
    memcpy(out, str, pre);
    memcpy(out + pre, new, new_len);
    memcpy(out + pre + new_len, at + old_len, len - pre - old_len);
    *out_len = len - old_len + new_len;
    out[*out_len] = '\0';
    return out;
}

static char *replace_str(const char *str, size_t len, const char *old, const char *new,
                         size_t *out_len)
{
    return replace_once(str, len, old, strlen(old), new, strlen(new), out_len);
}

/* Line i (0-based) of a .jsons text: OUT: start and length. */
static const char *line_of(const cns_buf *b, size_t i, size_t *len)
{
    const char *p = b->data;
    for (size_t k = 0; k < i && p != NULL; k++) {
        p = strchr(p, '\n');
        p = p != NULL ? p + 1 : NULL;
    }
    if (p == NULL)
        return NULL;
    const char *end = strchr(p, '\n');
    *len = end != NULL ? (size_t)(end - p) : strlen(p);
    return p;
}

/* The .jsons text with line i replaced by repl. */
static void replace_line(cns_buf *out, const cns_buf *in, size_t i, const char *repl, size_t len)
{
    for (size_t k = 0; k < N; k++) {
        size_t l;
        const char *line = line_of(in, k, &l);
        if (k == i)
            put_line(out, repl, len);
        else if (line != NULL)
            put_line(out, line, l);
    }
}

/* The decimal text of (scalar text + 1) mod q. */
static void bump_scalar(const cns_group *group, const char *text, char out[CNS_SCALAR_TEXT_MAX])
{
    cns_scalar x, one;
    CHECK_OK(cns_scalar_from_text(group, &x, text, strlen(text)));
    cns_scalar_from_u64(group, &one, 1);
    cns_scalar_add(group, &x, &x, &one);
    cns_scalar_to_text(group, out, CNS_SCALAR_TEXT_MAX, &x);
}

/* Expect f(json) to fail with err and a diag containing needle. */
#define EXPECT_REFUSED(call, err, diag, needle)                                                    \
    do {                                                                                           \
        (diag).text[0] = '\0';                                                                     \
        CHECK_ERR(call, err);                                                                      \
        CHECK_CONTAINS((diag).text, needle);                                                       \
    } while (0)

/* trustees.json of the ceremony's parameters alone. */
static char *pedersen_json(const char *params, size_t len, size_t *out_len)
{
    cns_buf b;
    cns_buf_init(&b, CNS_TR_MAX_BYTES);
    cns_buf_puts(&b, "[[\"Pedersen\",");
    cns_buf_put(&b, params, len);
    cns_buf_puts(&b, "]]");
    return cns_buf_take(&b, out_len);
}

static void test_reject_pok(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    cns_scalar x;
    cns_elt X;
    cns_proof pok;
    cns_buf b;
    cns_buf_init(&b, CNS_TR_MAX_BYTES);
    cns_scalar_random(g, &x);
    cns_tr_tpk_prove(g, &X, &pok, &x);
    cns_scalar one;
    cns_scalar_from_u64(g, &one, 1);
    cns_scalar_add(g, &pok.response, &pok.response, &one);
    cns_tr_tpk_write(&b, g, &X, &pok, NULL, NULL, 0);
    EXPECT_REFUSED(cns_trustee_pubkey_verify(NULL, g, b.data, b.len, "X.pubkey", &diag),
                   CNS_ERR_VERIFY, diag, "X.pubkey: proof of knowledge (pok) does not verify");
    char *json = NULL;
    size_t len;
    cns_buf_put(&b, "\n", 1);
    EXPECT_REFUSED(cns_trustees_make(&json, &len, g, b.data, b.len, NULL, 0, &diag), CNS_ERR_VERIFY,
                   diag, "public_keys.jsons: line 1: proof of knowledge");
    CHECK(json == NULL);

    /* a Pedersen verification key with a forged proof */
    json_t *root = json_loadb(c->params, c->params_len, 0, NULL);
    const char *resp = json_string_value(json_object_get(
        json_object_get(json_array_get(json_object_get(root, "verification_keys"), 1), "pok"),
        "response"));
    char bumped[CNS_SCALAR_TEXT_MAX];
    bump_scalar(g, resp, bumped);
    size_t plen, tlen;
    char *params = replace_str(c->params, c->params_len, resp, bumped, &plen);
    char *tj = params != NULL ? pedersen_json(params, plen, &tlen) : NULL;
    cns_trustees *t = NULL;
    CHECK(tj != NULL);
    if (tj != NULL)
        EXPECT_REFUSED(cns_trustees_parse(&t, g, tj, tlen, &diag), CNS_ERR_VERIFY, diag,
                       "trustees: item 1 (Pedersen): verification key 2 (certificate");
    CHECK_CONTAINS(diag.text, "proof of knowledge (pok) does not verify");
    CHECK(t == NULL);
    json_decref(root);
    free(params);
    free(tj);
    cns_buf_free(&b);
}

/* A verification key with a valid proof, but not g^{S_j}. */
static void test_reject_wrong_vk(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    json_t *root = json_loadb(c->params, c->params_len, 0, NULL);
    json_t *vk = json_array_get(json_object_get(root, "verification_keys"), 2);
    char *old = json_dumps(vk, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *other = NULL;
    cns_scalar x;
    cns_scalar_random(g, &x);
    CHECK_OK(cns_trustee_pubkey_make(&other, NULL, g, &x));
    size_t plen, tlen;
    char *params = replace_str(c->params, c->params_len, old, other, &plen);
    char *tj = params != NULL ? pedersen_json(params, plen, &tlen) : NULL;
    cns_trustees *t = NULL;
    CHECK(tj != NULL);
    if (tj != NULL)
        EXPECT_REFUSED(cns_trustees_parse(&t, g, tj, tlen, &diag), CNS_ERR_VERIFY, diag,
                       "verification key 3 (certificate");
    CHECK_CONTAINS(diag.text, "is not the product of the coefexps at 3");
    json_decref(root);
    free(old);
    free(other);
    free(params);
    free(tj);
}

static void test_reject_cert_signature(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    cns_scalar sk1, sk2, dk2;
    cns_elt vk2, ek2;
    cns_buf keys, cert, certs;
    cns_buf_init(&keys, CNS_TR_MAX_BYTES);
    cns_buf_init(&cert, CNS_TR_MAX_BYTES);
    cns_buf_init(&certs, CNS_TR_MAX_BYTES);
    CHECK_OK(cns_tr_seed_keys(g, c->seeds[0], CNS_SEED_LEN, &sk1, NULL, &diag));
    CHECK_OK(cns_tr_seed_keys(g, c->seeds[1], CNS_SEED_LEN, &sk2, &dk2, &diag));
    cns_group_pow_g(g, &vk2, &sk2);
    cns_group_pow_g(g, &ek2, &dk2);
    cns_tr_cert_keys_write(&keys, g, NULL, &vk2, &ek2);
    cns_tr_sign(&cert, g, &sk1, keys.data, keys.len); /* trustee 2's keys signed by trustee 1 */
    replace_line(&certs, &c->certs, 1, cert.data, cert.len);
    cns_ceremony *cer = NULL;
    EXPECT_REFUSED(cns_ceremony_new(&cer, g, certs.data, certs.len, &diag), CNS_ERR_VERIFY, diag,
                   "certs: certificate 2 (");
    CHECK_CONTAINS(diag.text, "signature does not verify with its verification key");
    CHECK(cer == NULL);

    /* the same certificate inside threshold parameters */
    size_t l, plen, tlen;
    const char *good = line_of(&c->certs, 1, &l);
    char *old = strndup(good, l);
    char *params = replace_str(c->params, c->params_len, old, cert.data, &plen);
    char *tj = params != NULL ? pedersen_json(params, plen, &tlen) : NULL;
    cns_trustees *t = NULL;
    CHECK(tj != NULL);
    if (tj != NULL)
        EXPECT_REFUSED(cns_trustees_parse(&t, g, tj, tlen, &diag), CNS_ERR_VERIFY, diag,
                       "trustees: item 1 (Pedersen): certificate 2 (");
    free(old);
    free(params);
    free(tj);
    cns_buf_free(&keys);
    cns_buf_free(&cert);
    cns_buf_free(&certs);
}

/* The "coefexps" member of a polynomial line (the signed message), malloc'd. */
static char *coefexps_of(const char *line, size_t len)
{
    const char *at = memmem(line, len, ",\"coefexps\":", 12);
    if (at == NULL)
        return NULL;
    at += 12;
    return strndup(at, len - (size_t)(at - line) - 1);
}

static void test_reject_coefexps(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    size_t l2, l3, nlen;
    const char *line2 = line_of(&c->polys, 1, &l2), *line3 = line_of(&c->polys, 2, &l3);
    char *coef2 = coefexps_of(line2, l2), *coef3 = coefexps_of(line3, l3);
    CHECK(coef2 != NULL && coef3 != NULL);
    if (coef2 == NULL || coef3 == NULL)
        goto done;
    /* trustee 3's signed coefexps in trustee 2's polynomial */
    char *bad = replace_str(line2, l2, coef2, coef3, &nlen);
    cns_buf polys;
    cns_buf_init(&polys, CNS_TR_MAX_BYTES);
    replace_line(&polys, &c->polys, 1, bad, nlen);
    cns_ceremony *server = NULL;
    CHECK_OK(cns_ceremony_new(&server, g, c->certs.data, c->certs.len, &diag));
    EXPECT_REFUSED(cns_ceremony_polynomials_load(server, polys.data, polys.len, &diag),
                   CNS_ERR_VERIFY, diag, "polynomials: line 2 (certificate ");
    CHECK_CONTAINS(diag.text, c->ids[1]);
    CHECK_CONTAINS(diag.text, "signature does not verify with the trustee's certificate");
    /* the ceremony was left as before: loading the good ones works */
    CHECK_OK(cns_ceremony_polynomials_load(server, c->polys.data, c->polys.len, &diag));
    cns_ceremony_free(server);
    cns_buf_free(&polys);
    free(bad);

    /* in threshold parameters: coefexps 2 and 3 swapped */
    size_t p1, p2, tlen;
    char *tmp = replace_str(c->params, c->params_len, coef2, "@@", &p1);
    char *tmp2 = tmp != NULL ? replace_str(tmp, p1, coef3, coef2, &p2) : NULL;
    char *params = tmp2 != NULL ? replace_str(tmp2, p2, "@@", coef3, &p1) : NULL;
    char *tj = params != NULL ? pedersen_json(params, p1, &tlen) : NULL;
    cns_trustees *t = NULL;
    CHECK(tj != NULL);
    if (tj != NULL)
        EXPECT_REFUSED(cns_trustees_parse(&t, g, tj, tlen, &diag), CNS_ERR_VERIFY, diag,
                       "trustees: item 1 (Pedersen): coefexps 2 (certificate ");
    free(tmp);
    free(tmp2);
    free(params);
    free(tj);
done:
    free(coef2);
    free(coef3);
}

/*
 * Replace, in trustee `from`'s polynomial line, the share sent to trustee
 * `to` by enc (an encrypted_msg text); route; run step 5 for `to`.
 */
static cns_err step5_with_share(const struct cer *c, size_t from, size_t to, const char *enc,
                                size_t enc_len, cns_diag *diag)
{
    struct cer bad = *c; /* shallow: only polys, vinputs and voutputs are replaced */
    size_t l, nlen;
    const char *line = line_of(&c->polys, from, &l);
    json_t *root = json_loadb(line, l, 0, NULL);
    json_t *sec = json_array_get(json_object_get(root, "secrets"), to);
    cns_buf old, new;
    cns_buf_init(&old, CNS_TR_MAX_BYTES);
    cns_buf_init(&new, CNS_TR_MAX_BYTES);
    cns_jw_str(&old, json_string_value(sec), json_string_length(sec));
    cns_jw_str(&new, enc, enc_len);
    char *bad_line = replace_once(line, l, old.data, old.len, new.data, new.len, &nlen);
    cns_buf_init(&bad.polys, CNS_TR_MAX_BYTES);
    cns_buf_init(&bad.voutputs, CNS_TR_MAX_BYTES);
    memset(bad.vinputs, 0, sizeof bad.vinputs);
    replace_line(&bad.polys, &c->polys, from, bad_line, nlen);
    cns_err err = cer_step4(&bad, diag);
    CHECK_OK(err);
    if (err == CNS_OK)
        err = cer_step5_one(&bad, to, diag);
    for (size_t j = 0; j < N; j++)
        free(bad.vinputs[j]);
    cns_buf_free(&bad.polys);
    cns_buf_free(&bad.voutputs);
    cns_buf_free(&old);
    cns_buf_free(&new);
    free(bad_line);
    json_decref(root);
    return err;
}

static void test_reject_shares(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    cns_scalar sk1, dk2, dk3;
    cns_elt ek2, ek3;
    cns_buf enc;
    cns_buf_init(&enc, CNS_TR_MAX_BYTES);
    CHECK_OK(cns_tr_seed_keys(g, c->seeds[0], CNS_SEED_LEN, &sk1, NULL, &diag));
    CHECK_OK(cns_tr_seed_keys(g, c->seeds[1], CNS_SEED_LEN, NULL, &dk2, &diag));
    CHECK_OK(cns_tr_seed_keys(g, c->seeds[2], CNS_SEED_LEN, NULL, &dk3, &diag));
    cns_group_pow_g(g, &ek2, &dk2);
    cns_group_pow_g(g, &ek3, &dk3);

    /* trustee 1 sends trustee 2 a share off its polynomial: trustee 1 is named */
    static const char bogus[] = "{\"secret\":\"12345\"}";
    CHECK_OK(cns_tr_channel_send(&enc, g, &sk1, &ek2, bogus, strlen(bogus)));
    char needle[256];
    snprintf(needle, sizeof needle, "share from trustee 1 (certificate %s)", c->ids[0]);
    EXPECT_REFUSED(step5_with_share(c, 0, 1, enc.data, enc.len, &diag), CNS_ERR_VERIFY, diag,
                   needle);
    CHECK_CONTAINS(diag.text, "does not match the trustee's published coefexps (faulty trustee 1)");

    /* a share addressed to trustee 3 but encrypted to trustee 2 */
    cns_buf_reset(&enc);
    CHECK_OK(cns_tr_channel_send_to(&enc, g, &sk1, &ek3, &ek2, bogus, strlen(bogus)));
    EXPECT_REFUSED(step5_with_share(c, 0, 1, enc.data, enc.len, &diag), CNS_ERR_VERIFY, diag,
                   needle);
    CHECK_CONTAINS(diag.text, "message is addressed to another recipient");

    /* a share for trustee 3 routed to trustee 2: the tag does not check */
    cns_buf_reset(&enc);
    CHECK_OK(cns_tr_channel_send(&enc, g, &sk1, &ek3, bogus, strlen(bogus)));
    EXPECT_REFUSED(step5_with_share(c, 0, 1, enc.data, enc.len, &diag), CNS_ERR_VERIFY, diag,
                   needle);
    CHECK_CONTAINS(diag.text, "AES-CCM authentication tag does not check");

    /* a share signed by trustee 2, claiming to come from trustee 1 */
    cns_scalar sk2;
    CHECK_OK(cns_tr_seed_keys(g, c->seeds[1], CNS_SEED_LEN, &sk2, NULL, &diag));
    cns_buf_reset(&enc);
    CHECK_OK(cns_tr_channel_send(&enc, g, &sk2, &ek2, bogus, strlen(bogus)));
    EXPECT_REFUSED(step5_with_share(c, 0, 1, enc.data, enc.len, &diag), CNS_ERR_VERIFY, diag,
                   needle);
    CHECK_CONTAINS(diag.text, "signature does not verify with the sender's certificate");

    /* a tampered ciphertext in a vinput */
    size_t vlen;
    char *v = strndup(c->vinputs[1], c->vinput_len[1]);
    char *data = strstr(v, "\\\"data\\\":\\\"");
    CHECK(data != NULL);
    if (data != NULL) {
        data += strlen("\\\"data\\\":\\\"") + 5;
        *data = *data == '0' ? '1' : '0';
        struct cer bad = *c;
        memset(bad.vinputs, 0, sizeof bad.vinputs);
        cns_buf_init(&bad.voutputs, CNS_TR_MAX_BYTES);
        bad.vinputs[1] = v;
        bad.vinput_len[1] = vlen = c->vinput_len[1];
        EXPECT_REFUSED(cer_step5_one(&bad, 1, &diag), CNS_ERR_VERIFY, diag, "vinput: polynomial");
        CHECK_CONTAINS(diag.text, "AES-CCM authentication tag does not check");
        cns_buf_free(&bad.voutputs);
    }
    free(v);
    cns_buf_free(&enc);
}

static void test_reject_threshold(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    cns_ceremony *cer = NULL;
    char *poly = NULL;
    CHECK_OK(cns_ceremony_new(&cer, g, c->certs.data, c->certs.len, &diag));
    if (cer == NULL)
        return;
    EXPECT_REFUSED(
        cns_ceremony_polynomial_make(&poly, NULL, cer, c->seeds[0], CNS_SEED_LEN, 0, &diag),
        CNS_ERR_INVALID, diag, "threshold: 0 is not between 1 and the 3 trustees");
    EXPECT_REFUSED(
        cns_ceremony_polynomial_make(&poly, NULL, cer, c->seeds[0], CNS_SEED_LEN, 4, &diag),
        CNS_ERR_INVALID, diag, "threshold: 4 is not between 1 and the 3 trustees");
    CHECK(poly == NULL);
    cns_ceremony_free(cer);

    static const struct {
        const char *value, *needle;
    } cases[] = {
        {"{\"threshold\":0,", "\"threshold\" = 0 is outside [1, 3]"},
        {"{\"threshold\":4,", "\"threshold\" = 4 is outside [1, 3]"},
        {"{\"threshold\":3,", "2 coefficients where the threshold is 3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t plen, tlen;
        char *params =
            replace_str(c->params, c->params_len, "{\"threshold\":2,", cases[i].value, &plen);
        char *tj = params != NULL ? pedersen_json(params, plen, &tlen) : NULL;
        cns_trustees *t = NULL;
        CHECK(tj != NULL);
        if (tj != NULL)
            EXPECT_REFUSED(cns_trustees_parse(&t, g, tj, tlen, &diag), CNS_ERR_INVALID, diag,
                           cases[i].needle);
        free(params);
        free(tj);
    }
}

static void test_reject_duplicate_cert(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    size_t l1, l2, plen, tlen;
    const char *cert1 = line_of(&c->certs, 0, &l1), *cert2 = line_of(&c->certs, 1, &l2);
    cns_buf certs;
    cns_buf_init(&certs, CNS_TR_MAX_BYTES);
    replace_line(&certs, &c->certs, 1, cert1, l1);
    cns_ceremony *cer = NULL;
    EXPECT_REFUSED(cns_ceremony_new(&cer, g, certs.data, certs.len, &diag), CNS_ERR_INVALID, diag,
                   "certs: certificate 2 (");
    CHECK_CONTAINS(diag.text, "duplicates certificate 1");
    char *c1 = strndup(cert1, l1), *c2 = strndup(cert2, l2);
    char *params = replace_str(c->params, c->params_len, c2, c1, &plen);
    char *tj = params != NULL ? pedersen_json(params, plen, &tlen) : NULL;
    cns_trustees *t = NULL;
    CHECK(tj != NULL);
    if (tj != NULL)
        EXPECT_REFUSED(cns_trustees_parse(&t, g, tj, tlen, &diag), CNS_ERR_INVALID, diag,
                       "duplicates certificate 1");
    free(c1);
    free(c2);
    free(params);
    free(tj);
    cns_buf_free(&certs);
}

static void test_reject_dkey(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    cns_scalar S;
    /* another trustee's seed */
    EXPECT_REFUSED(cns_threshold_dkey_decrypt(&S, g, c->seeds[1], CNS_SEED_LEN, c->dkeys[0],
                                              c->dkey_len[0], &diag),
                   CNS_ERR_VERIFY, diag, "dkey: AES-CCM authentication tag does not check");
    /* a flipped ciphertext byte */
    char *d = strndup(c->dkeys[0], c->dkey_len[0]);
    char *data = strstr(d, "\"data\":\"");
    if (data != NULL) {
        data += 8 + 10;
        *data = *data == 'a' ? 'b' : 'a';
    }
    EXPECT_REFUSED(
        cns_threshold_dkey_decrypt(&S, g, c->seeds[0], CNS_SEED_LEN, d, c->dkey_len[0], &diag),
        CNS_ERR_VERIFY, diag, "dkey: AES-CCM authentication tag does not check");
    free(d);
    /* bad seeds */
    EXPECT_REFUSED(cns_threshold_dkey_decrypt(&S, g, "0OIl", 4, c->dkeys[0], c->dkey_len[0], &diag),
                   CNS_ERR_DECODE, diag, "seed: expected 22 Base58 characters");
    char seed[CNS_SEED_LEN + 1];
    memcpy(seed, c->seeds[0], sizeof seed);
    seed[3] = '0';
    EXPECT_REFUSED(
        cns_threshold_dkey_decrypt(&S, g, seed, CNS_SEED_LEN, c->dkeys[0], c->dkey_len[0], &diag),
        CNS_ERR_DECODE, diag, "seed: expected 22 Base58 characters");
    /* a seed that is not in the ceremony */
    cns_ceremony *cer = NULL;
    size_t at;
    CHECK_OK(cns_threshold_seed_new(seed));
    CHECK_OK(cns_ceremony_new(&cer, g, c->certs.data, c->certs.len, &diag));
    if (cer != NULL)
        EXPECT_REFUSED(cns_ceremony_find(&at, cer, seed, CNS_SEED_LEN, &diag), CNS_ERR_NOTFOUND,
                       diag, "key: its certificate is not among the 3 certificates");
    cns_ceremony_free(cer);
}

static void test_reject_voutputs(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    size_t l1, l2;
    const char *v1 = line_of(&c->voutputs, 0, &l1), *v2 = line_of(&c->voutputs, 1, &l2);
    cns_buf tmp, swapped;
    cns_buf_init(&tmp, CNS_TR_MAX_BYTES);
    cns_buf_init(&swapped, CNS_TR_MAX_BYTES);
    replace_line(&tmp, &c->voutputs, 0, v2, l2);
    replace_line(&swapped, &tmp, 1, v1, l1);
    cns_ceremony *server = NULL;
    char *params = NULL;
    CHECK_OK(cns_ceremony_new(&server, g, c->certs.data, c->certs.len, &diag));
    if (server != NULL) {
        EXPECT_REFUSED(cns_ceremony_voutputs_load(server, c->voutputs.data, c->voutputs.len, &diag),
                       CNS_ERR_STATE, diag, "voutputs: polynomials are not loaded");
        EXPECT_REFUSED(cns_ceremony_vinput_make(&params, NULL, server, 0, &diag), CNS_ERR_STATE,
                       diag, "vinput: polynomials are not loaded");
        CHECK_OK(cns_ceremony_polynomials_load(server, c->polys.data, c->polys.len, &diag));
        EXPECT_REFUSED(cns_ceremony_voutputs_load(server, swapped.data, swapped.len, &diag),
                       CNS_ERR_VERIFY, diag, "voutputs: line 1 (trustee 1, certificate ");
        CHECK_CONTAINS(diag.text, "public key is not the product of the coefexps at 1");
        EXPECT_REFUSED(cns_ceremony_params_make(&params, NULL, server, &diag), CNS_ERR_STATE, diag,
                       "voutputs are not loaded");
        size_t l3;
        line_of(&c->voutputs, 2, &l3);
        EXPECT_REFUSED(
            cns_ceremony_voutputs_load(server, c->voutputs.data, c->voutputs.len - l3 - 1, &diag),
            CNS_ERR_INVALID, diag, "voutputs: 2 lines for 3 certificates");
    }
    CHECK(params == NULL);
    cns_ceremony_free(server);
    cns_buf_free(&tmp);
    cns_buf_free(&swapped);
}

static void test_reject_noncanonical(const struct cer *c)
{
    const cns_group *g = c->group;
    cns_diag diag = {{0}};
    size_t tlen, nlen;
    char *tj = pedersen_json(c->params, c->params_len, &tlen);
    cns_trustees *t = NULL;
    CHECK_OK(cns_trustees_parse(&t, g, tj, tlen, &diag));
    cns_trustees_free(t);
    t = NULL;
    static const struct {
        const char *old, *new;
    } cases[] = {
        {"[[\"Pedersen\",", "[ [\"Pedersen\","},                     /* whitespace */
        {"{\"threshold\":2,", "{\"threshold\":2.0,"},                /* a float */
        {"{\"threshold\":2,", "{\"threshold\":02,"},                 /* invalid JSON */
        {"\"pok\":{\"challenge\":\"", "\"pok\":{\"challenge\":\"0"}, /* leading zero */
        {"\\\"verification\\\":", "\\\"verification\\\" :"},         /* inside a signed message */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = replace_str(tj, tlen, cases[i].old, cases[i].new, &nlen);
        CHECK(bad != NULL);
        if (bad != NULL)
            CHECK_ERR(cns_trustees_parse(&t, g, bad, nlen, &diag), CNS_ERR_DECODE);
        CHECK(t == NULL);
        free(bad);
    }
    char *bad = replace_str(tj, tlen, "[[\"Pedersen\",", "[ [\"Pedersen\",", &nlen);
    EXPECT_REFUSED(cns_trustees_parse(&t, g, bad, nlen, &diag), CNS_ERR_DECODE, diag,
                   "trustees: not in canonical form (differs at byte 1)");
    free(bad);
    /* fields of a trustee_public_key out of order */
    bad = replace_str(tj, tlen, "[[\"Pedersen\",",
                      "[[\"Single\",{\"public_key\":\"1\",\"pok\":{}}],[\"Pedersen\",", &nlen);
    EXPECT_REFUSED(cns_trustees_parse(&t, g, bad, nlen, &diag), CNS_ERR_DECODE, diag,
                   "trustees: item 1 (Single)");
    free(bad);
    /* a certificate line with a space */
    size_t l;
    const char *line = line_of(&c->certs, 0, &l);
    char *sp = replace_str(line, l, "\"signature\":", "\"signature\": ", &nlen);
    cns_buf certs;
    cns_buf_init(&certs, CNS_TR_MAX_BYTES);
    replace_line(&certs, &c->certs, 0, sp, nlen);
    cns_ceremony *cer = NULL;
    EXPECT_REFUSED(cns_ceremony_new(&cer, g, certs.data, certs.len, &diag), CNS_ERR_DECODE, diag,
                   "certs: certificate 1: not in canonical form");
    free(sp);
    cns_buf_free(&certs);
    /* unknown fields, unknown kinds */
    bad = replace_str(tj, tlen, "[[\"Pedersen\",", "[[\"Mixed\",", &nlen);
    EXPECT_REFUSED(cns_trustees_parse(&t, g, bad, nlen, &diag), CNS_ERR_DECODE, diag,
                   "trustees: item 1: unknown kind \"Mixed\"");
    free(bad);
    bad = replace_str(tj, tlen, "{\"threshold\":2,", "{\"extra\":1,\"threshold\":2,", &nlen);
    EXPECT_REFUSED(cns_trustees_parse(&t, g, bad, nlen, &diag), CNS_ERR_DECODE, diag,
                   "unknown field \"extra\"");
    free(bad);
    EXPECT_REFUSED(cns_trustees_parse(&t, g, "[]", 2, &diag), CNS_ERR_DECODE, diag,
                   "trustees: expected a non-empty JSON list");
    /* the parameters of one group read in another */
    const cns_group *other =
        cns_group_by_name(strcmp(cns_group_name(g), "Ed25519") == 0 ? "ristretto255" : "Ed25519");
    CHECK(cns_trustees_parse(&t, other, tj, tlen, &diag) != CNS_OK);
    CHECK(t == NULL);
    free(tj);
}

static void test_rejections(const char *group_name)
{
    struct cer c;
    cer_init(&c, cns_group_by_name(group_name), 2);
    if (cer_run(&c)) {
        test_reject_pok(&c);
        test_reject_wrong_vk(&c);
        test_reject_cert_signature(&c);
        test_reject_coefexps(&c);
        test_reject_shares(&c);
        test_reject_threshold(&c);
        test_reject_duplicate_cert(&c);
        test_reject_dkey(&c);
        test_reject_voutputs(&c);
        test_reject_noncanonical(&c);
    }
    cer_free(&c);
}

/* ---- cross-checks with belenios-tool 2.0 (BELENIOS-2048) ---------------------------------- */

#define BT "belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048"

/* Run a shell command in dir (stderr to dir/log); its exit status, or -1. */
static int sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(const char *dir, const char *fmt, ...)
{
    char cmd[4096];
    int n = snprintf(cmd, sizeof cmd, "cd '%s' && { ", dir);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(cmd + n, sizeof cmd - (size_t)n, fmt, ap);
    va_end(ap);
    snprintf(cmd + n, sizeof cmd - (size_t)n, "; } 2>>log");
    int rc = system(cmd);
    int status = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    if (status != 0) {
        fprintf(stderr, "command failed (%d): %s\n", status, cmd);
        char log[1024];
        snprintf(log, sizeof log, "tail -5 '%s/log' >&2", dir);
        if (system(log) != 0)
            fprintf(stderr, "(no log)\n");
    }
    return status;
}

static bool have_belenios(void)
{
    if (system("belenios-tool --version >/dev/null 2>&1") == 0)
        return true;
    fprintf(stderr, "belenios-tool is not installed: cross-checks cannot run\n");
    CHECK(!"belenios-tool available");
    return false;
}

static void write_in(const char *dir, const char *name, const char *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK(fwrite(data, 1, len, f) == len && fputc('\n', f) == '\n');
    CHECK(fclose(f) == 0);
}

/* Whether dir/name holds exactly data + "\n". */
static bool file_is(const char *dir, const char *name, const char *data, size_t len)
{
    size_t flen;
    char *f = read_in(dir, name, &flen, 0);
    bool same = f != NULL && flen == len + 1 && memcmp(f, data, len) == 0 && f[len] == '\n';
    if (!same)
        fprintf(stderr, "%s/%s differs from ours\n", dir, name);
    free(f);
    return same;
}

static void tmp_dir(char dir[64])
{
    snprintf(dir, 64, "/tmp/cns-trustees-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
}

static void rm_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* Read the .jsons file dir/name into a buffer. */
static void load_in(cns_buf *b, const char *dir, const char *name)
{
    size_t len;
    char *data = read_in(dir, name, &len, 0);
    CHECK(data != NULL);
    if (data != NULL)
        cns_buf_put(b, data, len);
    free(data);
}

/* Consulta checks a ceremony belenios-tool made entirely, and redoes its server steps. */
static void test_cross_belenios_ceremony(void)
{
    const cns_group *g = cns_group_by_name("BELENIOS-2048");
    cns_diag diag = {{0}};
    char dir[64], ids[N][CNS_CERT_ID_BYTES];
    tmp_dir(dir);
    int rc = sh(dir, "for i in 1 2 3; do " BT " --step 1; done && cat *.cert > certs.jsons && " BT
                     " --certs certs.jsons --step 2 && "
                     "for u in *.key; do " BT " --certs certs.jsons --key $u --step 3 "
                     "--threshold 2; done > polynomials.jsons && " BT
                     " --certs certs.jsons --step 4 --polynomials polynomials.jsons && "
                     "for u in *.key; do " BT " --certs certs.jsons --key $u --step 5 "
                     "< ${u%%.key}.vinput > ${u%%.key}.voutput; done && "
                     "cat *.voutput | " BT " --certs certs.jsons --step 6 "
                     "--polynomials polynomials.jsons > threshold.json && "
                     "belenios-tool setup generate-trustee-key --group BELENIOS-2048 >/dev/null && "
                     "cat *.pubkey > public_keys.jsons && belenios-tool setup make-trustees");
    CHECK(rc == 0);
    if (rc != 0)
        goto done;
    CHECK(reference_ids(dir, ids) == N);

    /* step 2, 4 (byte for byte), 5 (with belenios' seeds), 6 (byte for byte) */
    struct cer c;
    cer_init(&c, g, 2);
    load_in(&c.certs, dir, "certs.jsons");
    load_in(&c.polys, dir, "polynomials.jsons");
    CHECK_OK(cer_step4(&c, &diag));
    for (size_t j = 0; j < N; j++) {
        char name[256];
        size_t klen;
        snprintf(name, sizeof name, "%s.vinput", ids[j]);
        CHECK(c.vinputs[j] != NULL && file_is(dir, name, c.vinputs[j], c.vinput_len[j]));
        snprintf(name, sizeof name, "%s.key", ids[j]);
        char *seed = read_in(dir, name, &klen, 1);
        CHECK(seed != NULL && klen == CNS_SEED_LEN);
        if (seed != NULL)
            memcpy(c.seeds[j], seed, CNS_SEED_LEN);
        free(seed);
        cns_err err = cer_step5_one(&c, j, &diag);
        CHECK_OK(err);
        if (err != CNS_OK)
            fprintf(stderr, "step 5 on belenios' vinput %zu: %s\n", j + 1, diag.text);
    }
    cns_buf_reset(&c.voutputs);
    for (size_t j = 0; j < N; j++) {
        char name[256];
        snprintf(name, sizeof name, "%s.voutput", ids[j]);
        load_in(&c.voutputs, dir, name);
    }
    CHECK_OK(cer_step6(&c, &diag));
    CHECK(c.params != NULL && file_is(dir, "threshold.json", c.params, c.params_len));
    for (size_t j = 0; j < N; j++) {
        char name[256];
        cns_scalar S;
        snprintf(name, sizeof name, "%s.dkey", ids[j]);
        CHECK(c.dkeys[j] != NULL && file_is(dir, name, c.dkeys[j], c.dkey_len[j]));
        CHECK_OK(cns_threshold_dkey_decrypt(&S, g, c.seeds[j], CNS_SEED_LEN, c.dkeys[j],
                                            c.dkey_len[j], &diag));
        sodium_memzero(&S, sizeof S);
    }

    /* make-trustees: the same trustees.json, which verifies */
    size_t pk_len, tlen, json_len;
    char *pks = read_in(dir, "public_keys.jsons", &pk_len, 0);
    char *tj = read_in(dir, "trustees.json", &tlen, 1);
    char *json = NULL;
    cns_trustees *t = NULL;
    CHECK_OK(cns_trustees_make(&json, &json_len, g, pks, pk_len, c.params, c.params_len, &diag));
    CHECK(json != NULL && tj != NULL && json_len == tlen && memcmp(json, tj, tlen) == 0);
    CHECK_OK(cns_trustees_parse(&t, g, tj, tlen, &diag));
    CHECK(t != NULL && cns_trustees_count(t) == 1 + N);
    cns_trustees_free(t);
    free(pks);
    free(tj);
    free(json);
    cer_free(&c);
done:
    rm_dir(dir);
}

/* Write a consulta ceremony's files as belenios-tool names them. */
static void write_ceremony(const char *dir, const struct cer *c, bool voutputs)
{
    write_in(dir, "certs.jsons", c->certs.data, c->certs.len - 1);
    write_in(dir, "polynomials.jsons", c->polys.data, c->polys.len - 1);
    for (size_t i = 0; i < N; i++) {
        char name[256];
        size_t l;
        snprintf(name, sizeof name, "%s.key", c->ids[i]);
        write_in(dir, name, c->seeds[i], CNS_SEED_LEN);
        snprintf(name, sizeof name, "%s.vinput", c->ids[i]);
        write_in(dir, name, c->vinputs[i], c->vinput_len[i]);
        const char *v = line_of(&c->voutputs, i, &l);
        snprintf(name, sizeof name, "%s.voutput", c->ids[i]);
        if (voutputs && v != NULL)
            write_in(dir, name, v, l);
    }
}

/*
 * belenios-tool accepts a ceremony made by consulta: it routes our polynomials
 * to the same vinputs, runs step 5 on our vinputs (decrypting our channels and
 * checking our shares), makes from our voutputs the same threshold.json and
 * .dkey files, and its make-trustees, election verify, decrypt-threshold (our
 * .dkey) and decrypt (our .privkey) all accept our keys.
 */
static void test_cross_consulta_ceremony(void)
{
    const cns_group *g = cns_group_by_name("BELENIOS-2048");
    cns_diag diag = {{0}};
    char dir[64];
    struct cer c;
    cer_init(&c, g, 2);
    tmp_dir(dir);
    if (!cer_run(&c))
        goto done;
    write_ceremony(dir, &c, true);
    CHECK(sh(dir, BT " --certs certs.jsons --step 2") == 0);
    CHECK(sh(dir, "mkdir routed && cd routed && " BT
                  " --certs ../certs.jsons --step 4 --polynomials ../polynomials.jsons") == 0);
    char routed[128];
    snprintf(routed, sizeof routed, "%s/routed", dir);
    for (size_t j = 0; j < N; j++) {
        char name[256];
        snprintf(name, sizeof name, "%s.vinput", c.ids[j]);
        CHECK(file_is(routed, name, c.vinputs[j], c.vinput_len[j]));
        CHECK(sh(dir, BT " --certs certs.jsons --key %s.key --step 5 < %s.vinput > %s.bt-voutput",
                 c.ids[j], c.ids[j], c.ids[j]) == 0);
    }
    CHECK(sh(dir,
             "cat %s.voutput %s.voutput %s.voutput | " BT " --certs certs.jsons --step 6 "
             "--polynomials polynomials.jsons > threshold.json",
             c.ids[0], c.ids[1], c.ids[2]) == 0);
    CHECK(file_is(dir, "threshold.json", c.params, c.params_len));
    for (size_t j = 0; j < N; j++) {
        char name[256];
        snprintf(name, sizeof name, "%s.dkey", c.ids[j]);
        CHECK(file_is(dir, name, c.dkeys[j], c.dkey_len[j]));
    }

    /* a Single key by consulta; make-trustees; an election belenios verifies and decrypts */
    char *priv = NULL, *pub = NULL, id[CNS_KEY_ID_BYTES], name[64], *json = NULL;
    size_t priv_len, pub_len, json_len;
    CHECK_OK(cns_trustee_keygen(&priv, &priv_len, &pub, &pub_len, id, g));
    if (priv == NULL || pub == NULL)
        goto done;
    snprintf(name, sizeof name, "%s.pubkey", id);
    write_in(dir, name, pub, pub_len);
    snprintf(name, sizeof name, "%s.privkey", id);
    write_in(dir, name, priv, priv_len);
    write_in(dir, "public_keys.jsons", pub, pub_len);
    CHECK(sh(dir, "belenios-tool setup make-trustees") == 0);
    char pk_line[4096];
    snprintf(pk_line, sizeof pk_line, "%s\n", pub);
    CHECK_OK(cns_trustees_make(&json, &json_len, g, pk_line, strlen(pk_line), c.params,
                               c.params_len, &diag));
    CHECK(json != NULL && file_is(dir, "trustees.json", json, json_len));
    CHECK(sh(dir,
             "U=$(belenios-tool setup generate-token) && "
             "belenios-tool setup generate-credentials --uuid $U --group BELENIOS-2048 "
             "--count 2 >/dev/null && mv *.pubcreds public_creds.json && "
             "mv *.privcreds private_creds.txt && "
             "belenios-tool setup make-election --uuid $U --group BELENIOS-2048 "
             "--template '%s/" FF "/questions.json' && belenios-tool archive init && "
             "belenios-tool election verify",
             testdata_dir()) == 0);
    CHECK(sh(dir,
             "belenios-tool archive add-event --type=EndBallots < /dev/null && "
             "belenios-tool election compute-encrypted-tally | "
             "belenios-tool archive add-event --type=EncryptedTally && "
             "belenios-tool election decrypt --privkey %s.privkey --trustee-id 1 "
             "> pd1.json && belenios-tool election decrypt-threshold --key %s.key "
             "--decryption-key %s.dkey --trustee-id 3 > pd3.json",
             id, c.ids[1], c.ids[1]) == 0);
    sodium_memzero(priv, priv_len);
    free(priv);
    free(pub);
    free(json);
done:
    cer_free(&c);
    rm_dir(dir);
}

/* Trustee 1 uses belenios-tool, trustees 2 and 3 use consulta; both servers agree. */
static void test_cross_mixed(void)
{
    const cns_group *g = cns_group_by_name("BELENIOS-2048");
    cns_diag diag = {{0}};
    char dir[64], bt_id[CNS_CERT_ID_BYTES] = "";
    struct cer c;
    cer_init(&c, g, 2);
    tmp_dir(dir);

    /* step 1: belenios-tool for one, consulta for two; certs.jsons = cat *.cert */
    CHECK(sh(dir, BT " --step 1 && ls *.key > bt-key") == 0);
    size_t len;
    char *bt_key = read_in(dir, "bt-key", &len, 1);
    CHECK(bt_key != NULL && len == 64 + 4);
    if (bt_key == NULL || len != 68)
        goto done;
    memcpy(bt_id, bt_key, 64);
    bt_id[64] = '\0';
    free(bt_key);
    for (size_t i = 0; i < 2; i++) {
        char seed[CNS_SEED_LEN + 1], id[CNS_CERT_ID_BYTES], name[128], *cert = NULL;
        CHECK_OK(cns_threshold_seed_new(seed));
        CHECK_OK(cns_threshold_cert_make(&cert, &len, id, g, seed, CNS_SEED_LEN, &diag));
        snprintf(name, sizeof name, "%s.cert", id);
        write_in(dir, name, cert, len);
        snprintf(name, sizeof name, "%s.key", id);
        write_in(dir, name, seed, CNS_SEED_LEN);
        free(cert);
    }
    CHECK(sh(dir, "cat *.cert > certs.jsons && " BT " --certs certs.jsons --step 2") == 0);
    CHECK(reference_ids(dir, c.ids) == N);
    size_t bt = N;
    for (size_t i = 0; i < N; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s.key", c.ids[i]);
        char *seed = read_in(dir, name, &len, 1);
        if (seed != NULL && len == CNS_SEED_LEN)
            memcpy(c.seeds[i], seed, CNS_SEED_LEN + 1);
        free(seed);
        if (strcmp(c.ids[i], bt_id) == 0)
            bt = i;
    }
    CHECK(bt < N);
    if (bt == N)
        goto done;
    load_in(&c.certs, dir, "certs.jsons");

    /* step 3: each trustee with its own tool, in certs order */
    for (size_t i = 0; i < N; i++) {
        if (i == bt) {
            CHECK(sh(dir, BT " --certs certs.jsons --key %s.key --step 3 --threshold 2 > p.bt",
                     c.ids[i]) == 0);
            load_in(&c.polys, dir, "p.bt");
            continue;
        }
        cns_ceremony *mine = NULL;
        char *poly = NULL;
        CHECK_OK(cns_ceremony_new(&mine, g, c.certs.data, c.certs.len, &diag));
        if (mine != NULL)
            CHECK_OK(cns_ceremony_polynomial_make(&poly, &len, mine, c.seeds[i], CNS_SEED_LEN, 2,
                                                  &diag));
        if (poly != NULL)
            put_line(&c.polys, poly, len);
        free(poly);
        cns_ceremony_free(mine);
    }
    write_in(dir, "polynomials.jsons", c.polys.data, c.polys.len - 1);

    /* step 4 by both servers: the same vinputs */
    CHECK(sh(dir, BT " --certs certs.jsons --step 4 --polynomials polynomials.jsons") == 0);
    CHECK_OK(cer_step4(&c, &diag));
    for (size_t j = 0; j < N; j++) {
        char name[256];
        snprintf(name, sizeof name, "%s.vinput", c.ids[j]);
        CHECK(c.vinputs[j] != NULL && file_is(dir, name, c.vinputs[j], c.vinput_len[j]));
    }

    /* step 5: each with its own tool */
    for (size_t j = 0; j < N; j++) {
        if (j == bt) {
            CHECK(sh(dir, BT " --certs certs.jsons --key %s.key --step 5 < %s.vinput > v.bt",
                     c.ids[j], c.ids[j]) == 0);
            load_in(&c.voutputs, dir, "v.bt");
        } else {
            cns_err err = cer_step5_one(&c, j, &diag);
            CHECK_OK(err);
            if (err != CNS_OK)
                fprintf(stderr, "mixed step 5, trustee %zu: %s\n", j + 1, diag.text);
        }
    }
    write_in(dir, "voutputs", c.voutputs.data, c.voutputs.len - 1);

    /* step 6 by both servers: the same threshold.json and .dkey files */
    CHECK(sh(dir, BT " --certs certs.jsons --step 6 --polynomials polynomials.jsons "
                     "< voutputs > threshold.json") == 0);
    CHECK_OK(cer_step6(&c, &diag));
    CHECK(c.params != NULL && file_is(dir, "threshold.json", c.params, c.params_len));
    for (size_t j = 0; j < N; j++) {
        char name[256];
        cns_scalar S;
        snprintf(name, sizeof name, "%s.dkey", c.ids[j]);
        CHECK(c.dkeys[j] != NULL && file_is(dir, name, c.dkeys[j], c.dkey_len[j]));
        CHECK_OK(cns_threshold_dkey_decrypt(&S, g, c.seeds[j], CNS_SEED_LEN, c.dkeys[j],
                                            c.dkey_len[j], &diag));
        sodium_memzero(&S, sizeof S);
    }
    char *tj = c.params != NULL ? pedersen_json(c.params, c.params_len, &len) : NULL;
    cns_trustees *t = NULL;
    if (tj != NULL)
        CHECK_OK(cns_trustees_parse(&t, g, tj, len, &diag));
    cns_trustees_free(t);
    free(tj);
done:
    cer_free(&c);
    rm_dir(dir);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_reference_trustees(FF, "BELENIOS-2048");
    test_reference_trustees(ED, "Ed25519");
    test_reference_ceremony(FF, "BELENIOS-2048");
    test_reference_ceremony(ED, "Ed25519");
    test_ceremony("BELENIOS-2048");
    test_ceremony("Ed25519");
    test_ceremony("ristretto255");
    test_rejections("BELENIOS-2048");
    test_rejections("Ed25519");
    if (have_belenios()) {
        test_cross_belenios_ceremony();
        test_cross_consulta_ceremony();
        test_cross_mixed();
    }
    return CHECK_DONE();
}
