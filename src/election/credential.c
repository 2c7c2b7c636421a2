/*
 * Voter credentials (consulta/credential.h): private credentials with their
 * checksum, the PBKDF2 derivation of the secret, the sorted public list and
 * its fingerprint, and batches for an election.
 */
#include "consulta/credential.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nettle/pbkdf2.h>
#include <sodium.h>

#include "consulta/base58.h"
#include "consulta/limits.h"

#define RANDOM_DIGITS     14
#define CHECKSUM_MODULUS  53u
#define PBKDF2_ITERATIONS 1000
#define DIGEST_BYTES      32
/* Longest numeric voter id (decimal of a size_t) plus NUL. */
#define NUMERIC_ID_MAX 24

/* ---- private credentials ------------------------------------------------------- */

/* x mod 53 for x < 3132, without division or branch (q is floor(x/53) or one less). */
static unsigned mod53(unsigned x)
{
    unsigned q = (x * 1236u) >> 16;
    unsigned r = x - CHECKSUM_MODULUS * q;
    unsigned ge = ((52u - r) >> 31) & 1u;
    return r - CHECKSUM_MODULUS * ge;
}

/* The 14 digits as a base-58 number, mod 53; digits[i] < 58. CT. */
static unsigned value_mod53(const unsigned digits[RANDOM_DIGITS])
{
    unsigned acc = 0;
    for (size_t i = 0; i < RANDOM_DIGITS; i++)
        acc = mod53(acc * 58u + digits[i]);
    return acc;
}

/* Write 15 characters as XXX-XXX-XXX-XXX-XXX and a NUL. */
static void with_dashes(char out[CNS_CREDENTIAL_BYTES], const char raw[CNS_CREDENTIAL_DIGITS])
{
    size_t k = 0;
    for (size_t i = 0; i < CNS_CREDENTIAL_DIGITS; i++) {
        if (i > 0 && i % 3 == 0)
            out[k++] = '-';
        out[k++] = raw[i];
    }
    out[k] = '\0';
}

cns_err cns_credential_generate(char out[CNS_CREDENTIAL_BYTES])
{
    char raw[CNS_CREDENTIAL_DIGITS + 1];
    unsigned digits[RANDOM_DIGITS];
    cns_err err = cns_base58_random(raw, RANDOM_DIGITS);
    if (err != CNS_OK)
        goto done;
    for (size_t i = 0; i < RANDOM_DIGITS; i++)
        digits[i] = (unsigned)cns_base58_digit(raw[i]);
    raw[RANDOM_DIGITS] = cns_base58_char(CHECKSUM_MODULUS - value_mod53(digits));
    with_dashes(out, raw);
done:
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(digits, sizeof digits);
    return err;
}

/* The 15 digit characters of a credential in either form, or an error. */
static cns_err undash(char raw[CNS_CREDENTIAL_DIGITS], const char *text, size_t len, cns_diag *diag)
{
    if (len == CNS_CREDENTIAL_DIGITS) {
        memcpy(raw, text, CNS_CREDENTIAL_DIGITS);
        return CNS_OK;
    }
    if (len != CNS_CREDENTIAL_LEN)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "credential: %zu characters, expected XXX-XXX-XXX-XXX-XXX", len);
    for (size_t i = 0, k = 0; i < CNS_CREDENTIAL_LEN; i++) {
        bool dash_place = i % 4 == 3;
        if (dash_place != (text[i] == '-'))
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "credential: expected XXX-XXX-XXX-XXX-XXX (character %zu)", i + 1);
        if (!dash_place)
            raw[k++] = text[i];
    }
    return CNS_OK;
}

/* Position (1-based, in text) of the first non-Base58 character; error path only. */
static size_t bad_position(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '-' && cns_base58_digit(text[i]) < 0)
            return i + 1;
    }
    return 0;
}

cns_err cns_credential_check(const char *text, size_t len, cns_diag *diag)
{
    char raw[CNS_CREDENTIAL_DIGITS];
    unsigned digits[RANDOM_DIGITS], bad = 0, sum, check, expected;
    cns_err err = undash(raw, text, len, diag);
    if (err != CNS_OK)
        goto done;
    for (size_t i = 0; i < RANDOM_DIGITS; i++) {
        int d = cns_base58_digit(raw[i]);
        bad |= (unsigned)d >> 31;
        digits[i] = (unsigned)d & 63u; /* garbage if bad, but < 64 and never used then */
    }
    check = (unsigned)cns_base58_digit(raw[RANDOM_DIGITS]);
    bad |= check >> 31;
    for (size_t i = 0; i < RANDOM_DIGITS; i++)
        digits[i] &= 0u - (1u ^ bad); /* keep the arithmetic in range */
    expected = CHECKSUM_MODULUS - value_mod53(digits);
    sum = bad | (check ^ expected);
    if (bad)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "credential: character %zu is not a Base58 digit",
                           bad_position(text, len));
    else if (sum != 0)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "credential: wrong checksum (mistyped?)");
done:
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(digits, sizeof digits);
    return err;
}

/* ---- Belenios 3.x credentials (spec 3.3 §"Credentials") ---- */

/* Where the dashes of XXXXX-XXXXXX-XXXXX-XXXXXX are. */
static bool v3_dash_place(size_t i)
{
    return i == 5 || i == 12 || i == 18;
}

bool cns_credential_is_v3(const char *text, size_t len)
{
    return len == CNS_CREDENTIAL_V3_LEN && text[5] == '-' && text[12] == '-' && text[18] == '-';
}

/* 22 Base58 digits in the 5-6-5-6 groups. CT in the digits (only the verdict shows). */
static cns_err v3_check(const char *text, size_t len, cns_diag *diag)
{
    unsigned bad = 0;
    if (!cns_credential_is_v3(text, len))
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "credential: expected XXXXX-XXXXXX-XXXXX-XXXXXX (Belenios 3.x)");
    for (size_t i = 0; i < len; i++) {
        if (v3_dash_place(i))
            continue;
        bad |= (unsigned)cns_base58_digit(text[i]) >> 31;
        bad |= (unsigned)(text[i] == '-');
    }
    if (bad)
        return cns_diag_set(diag, CNS_ERR_DECODE, "credential: character %zu is not a Base58 digit",
                            bad_position(text, len));
    return CNS_OK;
}

/*
 * x = int_be(hex(SHA256("derive_credential|uuid|0|c")) ‖ hex(SHA256("…|1|c")))
 * mod q: the two digests as one 512-bit big-endian number. CT in c.
 */
static void v3_derive(const cns_group *group, const char *uuid, size_t uuid_len, const char *cred,
                      size_t cred_len, cns_scalar *s)
{
    unsigned char both[2 * DIGEST_BYTES];
    crypto_hash_sha256_state sha;
    for (int i = 0; i < 2; i++) {
        crypto_hash_sha256_init(&sha);
        crypto_hash_sha256_update(&sha, (const unsigned char *)"derive_credential|", 18);
        crypto_hash_sha256_update(&sha, (const unsigned char *)uuid, uuid_len);
        crypto_hash_sha256_update(&sha, (const unsigned char *)(i == 0 ? "|0|" : "|1|"), 3);
        crypto_hash_sha256_update(&sha, (const unsigned char *)cred, cred_len);
        crypto_hash_sha256_final(&sha, both + i * DIGEST_BYTES);
    }
    cns_scalar_from_be(group, s, both, sizeof both);
    sodium_memzero(both, sizeof both);
    sodium_memzero(&sha, sizeof sha);
}

cns_err cns_credential_generate_v3(char out[CNS_CREDENTIAL_V3_BYTES])
{
    char raw[CNS_CREDENTIAL_V3_DIGITS + 1];
    cns_err err = cns_base58_random(raw, CNS_CREDENTIAL_V3_DIGITS);
    for (size_t i = 0, k = 0; err == CNS_OK && i < CNS_CREDENTIAL_V3_LEN; i++)
        out[i] = v3_dash_place(i) ? '-' : raw[k++];
    out[CNS_CREDENTIAL_V3_LEN] = '\0';
    sodium_memzero(raw, sizeof raw);
    return err;
}

cns_err cns_credential_derive(const cns_group *group, const char *uuid, size_t uuid_len,
                              const char *cred, size_t cred_len, cns_scalar *s, cns_diag *diag)
{
    unsigned char digest[DIGEST_BYTES];
    cns_err err = cns_base58_uuid_check(uuid, uuid_len, diag);
    if (err == CNS_OK && cns_credential_is_v3(cred, cred_len)) {
        err = v3_check(cred, cred_len, diag);
        if (err == CNS_OK)
            v3_derive(group, uuid, uuid_len, cred, cred_len, s);
        return err;
    }
    if (err == CNS_OK)
        err = cns_credential_check(cred, cred_len, diag);
    if (err != CNS_OK)
        return err;
    pbkdf2_hmac_sha256(cred_len, (const uint8_t *)cred, PBKDF2_ITERATIONS, uuid_len,
                       (const uint8_t *)uuid, sizeof digest, digest);
    cns_scalar_from_digest(group, s, digest);
    sodium_memzero(digest, sizeof digest);
    return CNS_OK;
}

cns_err cns_credential_public(const cns_group *group, const char *uuid, size_t uuid_len,
                              const char *cred, size_t cred_len, cns_elt *out, cns_diag *diag)
{
    cns_scalar s;
    cns_err err = cns_credential_derive(group, uuid, uuid_len, cred, cred_len, &s, diag);
    if (err == CNS_OK)
        cns_group_pow_g(group, out, &s);
    sodium_memzero(&s, sizeof s);
    return err;
}

/* ---- the public list ------------------------------------------------------------ */

/*
 * Records, sorted by key: the element's canonical encoding (key_len bytes),
 * then its weight and its position in the input (uint64_t each, native).
 */
struct cns_credential_list {
    const cns_group *group;
    size_t n, key_len, rec_len;
    bool weighted;
    uint64_t total;
    unsigned char *recs;
};

static unsigned char *rec_at(const cns_credential_list *l, size_t i)
{
    return l->recs + i * l->rec_len;
}

static uint64_t rec_u64(const cns_credential_list *l, size_t i, size_t which)
{
    uint64_t v;
    memcpy(&v, rec_at(l, i) + l->key_len + 8 * which, sizeof v);
    return v;
}

static void rec_set(cns_credential_list *l, size_t i, const cns_elt *elt, uint64_t weight,
                    uint64_t index)
{
    unsigned char *r = rec_at(l, i);
    cns_elt_encode(l->group, r, elt);
    memcpy(r + l->key_len, &weight, sizeof weight);
    memcpy(r + l->key_len + 8, &index, sizeof index);
}

static cns_err list_new(cns_credential_list **out, const cns_group *group, size_t n, cns_diag *diag)
{
    cns_credential_list *l = calloc(1, sizeof *l);
    if (l == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "credential list: out of memory");
    l->group = group;
    l->n = n;
    l->key_len = cns_elt_bytes(group);
    l->rec_len = l->key_len + 16;
    l->recs = malloc(n > 0 ? n * l->rec_len : 1);
    if (l->recs == NULL) {
        free(l);
        return cns_diag_set(diag, CNS_ERR_NOMEM, "credential list: out of memory for %zu", n);
    }
    *out = l;
    return CNS_OK;
}

void cns_credential_list_free(cns_credential_list *list)
{
    if (list == NULL)
        return;
    free(list->recs);
    free(list);
}

static int compare_keys(const void *a, const void *b, void *key_len)
{
    return memcmp(a, b, *(const size_t *)key_len);
}

/* Sort by key, refuse a key twice, add up the weights. */
static cns_err list_finish(cns_credential_list *l, bool generated, cns_diag *diag)
{
    qsort_r(l->recs, l->n, l->rec_len, compare_keys, &l->key_len);
    l->total = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (i > 0 && memcmp(rec_at(l, i - 1), rec_at(l, i), l->key_len) == 0) {
            unsigned long long a = rec_u64(l, i - 1, 1) + 1, b = rec_u64(l, i, 1) + 1;
            if (a > b) {
                unsigned long long t = a;
                a = b;
                b = t;
            }
            if (generated)
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "generated credentials %llu and %llu collide: generate again",
                                    a, b);
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "credentials %llu and %llu are the same public credential", a, b);
        }
        l->total += rec_u64(l, i, 0);
    }
    return CNS_OK;
}

/* A weight: decimal, no sign or leading zero, 1 ≤ w ≤ CNS_MAX_WEIGHT. */
static cns_err parse_weight(const char *s, size_t len, uint64_t *w, size_t item, cns_diag *diag)
{
    uint64_t v = 0;
    if (len == 0 || len > 19 || s[0] == '0')
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "credential %zu: the weight is not a positive decimal integer", item);
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "credential %zu: the weight is not a positive decimal integer",
                                item);
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > CNS_MAX_WEIGHT)
        return cns_diag_set(diag, CNS_ERR_INVALID, "credential %zu: weight above %u", item,
                            CNS_MAX_WEIGHT);
    *w = v;
    return CNS_OK;
}

/* One item split at its commas: element, weight (maybe absent), and the id in IDS form. */
typedef struct item {
    const char *elt, *weight;
    size_t elt_len, weight_len;
    bool has_weight;
} item;

static cns_err split_item(item *it, const char *s, size_t len, unsigned flags, size_t index,
                          cns_diag *diag)
{
    const char *c1 = memchr(s, ',', len), *c2 = NULL, *end = s + len;
    if (c1 != NULL)
        c2 = memchr(c1 + 1, ',', (size_t)(end - c1 - 1));
    it->elt = s;
    it->elt_len = c1 ? (size_t)(c1 - s) : len;
    if (flags & CNS_CREDENTIAL_LIST_IDS) {
        if (c1 == NULL || c2 == NULL || c2 + 1 == end ||
            memchr(c2 + 1, ',', (size_t)(end - c2 - 1)))
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "credential %zu: expected \"<element>,<weight or empty>,<id>\"",
                                index);
        it->weight = c1 + 1;
        it->weight_len = (size_t)(c2 - c1 - 1);
        it->has_weight = it->weight_len > 0;
        return CNS_OK;
    }
    if (c2 != NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "credential %zu: expected \"<element>\" or \"<element>,<weight>\"",
                            index);
    it->has_weight = c1 != NULL;
    it->weight = c1 ? c1 + 1 : NULL;
    it->weight_len = c1 ? (size_t)(end - c1 - 1) : 0;
    if (c1 != NULL && it->weight_len == 0)
        return cns_diag_set(diag, CNS_ERR_DECODE, "credential %zu: empty weight", index);
    return CNS_OK;
}

static cns_err parse_item(cns_credential_list *l, size_t i, const json_t *v, unsigned flags,
                          cns_diag *diag)
{
    const char *name = cns_group_name(l->group);
    uint64_t weight = 1;
    cns_elt elt;
    item it = {0};
    cns_err err;
    if (!json_is_string(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "credential %zu: not a string", i + 1);
    if ((err = split_item(&it, json_string_value(v), json_string_length(v), flags, i + 1, diag)) !=
        CNS_OK)
        return err;
    if (i == 0)
        l->weighted = it.has_weight;
    if (it.has_weight != l->weighted)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "credential %zu: weights are given for some credentials only", i + 1);
    if (it.has_weight && (err = parse_weight(it.weight, it.weight_len, &weight, i + 1, diag)))
        return err;
    err = cns_elt_from_text(l->group, &elt, it.elt, it.elt_len);
    if (err == CNS_ERR_DECODE)
        return cns_diag_set(diag, err, "credential %zu: not the canonical text of a %s element",
                            i + 1, name);
    if (err != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_INVALID, "credential %zu: not an element of %s", i + 1,
                            name);
    rec_set(l, i, &elt, weight, i);
    return CNS_OK;
}

static cns_err load_array(json_t **root, const char *json, size_t len, cns_diag *diag)
{
    json_error_t jerr;
    if (len > CNS_CREDENTIAL_LIST_MAX_BYTES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "public credentials: %zu bytes, at most %zu", len,
                            CNS_CREDENTIAL_LIST_MAX_BYTES);
    *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (*root == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "public credentials: invalid JSON: %s (byte %d)",
                            jerr.text, jerr.position);
    if (!json_is_array(*root))
        return cns_diag_set(diag, CNS_ERR_DECODE, "public credentials: not a JSON array");
    if (json_array_size(*root) > CNS_MAX_VOTERS)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "public credentials: more than %d",
                            CNS_MAX_VOTERS);
    return CNS_OK;
}

cns_err cns_credential_list_parse(cns_credential_list **out, const cns_group *group,
                                  const char *json, size_t len, unsigned flags, cns_diag *diag)
{
    cns_credential_list *l = NULL;
    json_t *root = NULL;
    cns_err err = load_array(&root, json, len, diag);
    if (err == CNS_OK)
        err = list_new(&l, group, json_array_size(root), diag);
    for (size_t i = 0; err == CNS_OK && i < l->n; i++)
        err = parse_item(l, i, json_array_get(root, i), flags, diag);
    if (err == CNS_OK)
        err = list_finish(l, false, diag);
    json_decref(root);
    if (err != CNS_OK) {
        cns_credential_list_free(l);
        l = NULL;
    }
    *out = l;
    return err;
}

size_t cns_credential_list_count(const cns_credential_list *list)
{
    return list->n;
}

bool cns_credential_list_weighted(const cns_credential_list *list)
{
    return list->weighted;
}

uint64_t cns_credential_list_total_weight(const cns_credential_list *list)
{
    return list->total;
}

const cns_group *cns_credential_list_group(const cns_credential_list *list)
{
    return list->group;
}

cns_err cns_credential_list_get(const cns_credential_list *list, size_t i, cns_elt *elt,
                                uint64_t *weight)
{
    cns_elt tmp;
    if (i >= list->n)
        return CNS_ERR_INVALID;
    if (cns_elt_decode(list->group, elt != NULL ? elt : &tmp, rec_at(list, i), list->key_len) !=
        CNS_OK)
        return CNS_ERR_INTERNAL;
    if (weight != NULL)
        *weight = rec_u64(list, i, 0);
    return CNS_OK;
}

cns_err cns_credential_list_find(const cns_credential_list *list, const cns_elt *elt,
                                 uint64_t *weight, size_t *index)
{
    unsigned char key[CNS_ELT_MAX_BYTES];
    size_t lo = 0, hi = list->n;
    cns_elt_encode(list->group, key, elt);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(key, rec_at(list, mid), list->key_len);
        if (c == 0) {
            if (weight != NULL)
                *weight = rec_u64(list, mid, 0);
            if (index != NULL)
                *index = mid;
            return CNS_OK;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return CNS_ERR_NOTFOUND;
}

/* A growing output buffer. */
typedef struct obuf {
    char *p;
    size_t len, cap;
    bool failed;
} obuf;

static void oput(obuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static cns_err put_item(obuf *b, const cns_credential_list *l, size_t i)
{
    char text[CNS_ELT_TEXT_MAX + 32];
    cns_elt elt;
    uint64_t weight;
    if (cns_credential_list_get(l, i, &elt, &weight) != CNS_OK)
        return CNS_ERR_INTERNAL;
    size_t n = cns_elt_to_text(l->group, text, CNS_ELT_TEXT_MAX, &elt);
    if (n == 0 || n >= CNS_ELT_TEXT_MAX)
        return CNS_ERR_INTERNAL;
    if (l->weighted)
        n += (size_t)snprintf(text + n, sizeof text - n, ",%llu", (unsigned long long)weight);
    oput(b, i > 0 ? ",\"" : "\"", i > 0 ? 2 : 1);
    oput(b, text, n);
    oput(b, "\"", 1);
    return CNS_OK;
}

cns_err cns_credential_list_to_json(const cns_credential_list *list, char **json, size_t *len,
                                    cns_diag *diag)
{
    obuf b = {0};
    cns_err err = CNS_OK;
    oput(&b, "[", 1);
    for (size_t i = 0; err == CNS_OK && i < list->n; i++)
        err = put_item(&b, list, i);
    oput(&b, "]", 1);
    if (err == CNS_OK && b.failed)
        err = cns_diag_set(diag, CNS_ERR_NOMEM, "public credentials: out of memory");
    else if (err != CNS_OK)
        err = cns_diag_set(diag, err, "public credentials: stored element %s", "does not decode");
    if (err != CNS_OK) {
        free(b.p);
        b.p = NULL;
        b.len = 0;
    }
    *json = b.p;
    *len = b.len;
    return err;
}

void cns_credential_fingerprint(const void *bytes, size_t len,
                                char out[CNS_CREDENTIAL_FINGERPRINT_BYTES])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, bytes, len);
    sodium_bin2base64(out, CNS_CREDENTIAL_FINGERPRINT_BYTES, digest, sizeof digest,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

cns_err cns_credential_list_fingerprint(const cns_credential_list *list,
                                        char out[CNS_CREDENTIAL_FINGERPRINT_BYTES], cns_diag *diag)
{
    char *json = NULL;
    size_t len = 0;
    cns_err err = cns_credential_list_to_json(list, &json, &len, diag);
    if (err == CNS_OK)
        cns_credential_fingerprint(json, len, out);
    free(json);
    return err;
}

/* ---- batches --------------------------------------------------------------------- */

/* Room for one private credential of either form in a batch. */
#define SLOT CNS_CREDENTIAL_V3_BYTES

struct cns_credential_batch {
    size_t n;
    bool v3;        /* Belenios 3.x credentials XXXXX-XXXXXX-XXXXX-XXXXXX */
    char *secrets;  /* n × SLOT, wiped on free */
    char *id_arena; /* the ids, NUL-terminated, one after the other */
    size_t *id_at;  /* offset of id i in id_arena */
    cns_credential_list *list;
};

static size_t decimal_width(size_t v)
{
    size_t w = 1;
    while (v >= 10) {
        v /= 10;
        w++;
    }
    return w;
}

/* belenios-tool's first id: the smallest power of ten with first and first + n of one width. */
static size_t first_numeric_id(size_t n)
{
    size_t first = 1;
    while (decimal_width(first) != decimal_width(first + n))
        first *= 10;
    return first;
}

static cns_err check_id(const char *id, size_t i, cns_diag *diag)
{
    size_t len = id != NULL ? strlen(id) : 0;
    if (len == 0 || len > CNS_CREDENTIAL_ID_MAX)
        return cns_diag_set(diag, CNS_ERR_INVALID, "voter %zu: id of %zu bytes (1 to %d allowed)",
                            i + 1, len, CNS_CREDENTIAL_ID_MAX);
    for (size_t k = 0; k < len; k++) {
        if (id[k] <= ' ' || id[k] > '~' || id[k] == ',')
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "voter %zu: id has a space, comma or non-printable character",
                                i + 1);
    }
    return CNS_OK;
}

/* Copy the ids (or number them) into the batch's arena. */
static cns_err store_ids(cns_credential_batch *b, const char *const *ids, cns_diag *diag)
{
    size_t total = 0, first = ids == NULL ? first_numeric_id(b->n) : 0;
    cns_err err = CNS_OK;
    for (size_t i = 0; ids != NULL && i < b->n && err == CNS_OK; i++) {
        err = check_id(ids[i], i, diag);
        total += err == CNS_OK ? strlen(ids[i]) + 1 : 0;
    }
    if (err != CNS_OK)
        return err;
    if (ids == NULL)
        total = b->n * (decimal_width(first + b->n) + 1);
    b->id_arena = malloc(total > 0 ? total : 1);
    b->id_at = malloc(b->n * sizeof *b->id_at);
    if (b->id_arena == NULL || b->id_at == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "credentials: out of memory for the ids");
    for (size_t i = 0, at = 0; i < b->n; i++) {
        char numeric[NUMERIC_ID_MAX];
        if (ids == NULL)
            snprintf(numeric, sizeof numeric, "%zu", first + i);
        const char *id = ids != NULL ? ids[i] : numeric;
        size_t len = strlen(id) + 1;
        memcpy(b->id_arena + at, id, len);
        b->id_at[i] = at;
        at += len;
    }
    return CNS_OK;
}

static cns_err check_batch_args(size_t n, const uint64_t *weights, cns_diag *diag)
{
    if (n == 0 || n > CNS_MAX_VOTERS)
        return cns_diag_set(diag, n == 0 ? CNS_ERR_INVALID : CNS_ERR_LIMIT,
                            "credentials: %zu requested (1 to %d allowed)", n, CNS_MAX_VOTERS);
    for (size_t i = 0; weights != NULL && i < n; i++) {
        if (weights[i] == 0 || weights[i] > CNS_MAX_WEIGHT)
            return cns_diag_set(diag, CNS_ERR_INVALID, "voter %zu: weight %llu (1 to %u allowed)",
                                i + 1, (unsigned long long)weights[i], CNS_MAX_WEIGHT);
    }
    return CNS_OK;
}

/* Credential i: generate, derive, store. */
static cns_err make_one(cns_credential_batch *b, size_t i, const char *uuid, size_t uuid_len,
                        uint64_t weight, cns_diag *diag)
{
    char *secret = b->secrets + i * SLOT;
    cns_elt pub;
    cns_err err = b->v3 ? cns_credential_generate_v3(secret) : cns_credential_generate(secret);
    if (err == CNS_OK)
        err = cns_credential_public(b->list->group, uuid, uuid_len, secret, strlen(secret), &pub,
                                    diag);
    if (err != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_INTERNAL, "credential %zu: generation failed", i + 1);
    rec_set(b->list, i, &pub, weight, i);
    return CNS_OK;
}

cns_err cns_credential_batch_generate(cns_credential_batch **out, const cns_group *group,
                                      const char *uuid, size_t uuid_len, size_t n,
                                      const char *const *ids, const uint64_t *weights,
                                      cns_diag *diag)
{
    return cns_credential_batch_generate_form(out, group, uuid, uuid_len, n, ids, weights, false,
                                              diag);
}

cns_err cns_credential_batch_generate_form(cns_credential_batch **out, const cns_group *group,
                                           const char *uuid, size_t uuid_len, size_t n,
                                           const char *const *ids, const uint64_t *weights, bool v3,
                                           cns_diag *diag)
{
    cns_credential_batch *b = NULL;
    cns_err err = check_batch_args(n, weights, diag);
    if (err == CNS_OK)
        err = cns_base58_uuid_check(uuid, uuid_len, diag);
    if (err != CNS_OK)
        goto done;
    b = calloc(1, sizeof *b);
    if (b == NULL) {
        err = cns_diag_set(diag, CNS_ERR_NOMEM, "credentials: out of memory");
        goto done;
    }
    b->n = n;
    b->v3 = v3;
    b->secrets = calloc(n, SLOT);
    if (b->secrets == NULL) {
        err = cns_diag_set(diag, CNS_ERR_NOMEM, "credentials: out of memory for %zu", n);
        goto done;
    }
    if ((err = store_ids(b, ids, diag)) != CNS_OK || (err = list_new(&b->list, group, n, diag)))
        goto done;
    b->list->weighted = weights != NULL;
    for (size_t i = 0; i < n && err == CNS_OK; i++)
        err = make_one(b, i, uuid, uuid_len, weights != NULL ? weights[i] : 1, diag);
    if (err == CNS_OK)
        err = list_finish(b->list, true, diag);
done:
    if (err != CNS_OK) {
        cns_credential_batch_free(b);
        b = NULL;
    }
    *out = b;
    return err;
}

size_t cns_credential_batch_count(const cns_credential_batch *batch)
{
    return batch->n;
}

const char *cns_credential_batch_id(const cns_credential_batch *batch, size_t i)
{
    return i < batch->n ? batch->id_arena + batch->id_at[i] : NULL;
}

const char *cns_credential_batch_secret(const cns_credential_batch *batch, size_t i)
{
    return i < batch->n ? batch->secrets + i * SLOT : NULL;
}

const cns_credential_list *cns_credential_batch_public(const cns_credential_batch *batch)
{
    return batch->list;
}

void cns_credential_batch_free(cns_credential_batch *batch)
{
    if (batch == NULL)
        return;
    if (batch->secrets != NULL)
        sodium_memzero(batch->secrets, batch->n * SLOT);
    free(batch->secrets);
    free(batch->id_arena);
    free(batch->id_at);
    cns_credential_list_free(batch->list);
    free(batch);
}
