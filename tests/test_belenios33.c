/*
 * Belenios 3.3 records (../shared/testdata/belenios-3.3/, made by
 * belenios-tool 3.3.0): each record that needs no mixnet verifies and its
 * result equals EXPECTED.json's; the threshold parameters (3.x certificates'
 * contexts, certs_sig signatures, signed verification keys) are refused
 * with the exact error when tampered; the AES-GCM .dkey files decrypt to the
 * trustees' published keys; the 3.x private credentials derive the
 * published public credentials; the record with a non-homomorphic question
 * parses up to the shuffles and is refused there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "check.h"
#include "consulta/ballot.h"
#include "consulta/board.h"
#include "consulta/credential.h"
#include "consulta/election.h"
#include "consulta/tally.h"
#include "consulta/trustees.h"
#include "util.h"

#define DIR33 "belenios-3.3/"

static json_t *load(const char *path)
{
    size_t len;
    char *text = read_file(path, &len, 1);
    json_t *j = text != NULL ? json_loadb(text, len, JSON_DECODE_ANY, NULL) : NULL;
    free(text);
    return j;
}

/* ---- whole records ---------------------------------------------------------------- */

/* The record in dir verifies and its result is EXPECTED.json's "result". */
static void check_record(const char *dir)
{
    char path[1024];
    cns_board *board = NULL;
    cns_diag diag = {0};
    size_t uuid_len;
    snprintf(path, sizeof path, DIR33 "%s/UUID.txt", dir);
    char *uuid = read_file(path, &uuid_len, 1);
    CHECK(uuid != NULL);
    if (uuid == NULL)
        return;
    snprintf(path, sizeof path, "%s/%s%s/%s.bel", testdata_dir(), DIR33, dir, uuid);
    free(uuid);
    cns_err err = cns_board_open(&board, path, 0, NULL, NULL, &diag);
    CHECK_OK(err);
    if (err != CNS_OK) {
        fprintf(stderr, "%s: %s\n", dir, diag.text);
        return;
    }
    const cns_result *result = cns_board_result(board);
    CHECK(result != NULL);
    char *json = NULL;
    size_t len = 0;
    if (result != NULL)
        CHECK_OK(cns_result_write(result, &json, &len));
    snprintf(path, sizeof path, DIR33 "%s/EXPECTED.json", dir);
    json_t *expected = load(path);
    json_t *got = json != NULL ? json_loadb(json, len, 0, NULL) : NULL;
    CHECK(expected != NULL && got != NULL);
    if (expected != NULL && got != NULL) {
        CHECK(json_equal(json_object_get(got, "result"), json_object_get(expected, "result")));
        cns_board_summary s;
        cns_board_summary_get(board, &s);
        json_t *w = json_object_get(expected, "total_weight");
        unsigned long long want = json_is_integer(w) ? (unsigned long long)json_integer_value(w)
                                                     : strtoull(json_string_value(w), NULL, 10);
        CHECK(s.total_weight == want);
        CHECK(s.counted == (uint64_t)json_integer_value(json_object_get(expected, "num_tallied")));
    }
    json_decref(expected);
    json_decref(got);
    free(json);
    cns_board_free(board);
}

/* Record c (a non-homomorphic question in Ed25519, both trustees shuffle): refused at its setup.
 */
static void check_mixnet_record(void)
{
    char path[1024];
    size_t uuid_len;
    cns_board *board = NULL;
    cns_diag diag = {0};
    char *uuid = read_file(DIR33 "c-ed25519-nh-schulze-mixnet/UUID.txt", &uuid_len, 1);
    CHECK(uuid != NULL);
    if (uuid == NULL)
        return;
    snprintf(path, sizeof path, "%s/" DIR33 "c-ed25519-nh-schulze-mixnet/%s.bel", testdata_dir(),
             uuid);
    CHECK_ERR(cns_board_open(&board, path, 0, NULL, NULL, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text,
                   "Setup event at height 0: question 1: non-homomorphic in Ed25519: the "
                   "election, trustees and credentials verify, but consulta follows "
                   "the mixnet in RFC-3526-2048 only (no Ed25519 embedding of "
                   "non-homomorphic answers)");
    cns_board_free(board);
    free(uuid);
}

/* Record c's election.json is read (its question non-homomorphic, "extra" kept); no ballot is made.
 */
static void check_mixnet_election(void)
{
    size_t len;
    cns_election *e = NULL;
    cns_choices choices = {0};
    cns_diag diag = {0};
    char *json = read_file(DIR33 "c-ed25519-nh-schulze-mixnet/setup/election.json", &len, 1);
    CHECK(json != NULL);
    if (json == NULL)
        return;
    CHECK_OK(cns_election_parse(&e, json, len, &diag));
    if (e != NULL) {
        const cns_question *q = cns_election_question(e, 0);
        CHECK(q->kind == CNS_QUESTION_NONHOMOMORPHIC && q->n_answers == 4);
        CHECK(q->extra != NULL && strstr(q->extra, "\"method\":\"Schulze\"") != NULL);
        CHECK_ERR(cns_choices_parse(&choices, e, "[[1,2,3,4]]", 11, &diag), CNS_ERR_INVALID);
        CHECK_CONTAINS(diag.text, "choices: question 1 is non-homomorphic: consulta makes such "
                                  "ballots in RFC-3526-2048 only (this election's group is "
                                  "Ed25519)");
        cns_choices_free(&choices);
    }
    cns_election_free(e);
    free(json);
}

static void test_records(void)
{
    check_mixnet_record();
    check_mixnet_election();
    check_record("a-ed25519-threshold");
    check_record("b1-belenios2048-threshold");
    check_record("b2-rfc3526-2048-threshold");
    check_record("d-ed25519-weighted");
    check_record("e-ed25519-lists");
}

/* ---- threshold trustees' files ------------------------------------------------------------ */

/* Certificate id i (sha256 hex of its message) from certs.jsons. */
static bool cert_id(const char *dir, size_t i, char id[65])
{
    char path[512];
    snprintf(path, sizeof path, DIR33 "%s/certs.jsons", dir);
    size_t len;
    char *text = read_file(path, &len, 0), *line = text;
    for (size_t k = 0; line != NULL && k < i; k++) {
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    bool ok = false;
    if (line != NULL && *line != '\0') {
        char *end = strchr(line, '\n');
        json_t *cert = json_loadb(line, end != NULL ? (size_t)(end - line) : strlen(line), 0, NULL);
        const char *msg = json_string_value(json_object_get(cert, "message"));
        if (msg != NULL) {
            unsigned char digest[32];
            crypto_hash_sha256(digest, (const unsigned char *)msg, strlen(msg));
            sodium_bin2hex(id, 65, digest, sizeof digest);
            ok = true;
        }
        json_decref(cert);
    }
    free(text);
    return ok;
}

/* Each AES-GCM .dkey (3.1 and later) decrypts with its seed to S_j, and g^S_j is the published key.
 */
static void check_dkeys(const char *dir, const char *group_name)
{
    const cns_group *g = cns_group_by_name(group_name);
    char path[512], id[65];
    snprintf(path, sizeof path, DIR33 "%s/threshold.json", dir);
    json_t *params = load(path);
    json_t *vks = json_object_get(params, "verification_keys");
    CHECK(g != NULL && json_array_size(vks) == 3);
    for (size_t j = 0; g != NULL && j < json_array_size(vks); j++) {
        size_t seed_len, dkey_len;
        CHECK(cert_id(dir, j, id));
        snprintf(path, sizeof path, DIR33 "%s/%s.key", dir, id);
        char *seed = read_file(path, &seed_len, 1);
        snprintf(path, sizeof path, DIR33 "%s/%s.dkey", dir, id);
        char *dkey = read_file(path, &dkey_len, 1);
        CHECK(seed != NULL && dkey != NULL && strstr(dkey, "\"algorithm\":\"AES-GCM\"") != NULL);
        if (seed != NULL && dkey != NULL) {
            cns_scalar S;
            cns_elt gS, vk;
            cns_diag diag = {0};
            const char *text =
                json_string_value(json_object_get(json_array_get(vks, j), "public_key"));
            CHECK_OK(cns_threshold_dkey_decrypt(&S, g, seed, seed_len, dkey, dkey_len, &diag));
            cns_group_pow_g(g, &gS, &S);
            CHECK(text != NULL && cns_elt_from_text(g, &vk, text, strlen(text)) == CNS_OK &&
                  cns_elt_eq(g, &gS, &vk));
            /* a flipped byte of the ciphertext fails the GCM tag */
            char *data = strstr(dkey, "\"data\":\"");
            data[10] = data[10] == '0' ? '1' : '0';
            CHECK_ERR(cns_threshold_dkey_decrypt(&S, g, seed, seed_len, dkey, dkey_len, &diag),
                      CNS_ERR_VERIFY);
            sodium_memzero(&S, sizeof S);
        }
        free(seed);
        free(dkey);
    }
    json_decref(params);
}

/* ---- 3.x private credentials ---------------------------------------------------------- */

/*
 * private_creds.json ({login: credential}, 3.x form) derives, with the
 * derive_credential hash, the public credential setup/public_creds.json
 * lists for that login ("pub,weight,login").
 */
static void check_credentials(const char *dir, const char *group_name)
{
    const cns_group *g = cns_group_by_name(group_name);
    char path[512];
    size_t uuid_len, checked = 0;
    snprintf(path, sizeof path, DIR33 "%s/UUID.txt", dir);
    char *uuid = read_file(path, &uuid_len, 1);
    snprintf(path, sizeof path, DIR33 "%s/private_creds.json", dir);
    json_t *priv = load(path);
    snprintf(path, sizeof path, DIR33 "%s/setup/public_creds.json", dir);
    json_t *pub = load(path);
    const char *login;
    json_t *cred;
    CHECK(g != NULL && uuid != NULL && json_object_size(priv) > 0 && json_is_array(pub));
    json_object_foreach(priv, login, cred)
    {
        const char *c = json_string_value(cred);
        cns_elt mine;
        cns_diag diag = {0};
        CHECK(c != NULL && cns_credential_is_v3(c, strlen(c)));
        CHECK_OK(cns_credential_public(g, uuid, uuid_len, c, strlen(c), &mine, &diag));
        char text[CNS_ELT_TEXT_MAX], want[CNS_ELT_TEXT_MAX + 300];
        size_t n = cns_elt_to_text(g, text, sizeof text, &mine);
        bool found = false;
        for (size_t i = 0; i < json_array_size(pub) && !found; i++) {
            const char *item = json_string_value(json_array_get(pub, i));
            const char *tail = item != NULL ? strrchr(item, ',') : NULL;
            snprintf(want, sizeof want, "%.*s,", (int)n, text);
            found = tail != NULL && strcmp(tail + 1, login) == 0 && strncmp(item, want, n + 1) == 0;
        }
        CHECK(found);
        checked++;
    }
    CHECK(checked == json_object_size(priv));
    /* the same credential with a digit changed, or in the 2.0 shape, is another or refused */
    const char *first = json_string_value(json_object_iter_value(json_object_iter(priv)));
    if (first != NULL && uuid != NULL) {
        char bad[CNS_CREDENTIAL_V3_BYTES];
        cns_scalar s;
        cns_diag diag = {0};
        snprintf(bad, sizeof bad, "%s", first);
        bad[3] = '0'; /* not a Base58 digit */
        CHECK_ERR(cns_credential_derive(g, uuid, uuid_len, bad, strlen(bad), &s, &diag),
                  CNS_ERR_DECODE);
        CHECK_CONTAINS(diag.text, "character 4 is not a Base58 digit");
        bad[3] = '-';
        CHECK_ERR(cns_credential_derive(g, uuid, uuid_len, bad, strlen(bad), &s, &diag),
                  CNS_ERR_DECODE);
        CHECK_ERR(cns_credential_derive(g, uuid, uuid_len, "abcde-fghij-kmnop", 17, &s, &diag),
                  CNS_ERR_DECODE);
    }
    /* a fresh 3.x credential has the shape and derives */
    char fresh[CNS_CREDENTIAL_V3_BYTES];
    cns_scalar s;
    CHECK_OK(cns_credential_generate_v3(fresh));
    CHECK(cns_credential_is_v3(fresh, strlen(fresh)));
    if (uuid != NULL)
        CHECK_OK(cns_credential_derive(g, uuid, uuid_len, fresh, strlen(fresh), &s, NULL));
    /* a batch of 3.x credentials: each secret has the shape and derives its public credential */
    cns_credential_batch *batch = NULL;
    cns_diag diag = {0};
    if (uuid != NULL)
        CHECK_OK(cns_credential_batch_generate_form(&batch, g, uuid, uuid_len, 3, NULL, NULL, true,
                                                    &diag));
    for (size_t i = 0; batch != NULL && i < 3; i++) {
        const char *c = cns_credential_batch_secret(batch, i);
        cns_elt e, listed;
        uint64_t w = 0;
        size_t at = 0;
        CHECK(cns_credential_is_v3(c, strlen(c)));
        CHECK_OK(cns_credential_public(g, uuid, uuid_len, c, strlen(c), &e, NULL));
        CHECK_OK(cns_credential_list_find(cns_credential_batch_public(batch), &e, &w, &at));
        CHECK_OK(cns_credential_list_get(cns_credential_batch_public(batch), at, &listed, &w));
        CHECK(cns_elt_eq(g, &e, &listed));
    }
    cns_credential_batch_free(batch);
    free(uuid);
    json_decref(priv);
    json_decref(pub);
}

/* ---- tampered 3.x threshold parameters ------------------------------------------------ */

/* text with the first occurrence of from replaced by to (malloc'd), or NULL if absent. */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (at == NULL)
        return NULL;
    size_t head = (size_t)(at - text), n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    if (out != NULL)
        snprintf(out, n + 1, "%.*s%s%s", (int)head, text, to, at + strlen(from));
    return out;
}

/* trustees.json text must be refused by cns_trustees_parse with err and a diag containing needle.
 */
static void expect_trustees(const cns_group *g, const char *text, cns_err err, const char *needle)
{
    cns_trustees *t = NULL;
    cns_diag diag = {0};
    CHECK(text != NULL);
    if (text == NULL)
        return;
    CHECK_ERR(cns_trustees_parse(&t, g, text, strlen(text), &diag), err);
    CHECK_CONTAINS(diag.text, needle);
    cns_trustees_free(t);
}

/* The response of the proof at obj[key] (borrowed). */
static const char *response_of(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, key), "response"));
}

static void test_tampered_trustees(const char *dir, const char *group_name)
{
    const cns_group *g = cns_group_by_name(group_name);
    char path[512];
    size_t len;
    snprintf(path, sizeof path, DIR33 "%s/setup/trustees.json", dir);
    char *text = read_file(path, &len, 1);
    json_t *root = text != NULL ? json_loadb(text, len, 0, NULL) : NULL;
    json_t *p = json_array_get(json_array_get(root, 0), 1);
    json_t *vks = json_object_get(p, "verification_keys"), *sigs = json_object_get(p, "signatures");
    cns_trustees *t = NULL;
    cns_diag diag = {0};
    CHECK(g != NULL && json_array_size(vks) == 3 && json_array_size(sigs) == 3);
    if (g == NULL || json_array_size(vks) != 3 || json_array_size(sigs) != 3)
        goto done;
    CHECK_OK(cns_trustees_parse(&t, g, text, len, &diag));
    cns_trustees_free(t);

    /* a verification key's signature: another member's */
    char *bad = replace(text, response_of(json_array_get(vks, 0), "signature"),
                        response_of(json_array_get(vks, 1), "signature"));
    expect_trustees(g, bad, CNS_ERR_VERIFY, "verification key 1 (certificate ");
    expect_trustees(g, bad, CNS_ERR_VERIFY,
                    "signature does not verify with the trustee's certificate");
    free(bad);
    /* a certs_sig signature: another member's */
    const char *s0 = json_string_value(json_object_get(json_array_get(sigs, 0), "response"));
    const char *s1 = json_string_value(json_object_get(json_array_get(sigs, 1), "response"));
    bad = replace(text, s0, s1);
    expect_trustees(g, bad, CNS_ERR_VERIFY,
                    "trustees: item 1 (Pedersen): signature 1 (certificate ");
    free(bad);
    /* no "signatures": the certificates' contexts give the 2.0 form away */
    char *list = json_dumps(sigs, JSON_COMPACT);
    char *cut = list != NULL ? malloc(strlen(list) + 16) : NULL;
    if (cut != NULL) {
        snprintf(cut, strlen(list) + 16, ",\"signatures\":%s", list);
        bad = replace(text, cut, "");
        expect_trustees(g, bad, CNS_ERR_DECODE, "certificate 1 (");
        expect_trustees(g, bad, CNS_ERR_DECODE,
                        "has a context but the parameters have no \"signatures\"");
        free(bad);
    }
    free(cut);
    free(list);
    /* one verification key not signed */
    const char *c2 = json_string_value(
        json_object_get(json_object_get(json_array_get(vks, 1), "signature"), "challenge"));
    char sig2[400];
    snprintf(sig2, sizeof sig2, ",\"signature\":{\"challenge\":\"%s\",\"response\":\"%s\"}", c2,
             response_of(json_array_get(vks, 1), "signature"));
    bad = replace(text, sig2, "");
    expect_trustees(g, bad, CNS_ERR_DECODE, "verification key 2 (certificate ");
    expect_trustees(g, bad, CNS_ERR_DECODE, "not signed, unlike verification key 1");
    free(bad);
done:
    json_decref(root);
    free(text);
}

/* ---- consulta's own 3.x ceremony --------------------------------------------------------- */

#define NT 3

/* Append line and '\n' to *text (malloc'd, grown). */
static void append_line(char **text, const char *line, size_t len)
{
    size_t old = *text != NULL ? strlen(*text) : 0;
    char *grown = realloc(*text, old + len + 2);
    if (grown == NULL)
        return;
    memcpy(grown + old, line, len);
    grown[old + len] = '\n';
    grown[old + len + 1] = '\0';
    *text = grown;
}

struct v3 {
    const cns_group *g;
    char seeds[NT][CNS_SEED_LEN + 1];
    char *certs, *polys, *vinputs[NT], *voutputs, *params;
};

/* Certificates with contexts; index_of[i] is the index written in trustee i's. */
static void v3_certs(struct v3 *c, const size_t index_of[NT])
{
    cns_diag diag = {0};
    for (size_t i = 0; i < NT; i++) {
        char *cert = NULL, id[CNS_CERT_ID_BYTES];
        size_t len = 0;
        CHECK_OK(cns_threshold_seed_new(c->seeds[i]));
        CHECK_OK(cns_threshold_cert_make_ctx(&cert, &len, id, c->g, c->seeds[i], CNS_SEED_LEN,
                                             index_of[i], 2, NT, &diag));
        if (cert != NULL)
            append_line(&c->certs, cert, len);
        free(cert);
    }
}

/* Steps 3 to 6 of the 3.x ceremony; every one must succeed. */
static void v3_run(struct v3 *c)
{
    cns_diag diag = {0};
    cns_ceremony *cer = NULL;
    for (size_t i = 0; i < NT; i++) {
        char *poly = NULL;
        size_t len = 0;
        CHECK_OK(cns_ceremony_new(&cer, c->g, c->certs, strlen(c->certs), &diag));
        CHECK(cer != NULL && cns_ceremony_context_threshold(cer) == 2);
        if (cer != NULL)
            CHECK_OK(cns_ceremony_polynomial_make(&poly, &len, cer, c->seeds[i], CNS_SEED_LEN, 0,
                                                  &diag));
        if (poly != NULL) {
            CHECK(strstr(poly, "\"signature\":{") != NULL &&
                  strstr(poly, "\\\"algorithm\\\":\\\"AES-GCM\\\"") != NULL);
            append_line(&c->polys, poly, len);
        }
        free(poly);
        cns_ceremony_free(cer);
        cer = NULL;
    }
    CHECK_OK(cns_ceremony_new(&cer, c->g, c->certs, strlen(c->certs), &diag));
    CHECK_OK(cns_ceremony_polynomials_load(cer, c->polys, strlen(c->polys), &diag));
    for (size_t j = 0; j < NT; j++)
        CHECK_OK(cns_ceremony_vinput_make(&c->vinputs[j], NULL, cer, j, &diag));
    for (size_t j = 0; j < NT; j++) {
        char *vout = NULL;
        size_t len = 0;
        CHECK_OK(cns_ceremony_voutput_make(&vout, &len, cer, c->seeds[j], CNS_SEED_LEN,
                                           c->vinputs[j], strlen(c->vinputs[j]), &diag));
        if (vout != NULL)
            append_line(&c->voutputs, vout, len);
        free(vout);
    }
    CHECK_OK(cns_ceremony_voutputs_load(cer, c->voutputs, strlen(c->voutputs), &diag));
    CHECK_OK(cns_ceremony_params_make(&c->params, NULL, cer, &diag));
    cns_ceremony_free(cer);
}

static void v3_free(struct v3 *c)
{
    free(c->certs);
    free(c->polys);
    for (size_t j = 0; j < NT; j++)
        free(c->vinputs[j]);
    free(c->voutputs);
    free(c->params);
}

/* Load polynomials (or voutputs) text into a fresh server ceremony; return its error. */
static cns_err v3_load(const struct v3 *c, const char *polys, const char *voutputs, cns_diag *diag)
{
    cns_ceremony *cer = NULL;
    cns_err err = cns_ceremony_new(&cer, c->g, c->certs, strlen(c->certs), diag);
    if (err == CNS_OK)
        err = cns_ceremony_polynomials_load(cer, polys, strlen(polys), diag);
    if (err == CNS_OK && voutputs != NULL)
        err = cns_ceremony_voutputs_load(cer, voutputs, strlen(voutputs), diag);
    cns_ceremony_free(cer);
    return err;
}

/* OUT: the last "signature":{…} of line k of text (the polynomial's certs_sig). */
static bool last_signature(const char *text, size_t k, char *out, size_t cap)
{
    const char *line = text, *end, *found = NULL;
    for (size_t i = 0; line != NULL && i < k; i++) {
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    if (line == NULL || (end = strchr(line, '\n')) == NULL)
        return false;
    for (const char *at = line; (at = strstr(at, "\"signature\":{")) != NULL && at < end; at++)
        found = at;
    if (found == NULL)
        return false;
    snprintf(out, cap, "%.*s", (int)(strchr(found, '}') - found + 1), found);
    return true;
}

static void test_v3_ceremony(const char *group_name)
{
    static const size_t right[NT] = {1, 2, 3}, wrong[NT] = {1, 1, 3};
    struct v3 c = {.g = cns_group_by_name(group_name)}, w = {.g = c.g};
    cns_diag diag = {0};
    cns_ceremony *cer = NULL;
    v3_certs(&c, right);
    v3_run(&c);
    CHECK(c.params != NULL && strstr(c.params, "\"signatures\":[") != NULL);
    if (c.params != NULL) { /* trustees.json of it verifies, with its signed keys */
        char *json = NULL;
        size_t len = 0;
        cns_trustees *t = NULL;
        CHECK_OK(cns_trustees_make(&json, &len, c.g, NULL, 0, c.params, strlen(c.params), &diag));
        if (json != NULL)
            CHECK_OK(cns_trustees_parse(&t, c.g, json, len, &diag));
        CHECK(json != NULL && strstr(json, "\"signature\":{") != NULL);
        cns_trustees_free(t);
        free(json);
    }
    /* the threshold given at step 3 must be the certificates' */
    CHECK_OK(cns_ceremony_new(&cer, c.g, c.certs, strlen(c.certs), &diag));
    char *poly = NULL;
    if (cer != NULL)
        CHECK_ERR(
            cns_ceremony_polynomial_make(&poly, NULL, cer, c.seeds[0], CNS_SEED_LEN, 3, &diag),
            CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "threshold: 3, but the certificates' context says 2");
    cns_ceremony_free(cer);
    free(poly);
    /* a polynomial whose certs_sig signature (its last member) is another trustee's */
    char sig1[CNS_SCALAR_TEXT_MAX * 2 + 64], sig2[CNS_SCALAR_TEXT_MAX * 2 + 64];
    if (last_signature(c.polys, 0, sig1, sizeof sig1) &&
        last_signature(c.polys, 1, sig2, sizeof sig2)) {
        char *swapped = replace(c.polys, sig2, sig1);
        CHECK_ERR(v3_load(&c, swapped, NULL, &diag), CNS_ERR_VERIFY);
        CHECK_CONTAINS(diag.text, "polynomials: line 2 (certificate ");
        CHECK_CONTAINS(diag.text, "signature of the certificates and coefexps does not verify");
        free(swapped);
        /* a polynomial without it */
        char member[sizeof sig1 + 2];
        snprintf(member, sizeof member, ",%s", sig1);
        char *cut = replace(c.polys, member, "");
        CHECK_ERR(v3_load(&c, cut != NULL ? cut : "", NULL, &diag), CNS_ERR_DECODE);
        CHECK_CONTAINS(diag.text, "polynomials: line 1 (certificate ");
        CHECK_CONTAINS(diag.text, "no \"signature\"");
        free(cut);
    } else {
        CHECK(false);
    }
    /* a voutput whose key is not signed */
    char *s1 = c.voutputs != NULL ? strstr(c.voutputs, ",\"signature\":{") : NULL;
    if (s1 != NULL) {
        char sig[CNS_SCALAR_TEXT_MAX * 2 + 64];
        snprintf(sig, sizeof sig, "%.*s", (int)(strchr(s1, '}') - s1 + 1), s1);
        char *cut = replace(c.voutputs, sig, "");
        CHECK_ERR(v3_load(&c, c.polys, cut, &diag), CNS_ERR_DECODE);
        CHECK_CONTAINS(diag.text, "voutputs: line 1 (trustee 1, certificate ");
        CHECK_CONTAINS(diag.text, "the public key is not signed");
        free(cut);
    }
    /* certificates whose contexts do not match their places, or mixed with a 2.0 one */
    v3_certs(&w, wrong);
    CHECK_ERR(cns_ceremony_new(&cer, w.g, w.certs, strlen(w.certs), &diag), CNS_ERR_VERIFY);
    CHECK_CONTAINS(diag.text, "context index 1, not 2");
    char *old = NULL, id[CNS_CERT_ID_BYTES];
    size_t len = 0;
    CHECK_OK(cns_threshold_cert_make(&old, &len, id, c.g, c.seeds[1], CNS_SEED_LEN, &diag));
    char *line1 = strchr(c.certs, '\n');
    char *line2 = line1 != NULL ? strchr(line1 + 1, '\n') : NULL;
    if (old != NULL && line2 != NULL) {
        char *mixed = NULL;
        append_line(&mixed, c.certs, (size_t)(line1 - c.certs));
        append_line(&mixed, old, len);
        append_line(&mixed, line2 + 1, strlen(line2 + 1) - 1);
        CHECK_ERR(cns_ceremony_new(&cer, c.g, mixed, strlen(mixed), &diag), CNS_ERR_INVALID);
        CHECK_CONTAINS(diag.text, "certificate 2 (");
        CHECK_CONTAINS(diag.text, "has no context, unlike certificate 1");
        free(mixed);
    }
    free(old);
    v3_free(&c);
    v3_free(&w);
}

/* ---- the new members of election.json and results ------------------------------------ */

/* election.json of record e with from replaced by to: refused with err and needle, or accepted. */
static void expect_election(const char *from, const char *to, cns_err err, const char *needle)
{
    size_t len;
    char *text = read_file(DIR33 "e-ed25519-lists/setup/election.json", &len, 1);
    char *edited = text != NULL ? replace(text, from, to) : NULL;
    cns_election *e = NULL;
    cns_diag diag = {0};
    CHECK(edited != NULL);
    if (edited != NULL) {
        CHECK_ERR(cns_election_parse(&e, edited, strlen(edited), &diag), err);
        if (needle != NULL)
            CHECK_CONTAINS(diag.text, needle);
    }
    cns_election_free(e);
    free(edited);
    free(text);
}

static void test_election_members(void)
{
    static const char uuid[] = "\"uuid\":\"Huf2r87c2bZkZM\"";
    expect_election(
        uuid, "\"uuid\":\"Huf2r87c2bZkZM\",\"administrator\":\"A\",\"language\":[\"es\",\"ltr\"]",
        CNS_OK, NULL);
    expect_election(uuid, "\"uuid\":\"Huf2r87c2bZkZM\",\"language\":[\"es\",\"up\"]",
                    CNS_ERR_DECODE, "election: \"language\" must be [code, \"ltr\" or \"rtl\"]");
    expect_election(
        uuid, "\"uuid\":\"Huf2r87c2bZkZM\",\"language\":[\"es\",\"ltr\"],\"administrator\":\"A\"",
        CNS_ERR_DECODE, "not in canonical form");
    expect_election(uuid, "\"uuid\":\"Huf2r87c2bZkZM\",\"administrator\":7", CNS_ERR_DECODE,
                    "administrator");
    expect_election("\"type\":\"Lists\"", "\"type\":\"Ranked\"", CNS_ERR_INVALID,
                    "question 1: unknown question type \"Ranked\" (Lists or NonHomomorphic)");
    expect_election("[\"List 2\",\"Candidate 2-1\"]", "[]", CNS_ERR_INVALID,
                    "question 1: list 2 must be a non-empty array [name, candidates…]");
    expect_election("\"question\":\"Choose one list and at least one of its candidates\"}}",
                    "\"question\":\"Choose one list and at least one of its candidates\"},"
                    "\"extra\":{\"w\":1.5}}",
                    CNS_ERR_DECODE, "question 1: \"extra\" holds a number with a fraction");
    expect_election("\"question\":\"Choose one list and at least one of its candidates\"}}",
                    "\"question\":\"Choose one list and at least one of its candidates\"},"
                    "\"extra\":{\"method\":\"dhondt\",\"seats\":[3,true,null]}}",
                    CNS_OK, NULL);
}

/* Weighted counts: numbers up to 2^30 − 1, strings above, both read back canonically. */
static void test_weighted_result(void)
{
    size_t len;
    char *text = read_file(DIR33 "d-ed25519-weighted/setup/election.json", &len, 1);
    cns_election *e = NULL;
    cns_result r = {0};
    cns_diag diag = {0};
    CHECK(text != NULL);
    if (text == NULL || cns_election_parse(&e, text, len, &diag) != CNS_OK) {
        CHECK(false);
        free(text);
        return;
    }
    static const char good[] = "{\"result\":[[\"1500000021\",\"3000000023\",17],[15,\"2000000020\","
                               "1000000028,\"2500000041\"]]}";
    CHECK_OK(cns_result_parse(&r, e, good, sizeof good - 1, &diag));
    cns_result_free(&r);
    static const char small_string[] = "{\"result\":[[\"21\",3,17],[15,2,1,2]]}";
    CHECK_ERR(cns_result_parse(&r, e, small_string, sizeof small_string - 1, &diag),
              CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "result: question 1, count 1: \"21\" must be written as a number");
    static const char zero_lead[] = "{\"result\":[[\"01500000021\",3,17],[15,2,1,2]]}";
    CHECK_ERR(cns_result_parse(&r, e, zero_lead, sizeof zero_lead - 1, &diag), CNS_ERR_DECODE);
    static const char big_number[] = "{\"result\":[[1500000021,3,17],[15,2,1,2]]}";
    CHECK_ERR(cns_result_parse(&r, e, big_number, sizeof big_number - 1, &diag),
              CNS_ERR_DECODE); /* read, but 3.x writes it as a string: not canonical */
    CHECK_CONTAINS(diag.text, "result: not in canonical form");
    cns_election_free(e);
    free(text);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_records();
    check_dkeys("a-ed25519-threshold", "Ed25519");
    check_dkeys("b1-belenios2048-threshold", "BELENIOS-2048");
    check_dkeys("b2-rfc3526-2048-threshold", "RFC-3526-2048");
    check_credentials("a-ed25519-threshold", "Ed25519");
    check_credentials("b1-belenios2048-threshold", "BELENIOS-2048");
    check_credentials("b2-rfc3526-2048-threshold", "RFC-3526-2048");
    check_credentials("d-ed25519-weighted", "Ed25519");
    test_tampered_trustees("a-ed25519-threshold", "Ed25519");
    test_tampered_trustees("b1-belenios2048-threshold", "BELENIOS-2048");
    test_election_members();
    test_weighted_result();
    test_v3_ceremony("Ed25519");
    test_v3_ceremony("BELENIOS-2048");
    return CHECK_DONE();
}
