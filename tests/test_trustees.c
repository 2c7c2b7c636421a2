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
        char name[128];
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
        char name[128];
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
    return CHECK_DONE();
}
