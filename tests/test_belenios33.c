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

static void test_records(void)
{
    check_record("a-ed25519-threshold");
    check_record("b1-belenios2048-threshold");
    check_record("b2-rfc3526-2048-threshold");
    check_record("d-ed25519-weighted");
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

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_records();
    check_dkeys("a-ed25519-threshold", "Ed25519");
    check_dkeys("b1-belenios2048-threshold", "BELENIOS-2048");
    check_dkeys("b2-rfc3526-2048-threshold", "RFC-3526-2048");
    return CHECK_DONE();
}
