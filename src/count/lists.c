/*
 * List proportional representation, district by district: highest averages
 * (D'Hondt = Peru's cifra repartidora, Sainte-Laguë plain and with 1.4 as
 * first divisor) and Hare quota with largest remainders; the national
 * threshold ("valla") with its two passes; seats to candidates by list order
 * (closed lists) or preferential votes; and the gender report (Ley 31030).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

/* The j-th divisor (j from 0) as a/b. */
static void divisor(cnt_method m, uint32_t j, uint64_t *a, uint64_t *b)
{
    *b = 1;
    if (m == CNT_DHONDT) {
        *a = j + 1;
    } else if (m == CNT_SAINTE_LAGUE_14 && j == 0) {
        *a = 7;
        *b = 5;
    } else {
        *a = 2 * (uint64_t)j + 1;
    }
}

typedef struct quot {
    size_t list;
    uint64_t v, a, b; /* quotient v*b/a; every product stays below 2^63 (limits) */
} quot;

static int cmp_quot_desc(const void *x, const void *y)
{
    const quot *p = x, *q = y;
    uint64_t l = p->v * p->b * q->a, r = q->v * q->b * p->a;
    return l < r ? 1 : l > r ? -1 : 0;
}

static int quot_cmp(const quot *p, const quot *q)
{
    return -cmp_quot_desc(p, q);
}

typedef struct district_ctx {
    cnt_run *run;
    size_t d;
    const char *dname;
    uint32_t seats;
    const bool *incl;
    const uint64_t *votes; /* ncand votes of this district */
    uint32_t *out;         /* ncand seats */
    json_t *j;             /* the pass object for this district */
    unsigned pass;
} district_ctx;

/* Give `free` extra seats to `n` tied lists, by lot (or candidate order). */
static cns_err settle_tie(district_ctx *dc, size_t *tied, size_t n, uint32_t free_seats,
                          const char *what)
{
    cnt_run *run = dc->run;
    const char **names = malloc(n * sizeof *names);
    if (names == NULL)
        return cnt_oom(run);
    for (size_t i = 0; i < n; i++)
        names[i] = run->in->cand[tied[i]];
    char ctx[600];
    snprintf(ctx, sizeof ctx, "%s/district=%s/pass=%u/%s", cnt_method_name(run->rule->method),
             dc->dname, dc->pass, what);
    cns_err err = cnt_tie_order(run, ctx, n, tied, names);
    free(names);
    if (err != CNS_OK)
        return err;
    for (uint32_t i = 0; i < free_seats; i++)
        dc->out[tied[i]]++;
    cnt_set(run, dc->j, "tie", json_string(ctx));
    return CNS_OK;
}

static json_t *quot_json(const quot *q, unsigned places)
{
    mpq_t x;
    mpq_init(x);
    mpz_import(mpq_numref(x), 1, -1, sizeof q->v, 0, 0, &q->v);
    mpz_mul_ui(mpq_numref(x), mpq_numref(x), (unsigned long)q->b);
    mpz_set_ui(mpq_denref(x), (unsigned long)q->a);
    mpq_canonicalize(x);
    json_t *j = places > 0 ? cnt_decjson(x, places) : cnt_qjson(x);
    mpq_clear(x);
    return j;
}

/* The quotient table: for each list, its first `seats` quotients. */
static void put_quotients(district_ctx *dc, const quot *all, size_t n, json_t *lists)
{
    cnt_run *run = dc->run;
    for (size_t l = 0; l < run->in->ncand; l++) {
        json_t *row = json_array_get(lists, l), *qs = json_array();
        for (size_t i = 0; i < n; i++)
            if (all[i].list == l)
                cnt_push(run, qs, quot_json(&all[i], 4));
        cnt_set(run, row, "quotients", qs);
    }
}

/* D'Hondt read as Peru's law reads it: the cifra and votes/cifra per list. */
static void put_cifra(district_ctx *dc, const quot *cut, json_t *lists)
{
    cnt_run *run = dc->run;
    json_t *c = json_object();
    cnt_set(run, c, "exact", quot_json(cut, 0));
    cnt_set(run, c, "decimal", quot_json(cut, 4));
    cnt_set(run, dc->j, "cifra_repartidora", c);
    for (size_t l = 0; l < run->in->ncand; l++) {
        if (!dc->incl[l] || dc->votes[l] == 0)
            continue;
        mpq_t x;
        mpq_init(x);
        /* votes / cifra = v * cut.a / (cut.v * cut.b) */
        mpz_import(mpq_numref(x), 1, -1, sizeof dc->votes[l], 0, 0, &dc->votes[l]);
        mpz_mul_ui(mpq_numref(x), mpq_numref(x), (unsigned long)cut->a);
        mpz_import(mpq_denref(x), 1, -1, sizeof cut->v, 0, 0, &cut->v);
        mpz_mul_ui(mpq_denref(x), mpq_denref(x), (unsigned long)cut->b);
        mpq_canonicalize(x);
        cnt_set(run, json_array_get(lists, l), "votes_over_cifra", cnt_decjson(x, 4));
        mpq_clear(x);
    }
}

static cns_err highest_averages(district_ctx *dc, json_t *lists)
{
    cnt_run *run = dc->run;
    size_t nl = run->in->ncand, n = 0;
    quot *q = malloc((nl * (size_t)dc->seats + 1) * sizeof *q);
    if (q == NULL)
        return cnt_oom(run);
    for (size_t l = 0; l < nl; l++) {
        for (uint32_t j = 0; dc->incl[l] && dc->votes[l] > 0 && j < dc->seats; j++) {
            q[n] = (quot){.list = l, .v = dc->votes[l]};
            divisor(run->rule->method, j, &q[n].a, &q[n].b);
            n++;
        }
    }
    cns_err err = CNS_OK;
    if (n < dc->seats) {
        err = cns_diag_set(run->diag, CNS_ERR_INVALID,
                           "%s: district %s: no list with votes can take its %u seats",
                           run->in->source, dc->dname, dc->seats);
        goto done;
    }
    qsort(q, n, sizeof *q, cmp_quot_desc);
    const quot cut = q[dc->seats - 1];
    size_t above = 0, ntied = 0;
    size_t *tied = malloc(nl * sizeof *tied);
    if (tied == NULL) {
        err = cnt_oom(run);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        int c = quot_cmp(&q[i], &cut);
        if (c > 0) {
            dc->out[q[i].list]++;
            above++;
        } else if (c == 0) {
            tied[ntied++] = q[i].list;
        }
    }
    uint32_t free_seats = dc->seats - (uint32_t)above;
    if (ntied > free_seats) {
        err = settle_tie(dc, tied, ntied, free_seats, "last seat");
    } else {
        for (size_t i = 0; i < ntied; i++)
            dc->out[tied[i]]++;
    }
    free(tied);
    put_quotients(dc, q, n, lists);
    if (err == CNS_OK && run->rule->method == CNT_DHONDT)
        put_cifra(dc, &cut, lists);
    else if (err == CNS_OK)
        cnt_set(run, dc->j, "last_quotient", quot_json(&cut, 4));
done:
    free(q);
    return err;
}

typedef struct rem {
    size_t list;
    uint64_t r; /* remainder of v*S/V, compared directly (same denominator) */
} rem;

static int cmp_rem_desc(const void *x, const void *y)
{
    const rem *p = x, *q = y;
    return p->r < q->r ? 1 : p->r > q->r ? -1 : 0;
}

static cns_err hare(district_ctx *dc, json_t *lists)
{
    cnt_run *run = dc->run;
    size_t nl = run->in->ncand, n = 0;
    uint64_t total = 0, given = 0;
    for (size_t l = 0; l < nl; l++)
        total += dc->incl[l] ? dc->votes[l] : 0;
    if (total == 0)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: district %s: no valid votes",
                            run->in->source, dc->dname);
    rem *r = malloc(nl * sizeof *r);
    size_t *tied = malloc(nl * sizeof *tied);
    if (r == NULL || tied == NULL) {
        free(r);
        free(tied);
        return cnt_oom(run);
    }
    mpq_t quota, x;
    mpq_inits(quota, x, NULL);
    mpz_import(mpq_numref(quota), 1, -1, sizeof total, 0, 0, &total);
    mpz_set_ui(mpq_denref(quota), dc->seats);
    mpq_canonicalize(quota);
    json_t *qj = json_object();
    cnt_set(run, qj, "exact", cnt_qjson(quota));
    cnt_set(run, qj, "decimal", cnt_decjson(quota, 4));
    cnt_set(run, dc->j, "hare_quota", qj);
    for (size_t l = 0; l < nl; l++) {
        if (!dc->incl[l])
            continue;
        /* v*S < 10^12 * 10^4 fits in 64 bits */
        uint64_t vs = dc->votes[l] * dc->seats;
        dc->out[l] = (uint32_t)(vs / total);
        given += dc->out[l];
        r[n++] = (rem){l, vs % total};
        mpz_set_ui(mpq_numref(x), 0);
        mpz_import(mpq_numref(x), 1, -1, sizeof vs, 0, 0, &vs);
        mpz_import(mpq_denref(x), 1, -1, sizeof total, 0, 0, &total);
        mpq_canonicalize(x);
        json_t *row = json_array_get(lists, l);
        cnt_set(run, row, "votes_over_quota", cnt_decjson(x, 4));
        cnt_set(run, row, "integer_part", json_integer(dc->out[l]));
    }
    qsort(r, n, sizeof *r, cmp_rem_desc);
    uint32_t left = dc->seats - (uint32_t)given;
    cns_err err = CNS_OK;
    if (left > 0) {
        uint64_t cut = r[left - 1].r;
        size_t ntied = 0;
        uint32_t placed = 0;
        for (size_t i = 0; i < n; i++) {
            if (r[i].r > cut) {
                dc->out[r[i].list]++;
                placed++;
            } else if (r[i].r == cut) {
                tied[ntied++] = r[i].list;
            }
        }
        if (ntied > left - placed)
            err = settle_tie(dc, tied, ntied, left - placed, "largest remainder");
        else
            for (size_t i = 0; i < ntied; i++)
                dc->out[tied[i]]++;
    }
    cnt_set(run, dc->j, "remainder_seats", json_integer(left));
    mpq_clears(quota, x, NULL);
    free(r);
    free(tied);
    return err;
}

/* Allocate one district in one pass and describe it in dc->j. */
static cns_err allocate(district_ctx *dc)
{
    cnt_run *run = dc->run;
    const cns_count_input *in = run->in;
    json_t *lists = json_array();
    for (size_t l = 0; l < in->ncand; l++) {
        json_t *row = json_object();
        cnt_set(run, row, "list", json_string(in->cand[l]));
        cnt_set(run, row, "votes", cnt_u64(dc->votes[l]));
        cnt_set(run, row, "included", json_boolean(dc->incl[l]));
        cnt_push(run, lists, row);
    }
    memset(dc->out, 0, in->ncand * sizeof *dc->out);
    cnt_set(run, dc->j, "district", json_string(dc->dname));
    cnt_set(run, dc->j, "seats", json_integer(dc->seats));
    cns_err err = run->rule->method == CNT_HARE ? hare(dc, lists) : highest_averages(dc, lists);
    for (size_t l = 0; l < in->ncand; l++) {
        json_t *row = json_array_get(lists, l);
        cnt_set(run, row, "seats", json_integer(dc->out[l]));
        int64_t off = in->official[dc->d * in->ncand + l];
        if (off >= 0)
            cnt_set(run, row, "official_seats", json_integer(off));
    }
    cnt_set(run, dc->j, "lists", lists);
    return err;
}

typedef struct lists_ctx {
    cnt_run *run;
    size_t nl, nd;
    uint32_t *dseats;   /* nd */
    uint32_t *seats;    /* nd × nl, the pass being computed */
    uint64_t *national; /* nl */
    uint64_t valid;
    uint32_t chamber;
    bool *incl; /* nl */
} lists_ctx;

static cns_err run_pass(lists_ctx *lc, unsigned pass, json_t *passes)
{
    cnt_run *run = lc->run;
    json_t *p = json_object(), *ds = json_array();
    cnt_set(run, p, "pass", json_integer(pass));
    cns_err err = CNS_OK;
    for (size_t d = 0; d < lc->nd && err == CNS_OK; d++) {
        district_ctx dc = {.run = run,
                           .d = d,
                           .dname = run->in->dist[d],
                           .seats = lc->dseats[d],
                           .incl = lc->incl,
                           .votes = &run->in->votes[d * lc->nl],
                           .out = &lc->seats[d * lc->nl],
                           .j = json_object(),
                           .pass = pass};
        err = allocate(&dc);
        cnt_push(run, ds, dc.j);
    }
    json_t *tot = json_object();
    for (size_t l = 0; l < lc->nl; l++) {
        uint64_t s = 0;
        for (size_t d = 0; d < lc->nd; d++)
            s += lc->seats[d * lc->nl + l];
        cnt_set(run, tot, run->in->cand[l], cnt_u64(s));
    }
    cnt_set(run, p, "districts", ds);
    cnt_set(run, p, "seats", tot);
    cnt_push(run, passes, p);
    return err;
}

static uint32_t seat_requirement(const lists_ctx *lc)
{
    const cns_count_rule *r = lc->run->rule;
    uint32_t need = r->thr_min_seats;
    if (r->thr_seats.num > 0) {
        uint64_t x = (uint64_t)lc->chamber * r->thr_seats.num;
        uint32_t c = (uint32_t)((x + r->thr_seats.den - 1) / r->thr_seats.den); /* ceiling */
        need = c > need ? c : need;
    }
    return need;
}

/* Decide which lists pass the threshold, from pass-1 seats; describe it. */
static cns_err apply_threshold(lists_ctx *lc)
{
    cnt_run *run = lc->run;
    const cns_count_rule *r = run->rule;
    uint32_t need = seat_requirement(lc);
    bool has_v = r->thr_votes.num > 0, has_s = need > 0 || r->thr_min_districts > 0;
    json_t *t = json_object(), *rows = json_array();
    static const char *const names[] = {"none", "peru-2021", "peru-2026", "custom"};
    cnt_set(run, t, "rule", json_string(names[r->threshold]));
    cnt_set(run, t, "national_valid_votes", cnt_u64(lc->valid));
    cnt_set(run, t, "votes_share",
            json_sprintf("%llu/%llu", (unsigned long long)r->thr_votes.num,
                         (unsigned long long)r->thr_votes.den));
    cnt_set(run, t, "chamber_seats", json_integer(lc->chamber));
    cnt_set(run, t, "min_seats", json_integer(need));
    cnt_set(run, t, "min_districts", json_integer(r->thr_min_districts));
    cnt_set(run, t, "combine", json_string(r->thr_and ? "and" : "or"));
    size_t passing = 0;
    for (size_t l = 0; l < lc->nl; l++) {
        uint64_t s = 0, nd = 0;
        for (size_t d = 0; d < lc->nd; d++) {
            s += lc->seats[d * lc->nl + l];
            nd += lc->seats[d * lc->nl + l] > 0;
        }
        bool v_ok =
            cnt_cmp_mul(lc->national[l], r->thr_votes.den, r->thr_votes.num, lc->valid) >= 0;
        bool s_ok = s >= need && nd >= r->thr_min_districts;
        bool ok = has_v && has_s ? (r->thr_and ? v_ok && s_ok : v_ok || s_ok)
                                 : (has_v ? v_ok : (has_s ? s_ok : true));
        lc->incl[l] = ok;
        passing += ok;
        json_t *row = json_object();
        cnt_set(run, row, "list", json_string(run->in->cand[l]));
        cnt_set(run, row, "national_votes", cnt_u64(lc->national[l]));
        cnt_set(run, row, "votes_condition", json_boolean(v_ok));
        cnt_set(run, row, "first_pass_seats", cnt_u64(s));
        cnt_set(run, row, "districts_with_seats", cnt_u64(nd));
        cnt_set(run, row, "seats_condition", json_boolean(s_ok));
        cnt_set(run, row, "passes", json_boolean(ok));
        cnt_push(run, rows, row);
    }
    cnt_set(run, t, "lists", rows);
    cnt_set(run, run->doc, "threshold", t);
    if (passing == 0)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: no list passes the threshold",
                            run->in->source);
    return CNS_OK;
}

typedef struct cand_ref {
    const cnt_listcand *c;
    bool pref;
} cand_ref;

static int cmp_cand(const void *x, const void *y)
{
    const cand_ref *a = x, *b = y;
    if (a->pref && a->c->votes != b->c->votes)
        return a->c->votes > b->c->votes ? -1 : 1;
    return a->c->position < b->c->position ? -1 : a->c->position > b->c->position;
}

/* Does the list alternate genders in list order? */
static bool alternates(const cand_ref *c, size_t n)
{
    cand_ref *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (tmp == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        tmp[i] = (cand_ref){c[i].c, false};
    qsort(tmp, n, sizeof *tmp, cmp_cand);
    bool ok = true;
    for (size_t i = 1; i < n; i++)
        ok = ok && tmp[i].c->gender != '?' && tmp[i].c->gender != tmp[i - 1].c->gender;
    free(tmp);
    return ok;
}

/* Seats to candidates, list by list, and the gender report. */
static cns_err elect_candidates(lists_ctx *lc)
{
    cnt_run *run = lc->run;
    const cns_count_input *in = run->in;
    if (in->nlc == 0)
        return CNS_OK;
    cand_ref *cr = malloc(in->nlc * sizeof *cr);
    if (cr == NULL)
        return cnt_oom(run);
    json_t *out = json_array();
    uint64_t women = 0, men = 0, unknown = 0;
    cns_err err = CNS_OK;
    for (size_t d = 0; d < lc->nd && err == CNS_OK; d++) {
        for (size_t l = 0; l < lc->nl && err == CNS_OK; l++) {
            size_t n = 0;
            for (size_t i = 0; i < in->nlc; i++)
                if (in->lc[i].district == d && in->lc[i].list == l)
                    cr[n++] = (cand_ref){&in->lc[i], run->rule->preferential};
            uint32_t s = lc->seats[d * lc->nl + l];
            if (n == 0)
                continue;
            if (n < s) {
                err = cns_diag_set(run->diag, CNS_ERR_INVALID,
                                   "%s: list %s in %s wins %u seats but has %zu candidates",
                                   in->source, in->cand[l], in->dist[d], s, n);
                break;
            }
            for (size_t i = 0; run->rule->preferential && i < n; i++)
                if (!cr[i].c->has_votes)
                    err = cns_diag_set(run->diag, CNS_ERR_INVALID,
                                       "%s:%u: candidate %s has no preferential votes", in->source,
                                       cr[i].c->line, cr[i].c->name);
            qsort(cr, n, sizeof *cr, cmp_cand);
            json_t *row = json_object(), *el = json_array(), *order = json_array();
            for (size_t i = 0; i < n; i++) {
                json_t *c = json_object();
                cnt_set(run, c, "name", json_string(cr[i].c->name));
                cnt_set(run, c, "position", json_integer(cr[i].c->position));
                cnt_set(run, c, "gender", json_sprintf("%c", cr[i].c->gender));
                if (cr[i].c->has_votes)
                    cnt_set(run, c, "preferential_votes", cnt_u64(cr[i].c->votes));
                cnt_set(run, c, "elected", json_boolean(i < s));
                cnt_push(run, order, c);
                if (i >= s)
                    continue;
                cnt_push(run, el, json_string(cr[i].c->name));
                if (err == CNS_OK)
                    err = cnt_add_elected(run, cr[i].c->name);
                women += cr[i].c->gender == 'F';
                men += cr[i].c->gender == 'M';
                unknown += cr[i].c->gender == '?';
            }
            cnt_set(run, row, "district", json_string(in->dist[d]));
            cnt_set(run, row, "list", json_string(in->cand[l]));
            cnt_set(run, row, "seats", json_integer(s));
            cnt_set(run, row, "order",
                    json_string(run->rule->preferential ? "preferential votes, then list order"
                                                        : "list order (closed list)"));
            cnt_set(run, row, "alternates_genders", json_boolean(alternates(cr, n)));
            cnt_set(run, row, "candidates", order);
            cnt_set(run, row, "elected", el);
            cnt_push(run, out, row);
        }
    }
    free(cr);
    json_t *g = json_object();
    cnt_set(run, g, "women", cnt_u64(women));
    cnt_set(run, g, "men", cnt_u64(men));
    cnt_set(run, g, "unknown", cnt_u64(unknown));
    cnt_set(run, run->doc, "candidates_elected", out);
    cnt_set(run, run->doc, "gender", g);
    return err;
}

static cns_err finish(lists_ctx *lc)
{
    cnt_run *run = lc->run;
    const cns_count_input *in = run->in;
    bool has_official = false, match = true;
    for (size_t l = 0; l < lc->nl; l++) {
        uint64_t s = 0;
        for (size_t d = 0; d < lc->nd; d++) {
            size_t k = d * lc->nl + l;
            s += lc->seats[k];
            if (in->official[k] >= 0) {
                has_official = true;
                match = match && (uint64_t)in->official[k] == lc->seats[k];
            }
        }
        cns_err err = cnt_add_list_seats(run, in->cand[l], s);
        if (err == CNS_OK)
            err = cnt_add_bar(run, in->cand[l], lc->national[l], NULL);
        if (err != CNS_OK)
            return err;
    }
    if (has_official)
        cnt_set(run, run->doc, "matches_official_seats", json_boolean(match));
    return elect_candidates(lc);
}

static cns_err setup(lists_ctx *lc)
{
    cnt_run *run = lc->run;
    const cns_count_input *in = run->in;
    lc->nl = in->ncand;
    lc->nd = in->ndist;
    lc->dseats = calloc(lc->nd, sizeof *lc->dseats);
    lc->seats = calloc(lc->nd * lc->nl, sizeof *lc->seats);
    lc->national = calloc(lc->nl, sizeof *lc->national);
    lc->incl = calloc(lc->nl, sizeof *lc->incl);
    if (!lc->dseats || !lc->seats || !lc->national || !lc->incl)
        return cnt_oom(run);
    for (size_t d = 0; d < lc->nd; d++) {
        lc->dseats[d] = cnt_district_seats(run->rule, in, in->dist[d]);
        if (lc->dseats[d] == 0)
            return cns_diag_set(run->diag, CNS_ERR_INVALID,
                                "%s: the rule gives no seats to district %s", in->source,
                                in->dist[d]);
        lc->chamber += lc->dseats[d];
        for (size_t l = 0; l < lc->nl; l++) {
            lc->national[l] += in->votes[d * lc->nl + l];
            lc->valid += in->votes[d * lc->nl + l];
        }
    }
    for (size_t i = 0; i < run->rule->ndseats; i++) {
        bool found = false;
        for (size_t d = 0; d < lc->nd; d++)
            found = found || strcmp(run->rule->dseat_names[i], in->dist[d]) == 0;
        if (!found)
            return cns_diag_set(run->diag, CNS_ERR_INVALID,
                                "%s: the rule gives seats to district %s, which has no votes",
                                in->source, run->rule->dseat_names[i]);
    }
    for (size_t l = 0; l < lc->nl; l++)
        lc->incl[l] = true;
    return CNS_OK;
}

cns_err cnt_run_lists(cnt_run *run)
{
    lists_ctx lc = {.run = run};
    json_t *passes = json_array();
    cns_err err = setup(&lc);
    if (err != CNS_OK)
        goto done;
    cnt_put_totals(run, lc.valid);
    if ((err = run_pass(&lc, 1, passes)) != CNS_OK)
        goto done;
    if (run->rule->threshold != CNT_THR_NONE) {
        if ((err = apply_threshold(&lc)) != CNS_OK)
            goto done;
        memset(lc.seats, 0, lc.nd * lc.nl * sizeof *lc.seats);
        if ((err = run_pass(&lc, 2, passes)) != CNS_OK)
            goto done;
    }
    err = finish(&lc);
done:
    cnt_set(run, run->doc, "passes", passes);
    free(lc.dseats);
    free(lc.seats);
    free(lc.national);
    free(lc.incl);
    return err;
}
