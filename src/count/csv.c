/*
 * CSV of list votes per district (RFC 4180 quoting; '#' lines are comments).
 * The first row names the columns, in any order:
 *
 *   party           list name (required)
 *   votes           list votes, or a candidate's preferential votes (required)
 *   district        district name (default "NACIONAL")
 *   official_seats  seats officially won, reported next to the computed ones
 *   candidate       a candidate of the list (row is then about that candidate)
 *   gender          F or M (parity report)
 *   position        place on the list (default: order of the rows)
 *
 * A row with an empty candidate gives the list's votes in the district. The
 * party names "@blank", "@null" and "@registered" give those vote categories.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

enum col { COL_DISTRICT, COL_PARTY, COL_VOTES, COL_OFFICIAL, COL_CAND, COL_GENDER, COL_POS, NCOL };
static const char *const col_names[NCOL] = {"district",  "party",  "votes",   "official_seats",
                                            "candidate", "gender", "position"};

typedef struct field {
    char *text; /* unquoted, owned */
    uint32_t col;
} field;

typedef struct row {
    size_t d, l;
    uint64_t votes;
    int64_t official;
    uint32_t line, vcol;
} row;

typedef struct csv {
    cnt_lex lx;
    cns_count_input *in;
    cns_diag *diag;
    int colidx[NCOL]; /* field number of each column, -1 absent */
    size_t nf;        /* fields in the header */
    char **parties, **districts;
    size_t npart, ndist;
    row *rows;
    size_t nrows, caprows;
} csv;

static cns_err read_field(csv *c, field *f, bool *eol)
{
    cnt_lex *lx = &c->lx;
    f->col = lx->col;
    size_t cap = 16, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return CNS_ERR_NOMEM;
    bool quoted = cnt_lex_peek(lx) == '"';
    if (quoted)
        cnt_lex_next(lx);
    for (;;) {
        int ch = cnt_lex_peek(lx);
        if (quoted && ch == -1) {
            free(buf);
            return cnt_lex_fail(lx, lx->line, f->col, c->diag, CNS_ERR_DECODE,
                                "unterminated quoted field");
        }
        if (quoted && ch == '"') {
            cnt_lex_next(lx);
            if (cnt_lex_peek(lx) != '"') {
                quoted = false;
                continue;
            }
        } else if (!quoted && (ch == ',' || ch == '\n' || ch == -1)) {
            break;
        } else if (!quoted && ch == '\r') {
            cnt_lex_next(lx);
            continue;
        }
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (nb == NULL) {
                free(buf);
                return CNS_ERR_NOMEM;
            }
            buf = nb;
        }
        buf[n++] = (char)ch;
        cnt_lex_next(lx);
    }
    buf[n] = '\0';
    if (!cnt_utf8_ok(buf, n)) {
        free(buf);
        return cnt_lex_fail(lx, lx->line, f->col, c->diag, CNS_ERR_DECODE,
                            "field is not valid UTF-8");
    }
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = '\0';
    f->text = buf;
    *eol = cnt_lex_peek(lx) != ',';
    cnt_lex_next(lx); /* ',' or '\n' */
    return CNS_OK;
}

static void free_fields(field *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i].text);
}

/* Read one record into f[0..*n) (at most max fields). */
static cns_err read_record(csv *c, field *f, size_t max, size_t *n)
{
    *n = 0;
    bool eol = false;
    while (!eol) {
        if (*n == max) {
            free_fields(f, *n);
            return cnt_lex_fail(&c->lx, c->lx.line, c->lx.col, c->diag, CNS_ERR_DECODE,
                                "more than %zu fields", max);
        }
        cns_err err = read_field(c, &f[*n], &eol);
        if (err != CNS_OK) {
            free_fields(f, *n);
            return err;
        }
        (*n)++;
    }
    return CNS_OK;
}

static cns_err header(csv *c, field *f, size_t n, uint32_t line)
{
    for (int k = 0; k < NCOL; k++)
        c->colidx[k] = -1;
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        while (k < NCOL && strcmp(f[i].text, col_names[k]) != 0)
            k++;
        if (k == NCOL)
            return cnt_lex_fail(&c->lx, line, f[i].col, c->diag, CNS_ERR_INVALID,
                                "unknown column \"%s\"", f[i].text);
        if (c->colidx[k] != -1)
            return cnt_lex_fail(&c->lx, line, f[i].col, c->diag, CNS_ERR_INVALID,
                                "duplicate column \"%s\"", f[i].text);
        c->colidx[k] = (int)i;
    }
    if (c->colidx[COL_PARTY] < 0 || c->colidx[COL_VOTES] < 0)
        return cnt_lex_fail(&c->lx, line, 1, c->diag, CNS_ERR_INVALID,
                            "the header must name the columns party and votes");
    c->nf = n;
    return CNS_OK;
}

static cns_err intern(char ***names, size_t *n, const char *s, size_t *idx)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*names)[i], s) == 0) {
            *idx = i;
            return CNS_OK;
        }
    }
    char **nn = realloc(*names, (*n + 1) * sizeof *nn);
    if (nn == NULL)
        return CNS_ERR_NOMEM;
    *names = nn;
    nn[*n] = cnt_strndup(s, strlen(s));
    if (nn[*n] == NULL)
        return CNS_ERR_NOMEM;
    *idx = (*n)++;
    return CNS_OK;
}

/* A count field: digits only, at most 10^12. */
static cns_err count_field(csv *c, const field *f, uint32_t line, uint64_t *out)
{
    const char *s = f->text;
    if (s[0] == '-')
        return cnt_lex_fail(&c->lx, line, f->col, c->diag, CNS_ERR_INVALID, "negative count");
    if (s[0] == '\0')
        return cnt_lex_fail(&c->lx, line, f->col, c->diag, CNS_ERR_DECODE, "expected a count");
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return cnt_lex_fail(&c->lx, line, f->col, c->diag, CNS_ERR_DECODE,
                                "expected a count, found \"%s\"", s);
        if (v > CNS_COUNT_MAX_VOTES)
            break;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > CNS_COUNT_MAX_VOTES)
        return cnt_lex_fail(&c->lx, line, f->col, c->diag, CNS_ERR_LIMIT, "count exceeds 10^12");
    *out = v;
    return CNS_OK;
}

static const char *fld(const csv *c, const field *f, enum col k)
{
    return c->colidx[k] >= 0 ? f[c->colidx[k]].text : "";
}

static cns_err add_category(csv *c, const char *party, uint64_t v, uint32_t line, uint32_t col)
{
    cns_count_input *in = c->in;
    uint64_t *dst = NULL;
    if (strcmp(party, "@blank") == 0) {
        dst = &in->blank;
        in->has_blank = true;
    } else if (strcmp(party, "@null") == 0) {
        dst = &in->null;
        in->has_null = true;
    } else if (strcmp(party, "@registered") == 0) {
        dst = &in->registered;
        in->has_registered = true;
    } else {
        return cnt_lex_fail(&c->lx, line, col, c->diag, CNS_ERR_INVALID,
                            "unknown category \"%s\" (expected @blank, @null or @registered)",
                            party);
    }
    *dst += v;
    return CNS_OK;
}

static cns_err add_list_row(csv *c, field *f, uint32_t line, size_t d, size_t l, uint64_t v)
{
    for (size_t i = 0; i < c->nrows; i++) {
        if (c->rows[i].d == d && c->rows[i].l == l)
            return cnt_lex_fail(&c->lx, line, f[c->colidx[COL_PARTY]].col, c->diag, CNS_ERR_INVALID,
                                "duplicate list \"%s\" in district \"%s\"", c->parties[l],
                                c->districts[d]);
    }
    if (c->nrows == c->caprows) {
        size_t cap = c->caprows ? 2 * c->caprows : 32;
        row *r = realloc(c->rows, cap * sizeof *r);
        if (r == NULL)
            return CNS_ERR_NOMEM;
        c->rows = r;
        c->caprows = cap;
    }
    row *r = &c->rows[c->nrows++];
    *r = (row){.d = d, .l = l, .votes = v, .official = -1, .line = line};
    const char *off = fld(c, f, COL_OFFICIAL);
    if (off[0] != '\0') {
        uint64_t o;
        cns_err err = count_field(c, &f[c->colidx[COL_OFFICIAL]], line, &o);
        if (err != CNS_OK)
            return err;
        r->official = (int64_t)o;
    }
    return CNS_OK;
}

static cns_err add_cand_row(csv *c, field *f, uint32_t line, size_t d, size_t l, uint64_t v,
                            bool has_votes)
{
    cns_count_input *in = c->in;
    const char *name = fld(c, f, COL_CAND);
    uint32_t npos = 0;
    for (size_t i = 0; i < in->nlc; i++) {
        if (in->lc[i].district == d && in->lc[i].list == l) {
            npos++;
            if (strcmp(in->lc[i].name, name) == 0)
                return cnt_lex_fail(&c->lx, line, f[c->colidx[COL_CAND]].col, c->diag,
                                    CNS_ERR_INVALID, "duplicate candidate \"%s\"", name);
        }
    }
    if (in->nlc == in->cap_lc) {
        size_t cap = in->cap_lc ? 2 * in->cap_lc : 32;
        cnt_listcand *n = realloc(in->lc, cap * sizeof *n);
        if (n == NULL)
            return CNS_ERR_NOMEM;
        in->lc = n;
        in->cap_lc = cap;
    }
    cnt_listcand *lc = &in->lc[in->nlc];
    *lc = (cnt_listcand){.district = d,
                         .list = l,
                         .votes = v,
                         .has_votes = has_votes,
                         .position = npos + 1,
                         .line = line,
                         .gender = '?'};
    const char *g = fld(c, f, COL_GENDER);
    if (strcmp(g, "F") == 0 || strcmp(g, "M") == 0)
        lc->gender = g[0];
    else if (g[0] != '\0')
        return cnt_lex_fail(&c->lx, line, f[c->colidx[COL_GENDER]].col, c->diag, CNS_ERR_INVALID,
                            "gender must be F or M, not \"%s\"", g);
    const char *pos = fld(c, f, COL_POS);
    if (pos[0] != '\0') {
        uint64_t p;
        cns_err err = count_field(c, &f[c->colidx[COL_POS]], line, &p);
        if (err != CNS_OK)
            return err;
        if (p == 0 || p > CNS_COUNT_MAX_SEATS)
            return cnt_lex_fail(&c->lx, line, f[c->colidx[COL_POS]].col, c->diag, CNS_ERR_INVALID,
                                "position must be between 1 and 10000");
        lc->position = (uint32_t)p;
    }
    lc->name = cnt_strndup(name, strlen(name));
    if (lc->name == NULL)
        return CNS_ERR_NOMEM;
    in->nlc++;
    return CNS_OK;
}

static cns_err data_row(csv *c, field *f, size_t n, uint32_t line)
{
    if (n != c->nf)
        return cnt_lex_fail(&c->lx, line, 1, c->diag, CNS_ERR_DECODE,
                            "%zu fields where the header has %zu", n, c->nf);
    const char *party = fld(c, f, COL_PARTY);
    const char *dist = c->colidx[COL_DISTRICT] >= 0 ? fld(c, f, COL_DISTRICT) : "NACIONAL";
    const field *vf = &f[c->colidx[COL_VOTES]];
    if (party[0] == '\0')
        return cnt_lex_fail(&c->lx, line, f[c->colidx[COL_PARTY]].col, c->diag, CNS_ERR_INVALID,
                            "empty party name");
    bool is_cand = fld(c, f, COL_CAND)[0] != '\0';
    uint64_t v = 0;
    bool has_votes = vf->text[0] != '\0' || !is_cand;
    cns_err err = has_votes ? count_field(c, vf, line, &v) : CNS_OK;
    if (err != CNS_OK)
        return err;
    if (party[0] == '@')
        return add_category(c, party, v, line, f[c->colidx[COL_PARTY]].col);
    size_t d, l;
    if ((err = intern(&c->districts, &c->ndist, dist, &d)) != CNS_OK ||
        (err = intern(&c->parties, &c->npart, party, &l)) != CNS_OK)
        return err;
    if (c->ndist > CNS_COUNT_MAX_DISTRICTS || c->npart > CNS_COUNT_MAX_CANDIDATES)
        return cnt_lex_fail(&c->lx, line, 1, c->diag, CNS_ERR_LIMIT,
                            "more than 200 districts or 1000 lists");
    if (is_cand)
        return add_cand_row(c, f, line, d, l, v, has_votes);
    return add_list_row(c, f, line, d, l, v);
}

static cns_err records(csv *c)
{
    field f[NCOL + 1];
    bool have_header = false;
    for (;;) {
        int ch = cnt_lex_peek(&c->lx);
        if (ch == -1)
            break;
        if (ch == '#' || ch == '\n' || ch == '\r') {
            while (cnt_lex_peek(&c->lx) != -1 && cnt_lex_peek(&c->lx) != '\n')
                cnt_lex_next(&c->lx);
            cnt_lex_next(&c->lx);
            continue;
        }
        uint32_t line = c->lx.line;
        size_t n;
        cns_err err = read_record(c, f, NCOL + 1, &n);
        if (err != CNS_OK)
            return err;
        err = have_header ? data_row(c, f, n, line) : header(c, f, n, line);
        have_header = true;
        free_fields(f, n);
        if (err != CNS_OK)
            return err;
    }
    if (!have_header || c->nrows == 0)
        return cnt_lex_fail(&c->lx, c->lx.line, c->lx.col, c->diag, CNS_ERR_INVALID,
                            "no list votes");
    return CNS_OK;
}

static cns_err build(csv *c)
{
    cns_count_input *in = c->in;
    uint64_t total = 0;
    for (size_t i = 0; i < c->npart; i++) {
        cns_err err = cnt_input_add_cand(in, c->parties[i], strlen(c->parties[i]));
        if (err != CNS_OK)
            return err;
    }
    in->dist = c->districts;
    in->ndist = c->ndist;
    c->districts = NULL;
    c->ndist = 0;
    cns_err err = cnt_input_alloc_totals(in, in->ndist);
    if (err != CNS_OK)
        return err;
    for (size_t i = 0; i < c->nrows; i++) {
        const row *r = &c->rows[i];
        size_t k = r->d * in->ncand + r->l;
        in->votes[k] = r->votes;
        in->official[k] = r->official;
        in->vline[k] = r->line;
        total += r->votes;
        if (total > CNS_COUNT_MAX_TOTAL)
            return cnt_lex_fail(&c->lx, r->line, 1, c->diag, CNS_ERR_LIMIT,
                                "votes add up to more than 10^15");
    }
    return CNS_OK;
}

cns_err cnt_parse_csv(cns_count_input *in, const char *text, size_t len, cns_diag *diag)
{
    csv c = {.in = in, .diag = diag};
    cnt_lex_init(&c.lx, in->source, text, len);
    cns_err err = records(&c);
    if (err == CNS_OK)
        err = build(&c);
    for (size_t i = 0; i < c.npart; i++)
        free(c.parties[i]);
    for (size_t i = 0; i < c.ndist; i++)
        free(c.districts[i]);
    free(c.parties);
    free(c.districts);
    free(c.rows);
    return err;
}
