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

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_reference_trustees(FF, "BELENIOS-2048");
    test_reference_trustees(ED, "Ed25519");
    test_reference_ceremony(FF, "BELENIOS-2048");
    test_reference_ceremony(ED, "Ed25519");
    return CHECK_DONE();
}
