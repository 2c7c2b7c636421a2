/* Counting inputs: the container, the text cursor, and the format dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

char *cnt_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

bool cnt_utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
        if (c == 0 || len == 0 || i + len > n)
            return false;
        unsigned cp = len == 1 ? c : c & (0x7F >> len);
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

cns_count_input *cnt_input_new(const char *name, cns_count_format format)
{
    cns_count_input *in = calloc(1, sizeof *in);
    if (in == NULL)
        return NULL;
    const char *n = name != NULL ? name : "<input>";
    in->source = cnt_strndup(n, strlen(n));
    if (in->source == NULL) {
        free(in);
        return NULL;
    }
    if (!cnt_utf8_ok(in->source, strlen(in->source))) /* names travel in JSON */
        for (char *p = in->source; *p; p++)
            *p = (*p & 0x80) ? '?' : *p;
    in->format = format;
    return in;
}

void cns_count_input_free(cns_count_input *in)
{
    if (in == NULL)
        return;
    for (size_t i = 0; i < in->ncand; i++)
        free(in->cand[i]);
    for (size_t i = 0; i < in->ndist; i++)
        free(in->dist[i]);
    for (size_t i = 0; i < in->nballots; i++) {
        free(in->ballots[i].val);
        free(in->ballots[i].marks);
    }
    for (size_t i = 0; i < in->nlc; i++)
        free(in->lc[i].name);
    free(in->cand);
    free(in->withdrawn);
    free(in->dist);
    free(in->votes);
    free(in->official);
    free(in->vline);
    free(in->ballots);
    free(in->lc);
    json_decref(in->invalid);
    free(in->title);
    free(in->source);
    free(in);
}

cns_err cnt_input_add_cand(cns_count_input *in, const char *name, size_t len)
{
    if (in->ncand >= CNS_COUNT_MAX_CANDIDATES)
        return CNS_ERR_LIMIT;
    char **c = realloc(in->cand, (in->ncand + 1) * sizeof *c);
    if (c == NULL)
        return CNS_ERR_NOMEM;
    in->cand = c;
    bool *w = realloc(in->withdrawn, (in->ncand + 1) * sizeof *w);
    if (w == NULL)
        return CNS_ERR_NOMEM;
    in->withdrawn = w;
    in->withdrawn[in->ncand] = false;
    in->cand[in->ncand] = cnt_strndup(name, len);
    if (in->cand[in->ncand] == NULL)
        return CNS_ERR_NOMEM;
    in->ncand++;
    return CNS_OK;
}

/* Store the ballot a parser filled at its length (issue 10, item 13). */
static cns_err compact(cnt_ballot *b)
{
    uint32_t n = 0;
    if (b->val == NULL)
        return CNS_OK;
    for (size_t c = 0; c < b->nmarks; c++) /* while parsing, nmarks counts val's entries */
        n += b->val[c] != 0;
    b->marks = n ? malloc(n * sizeof *b->marks) : NULL;
    if (n > 0 && b->marks == NULL)
        return CNS_ERR_NOMEM;
    size_t nvals = b->nmarks;
    b->nmarks = n;
    n = 0;
    for (size_t c = 0; c < nvals; c++)
        if (b->val[c] != 0)
            b->marks[n++] = (cnt_mark){(uint32_t)c, b->val[c]};
    free(b->val);
    b->val = NULL;
    return CNS_OK;
}

/* Store the last ballot added at its length, if a parser may still be filling it. */
static cns_err compact_pending(cns_count_input *in)
{
    cns_err err = in->pending < in->nballots ? compact(&in->ballots[in->pending]) : CNS_OK;
    in->pending = in->nballots;
    return err;
}

void cnt_ballot_dense(const cnt_ballot *b, uint32_t *dense, size_t ncand)
{
    if (b->val != NULL) {
        memcpy(dense, b->val, ncand * sizeof *dense);
        return;
    }
    memset(dense, 0, ncand * sizeof *dense);
    for (uint32_t i = 0; i < b->nmarks; i++)
        dense[b->marks[i].cand] = b->marks[i].val;
}

cnt_ballot *cnt_input_add_ballot(cns_count_input *in, size_t nvals)
{
    if (in->nballots >= CNS_COUNT_MAX_BALLOTS || compact_pending(in) != CNS_OK)
        return NULL;
    if (in->nballots == in->cap_ballots) {
        size_t cap = in->cap_ballots ? in->cap_ballots * 2 : 64;
        cnt_ballot *b = realloc(in->ballots, cap * sizeof *b);
        if (b == NULL)
            return NULL;
        in->ballots = b;
        in->cap_ballots = cap;
    }
    cnt_ballot *b = &in->ballots[in->nballots];
    b->val = calloc(nvals ? nvals : 1, sizeof *b->val);
    if (b->val == NULL)
        return NULL;
    b->weight = 1;
    b->line = 0;
    b->nmarks = (uint32_t)nvals; /* until compact */
    b->marks = NULL;
    in->pending = in->nballots++;
    return b;
}

cns_err cnt_input_alloc_totals(cns_count_input *in, size_t ndist)
{
    size_t n = ndist * in->ncand;
    in->votes = calloc(n ? n : 1, sizeof *in->votes);
    in->official = malloc((n ? n : 1) * sizeof *in->official);
    in->vline = calloc(n ? n : 1, sizeof *in->vline);
    if (in->votes == NULL || in->official == NULL || in->vline == NULL)
        return CNS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        in->official[i] = -1;
    return CNS_OK;
}

void cnt_lex_init(cnt_lex *lx, const char *name, const char *text, size_t len)
{
    lx->name = name;
    lx->s = text;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->col = 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        lx->pos = 3; /* UTF-8 byte order mark */
}

int cnt_lex_peek(const cnt_lex *lx)
{
    return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}

void cnt_lex_next(cnt_lex *lx)
{
    if (lx->pos >= lx->len)
        return;
    if (lx->s[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (((unsigned char)lx->s[lx->pos] & 0xC0) != 0x80) {
        lx->col++; /* columns count characters, not UTF-8 continuation bytes */
    }
    lx->pos++;
}

cns_err cnt_lex_fail(const cnt_lex *lx, uint32_t line, uint32_t col, cns_diag *diag, cns_err err,
                     const char *fmt, ...)
{
    if (diag == NULL)
        return err;
    char msg[CNS_DIAG_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cns_diag_set(diag, err, "%s:%u:%u: %s", lx->name, line, col, msg);
}

cns_err cnt_lex_uint(cnt_lex *lx, uint64_t *out, cns_diag *diag)
{
    uint32_t line = lx->line, col = lx->col;
    int c = cnt_lex_peek(lx);
    if (c < '0' || c > '9')
        return cnt_lex_fail(lx, line, col, diag, CNS_ERR_DECODE, "expected a number");
    uint64_t v = 0;
    bool big = false;
    while ((c = cnt_lex_peek(lx)) >= '0' && c <= '9') {
        if (v > CNS_COUNT_MAX_VOTES)
            big = true;
        else
            v = v * 10 + (uint64_t)(c - '0');
        cnt_lex_next(lx);
    }
    if (big || v > CNS_COUNT_MAX_VOTES)
        return cnt_lex_fail(lx, line, col, diag, CNS_ERR_LIMIT, "count exceeds 10^12");
    *out = v;
    return CNS_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != suffix[i])
            return false;
    }
    return true;
}

cns_count_format cns_count_format_from_name(const char *name)
{
    if (name == NULL)
        return CNS_COUNT_FORMAT_AUTO;
    if (ends_with(name, ".blt"))
        return CNS_COUNT_FORMAT_BLT;
    if (ends_with(name, ".soi") || ends_with(name, ".soc") || ends_with(name, ".toi") ||
        ends_with(name, ".toc"))
        return CNS_COUNT_FORMAT_PREFLIB;
    if (ends_with(name, ".csv"))
        return CNS_COUNT_FORMAT_CSV;
    if (ends_with(name, ".json"))
        return CNS_COUNT_FORMAT_JSON;
    return CNS_COUNT_FORMAT_AUTO;
}

cns_err cns_count_input_parse(cns_count_format format, const char *name, const char *text,
                              size_t len, const cns_count_rule *rule, cns_count_input **out,
                              cns_diag *diag)
{
    const char *n = name != NULL ? name : "<input>";
    if (out == NULL || (text == NULL && len > 0))
        return cns_diag_set(diag, CNS_ERR_INVALID, "count: no input");
    *out = NULL;
    if (len > CNS_COUNT_MAX_INPUT)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: input larger than %u bytes", n,
                            CNS_COUNT_MAX_INPUT);
    if (format == CNS_COUNT_FORMAT_AUTO)
        format = cns_count_format_from_name(name);
    if (format == CNS_COUNT_FORMAT_AUTO)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: unknown input format (expected .blt, .soi/.soc/.toi/.toc, "
                            ".csv or .json)",
                            n);
    cns_count_input *in = cnt_input_new(n, format);
    if (in == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "%s: out of memory", n);
    cns_err err = CNS_ERR_INTERNAL;
    switch (format) {
    case CNS_COUNT_FORMAT_BLT:
        err = cnt_parse_blt(in, text, len, diag);
        break;
    case CNS_COUNT_FORMAT_PREFLIB:
        err = cnt_parse_preflib(in, text, len, diag);
        break;
    case CNS_COUNT_FORMAT_CSV:
        err = cnt_parse_csv(in, text, len, diag);
        break;
    case CNS_COUNT_FORMAT_JSON:
        err = cnt_parse_json(in, text, len, rule, diag);
        break;
    default:
        break;
    }
    if (err == CNS_ERR_NOMEM)
        cns_diag_set(diag, err, "%s: out of memory", n);
    if (err == CNS_OK && compact_pending(in) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_NOMEM, "%s: out of memory", n);
    if (err != CNS_OK) {
        cns_count_input_free(in);
        return err;
    }
    *out = in;
    return CNS_OK;
}
