/* Printing untrusted text with its control characters escaped (text.h). */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The length of the UTF-8 sequence at s (at most n bytes) and its code point,
 * or 0 if it is not well-formed (overlong, surrogate, beyond U+10FFFF, cut).
 */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] < 0x80                   ? 1
                 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
                 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
                 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4
                                               : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t c = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[len] || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
        return 0;
    *cp = c;
    return len;
}

/* Whether code point c is escaped. */
static bool is_control(uint32_t c)
{
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x200e || c == 0x200f ||
           (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

void cli_escape(FILE *f, const char *s, size_t len, bool keep_newlines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t c = 0;
        size_t n = utf8_next(p + i, len - i, &c);
        if (n == 0)
            fprintf(f, "\\x%02x", p[i++]);
        else if (!is_control(c))
            fwrite(p + i, 1, n, f), i += n;
        else if (c == '\n' && keep_newlines)
            fputc('\n', f), i += n;
        else if (c == '\n' || c == '\r' || c == '\t')
            fprintf(f, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't'), i += n;
        else if (c < 0x80)
            fprintf(f, "\\x%02x", (unsigned)c), i += n;
        else
            fprintf(f, "\\u%04x", (unsigned)c), i += n;
    }
}

void cli_put(FILE *f, const char *s)
{
    cli_escape(f, s, strlen(s), false);
}

bool cli_has_control(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, n; i < len; i += n) {
        uint32_t c = 0;
        n = utf8_next(p + i, len - i, &c);
        if (n == 0 || is_control(c))
            return true;
    }
    return false;
}

char *cli_escaped(const char *s)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    if (mem == NULL)
        return NULL;
    cli_put(mem, s);
    if (fclose(mem) != 0) {
        free(out);
        return NULL;
    }
    return out;
}
