/*
 * PrefLib ordinal formats (.soi, .soc, .toi, .toc; the 2022 layout):
 *
 *   # NUMBER ALTERNATIVES: 5
 *   # ALTERNATIVE NAME 1: Stefano Zacchiroli
 *   …
 *   39: 1,2,4,5,3           count: order, best first
 *   5: 1,{2,3},4            {a,b} ranks a and b equal
 *
 * Other '#' metadata lines are read and ignored, except NUMBER VOTERS, which
 * must equal the sum of the counts when present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

typedef struct pl {
    cnt_lex lx;
    cns_count_input *in;
    cns_diag *diag;
    size_t nalt;
    char **names; /* nalt entries, from the header */
    uint64_t voters;
    bool has_voters;
} pl;

static void skip_blanks(cnt_lex *lx)
{
    while (cnt_lex_peek(lx) == ' ' || cnt_lex_peek(lx) == '\t' || cnt_lex_peek(lx) == '\r')
        cnt_lex_next(lx);
}

static void skip_line(cnt_lex *lx)
{
    while (cnt_lex_peek(lx) != -1 && cnt_lex_peek(lx) != '\n')
        cnt_lex_next(lx);
    cnt_lex_next(lx);
}

/* Does the text at the cursor start with word? If so, step over it. */
static bool accept(cnt_lex *lx, const char *word)
{
    size_t n = strlen(word);
    if (lx->len - lx->pos < n || memcmp(lx->s + lx->pos, word, n) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        cnt_lex_next(lx);
    return true;
}

/* The rest of the line, trimmed, as [start, start+len). */
static void rest_of_line(cnt_lex *lx, const char **start, size_t *len)
{
    skip_blanks(lx);
    size_t s = lx->pos;
    while (cnt_lex_peek(lx) != -1 && cnt_lex_peek(lx) != '\n')
        cnt_lex_next(lx);
    size_t e = lx->pos;
    while (e > s && (lx->s[e - 1] == ' ' || lx->s[e - 1] == '\r' || lx->s[e - 1] == '\t'))
        e--;
    *start = lx->s + s;
    *len = e - s;
    cnt_lex_next(lx);
}

static cns_err header_alternatives(pl *p)
{
    uint32_t line = p->lx.line, col = p->lx.col;
    uint64_t n;
    skip_blanks(&p->lx);
    cns_err err = cnt_lex_uint(&p->lx, &n, p->diag);
    if (err != CNS_OK)
        return err;
    if (n == 0 || n > CNS_COUNT_MAX_CANDIDATES)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_LIMIT,
                            "NUMBER ALTERNATIVES must be between 1 and 1000");
    if (p->nalt != 0)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_DECODE,
                            "NUMBER ALTERNATIVES given twice");
    p->nalt = (size_t)n;
    p->names = calloc(p->nalt, sizeof *p->names);
    if (p->names == NULL)
        return CNS_ERR_NOMEM;
    skip_line(&p->lx);
    return CNS_OK;
}

static cns_err header_name(pl *p)
{
    uint32_t line = p->lx.line, col = p->lx.col;
    uint64_t i;
    cns_err err = cnt_lex_uint(&p->lx, &i, p->diag);
    if (err != CNS_OK)
        return err;
    if (p->nalt == 0)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_DECODE,
                            "ALTERNATIVE NAME before NUMBER ALTERNATIVES");
    if (i == 0 || i > p->nalt)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_INVALID,
                            "alternative %llu is beyond the %zu alternatives",
                            (unsigned long long)i, p->nalt);
    if (!accept(&p->lx, ":"))
        return cnt_lex_fail(&p->lx, p->lx.line, p->lx.col, p->diag, CNS_ERR_DECODE, "expected ':'");
    const char *s;
    size_t n;
    uint32_t nline = p->lx.line, ncol = p->lx.col + 1;
    rest_of_line(&p->lx, &s, &n);
    if (!cnt_utf8_ok(s, n))
        return cnt_lex_fail(&p->lx, nline, ncol, p->diag, CNS_ERR_DECODE,
                            "name is not valid UTF-8");
    for (size_t j = 0; j < p->nalt; j++) {
        if (p->names[j] != NULL && strlen(p->names[j]) == n && memcmp(p->names[j], s, n) == 0)
            return cnt_lex_fail(&p->lx, nline, ncol, p->diag, CNS_ERR_INVALID,
                                "duplicate candidate \"%.*s\"", (int)n, s);
    }
    if (p->names[i - 1] != NULL)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_INVALID,
                            "alternative %llu named twice", (unsigned long long)i);
    p->names[i - 1] = cnt_strndup(s, n);
    return p->names[i - 1] == NULL ? CNS_ERR_NOMEM : CNS_OK;
}

static cns_err header_line(pl *p)
{
    cnt_lex_next(&p->lx); /* '#' */
    skip_blanks(&p->lx);
    if (accept(&p->lx, "NUMBER ALTERNATIVES:"))
        return header_alternatives(p);
    if (accept(&p->lx, "ALTERNATIVE NAME "))
        return header_name(p);
    if (accept(&p->lx, "NUMBER VOTERS:")) {
        skip_blanks(&p->lx);
        cns_err err = cnt_lex_uint(&p->lx, &p->voters, p->diag);
        if (err != CNS_OK)
            return err;
        p->has_voters = true;
    }
    skip_line(&p->lx);
    return CNS_OK;
}

static cns_err one_alt(pl *p, cnt_ballot *b, uint32_t rank)
{
    uint32_t line = p->lx.line, col = p->lx.col;
    uint64_t a;
    skip_blanks(&p->lx);
    cns_err err = cnt_lex_uint(&p->lx, &a, p->diag);
    if (err != CNS_OK)
        return err;
    if (a == 0 || a > p->nalt)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_INVALID,
                            "candidate %llu is beyond the %zu candidates", (unsigned long long)a,
                            p->nalt);
    if (b->val[a - 1] != 0)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_INVALID,
                            "candidate %llu is ranked twice", (unsigned long long)a);
    b->val[a - 1] = rank;
    skip_blanks(&p->lx);
    return CNS_OK;
}

static cns_err order(pl *p, cnt_ballot *b)
{
    uint32_t rank = 0;
    skip_blanks(&p->lx);
    if (cnt_lex_peek(&p->lx) == '\n' || cnt_lex_peek(&p->lx) == -1)
        return CNS_OK;
    for (;;) {
        rank++;
        cns_err err;
        skip_blanks(&p->lx);
        if (cnt_lex_peek(&p->lx) == '{') {
            cnt_lex_next(&p->lx);
            do {
                if ((err = one_alt(p, b, rank)) != CNS_OK)
                    return err;
            } while (accept(&p->lx, ","));
            if (!accept(&p->lx, "}"))
                return cnt_lex_fail(&p->lx, p->lx.line, p->lx.col, p->diag, CNS_ERR_DECODE,
                                    "expected ',' or '}'");
            skip_blanks(&p->lx);
        } else if ((err = one_alt(p, b, rank)) != CNS_OK) {
            return err;
        }
        if (!accept(&p->lx, ","))
            break;
    }
    if (cnt_lex_peek(&p->lx) != '\n' && cnt_lex_peek(&p->lx) != -1)
        return cnt_lex_fail(&p->lx, p->lx.line, p->lx.col, p->diag, CNS_ERR_DECODE,
                            "expected ',' or the end of the line");
    return CNS_OK;
}

static cns_err data_line(pl *p, uint64_t *total)
{
    uint32_t line = p->lx.line, col = p->lx.col;
    if (p->nalt == 0)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_DECODE,
                            "data before the '# NUMBER ALTERNATIVES:' header");
    if (p->in->ncand == 0) {
        for (size_t i = 0; i < p->nalt; i++) {
            char num[24];
            const char *nm = p->names[i];
            if (nm == NULL) {
                snprintf(num, sizeof num, "%zu", i + 1);
                nm = num;
            }
            cns_err err = cnt_input_add_cand(p->in, nm, strlen(nm));
            if (err != CNS_OK)
                return err;
        }
    }
    uint64_t count;
    cns_err err = cnt_lex_uint(&p->lx, &count, p->diag);
    if (err != CNS_OK)
        return err;
    if (!accept(&p->lx, ":"))
        return cnt_lex_fail(&p->lx, p->lx.line, p->lx.col, p->diag, CNS_ERR_DECODE,
                            "expected ':' after the count");
    *total += count;
    if (*total > CNS_COUNT_MAX_TOTAL)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_LIMIT,
                            "counts add up to more than 10^15");
    if (p->in->nballots >= CNS_COUNT_MAX_BALLOTS)
        return cnt_lex_fail(&p->lx, line, col, p->diag, CNS_ERR_LIMIT, "too many ballot lines");
    cnt_ballot *b = cnt_input_add_ballot(p->in, p->nalt);
    if (b == NULL)
        return CNS_ERR_NOMEM;
    b->weight = count;
    b->line = line;
    if ((err = order(p, b)) != CNS_OK)
        return err;
    skip_line(&p->lx);
    return CNS_OK;
}

static cns_err parse(pl *p)
{
    uint64_t total = 0;
    for (;;) {
        skip_blanks(&p->lx);
        int c = cnt_lex_peek(&p->lx);
        cns_err err = CNS_OK;
        if (c == -1)
            break;
        if (c == '\n')
            cnt_lex_next(&p->lx);
        else if (c == '#')
            err = header_line(p);
        else if (c >= '0' && c <= '9')
            err = data_line(p, &total);
        else if (c == '-')
            err = cnt_lex_fail(&p->lx, p->lx.line, p->lx.col, p->diag, CNS_ERR_INVALID,
                               "negative count");
        else
            err = cnt_lex_fail(&p->lx, p->lx.line, p->lx.col, p->diag, CNS_ERR_DECODE,
                               "expected '#' metadata or 'count: order'");
        if (err != CNS_OK)
            return err;
    }
    if (p->nalt == 0)
        return cnt_lex_fail(&p->lx, p->lx.line, p->lx.col, p->diag, CNS_ERR_DECODE,
                            "no '# NUMBER ALTERNATIVES:' header");
    if (p->has_voters && p->voters != total)
        return cns_diag_set(
            p->diag, CNS_ERR_INVALID, "%s: the counts add up to %llu but NUMBER VOTERS is %llu",
            p->in->source, (unsigned long long)total, (unsigned long long)p->voters);
    return CNS_OK;
}

cns_err cnt_parse_preflib(cns_count_input *in, const char *text, size_t len, cns_diag *diag)
{
    pl p = {.in = in, .diag = diag};
    cnt_lex_init(&p.lx, in->source, text, len);
    cns_err err = parse(&p);
    if (err == CNS_OK && in->ncand == 0) {
        for (size_t i = 0; i < p.nalt && err == CNS_OK; i++) {
            char num[24];
            snprintf(num, sizeof num, "%zu", i + 1);
            const char *nm = p.names[i] != NULL ? p.names[i] : num;
            err = cnt_input_add_cand(in, nm, strlen(nm));
        }
    }
    for (size_t i = 0; i < p.nalt; i++)
        free(p.names[i]);
    free(p.names);
    return err;
}
