/*
 * The .blt ballot format (OpenSTV, Droop, eSTV):
 *
 *   NCAND NSEATS
 *   [-W …]                 withdrawn candidates (negative numbers)
 *   WEIGHT C1 C2 … 0       one line per ballot (group of identical ballots)
 *   0                      a zero weight ends the ballots
 *   "Name 1" … "Name N"    candidate names in quotes
 *   "Title"
 *
 * with COUNTING.md's extensions: '#' comments to the end of the line, '='
 * between two candidates for equal ranks ("3=4"), '-' for a skipped rank, and
 * a UTF-8 byte order mark.
 */
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

enum tok_kind { TOK_END, TOK_NUM, TOK_NEG, TOK_DASH, TOK_EQ, TOK_STR };

typedef struct tok {
    enum tok_kind kind;
    uint64_t num;
    const char *str;
    size_t slen;
    uint32_t line, col;
} tok;

static void skip_space(cnt_lex *lx)
{
    for (;;) {
        int c = cnt_lex_peek(lx);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
            cnt_lex_next(lx);
        } else if (c == '#') {
            while (cnt_lex_peek(lx) != -1 && cnt_lex_peek(lx) != '\n')
                cnt_lex_next(lx);
        } else {
            return;
        }
    }
}

static cns_err read_string(cnt_lex *lx, tok *t, cns_diag *diag)
{
    cnt_lex_next(lx); /* opening quote */
    size_t start = lx->pos;
    for (;;) {
        int c = cnt_lex_peek(lx);
        if (c == -1 || c == '\n')
            return cnt_lex_fail(lx, t->line, t->col, diag, CNS_ERR_DECODE,
                                "unterminated quoted name");
        if (c == '"')
            break;
        cnt_lex_next(lx);
    }
    t->kind = TOK_STR;
    t->str = lx->s + start;
    t->slen = lx->pos - start;
    if (!cnt_utf8_ok(t->str, t->slen))
        return cnt_lex_fail(lx, t->line, t->col, diag, CNS_ERR_DECODE, "name is not valid UTF-8");
    cnt_lex_next(lx);
    return CNS_OK;
}

static cns_err next_tok(cnt_lex *lx, tok *t, cns_diag *diag)
{
    skip_space(lx);
    memset(t, 0, sizeof *t);
    t->line = lx->line;
    t->col = lx->col;
    int c = cnt_lex_peek(lx);
    if (c == -1) {
        t->kind = TOK_END;
        return CNS_OK;
    }
    if (c == '"')
        return read_string(lx, t, diag);
    if (c == '=') {
        t->kind = TOK_EQ;
        cnt_lex_next(lx);
        return CNS_OK;
    }
    if (c == '-') {
        cnt_lex_next(lx);
        int d = cnt_lex_peek(lx);
        if (d >= '0' && d <= '9') {
            t->kind = TOK_NEG;
            return cnt_lex_uint(lx, &t->num, diag);
        }
        t->kind = TOK_DASH;
        return CNS_OK;
    }
    if (c >= '0' && c <= '9') {
        t->kind = TOK_NUM;
        cns_err err = cnt_lex_uint(lx, &t->num, diag);
        if (err != CNS_OK)
            return err;
        int d = cnt_lex_peek(lx);
        if (d != -1 && d != ' ' && d != '\t' && d != '\r' && d != '\n' && d != '=' && d != '#')
            return cnt_lex_fail(lx, lx->line, lx->col, diag, CNS_ERR_DECODE,
                                "unexpected character '%c' after a number", d);
        return CNS_OK;
    }
    return cnt_lex_fail(lx, t->line, t->col, diag, CNS_ERR_DECODE, "unexpected character '%c'", c);
}

typedef struct blt {
    cnt_lex lx;
    cns_count_input *in;
    size_t ncand;
    bool *wd; /* withdrawn flags, until the names are read */
    cns_diag *diag;
    tok t; /* current token */
} blt;

static cns_err advance(blt *b)
{
    return next_tok(&b->lx, &b->t, b->diag);
}

static cns_err fail(blt *b, cns_err err, const char *what)
{
    return cnt_lex_fail(&b->lx, b->t.line, b->t.col, b->diag, err, "%s", what);
}

static cns_err parse_header(blt *b)
{
    cns_err err = advance(b);
    if (err != CNS_OK)
        return err;
    if (b->t.kind != TOK_NUM)
        return fail(b, CNS_ERR_DECODE, "expected the number of candidates");
    if (b->t.num == 0)
        return fail(b, CNS_ERR_INVALID, "the number of candidates must be at least 1");
    if (b->t.num > CNS_COUNT_MAX_CANDIDATES)
        return fail(b, CNS_ERR_LIMIT, "more than 1000 candidates");
    b->ncand = (size_t)b->t.num;
    if ((err = advance(b)) != CNS_OK)
        return err;
    if (b->t.kind != TOK_NUM)
        return fail(b, CNS_ERR_DECODE, "expected the number of seats");
    if (b->t.num == 0)
        return fail(b, CNS_ERR_INVALID, "the number of seats must be at least 1");
    if (b->t.num > b->ncand)
        return cnt_lex_fail(&b->lx, b->t.line, b->t.col, b->diag, CNS_ERR_INVALID,
                            "more seats (%llu) than candidates (%zu)", (unsigned long long)b->t.num,
                            b->ncand);
    b->in->seats_hint = (uint32_t)b->t.num;
    b->wd = calloc(b->ncand, sizeof *b->wd);
    if (b->wd == NULL)
        return CNS_ERR_NOMEM;
    return advance(b);
}

static cns_err parse_withdrawn(blt *b)
{
    while (b->t.kind == TOK_NEG) {
        if (b->t.num == 0 || b->t.num > b->ncand)
            return cnt_lex_fail(&b->lx, b->t.line, b->t.col, b->diag, CNS_ERR_INVALID,
                                "withdrawn candidate %llu is beyond the %zu candidates",
                                (unsigned long long)b->t.num, b->ncand);
        b->wd[b->t.num - 1] = true;
        cns_err err = advance(b);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

/* One candidate reference inside a ballot: check it and give it rank r. */
static cns_err put_rank(blt *b, cnt_ballot *bal, uint32_t r)
{
    if (b->t.num > b->ncand)
        return cnt_lex_fail(&b->lx, b->t.line, b->t.col, b->diag, CNS_ERR_INVALID,
                            "candidate %llu is beyond the %zu candidates",
                            (unsigned long long)b->t.num, b->ncand);
    if (bal->val[b->t.num - 1] != 0)
        return cnt_lex_fail(&b->lx, b->t.line, b->t.col, b->diag, CNS_ERR_INVALID,
                            "candidate %llu is ranked twice", (unsigned long long)b->t.num);
    bal->val[b->t.num - 1] = r;
    return CNS_OK;
}

/* The preferences of one ballot, after its weight, up to and including the 0. */
static cns_err parse_prefs(blt *b, cnt_ballot *bal)
{
    uint32_t rank = 0;
    bool after_cand = false, after_eq = false;
    for (;;) {
        cns_err err = advance(b);
        if (err != CNS_OK)
            return err;
        switch (b->t.kind) {
        case TOK_NUM:
            if (b->t.num == 0) {
                if (after_eq)
                    return fail(b, CNS_ERR_DECODE, "'=' must be followed by a candidate");
                return advance(b);
            }
            if (!after_eq)
                rank++;
            if ((err = put_rank(b, bal, rank)) != CNS_OK)
                return err;
            after_cand = true;
            after_eq = false;
            break;
        case TOK_DASH:
            if (after_eq)
                return fail(b, CNS_ERR_DECODE, "'=' must be followed by a candidate");
            rank++;
            after_cand = false;
            break;
        case TOK_EQ:
            if (!after_cand)
                return fail(b, CNS_ERR_DECODE, "'=' must follow a candidate");
            after_cand = false;
            after_eq = true;
            break;
        case TOK_END:
            return fail(b, CNS_ERR_DECODE, "ballot not terminated by 0");
        default:
            return fail(b, CNS_ERR_DECODE, "expected a candidate number, '-', '=' or 0");
        }
        if (rank > b->ncand)
            return fail(b, CNS_ERR_INVALID, "more ranks than candidates");
    }
}

static cns_err parse_ballots(blt *b)
{
    uint64_t total = 0;
    for (;;) {
        if (b->t.kind == TOK_NEG)
            return fail(b, CNS_ERR_INVALID, "negative ballot weight");
        if (b->t.kind != TOK_NUM)
            return fail(b, CNS_ERR_DECODE, "expected a ballot weight or the closing 0");
        if (b->t.num == 0)
            return advance(b);
        if (b->in->nballots >= CNS_COUNT_MAX_BALLOTS)
            return fail(b, CNS_ERR_LIMIT, "too many ballot lines");
        total += b->t.num;
        if (total > CNS_COUNT_MAX_TOTAL)
            return fail(b, CNS_ERR_LIMIT, "ballot weights add up to more than 10^15");
        cnt_ballot *bal = cnt_input_add_ballot(b->in, b->ncand);
        if (bal == NULL)
            return CNS_ERR_NOMEM;
        bal->weight = b->t.num;
        bal->line = b->t.line;
        cns_err err = parse_prefs(b, bal);
        if (err != CNS_OK)
            return err;
    }
}

static cns_err parse_names(blt *b)
{
    for (size_t i = 0; i < b->ncand; i++) {
        if (b->t.kind != TOK_STR)
            return cnt_lex_fail(&b->lx, b->t.line, b->t.col, b->diag, CNS_ERR_DECODE,
                                "expected the name of candidate %zu in quotes", i + 1);
        for (size_t j = 0; j < b->in->ncand; j++) {
            if (strlen(b->in->cand[j]) == b->t.slen &&
                memcmp(b->in->cand[j], b->t.str, b->t.slen) == 0)
                return cnt_lex_fail(&b->lx, b->t.line, b->t.col, b->diag, CNS_ERR_INVALID,
                                    "duplicate candidate \"%.*s\"", (int)b->t.slen, b->t.str);
        }
        cns_err err = cnt_input_add_cand(b->in, b->t.str, b->t.slen);
        if (err != CNS_OK)
            return err;
        b->in->withdrawn[i] = b->wd[i];
        if ((err = advance(b)) != CNS_OK)
            return err;
    }
    if (b->t.kind == TOK_STR) {
        b->in->title = cnt_strndup(b->t.str, b->t.slen);
        if (b->in->title == NULL)
            return CNS_ERR_NOMEM;
        cns_err err = advance(b);
        if (err != CNS_OK)
            return err;
    }
    if (b->t.kind != TOK_END)
        return fail(b, CNS_ERR_DECODE, "unexpected data after the title");
    return CNS_OK;
}

cns_err cnt_parse_blt(cns_count_input *in, const char *text, size_t len, cns_diag *diag)
{
    blt b = {.in = in, .diag = diag};
    cnt_lex_init(&b.lx, in->source, text, len);
    cns_err err = parse_header(&b);
    if (err == CNS_OK)
        err = parse_withdrawn(&b);
    if (err == CNS_OK)
        err = parse_ballots(&b);
    if (err == CNS_OK)
        err = parse_names(&b);
    free(b.wd);
    return err;
}
