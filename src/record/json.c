/* Belenios-exact JSON writing, strict reading (json.h). */
#include "record/json.h"

#include "core/ct.h"

#include <string.h>

#include <sodium.h>

void cns_jw_str(cns_buf *buf, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    cns_buf_put(buf, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                memcpy(u, "\\u00", 4);
                u[4] = hex[c >> 4];
                u[5] = hex[c & 15];
                u[6] = '\0';
                esc = u;
            }
            break;
        }
        if (esc != NULL) {
            cns_buf_put(buf, s + start, i - start);
            cns_buf_puts(buf, esc);
            start = i + 1;
        }
    }
    cns_buf_put(buf, s + start, len - start);
    cns_buf_put(buf, "\"", 1);
}

void cns_jw_cstr(cns_buf *buf, const char *s)
{
    cns_jw_str(buf, s, strlen(s));
}

void cns_jw_key(cns_buf *buf, const char *key)
{
    cns_jw_cstr(buf, key);
    cns_buf_put(buf, ":", 1);
}

void cns_jw_int(cns_buf *buf, long long v)
{
    cns_buf_printf(buf, "%lld", v);
}

/* Append len bytes of text between quotes (text needing no escape: digits, hex). */
static void put_quoted(cns_buf *buf, const char *text, size_t len)
{
    cns_buf_put(buf, "\"", 1);
    cns_buf_put(buf, text, len);
    cns_buf_put(buf, "\"", 1);
}

void cns_jw_weight(cns_buf *buf, uint64_t v)
{
    cns_buf_printf(buf, v <= CNS_WEIGHT_INT_MAX ? "%llu" : "\"%llu\"", (unsigned long long)v);
}

void cns_jw_elt(cns_buf *buf, const cns_group *group, const cns_elt *e)
{
    char text[CNS_ELT_TEXT_MAX];
    CNS_DECLASSIFY(e, sizeof *e); /* written out: public */
    put_quoted(buf, text, cns_elt_to_text(group, text, sizeof text, e));
}

void cns_jw_scalar(cns_buf *buf, const cns_group *group, const cns_scalar *k)
{
    char text[CNS_SCALAR_TEXT_MAX];
    CNS_DECLASSIFY(k, sizeof *k); /* written out: public */
    put_quoted(buf, text, cns_scalar_to_text(group, text, sizeof text, k));
    sodium_memzero(text, sizeof text);
}

void cns_jw_proof(cns_buf *buf, const cns_group *group, const cns_proof *p)
{
    cns_buf_puts(buf, "{\"challenge\":");
    cns_jw_scalar(buf, group, &p->challenge);
    cns_buf_puts(buf, ",\"response\":");
    cns_jw_scalar(buf, group, &p->response);
    cns_buf_puts(buf, "}");
}

void cns_jw_proofs(cns_buf *buf, const cns_group *group, const cns_proof *p, size_t n)
{
    cns_buf_puts(buf, "[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            cns_buf_puts(buf, ",");
        cns_jw_proof(buf, group, &p[i]);
    }
    cns_buf_puts(buf, "]");
}

void cns_jw_ciphertext(cns_buf *buf, const cns_group *group, const cns_ciphertext *c)
{
    cns_buf_puts(buf, "{\"alpha\":");
    cns_jw_elt(buf, group, &c->alpha);
    cns_buf_puts(buf, ",\"beta\":");
    cns_jw_elt(buf, group, &c->beta);
    cns_buf_puts(buf, "}");
}

cns_err cns_jr_parse(json_t **out, const char *bytes, size_t len, const char *what, cns_diag *diag)
{
    json_error_t error;
    *out = NULL;
    if (len > CNS_JSON_MAX_BYTES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu bytes is more than the %zu allowed", what,
                            len, CNS_JSON_MAX_BYTES);
    *out = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &error);
    if (*out == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: invalid JSON at line %d, column %d: %s",
                            what, error.line, error.column, error.text);
    return CNS_OK;
}

cns_err cns_jr_fields(const json_t *obj, const char *const *keys, size_t n, const char *what,
                      cns_diag *diag)
{
    if (!json_is_object(obj))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: expected a JSON object", what);
    for (size_t i = 0; i < n; i++) {
        const char *k = keys[i][0] == '?' ? keys[i] + 1 : keys[i];
        if (keys[i][0] != '?' && json_object_get(obj, k) == NULL)
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: missing field \"%s\"", what, k);
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(keys[i][0] == '?' ? keys[i] + 1 : keys[i], key) == 0;
        if (!known)
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: unknown field \"%s\"", what, key);
    }
    return CNS_OK;
}

cns_err cns_jr_string(const json_t *obj, const char *key, const char **out, size_t *len,
                      const char *what, cns_diag *diag)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: field \"%s\" must be a string", what, key);
    *out = json_string_value(v);
    if (len != NULL)
        *len = json_string_length(v);
    return CNS_OK;
}

cns_err cns_jr_int(const json_t *obj, const char *key, long long min, long long max, long long *out,
                   const char *what, cns_diag *diag)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: field \"%s\" must be an integer", what, key);
    json_int_t i = json_integer_value(v);
    if (i < min || i > max)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: field \"%s\" = %lld is outside [%lld, %lld]", what, key,
                            (long long)i, min, max);
    *out = (long long)i;
    return CNS_OK;
}

cns_err cns_jr_weight_value(const json_t *v, uint64_t max, uint64_t *out, const char *what,
                            cns_diag *diag)
{
    uint64_t x = 0;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0 || (uint64_t)i > max)
            return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %lld is outside [0, %llu]", what,
                                (long long)i, (unsigned long long)max);
        *out = (uint64_t)i;
        return CNS_OK;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (s == NULL || len == 0 || len > 20 || s[0] == '0')
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "%s: must be a number, or a decimal string above %llu", what,
                            CNS_WEIGHT_INT_MAX);
    for (size_t k = 0; k < len; k++) {
        unsigned d = (unsigned)(unsigned char)s[k] - '0';
        if (d > 9 || x > (UINT64_MAX - d) / 10)
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: \"%.*s\" is not a decimal number", what,
                                (int)len, s);
        x = x * 10 + d;
    }
    if (x <= CNS_WEIGHT_INT_MAX)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "%s: \"%s\" must be written as a number (strings only above %llu)",
                            what, s, CNS_WEIGHT_INT_MAX);
    if (x > max)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %llu is above %llu", what,
                            (unsigned long long)x, (unsigned long long)max);
    *out = x;
    return CNS_OK;
}

cns_err cns_jr_elt(const cns_group *group, const json_t *v, cns_elt *out, const char *what,
                   cns_diag *diag)
{
    if (!json_is_string(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: group element must be a JSON string", what);
    cns_err err = cns_elt_from_text(group, out, json_string_value(v), json_string_length(v));
    if (err == CNS_ERR_INVALID)
        return cns_diag_set(diag, err, "%s: not an element of the %s subgroup", what,
                            cns_group_name(group));
    if (err != CNS_OK)
        return cns_diag_set(diag, err, "%s: not a canonical %s element", what,
                            cns_group_name(group));
    return CNS_OK;
}

cns_err cns_jr_scalar(const cns_group *group, const json_t *v, cns_scalar *out, const char *what,
                      cns_diag *diag)
{
    if (!json_is_string(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: scalar must be a JSON string", what);
    if (cns_scalar_from_text(group, out, json_string_value(v), json_string_length(v)) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "%s: not a canonical decimal integer modulo the group order", what);
    return CNS_OK;
}

cns_err cns_jr_proof(const cns_group *group, const json_t *v, cns_proof *out, const char *what,
                     cns_diag *diag)
{
    static const char *const keys[] = {"challenge", "response"};
    cns_err err = cns_jr_fields(v, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_scalar(group, json_object_get(v, "challenge"), &out->challenge, what, diag);
    if (err == CNS_OK)
        err = cns_jr_scalar(group, json_object_get(v, "response"), &out->response, what, diag);
    return err;
}

cns_err cns_jr_proofs(const cns_group *group, const json_t *v, cns_proof *out, size_t n,
                      const char *what, cns_diag *diag)
{
    if (!json_is_array(v) || json_array_size(v) != n)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: expected an array of %zu proofs", what, n);
    for (size_t i = 0; i < n; i++) {
        cns_err err = cns_jr_proof(group, json_array_get(v, i), &out[i], what, diag);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

cns_err cns_jr_ciphertext(const cns_group *group, const json_t *v, cns_ciphertext *out,
                          const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"alpha", "beta"};
    cns_err err = cns_jr_fields(v, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(v, "alpha"), &out->alpha, what, diag);
    if (err == CNS_OK)
        err = cns_jr_elt(group, json_object_get(v, "beta"), &out->beta, what, diag);
    return err;
}

cns_err cns_jr_canonical(const char *bytes, size_t len, const cns_buf *rewritten, const char *what,
                         cns_diag *diag)
{
    cns_err err = cns_buf_status(rewritten);
    if (err != CNS_OK)
        return cns_diag_set(diag, err, "%s: could not be written back", what);
    size_t n = len < rewritten->len ? len : rewritten->len;
    size_t at = 0;
    while (at < n && bytes[at] == rewritten->data[at])
        at++;
    if (at == n && len == rewritten->len)
        return CNS_OK;
    return cns_diag_set(diag, CNS_ERR_DECODE, "%s: not in canonical form (differs at byte %zu)",
                        what, at);
}
