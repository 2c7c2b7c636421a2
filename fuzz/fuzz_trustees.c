/*
 * libFuzzer target: the trustee parsers on untrusted input. The first byte b
 * selects the group (b % 3: BELENIOS-2048, Ed25519, ristretto255; b ≥ 216:
 * RFC-3526-2048) and the parser ((b / 3) % 9, or (b − 216) % 9); the rest
 * is the input. Inputs made of several
 * documents separate them with an empty line ("\n\n"); seeds are their
 * first 22 bytes.
 *
 *   0 trustees.json                  cns_trustees_parse
 *   1 a .pubkey                      cns_trustee_pubkey_verify
 *   2 certs.jsons                    cns_ceremony_new
 *   3 seed, .dkey                    cns_threshold_dkey_decrypt
 *   4 a JSON string, a decimal       the strict readers of secret plaintexts
 *   5 certs, polynomials             cns_ceremony_polynomials_load (+ vinputs)
 *   6 seed, certs, vinput            cns_ceremony_voutput_make
 *   7 certs, polynomials, voutputs   cns_ceremony_voutputs_load (+ params)
 *   8 a .privkey                     cns_trustee_privkey_read
 *
 * Whatever is accepted must be canonical (written back to the same bytes);
 * whatever is refused must be refused with a parsing or checking error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/group.h"
#include "consulta/trustees.h"
#include "core/buf.h"
#include "election/trustees_internal.h"
#include "record/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

static void refused_properly(cns_err err)
{
    require(err == CNS_ERR_DECODE || err == CNS_ERR_INVALID || err == CNS_ERR_VERIFY ||
            err == CNS_ERR_LIMIT || err == CNS_ERR_NOTFOUND || err == CNS_ERR_STATE);
}

/* Split off the part before the first "\n\n" (OUT: *head, *head_len); advance *s, *len. */
static bool split(const char **s, size_t *len, const char **head, size_t *head_len)
{
    const char *sep = memmem(*s, *len, "\n\n", 2);
    if (sep == NULL)
        return false;
    *head = *s;
    *head_len = (size_t)(sep - *s) + 1; /* keep the last line's newline */
    *len -= *head_len + 1;
    *s = sep + 2;
    return true;
}

static void fuzz_trustees(const cns_group *g, const char *s, size_t len)
{
    cns_trustees *t = NULL;
    cns_diag diag;
    cns_err err = cns_trustees_parse(&t, g, s, len, &diag);
    if (err != CNS_OK) {
        refused_properly(err);
        require(t == NULL);
        return;
    }
    size_t blen;
    const char *bytes = cns_trustees_bytes(t, &blen);
    require(blen == len && memcmp(bytes, s, len) == 0);
    require(cns_trustees_count(t) >= 1 && cns_trustees_items(t) >= 1);
    for (size_t id = 1; id <= cns_trustees_count(t); id++) {
        cns_trustee_info info;
        require(cns_trustees_info(&info, t, id) == CNS_OK);
        require(info.index >= 1 && info.index <= info.members && info.threshold >= 1 &&
                info.threshold <= info.members && info.verification_key != NULL);
    }
    cns_trustees_free(t);
}

static void fuzz_strings(const cns_group *g, const char *s, size_t len)
{
    cns_buf out, back;
    size_t pos = 0;
    cns_buf_init(&out, 1 << 20);
    cns_buf_init(&back, 1 << 20);
    if (cns_tr_jstr(s, len, &pos, &out) == CNS_OK) {
        /* a canonical string: written back, the same bytes */
        cns_jw_str(&back, out.data != NULL ? out.data : "", out.len);
        require(back.len == pos && memcmp(back.data, s, pos) == 0);
    }
    cns_scalar x;
    pos = 0;
    cns_err err = cns_tr_jdecimal(g, s, len, &pos, &x);
    if (err != CNS_OK)
        refused_properly(err);
    cns_buf_free(&out);
    cns_buf_free(&back);
}

static void fuzz_dkey(const cns_group *g, const char *s, size_t len)
{
    cns_scalar S;
    cns_diag diag;
    if (len < CNS_SEED_LEN)
        return;
    cns_err err = cns_threshold_dkey_decrypt(&S, g, s, CNS_SEED_LEN, s + CNS_SEED_LEN,
                                             len - CNS_SEED_LEN, &diag);
    if (err != CNS_OK)
        refused_properly(err);
}

/* Modes 5, 6, 7: a ceremony's server and trustee steps. */
static void fuzz_ceremony(const cns_group *g, unsigned mode, const char *s, size_t len)
{
    cns_ceremony *c = NULL;
    cns_diag diag;
    const char *seed = s, *certs, *polys;
    size_t certs_len, polys_len;
    char *out = NULL;
    cns_err err = CNS_OK;
    if (mode == 6) {
        if (len < CNS_SEED_LEN)
            return;
        s += CNS_SEED_LEN;
        len -= CNS_SEED_LEN;
    }
    if (!split(&s, &len, &certs, &certs_len))
        return;
    err = cns_ceremony_new(&c, g, certs, certs_len, &diag);
    if (err == CNS_OK && mode == 6)
        err = cns_ceremony_voutput_make(&out, NULL, c, seed, CNS_SEED_LEN, s, len, &diag);
    if (err == CNS_OK && mode == 5)
        err = cns_ceremony_polynomials_load(c, s, len, &diag);
    for (size_t j = 0; err == CNS_OK && mode == 5 && j < cns_ceremony_size(c); j++) {
        err = cns_ceremony_vinput_make(&out, NULL, c, j, &diag);
        free(out);
        out = NULL;
    }
    if (err == CNS_OK && mode == 7 && split(&s, &len, &polys, &polys_len)) {
        err = cns_ceremony_polynomials_load(c, polys, polys_len, &diag);
        if (err == CNS_OK)
            err = cns_ceremony_voutputs_load(c, s, len, &diag);
        if (err == CNS_OK)
            err = cns_ceremony_params_make(&out, NULL, c, &diag);
    }
    if (err != CNS_OK)
        refused_properly(err);
    free(out);
    cns_ceremony_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const groups[] = {"BELENIOS-2048", "Ed25519", "ristretto255"};
    if (size < 1 || sodium_init() < 0)
        return 0;
    const cns_group *g = cns_group_by_name(data[0] >= 216 ? "RFC-3526-2048" : groups[data[0] % 3]);
    unsigned mode = data[0] >= 216 ? (unsigned)(data[0] - 216) % 9 : (data[0] / 3) % 9;
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    cns_diag diag;
    cns_scalar x;
    cns_ceremony *c = NULL;
    cns_err err = CNS_OK;
    switch (mode) {
    case 0:
        fuzz_trustees(g, s, len);
        break;
    case 1:
        err = cns_trustee_pubkey_verify(NULL, g, s, len, "pubkey", &diag);
        break;
    case 2:
        err = cns_ceremony_new(&c, g, s, len, &diag);
        require((err == CNS_OK) == (c != NULL));
        cns_ceremony_free(c);
        break;
    case 3:
        fuzz_dkey(g, s, len);
        break;
    case 4:
        fuzz_strings(g, s, len);
        break;
    case 8:
        err = cns_trustee_privkey_read(&x, g, s, len, &diag);
        break;
    default:
        fuzz_ceremony(g, mode, s, len);
        break;
    }
    if (err != CNS_OK)
        refused_properly(err);
    return 0;
}
