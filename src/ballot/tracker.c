/* Smart ballot trackers and their short codes (consulta/tracker.h). */
#include "consulta/tracker.h"

#include <string.h>

#include <sodium.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void cns_tracker_code(char out[CNS_TRACKER_CODE_BYTES], const unsigned char hash[CNS_HASH_BYTES])
{
    uint64_t bits = 0;
    for (size_t i = 0; i < CNS_TRACKER_CODE_PREFIX; i++)
        bits = bits << 8 | hash[i];
    for (size_t i = 0, at = 0; i < 8; i++) {
        if (i == 4)
            out[at++] = '-';
        out[at++] = crockford[(bits >> (35 - 5 * i)) & 31];
    }
    out[CNS_TRACKER_CODE_BYTES - 1] = '\0';
}

cns_err cns_tracker_parse(unsigned char hash[CNS_HASH_BYTES], const char *text, size_t len,
                          cns_diag *diag)
{
    char std[43];
    size_t got = 0;
    bool urlsafe = false, standard = false;
    if (len != sizeof std)
        return cns_diag_set(diag, CNS_ERR_DECODE, "a tracker is 43 characters, not %zu", len);
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        urlsafe = urlsafe || c == '-' || c == '_';
        standard = standard || c == '+' || c == '/';
        std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    if (urlsafe && standard)
        return cns_diag_set(diag, CNS_ERR_DECODE, "a tracker mixes two Base64 alphabets");
    if (sodium_base642bin(hash, CNS_HASH_BYTES, std, sizeof std, NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
        got != CNS_HASH_BYTES)
        return cns_diag_set(diag, CNS_ERR_DECODE, "a tracker is Base64 of 32 bytes");
    return CNS_OK;
}

/* The value of a typed symbol, or -1. */
static int symbol(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'I' || c == 'L')
        c = '1';
    else if (c == 'O')
        c = '0';
    const char *at = c != '\0' ? strchr(crockford, c) : NULL;
    return at != NULL ? (int)(at - crockford) : -1;
}

cns_err cns_tracker_code_parse(unsigned char prefix[CNS_TRACKER_CODE_PREFIX], const char *text,
                               size_t len, cns_diag *diag)
{
    uint64_t bits = 0;
    size_t n = 0;
    if (len != 8 && !(len == 9 && text[4] == '-'))
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "a short code is 8 symbols, written XXXX-XXXX or XXXXXXXX");
    for (size_t i = 0; i < len; i++) {
        if (len == 9 && i == 4)
            continue;
        int v = symbol(text[i]);
        if (v < 0)
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "a short code: character %zu is not a letter or digit of the "
                                "code's alphabet",
                                i + 1);
        bits = bits << 5 | (uint64_t)v;
        n++;
    }
    for (size_t i = 0; i < CNS_TRACKER_CODE_PREFIX; i++)
        prefix[i] = (unsigned char)(bits >> (8 * (CNS_TRACKER_CODE_PREFIX - 1 - i)));
    return n == 8 ? CNS_OK : CNS_ERR_INTERNAL;
}
