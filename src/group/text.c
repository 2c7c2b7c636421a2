/* Strict decimal and hex text forms of the group module (text.h). */
#include "group/text.h"

#include <stdint.h>
#include <string.h>

#include <sodium.h>

bool cns_text_decimal(unsigned char *digits, const char *text, size_t len)
{
    unsigned bad = 0;

    if (len == 0 || (text[0] == '0' && len > 1))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)text[i] - '0';
        bad |= (unsigned)(d > 9);
        if (digits != NULL)
            digits[i] = (unsigned char)d;
    }
    return bad == 0;
}

/* 256 bits as 32-bit words, least significant first, plus one word of overflow. */
#define WORDS 8

bool cns_text_decimal_to_le(unsigned char out[32], const unsigned char *digits, size_t n)
{
    uint32_t v[WORDS] = {0}, over = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t carry = digits[i];
        for (size_t k = 0; k < WORDS; k++) {
            uint64_t t = (uint64_t)v[k] * 10 + carry;
            v[k] = (uint32_t)t;
            carry = t >> 32;
        }
        over |= (uint32_t)carry; /* the first step past 2^256 carries out */
    }
    for (size_t i = 0; i < 32; i++)
        out[i] = (unsigned char)(v[i / 4] >> (8 * (i % 4)));
    sodium_memzero(v, sizeof v);
    return over == 0;
}

void cns_text_le_to_decimal(unsigned char digits[CNS_TEXT_SCALAR_DIGITS],
                            const unsigned char le[32])
{
    uint32_t v[WORDS] = {0};

    for (size_t i = 0; i < 32; i++)
        v[i / 4] |= (uint32_t)le[i] << (8 * (i % 4));
    for (size_t d = CNS_TEXT_SCALAR_DIGITS; d-- > 0;) {
        uint64_t rem = 0;
        for (size_t k = WORDS; k-- > 0;) {
            uint64_t cur = rem << 32 | v[k];
            v[k] = (uint32_t)(cur / 10);
            rem = cur % 10;
        }
        digits[d] = (unsigned char)rem;
    }
    sodium_memzero(v, sizeof v);
}

static size_t put_nothing(char *out, size_t cap)
{
    if (cap > 0)
        out[0] = '\0';
    return 0;
}

size_t cns_text_put_decimal(char *out, size_t cap, const unsigned char *digits, size_t n)
{
    static const unsigned char zero = 0;
    size_t start = 0;

    if (n == 0) {
        digits = &zero;
        n = 1;
    }
    while (start + 1 < n && digits[start] == 0)
        start++;
    if (cap < n - start + 1)
        return put_nothing(out, cap);
    for (size_t i = start; i < n; i++)
        out[i - start] = (char)('0' + digits[i]);
    out[n - start] = '\0';
    return n - start;
}

/* The value of a lowercase hex digit, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool cns_text_hex32(unsigned char out[32], const char *text, size_t len)
{
    if (len != 64)
        return false;
    for (size_t i = 0; i < 32; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

size_t cns_text_put_hex32(char *out, size_t cap, const unsigned char in[32])
{
    static const char digits[] = "0123456789abcdef";

    if (cap < 65)
        return put_nothing(out, cap);
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
    out[64] = '\0';
    return 64;
}
