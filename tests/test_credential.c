/*
 * Tests of consulta/credential.h: the reference elections' private
 * credentials derive exactly their public lists (Belenios 2.0 BELENIOS-2048
 * and 2.1 Ed25519), the list's fingerprint is the board's credential hash,
 * checksums and strict parsing refuse what they must, and belenios-tool
 * agrees with generation and derivation.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "check.h"
#include "consulta/archive.h"
#include "consulta/base58.h"
#include "consulta/credential.h"
#include "consulta/limits.h"

#define FF_DIR "belenios-2.0-ff"
#define FF_BEL "ejrMrFDogJEHkZ.bel"
#define ED_DIR "belenios-2.1-ed25519"
#define ED_BEL "roEZNrAz8upuV8.bel"

static char tmpdir[] = "/tmp/cns-cred-XXXXXX";

/* ---- helpers ------------------------------------------------------------------ */

static const char *testdata(const char *dir, const char *file, char *out, size_t cap)
{
    const char *root = getenv("CNS_TESTDATA");
    snprintf(out, cap, "%s/%s/%s", root ? root : "../shared/testdata", dir, file);
    return out;
}

/* The whole file, NUL-terminated, trailing newlines removed; NULL on error. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0, cap = 0, got;
    char chunk[65536];
    if (f == NULL)
        return NULL;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + got + 1 > cap) {
            cap = (n + got + 1) * 2;
            p = realloc(p, cap);
            if (p == NULL)
                abort();
        }
        memcpy(p + n, chunk, got);
        n += got;
    }
    fclose(f);
    if (p == NULL)
        p = calloc(1, 1);
    while (n > 0 && p[n - 1] == '\n')
        n--;
    p[n] = '\0';
    *len = n;
    return p;
}

static int run(const char *cmd)
{
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* election.json's group and uuid. */
static const cns_group *election_info(const char *dir, char uuid[CNS_UUID_MAX_LEN + 1])
{
    char path[512];
    size_t len;
    char *text = slurp(testdata(dir, "election.json", path, sizeof path), &len);
    json_t *root = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const cns_group *g = NULL;
    if (root != NULL) {
        g = cns_group_by_name(json_string_value(json_object_get(root, "group")));
        snprintf(uuid, CNS_UUID_MAX_LEN + 1, "%s",
                 json_string_value(json_object_get(root, "uuid")));
    }
    json_decref(root);
    free(text);
    return g;
}

/* Data entry `index` of a board (1 = election, 2 = trustees, 3 = credentials). */
static char *board_entry(const char *dir, const char *bel, uint64_t index, size_t *len,
                         unsigned char hash[32])
{
    char path[512];
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    char *out = NULL;
    if (cns_archive_reader_open(&r, testdata(dir, bel, path, sizeof path), 0, NULL) != CNS_OK)
        return NULL;
    while (cns_archive_reader_next(r, &e, NULL) == CNS_OK && e.kind != CNS_ARCHIVE_END) {
        if (e.index == index) {
            out = malloc(e.len + 1);
            memcpy(out, e.content, e.len);
            out[e.len] = '\0';
            *len = e.len;
            memcpy(hash, e.hash, 32);
            break;
        }
    }
    cns_archive_reader_free(r);
    return out;
}

/* The element text of an id in a tool-form list ("elt,weight,id" items); NULL if absent. */
static const char *elt_of_id(json_t *list, const char *id, size_t *elt_len)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *s = json_string_value(json_array_get(list, i));
        const char *c1 = s ? strchr(s, ',') : NULL;
        const char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (c2 != NULL && strcmp(c2 + 1, id) == 0) {
            *elt_len = (size_t)(c1 - s);
            return s;
        }
    }
    return NULL;
}

/*
 * Derive every "id credential" line of privcreds and compare with the entry of
 * that id in pubcreds (tool form). Returns the number of lines, or 0 on error.
 */
static size_t derive_all(const cns_group *g, const char *uuid, const char *privcreds,
                         const char *pubcreds, size_t publen)
{
    json_t *list = json_loadb(pubcreds, publen, JSON_REJECT_DUPLICATES, NULL);
    char *copy = strdup(privcreds), *save = NULL;
    size_t lines = 0, good = 0;
    for (char *line = strtok_r(copy, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *space = strchr(line, ' ');
        char text[CNS_ELT_TEXT_MAX];
        cns_elt pub;
        cns_diag diag = {{0}};
        size_t elt_len = 0;
        lines++;
        if (space == NULL)
            continue;
        *space = '\0';
        const char *want = elt_of_id(list, line, &elt_len);
        if (cns_credential_public(g, uuid, strlen(uuid), space + 1, strlen(space + 1), &pub,
                                  &diag) != CNS_OK) {
            fprintf(stderr, "  %s: %s\n", line, diag.text);
            continue;
        }
        size_t n = cns_elt_to_text(g, text, sizeof text, &pub);
        if (want != NULL && n == elt_len && memcmp(text, want, n) == 0)
            good++;
        else
            fprintf(stderr, "  voter %s: derived public credential differs\n", line);
    }
    size_t listed = json_array_size(list);
    json_decref(list);
    free(copy);
    return good == lines && listed == lines ? lines : 0;
}

/* ---- the reference elections -------------------------------------------------------- */

static void test_reference(const char *dir, const char *bel, const char *group_name)
{
    char path[512], uuid[CNS_UUID_MAX_LEN + 1], fp[CNS_CREDENTIAL_FINGERPRINT_BYTES],
        hash_fp[CNS_CREDENTIAL_FINGERPRINT_BYTES];
    size_t privlen = 0, publen = 0, boardlen = 0, jlen = 0;
    unsigned char hash[32];
    cns_diag diag = {{0}};
    cns_credential_list *list = NULL, *list2 = NULL;
    char *json = NULL;
    const cns_group *g = election_info(dir, uuid);
    CHECK(g != NULL && strcmp(cns_group_name(g), group_name) == 0);
    if (g == NULL)
        return;
    char *priv = slurp(testdata(dir, "private_creds.txt", path, sizeof path), &privlen);
    char *pub = slurp(testdata(dir, "public_creds.json", path, sizeof path), &publen);
    CHECK(priv != NULL && pub != NULL);
    if (priv == NULL || pub == NULL)
        return;

    /* Every private credential derives the public one listed for its voter. */
    CHECK(derive_all(g, uuid, priv, pub, publen) == 20);

    /* public_creds.json (ids) becomes exactly the board's credential entry. */
    char *board = board_entry(dir, bel, 3, &boardlen, hash);
    CHECK(board != NULL);
    CHECK_OK(cns_credential_list_parse(&list, g, pub, publen, CNS_CREDENTIAL_LIST_IDS, &diag));
    if (list != NULL && board != NULL) {
        CHECK(cns_credential_list_count(list) == 20);
        CHECK(!cns_credential_list_weighted(list));
        CHECK(cns_credential_list_total_weight(list) == 20);
        CHECK(cns_credential_list_group(list) == g);
        CHECK_OK(cns_credential_list_to_json(list, &json, &jlen, &diag));
        CHECK(json != NULL && jlen == boardlen && memcmp(json, board, jlen) == 0);
        CHECK_OK(cns_credential_list_fingerprint(list, fp, &diag));
        sodium_bin2base64(hash_fp, sizeof hash_fp, hash, 32,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
        CHECK(strcmp(fp, hash_fp) == 0);
        cns_credential_fingerprint(board, boardlen, fp);
        CHECK(strcmp(fp, hash_fp) == 0);
        /* The board's form parses to the same list, and without the IDS flag only. */
        CHECK_OK(cns_credential_list_parse(&list2, g, board, boardlen, 0, &diag));
        CHECK(list2 != NULL && cns_credential_list_count(list2) == 20);
        cns_credential_list_free(list2);
        CHECK_ERR(
            cns_credential_list_parse(&list2, g, board, boardlen, CNS_CREDENTIAL_LIST_IDS, &diag),
            CNS_ERR_DECODE);
        CHECK(list2 == NULL);
        CHECK_ERR(cns_credential_list_parse(&list2, g, pub, publen, 0, &diag), CNS_ERR_DECODE);
        CHECK_CONTAINS(diag.text, "credential 1: expected \"<element>\" or");
        /* Lookups: each listed element is found at its place; g is not listed. */
        cns_elt e;
        uint64_t w = 0;
        size_t at = 99;
        CHECK_OK(cns_credential_list_get(list, 7, &e, &w));
        CHECK(w == 1);
        CHECK_OK(cns_credential_list_find(list, &e, &w, &at));
        CHECK(at == 7 && w == 1);
        cns_group_generator(g, &e);
        CHECK_ERR(cns_credential_list_find(list, &e, NULL, NULL), CNS_ERR_NOTFOUND);
        CHECK_ERR(cns_credential_list_get(list, 20, &e, NULL), CNS_ERR_INVALID);
    }
    free(json);
    free(board);
    cns_credential_list_free(list);
    free(priv);
    free(pub);
}

/* ---- private credentials ------------------------------------------------------------ */

static bool dashed_shape(const char *c)
{
    if (strlen(c) != CNS_CREDENTIAL_LEN)
        return false;
    for (size_t i = 0; i < CNS_CREDENTIAL_LEN; i++) {
        if ((i % 4 == 3) != (c[i] == '-'))
            return false;
        if (i % 4 != 3 && cns_base58_digit(c[i]) < 0)
            return false;
    }
    return true;
}

static int compare_creds(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void test_generate(void)
{
    enum { N = 2000 };
    static char creds[N][CNS_CREDENTIAL_BYTES];
    unsigned counts[58] = {0};
    bool shape = true, valid = true, distinct = true;
    for (size_t i = 0; i < N; i++) {
        CHECK_OK(cns_credential_generate(creds[i]));
        shape = shape && dashed_shape(creds[i]);
        valid = valid && cns_credential_check(creds[i], strlen(creds[i]), NULL) == CNS_OK;
        for (size_t k = 0; k < CNS_CREDENTIAL_LEN - 1; k++) {
            if (k % 4 != 3)
                counts[cns_base58_digit(creds[i][k])]++;
        }
    }
    CHECK(shape);
    CHECK(valid);
    qsort(creds, N, sizeof creds[0], compare_creds);
    for (size_t i = 1; i < N; i++)
        distinct = distinct && strcmp(creds[i - 1], creds[i]) != 0;
    CHECK(distinct);
    /* The 14 random digits are uniform: chi-square, 57 degrees of freedom. */
    double expected = N * 14.0 / 58, chi2 = 0;
    for (int d = 0; d < 58; d++)
        chi2 += (counts[d] - expected) * (counts[d] - expected) / expected;
    CHECK(chi2 < 120.0);
}

/* The checksum digit of 14 digit characters (test-side arithmetic, plain %). */
static int checksum_of(const char *raw14)
{
    unsigned acc = 0;
    for (int i = 0; i < 14; i++)
        acc = (acc * 58 + (unsigned)cns_base58_digit(raw14[i])) % 53;
    return 53 - (int)acc;
}

static void test_check(void)
{
    const char *alphabet = CNS_BASE58_ALPHABET;
    cns_diag diag = {{0}};
    char path[512], c[CNS_CREDENTIAL_BYTES];
    size_t len;

    /* The reference private credentials are well-formed. */
    const char *dirs[] = {FF_DIR, ED_DIR};
    for (size_t k = 0; k < 2; k++) {
        char *priv = slurp(testdata(dirs[k], "private_creds.txt", path, sizeof path), &len);
        size_t ok = 0, lines = 0;
        for (char *p = priv; p != NULL && *p != '\0';) {
            char *nl = strchr(p, '\n'), *sp = strchr(p, ' ');
            size_t end = nl ? (size_t)(nl - p) : strlen(p);
            lines++;
            if (sp != NULL && (size_t)(sp - p) < end)
                ok += cns_credential_check(sp + 1, end - (size_t)(sp - p) - 1, &diag) == CNS_OK;
            p = nl ? nl + 1 : NULL;
        }
        CHECK(lines == 20 && ok == 20);
        free(priv);
    }

    /* Every single-character change is caught, except a digit moved by exactly 53. */
    const char *base = "KEB-yc6-Kds-VVP-6Vi";
    CHECK_OK(cns_credential_check(base, 19, &diag));
    CHECK_OK(cns_credential_check("KEByc6KdsVVP6Vi", 15, &diag));
    size_t missed = 0, silent_53 = 0;
    for (size_t pos = 0; pos < 19; pos++) {
        if (pos % 4 == 3)
            continue;
        for (int d = 0; d < 58; d++) {
            memcpy(c, base, 20);
            if (c[pos] == alphabet[d])
                continue;
            int delta = d - cns_base58_digit(base[pos]);
            c[pos] = alphabet[d];
            cns_err err = cns_credential_check(c, 19, &diag);
            bool undetectable = pos < 17 && (delta == 53 || delta == -53);
            if (undetectable)
                silent_53 += err == CNS_OK;
            else
                missed += err != CNS_ERR_DECODE;
        }
    }
    CHECK(missed == 0);
    CHECK(silent_53 > 0);
    memcpy(c, base, 20);
    c[18] = c[18] == 'j' ? 'k' : 'j';
    CHECK_ERR(cns_credential_check(c, 19, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "wrong checksum");
    CHECK(strstr(diag.text, "KEB") == NULL);

    /* Value ≡ 0 mod 53: the checksum is 'v' (53); belenios-tool also takes '1', we do not. */
    char raw[16] = "abcdefghijkmn1";
    for (int d = 0; d < 58 && checksum_of(raw) != 53; d++)
        raw[13] = alphabet[d];
    CHECK(checksum_of(raw) == 53);
    raw[14] = 'v';
    raw[15] = '\0';
    CHECK_OK(cns_credential_check(raw, 15, &diag));
    raw[14] = '1';
    CHECK_ERR(cns_credential_check(raw, 15, &diag), CNS_ERR_DECODE);

    /* Shapes. */
    CHECK_ERR(cns_credential_check("KEB-yc6-Kds-VVP-6V", 18, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "18 characters");
    CHECK_ERR(cns_credential_check("KEB-yc6-KdsV-VP-6Vi", 19, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "(character 12)");
    CHECK_ERR(cns_credential_check("KEB-yc6-Kds-VVP-6V0", 19, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "character 19 is not a Base58 digit");
    CHECK_ERR(cns_credential_check("KEB-yl6-Kds-VVP-6Vi", 19, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "character 6 is not a Base58 digit");
    CHECK_ERR(cns_credential_check("KEB-yc6-Kds-VVP-6Vi ", 20, &diag), CNS_ERR_DECODE);
    CHECK_ERR(cns_credential_check("", 0, &diag), CNS_ERR_DECODE);
    CHECK_ERR(cns_credential_check("KEB-yc6-K\0s-VVP-6Vi", 19, &diag), CNS_ERR_DECODE);
}

static void test_derive(void)
{
    const cns_group *g = cns_group_by_name("Ed25519");
    cns_scalar s1, s2;
    cns_elt p1, p2;
    cns_diag diag = {{0}};
    const char *cred = "KEB-yc6-Kds-VVP-6Vi", *uuid = "roEZNrAz8upuV8";
    CHECK_OK(cns_credential_derive(g, uuid, 14, cred, 19, &s1, &diag));
    CHECK_OK(cns_credential_derive(g, uuid, 14, "KEByc6KdsVVP6Vi", 15, &s2, &diag));
    /* As in Belenios: the text as given is the password, so the forms differ. */
    CHECK(!cns_scalar_eq(&s1, &s2));
    CHECK_OK(cns_credential_public(g, uuid, 14, cred, 19, &p1, &diag));
    cns_group_pow_g(g, &p2, &s1);
    CHECK(cns_elt_eq(g, &p1, &p2));
    /* Another uuid, another credential. */
    CHECK_OK(cns_credential_public(g, "roEZNrAz8upuV9", 14, cred, 19, &p2, &diag));
    CHECK(!cns_elt_eq(g, &p1, &p2));
    CHECK_ERR(cns_credential_derive(g, "short", 5, cred, 19, &s1, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "uuid");
    CHECK_ERR(cns_credential_public(g, uuid, 14, "KEB-yc6-Kds-VVP-6Vj", 19, &p1, &diag),
              CNS_ERR_DECODE);
    sodium_memzero(&s1, sizeof s1);
    sodium_memzero(&s2, sizeof s2);
}

/* ---- public lists ------------------------------------------------------------------- */

static cns_err parse(const cns_group *g, const char *json, unsigned flags, cns_diag *diag,
                     size_t *count)
{
    cns_credential_list *l = NULL;
    cns_err err = cns_credential_list_parse(&l, g, json, strlen(json), flags, diag);
    if (count != NULL)
        *count = l ? cns_credential_list_count(l) : 0;
    cns_credential_list_free(l);
    return err;
}

static void test_list_rules(void)
{
    const cns_group *g = cns_group_by_name("Ed25519");
    cns_diag diag = {{0}};
    char json[2048], *out = NULL;
    size_t n, len;
    /* Three Ed25519 public credentials from the reference election. */
    const char *a = "54a28845a47fdb914eced48c4241d2e4d8e4249fc436cf2114c17b5381ec010d";
    const char *b = "e4b69fa4887149d3798aa1d8aa954c371e038c10fad2446658de159e5e22051b";
    const char *c = "0565ba09ed33d07e46f4f688066a096a5f203e0dd72cf70f4dcdacc44c05a72a";

    snprintf(json, sizeof json, "[\"%s\",\"%s\",\"%s\"]", c, a, b);
    CHECK_OK(parse(g, json, 0, &diag, &n));
    CHECK(n == 3);
    snprintf(json, sizeof json, "[\"%s\",\"%s\",\"%s\"]", a, b, a);
    CHECK_ERR(parse(g, json, 0, &diag, NULL), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "credentials 1 and 3 are the same public credential");
    snprintf(json, sizeof json, "[\"%s,1\",\"%s,2\",\"%s,1\"]", b, a, b);
    CHECK_ERR(parse(g, json, 0, &diag, NULL), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "credentials 1 and 3 are the same");

    /* Elements: not hex, upper case, not in the group (a point of order 4). */
    snprintf(json, sizeof json, "[\"%s\",\"%.63sg\"]", a, b);
    CHECK_ERR(parse(g, json, 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "credential 2: not the canonical text of a Ed25519 element");
    snprintf(json, sizeof json, "[\"%s\",\"%s\",\"E4%s\"]", a, c, b + 2);
    CHECK_ERR(parse(g, json, 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "credential 3");
    CHECK_ERR(parse(g, "[\"0000000000000000000000000000000000000000000000000000000000000000\"]", 0,
                    &diag, NULL),
              CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "credential 1: not an element of Ed25519");

    /* Weights. */
    static const char *const bad_weights[][2] = {
        {",0", "not a positive decimal integer"},   {",01", "not a positive decimal integer"},
        {",-1", "not a positive decimal integer"},  {",+1", "not a positive decimal integer"},
        {",1.5", "not a positive decimal integer"}, {",", "empty weight"},
        {",4294967296", "weight above 4294967295"}, {",99999999999999999999", "positive decimal"},
        {",1,7", "expected \"<element>\" or"},
    };
    for (size_t i = 0; i < sizeof bad_weights / sizeof bad_weights[0]; i++) {
        snprintf(json, sizeof json, "[\"%s,3\",\"%s%s\"]", a, b, bad_weights[i][0]);
        cns_err err = parse(g, json, 0, &diag, NULL);
        CHECK(err == CNS_ERR_DECODE || err == CNS_ERR_INVALID);
        CHECK_CONTAINS(diag.text, bad_weights[i][1]);
        CHECK_CONTAINS(diag.text, "credential 2");
    }
    snprintf(json, sizeof json, "[\"%s,3\",\"%s\"]", a, b);
    CHECK_ERR(parse(g, json, 0, &diag, NULL), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "credential 2: weights are given for some credentials only");
    snprintf(json, sizeof json, "[\"%s\",\"%s,3\"]", a, b);
    CHECK_ERR(parse(g, json, 0, &diag, NULL), CNS_ERR_INVALID);

    /* A weighted list: sorted on output, weights kept, total. */
    cns_credential_list *l = NULL;
    snprintf(json, sizeof json, "[\"%s,1000000000\",\"%s,2\",\"%s,3\"]", b, c, a);
    CHECK_OK(cns_credential_list_parse(&l, g, json, strlen(json), 0, &diag));
    if (l != NULL) {
        CHECK(cns_credential_list_weighted(l));
        CHECK(cns_credential_list_total_weight(l) == 1000000005);
        CHECK_OK(cns_credential_list_to_json(l, &out, &len, &diag));
        snprintf(json, sizeof json, "[\"%s,3\",\"%s,1000000000\",\"%s,2\"]", a, b, c);
        CHECK(out != NULL && strcmp(out, json) == 0 && len == strlen(json));
        free(out);
        cns_credential_list_free(l);
    }
    /* Tool form with ids and weights. */
    snprintf(json, sizeof json, "[\"%s,5,alice\",\"%s,6,bob\"]", a, b);
    CHECK_OK(cns_credential_list_parse(&l, g, json, strlen(json), CNS_CREDENTIAL_LIST_IDS, &diag));
    CHECK(l != NULL && cns_credential_list_total_weight(l) == 11);
    cns_credential_list_free(l);
    snprintf(json, sizeof json, "[\"%s,5,\"]", a);
    CHECK_ERR(parse(g, json, CNS_CREDENTIAL_LIST_IDS, &diag, NULL), CNS_ERR_DECODE);
    snprintf(json, sizeof json, "[\"%s,5,x,y\"]", a);
    CHECK_ERR(parse(g, json, CNS_CREDENTIAL_LIST_IDS, &diag, NULL), CNS_ERR_DECODE);

    /* Shapes of the JSON. */
    CHECK_OK(parse(g, "[]", 0, &diag, &n));
    CHECK(n == 0);
    CHECK_ERR(parse(g, "{}", 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "not a JSON array");
    CHECK_ERR(parse(g, "[1]", 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "credential 1: not a string");
    CHECK_ERR(parse(g, "[\"", 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "invalid JSON");
    CHECK_ERR(parse(g, "", 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_ERR(cns_credential_list_parse(&l, g, "[]", CNS_CREDENTIAL_LIST_MAX_BYTES + 1, 0, &diag),
              CNS_ERR_LIMIT);
    CHECK(l == NULL);
    cns_credential_list_free(NULL);
    l = NULL;
    CHECK_OK(cns_credential_list_parse(&l, g, "[]", 2, 0, &diag));
    if (l != NULL) {
        CHECK_OK(cns_credential_list_to_json(l, &out, &len, &diag));
        CHECK(out != NULL && strcmp(out, "[]") == 0 && len == 2);
        free(out);
    }
    cns_credential_list_free(l);
}

/* ---- batches ---------------------------------------------------------------------- */

/* Each secret of the batch derives a listed public credential with its weight. */
static bool batch_consistent(const cns_credential_batch *b, const cns_group *g, const char *uuid,
                             const uint64_t *weights)
{
    const cns_credential_list *l = cns_credential_batch_public(b);
    bool ok = cns_credential_list_count(l) == cns_credential_batch_count(b);
    for (size_t i = 0; ok && i < cns_credential_batch_count(b); i++) {
        const char *s = cns_credential_batch_secret(b, i);
        cns_elt pub;
        uint64_t w = 0;
        ok = dashed_shape(s) &&
             cns_credential_public(g, uuid, strlen(uuid), s, strlen(s), &pub, NULL) == CNS_OK &&
             cns_credential_list_find(l, &pub, &w, NULL) == CNS_OK &&
             w == (weights ? weights[i] : 1);
    }
    return ok;
}

static void test_batch(void)
{
    const cns_group *r = cns_group_by_name("ristretto255");
    cns_credential_batch *b = NULL;
    cns_diag diag = {{0}};
    char uuid[CNS_UUID_LEN + 1];
    CHECK_OK(cns_base58_uuid_new(uuid));

    /* belenios-tool's numbering: ids of one width. */
    static const struct {
        size_t n;
        const char *first, *last;
    } numbering[] = {{3, "1", "3"}, {9, "10", "18"}, {20, "10", "29"}, {91, "100", "190"}};
    for (size_t k = 0; k < sizeof numbering / sizeof numbering[0]; k++) {
        size_t n = numbering[k].n;
        CHECK_OK(cns_credential_batch_generate(&b, r, uuid, strlen(uuid), n, NULL, NULL, &diag));
        if (b == NULL)
            continue;
        CHECK(cns_credential_batch_count(b) == n);
        CHECK(strcmp(cns_credential_batch_id(b, 0), numbering[k].first) == 0);
        CHECK(strcmp(cns_credential_batch_id(b, n - 1), numbering[k].last) == 0);
        CHECK(cns_credential_batch_id(b, n) == NULL && cns_credential_batch_secret(b, n) == NULL);
        CHECK(batch_consistent(b, r, uuid, NULL));
        CHECK(!cns_credential_list_weighted(cns_credential_batch_public(b)));
        cns_credential_batch_free(b);
    }
    /* Given ids and weights. */
    const char *ids[] = {"alice@example.org", "bob", "carol"};
    const uint64_t weights[] = {1, 2, 1000000000};
    CHECK_OK(cns_credential_batch_generate(&b, r, uuid, strlen(uuid), 3, ids, weights, &diag));
    if (b != NULL) {
        CHECK(strcmp(cns_credential_batch_id(b, 0), "alice@example.org") == 0);
        CHECK(strcmp(cns_credential_batch_id(b, 2), "carol") == 0);
        CHECK(batch_consistent(b, r, uuid, weights));
        CHECK(cns_credential_list_total_weight(cns_credential_batch_public(b)) == 1000000003);
        char *json = NULL;
        size_t len;
        CHECK_OK(cns_credential_list_to_json(cns_credential_batch_public(b), &json, &len, &diag));
        CHECK(json != NULL && strstr(json, ",1000000000\"") != NULL &&
              strstr(json, ",2\"") != NULL);
        free(json);
    }
    cns_credential_batch_free(b);
    cns_credential_batch_free(NULL);

    /* Refusals. */
    const char *bad_ids[][3] = {{"a", "b c", "d"}, {"a", "b,c", "d"}, {"a", "", "d"}};
    for (size_t k = 0; k < 3; k++) {
        CHECK_ERR(
            cns_credential_batch_generate(&b, r, uuid, strlen(uuid), 3, bad_ids[k], NULL, &diag),
            CNS_ERR_INVALID);
        CHECK_CONTAINS(diag.text, "voter 2: id");
        CHECK(b == NULL);
    }
    const uint64_t zero[] = {1, 0}, big[] = {CNS_MAX_WEIGHT + 1ull, 1};
    CHECK_ERR(cns_credential_batch_generate(&b, r, uuid, strlen(uuid), 2, NULL, zero, &diag),
              CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "voter 2: weight 0");
    CHECK_ERR(cns_credential_batch_generate(&b, r, uuid, strlen(uuid), 2, NULL, big, &diag),
              CNS_ERR_INVALID);
    CHECK_ERR(cns_credential_batch_generate(&b, r, uuid, strlen(uuid), 0, NULL, NULL, &diag),
              CNS_ERR_INVALID);
    CHECK_ERR(cns_credential_batch_generate(&b, r, uuid, strlen(uuid), CNS_MAX_VOTERS + 1ull, NULL,
                                            NULL, &diag),
              CNS_ERR_LIMIT);
    CHECK_ERR(cns_credential_batch_generate(&b, r, "bad uuid", 8, 2, NULL, NULL, &diag),
              CNS_ERR_DECODE);
}

/* ---- belenios-tool ------------------------------------------------------------------ */

static void test_belenios_tool(void)
{
    const cns_group *g = cns_group_by_name("BELENIOS-2048");
    char uuid[CNS_UUID_LEN + 1], cmd[2048], path[600], fp[CNS_CREDENTIAL_FINGERPRINT_BYTES];
    cns_diag diag = {{0}};
    size_t privlen = 0, publen = 0, loglen = 0;
    CHECK(run("command -v belenios-tool >/dev/null 2>&1") == 0);
    CHECK_OK(cns_base58_uuid_new(uuid));

    /* The tool generates; we derive its private credentials into its public ones. */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && belenios-tool setup generate-credentials --uuid %s --group BELENIOS-2048 "
             "--count 3 >log 2>&1 && cat *.privcreds >priv && cat *.pubcreds >pub",
             tmpdir, uuid);
    CHECK(run(cmd) == 0);
    snprintf(path, sizeof path, "%s/priv", tmpdir);
    char *priv = slurp(path, &privlen);
    snprintf(path, sizeof path, "%s/pub", tmpdir);
    char *pub = slurp(path, &publen);
    snprintf(path, sizeof path, "%s/log", tmpdir);
    char *log = slurp(path, &loglen);
    CHECK(priv != NULL && pub != NULL && log != NULL);
    if (priv != NULL && pub != NULL && log != NULL) {
        CHECK(derive_all(g, uuid, priv, pub, publen) == 3);
        /* Same sorting and same fingerprint as the tool printed. */
        cns_credential_list *l = NULL;
        CHECK_OK(cns_credential_list_parse(&l, g, pub, publen, CNS_CREDENTIAL_LIST_IDS, &diag));
        if (l != NULL) {
            CHECK_OK(cns_credential_list_fingerprint(l, fp, &diag));
            CHECK_CONTAINS(log, fp);
            char *json = NULL;
            size_t len;
            CHECK_OK(cns_credential_list_to_json(l, &json, &len, &diag));
            /* The tool's file is in the same order: stripping ",,id" gives our bytes. */
            json_t *tool = json_loadb(pub, publen, 0, NULL);
            bool same_order = tool != NULL && json_array_size(tool) == 3;
            const char *p = json ? json + 1 : "";
            for (size_t i = 0; same_order && i < 3; i++) {
                const char *s = json_string_value(json_array_get(tool, i));
                size_t el = (size_t)(strchr(s, ',') - s);
                same_order = p[0] == '"' && strncmp(p + 1, s, el) == 0 && p[1 + el] == '"';
                p += el + 3;
            }
            CHECK(same_order);
            json_decref(tool);
            free(json);
        }
        cns_credential_list_free(l);
    }
    free(priv);
    free(pub);
    free(log);

    /* We generate; the tool derives our private credentials into our public ones. */
    cns_credential_batch *b = NULL;
    CHECK_OK(cns_credential_batch_generate(&b, g, uuid, strlen(uuid), 2, NULL, NULL, &diag));
    for (size_t i = 0; b != NULL && i < 2; i++) {
        const char *secret = cns_credential_batch_secret(b, i);
        char text[CNS_ELT_TEXT_MAX];
        cns_elt pub_elt;
        snprintf(cmd, sizeof cmd,
                 "belenios-tool setup generate-credentials --derive %s --uuid %s --group "
                 "BELENIOS-2048 >'%s/derived' 2>&1",
                 secret, uuid, tmpdir);
        CHECK(run(cmd) == 0);
        snprintf(path, sizeof path, "%s/derived", tmpdir);
        char *derived = slurp(path, &loglen);
        CHECK_OK(
            cns_credential_public(g, uuid, strlen(uuid), secret, strlen(secret), &pub_elt, &diag));
        cns_elt_to_text(g, text, sizeof text, &pub_elt);
        CHECK(derived != NULL && strcmp(derived, text) == 0);
        CHECK_OK(cns_credential_list_find(cns_credential_batch_public(b), &pub_elt, NULL, NULL));
        free(derived);
    }
    cns_credential_batch_free(b);
    snprintf(cmd, sizeof cmd, "shred -u '%s/priv' 2>/dev/null; rm -f '%s'/*", tmpdir, tmpdir);
    (void)run(cmd);
}

int main(void)
{
    if (sodium_init() < 0 || mkdtemp(tmpdir) == NULL)
        return 2;
    test_generate();
    test_check();
    test_derive();
    test_reference(FF_DIR, FF_BEL, "BELENIOS-2048");
    test_reference(ED_DIR, ED_BEL, "Ed25519");
    test_list_rules();
    test_batch();
    test_belenios_tool();
    rmdir(tmpdir);
    return CHECK_DONE();
}
