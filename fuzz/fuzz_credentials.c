/*
 * libFuzzer target: untrusted credential inputs (consulta/credential.h).
 * The first byte chooses: bits 0-1 = 0: the rest is a private credential to
 * check (and, if accepted, derive; the Belenios 3.x shape is derived
 * directly); otherwise the rest is a public credential
 * list, parsed in group (byte >> 2) % 3 (BELENIOS-2048, Ed25519, ristretto255)
 * with the IDS flag if bit 4 is set. Invariants: refusals use the documented
 * codes with a diagnostic; an accepted credential is accepted in both forms
 * and derives; an accepted list re-serialises to a list that parses back to
 * the same bytes and fingerprint, and every item is found at its place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consulta/credential.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

static void fuzz_credential(const char *text, size_t len)
{
    static const char uuid[] = "roEZNrAz8upuV8";
    const cns_group *g = cns_group_by_name("ristretto255");
    cns_diag diag = {{0}};
    cns_elt pub;
    cns_err err;
    if (cns_credential_is_v3(text, len)) { /* Belenios 3.x: no checksum, hashed derivation */
        err = cns_credential_public(g, uuid, sizeof uuid - 1, text, len, &pub, &diag);
        require(err == CNS_OK || (err == CNS_ERR_DECODE && diag.text[0] != '\0'));
        return;
    }
    err = cns_credential_check(text, len, &diag);
    if (err != CNS_OK) {
        require(err == CNS_ERR_DECODE && diag.text[0] != '\0');
        return;
    }
    require(cns_credential_public(g, uuid, sizeof uuid - 1, text, len, &pub, &diag) == CNS_OK);
    if (len == CNS_CREDENTIAL_LEN) {
        char raw[CNS_CREDENTIAL_DIGITS];
        for (size_t i = 0, k = 0; i < len; i++) {
            if (text[i] != '-')
                raw[k++] = text[i];
        }
        require(cns_credential_check(raw, sizeof raw, NULL) == CNS_OK);
    }
}

static void reparse(const cns_credential_list *l)
{
    char *json = NULL, *json2 = NULL;
    size_t len = 0, len2 = 0;
    char fp[CNS_CREDENTIAL_FINGERPRINT_BYTES], fp2[CNS_CREDENTIAL_FINGERPRINT_BYTES];
    cns_credential_list *back = NULL;
    const cns_group *g = cns_credential_list_group(l);
    require(cns_credential_list_to_json(l, &json, &len, NULL) == CNS_OK);
    require(cns_credential_list_parse(&back, g, json, len, 0, NULL) == CNS_OK);
    require(cns_credential_list_count(back) == cns_credential_list_count(l));
    require(cns_credential_list_total_weight(back) == cns_credential_list_total_weight(l));
    require(cns_credential_list_to_json(back, &json2, &len2, NULL) == CNS_OK);
    require(len == len2 && memcmp(json, json2, len) == 0);
    require(cns_credential_list_fingerprint(back, fp, NULL) == CNS_OK);
    cns_credential_fingerprint(json, len, fp2);
    require(strcmp(fp, fp2) == 0);
    for (size_t i = 0; i < cns_credential_list_count(l); i++) {
        cns_elt e;
        size_t at = SIZE_MAX;
        uint64_t w = 0, w2 = 0;
        require(cns_credential_list_get(l, i, &e, &w) == CNS_OK);
        require(cns_credential_list_find(back, &e, &w2, &at) == CNS_OK && at == i && w == w2);
    }
    free(json);
    free(json2);
    cns_credential_list_free(back);
}

static void fuzz_list(uint8_t mode, const char *json, size_t len)
{
    static const char *const groups[] = {"BELENIOS-2048", "Ed25519", "ristretto255"};
    const cns_group *g = cns_group_by_name(groups[(mode >> 2) % 3]);
    unsigned flags = (mode & 0x10) ? CNS_CREDENTIAL_LIST_IDS : 0;
    cns_credential_list *l = NULL;
    cns_diag diag = {{0}};
    cns_err err = cns_credential_list_parse(&l, g, json, len, flags, &diag);
    if (err != CNS_OK) {
        require(l == NULL && diag.text[0] != '\0');
        require(err == CNS_ERR_DECODE || err == CNS_ERR_INVALID || err == CNS_ERR_LIMIT);
        return;
    }
    reparse(l);
    cns_credential_list_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if ((data[0] & 3) == 0)
        fuzz_credential((const char *)data + 1, size - 1);
    else
        fuzz_list(data[0], (const char *)data + 1, size - 1);
    return 0;
}
