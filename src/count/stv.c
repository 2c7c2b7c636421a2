/*
 * Instant-runoff voting and Scottish STV (the Scottish Local Government
 * Elections Order 2007, Schedule 1, rules 45–52: the weighted inclusive
 * Gregory method).
 *
 * Scottish STV, as implemented (docs/counting.md):
 *   - quota = floor(valid / (seats + 1)) + 1, valid = papers with a first
 *     preference for a (non-withdrawn) candidate;
 *   - values are fixed point in units of 10^-5 of a vote;
 *   - a candidate with at least the quota is elected; surpluses are
 *     transferred one per stage, largest first; every paper the candidate
 *     holds goes on at value floor(v * surplus / total) (v its value, total
 *     the candidate's votes), which for first-preference papers is
 *     surplus/total truncated to 5 decimals;
 *   - otherwise the candidate with fewest votes is excluded and all its papers
 *     go on at their current value, in one stage;
 *   - ties (equal surplus, equal lowest) go to the candidate with more (fewer)
 *     votes at the earliest stage at which they differ, then by lot;
 *   - when the continuing candidates are as many as the seats left, they are
 *     all elected (rule 50(1)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

#define SCALE 100000u /* 10^5: Scottish values have 5 decimal places */

enum cstate { HOPEFUL, ELECTED, EXCLUDED };

typedef struct stv {
    cnt_run *run;
    cnt_prefs p;
    size_t nc;
    uint32_t seats, nelected;
    enum cstate *st;
    uint64_t *votes;   /* units */
    bool *surplus_due; /* elected, surplus not yet transferred */
    uint64_t *value;   /* per ballot, units per paper */
    size_t *pos;       /* per ballot: index in its preference list; len = exhausted */
    uint64_t *hist;    /* stages × nc: votes at the end of each stage */
    size_t nstages, caphist;
    uint64_t quota; /* units */
    uint64_t exhausted, lost;
    json_t *stages;
    json_t *cur; /* the stage being described */
} stv;

static size_t holder(const stv *s, size_t b)
{
    return s->pos[b] < s->p.len[b] ? s->p.pref[b][s->pos[b]] : SIZE_MAX;
}

/* Move ballot b on to its next hopeful preference (or exhaust it). */
static void move_on(stv *s, size_t b)
{
    while (s->pos[b] < s->p.len[b] && s->st[s->p.pref[b][s->pos[b]]] != HOPEFUL)
        s->pos[b]++;
}

static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
    mpz_t x, t;
    mpz_inits(x, t, NULL);
    mpz_import(x, 1, -1, sizeof a, 0, 0, &a);
    mpz_import(t, 1, -1, sizeof b, 0, 0, &b);
    mpz_mul(x, x, t);
    mpz_import(t, 1, -1, sizeof c, 0, 0, &c);
    mpz_fdiv_q(x, x, t);
    uint64_t r = 0;
    mpz_export(&r, NULL, -1, sizeof r, 0, 0, x);
    mpz_clears(x, t, NULL);
    return r;
}

static json_t *units_json(uint64_t v)
{
    char *t = cnt_units(v, 5);
    json_t *j = t != NULL ? json_string(t) : NULL;
    free(t);
    return j;
}

/* Remember the votes at the end of a stage (for ties). */
static cns_err snapshot_hist_only(stv *s)
{
    if (s->nstages == s->caphist) {
        size_t cap = s->caphist ? 2 * s->caphist : 16;
        uint64_t *h = realloc(s->hist, cap * s->nc * sizeof *h);
        if (h == NULL)
            return cnt_oom(s->run);
        s->hist = h;
        s->caphist = cap;
    }
    memcpy(&s->hist[s->nstages * s->nc], s->votes, s->nc * sizeof *s->votes);
    s->nstages++;
    return CNS_OK;
}

/* End a stage: remember it and describe it. */
static cns_err snapshot(stv *s)
{
    cnt_run *run = s->run;
    cns_err err = snapshot_hist_only(s);
    if (err != CNS_OK)
        return err;
    json_t *v = json_object();
    for (size_t c = 0; c < s->nc; c++)
        if (!run->in->withdrawn[c])
            cnt_set(run, v, run->in->cand[c], units_json(s->votes[c]));
    cnt_set(run, s->cur, "stage", json_integer((json_int_t)s->nstages));
    cnt_set(run, s->cur, "votes", v);
    cnt_set(run, s->cur, "exhausted", units_json(s->exhausted));
    cnt_set(run, s->cur, "lost_to_rounding", units_json(s->lost));
    cnt_push(run, s->stages, s->cur);
    s->cur = NULL;
    return CNS_OK;
}

/*
 * Order candidates items[0..n) from favoured to disfavoured: more votes now
 * (if by_votes), then more votes at the earliest stage where they differ,
 * then by lot.
 */
static cns_err order_cands(stv *s, size_t *items, size_t n, bool by_votes, const char *what)
{
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0; j--) {
            size_t a = items[j], b = items[j - 1];
            int c = 0;
            if (by_votes)
                c = s->votes[a] > s->votes[b] ? -1 : s->votes[a] < s->votes[b];
            for (size_t k = 0; c == 0 && k < s->nstages; k++) {
                uint64_t va = s->hist[k * s->nc + a], vb = s->hist[k * s->nc + b];
                c = va > vb ? -1 : va < vb;
            }
            if (c >= 0)
                break;
            items[j] = b;
            items[j - 1] = a;
        }
    }
    /* runs still equal at every stage are settled by lot */
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && (!by_votes || s->votes[items[j]] == s->votes[items[i]])) {
            bool same = true;
            for (size_t k = 0; same && k < s->nstages; k++)
                same = s->hist[k * s->nc + items[j]] == s->hist[k * s->nc + items[i]];
            if (!same)
                break;
            j++;
        }
        if (j - i > 1) {
            const char *names[CNS_COUNT_MAX_CANDIDATES];
            for (size_t k = i; k < j; k++)
                names[k - i] = s->run->in->cand[items[k]];
            char ctx[128];
            snprintf(ctx, sizeof ctx, "%s/stage=%zu/%s", cnt_method_name(s->run->rule->method),
                     s->nstages + 1, what);
            cns_err err = cnt_tie_order(s->run, ctx, j - i, items + i, names);
            if (err != CNS_OK)
                return err;
        }
        i = j;
    }
    return CNS_OK;
}

static cns_err elect(stv *s, size_t c, json_t *list)
{
    s->st[c] = ELECTED;
    s->nelected++;
    s->surplus_due[c] = s->votes[c] > s->quota;
    cnt_push(s->run, list, json_string(s->run->in->cand[c]));
    return cnt_add_elected(s->run, s->run->in->cand[c]);
}

/* Elect every hopeful at or above the quota, most votes first. */
static cns_err elect_reaching_quota(stv *s, json_t *list)
{
    size_t items[CNS_COUNT_MAX_CANDIDATES], n = 0;
    for (size_t c = 0; c < s->nc; c++)
        if (s->st[c] == HOPEFUL && s->votes[c] >= s->quota)
            items[n++] = c;
    cns_err err = order_cands(s, items, n, true, "order of election");
    for (size_t i = 0; i < n && err == CNS_OK && s->nelected < s->seats; i++)
        err = elect(s, items[i], list);
    return err;
}

static void transfer_surplus(stv *s, size_t c)
{
    uint64_t total = s->votes[c], surplus = total - s->quota, moved = 0, gone = 0;
    for (size_t b = 0; b < s->p.n; b++) {
        if (holder(s, b) != c)
            continue;
        s->value[b] = muldiv(s->value[b], surplus, total);
        move_on(s, b);
        size_t h = holder(s, b);
        uint64_t amount = s->value[b] * s->p.weight[b];
        if (h == SIZE_MAX)
            gone += amount;
        else
            s->votes[h] += amount;
        moved += amount;
    }
    s->exhausted += gone;
    s->lost += surplus - moved;
    s->votes[c] = s->quota;
    s->surplus_due[c] = false;
    mpq_t tv;
    mpq_init(tv);
    mpz_import(mpq_numref(tv), 1, -1, sizeof surplus, 0, 0, &surplus);
    mpz_import(mpq_denref(tv), 1, -1, sizeof total, 0, 0, &total);
    mpq_canonicalize(tv);
    cnt_set(s->run, s->cur, "action", json_string("surplus"));
    cnt_set(s->run, s->cur, "candidate", json_string(s->run->in->cand[c]));
    cnt_set(s->run, s->cur, "surplus", units_json(surplus));
    cnt_set(s->run, s->cur, "transfer_value", cnt_decjson(tv, 5));
    mpq_clear(tv);
}

static void exclude(stv *s, size_t c)
{
    s->st[c] = EXCLUDED;
    uint64_t gone = 0;
    for (size_t b = 0; b < s->p.n; b++) {
        if (holder(s, b) != c)
            continue;
        move_on(s, b);
        size_t h = holder(s, b);
        uint64_t amount = s->value[b] * s->p.weight[b];
        if (h == SIZE_MAX)
            gone += amount;
        else
            s->votes[h] += amount;
    }
    s->exhausted += gone;
    s->votes[c] = 0;
    cnt_set(s->run, s->cur, "action", json_string("exclusion"));
    cnt_set(s->run, s->cur, "candidate", json_string(s->run->in->cand[c]));
}

static cns_err next_action(stv *s)
{
    size_t items[CNS_COUNT_MAX_CANDIDATES], n = 0;
    for (size_t c = 0; c < s->nc; c++)
        if (s->surplus_due[c])
            items[n++] = c;
    s->cur = json_object();
    if (n > 0) {
        /* largest surplus = most votes, since every surplus is votes - quota */
        cns_err err = order_cands(s, items, n, true, "surplus order");
        if (err != CNS_OK)
            return err;
        transfer_surplus(s, items[0]);
        return CNS_OK;
    }
    n = 0;
    for (size_t c = 0; c < s->nc; c++)
        if (s->st[c] == HOPEFUL)
            items[n++] = c;
    cns_err err = order_cands(s, items, n, true, "exclusion");
    if (err != CNS_OK)
        return err;
    exclude(s, items[n - 1]);
    return CNS_OK;
}

static size_t count_hopeful(const stv *s)
{
    size_t h = 0;
    for (size_t c = 0; c < s->nc; c++)
        h += s->st[c] == HOPEFUL;
    return h;
}

static cns_err stages(stv *s)
{
    cns_err err = CNS_OK;
    for (;;) {
        json_t *el = json_array();
        if ((err = elect_reaching_quota(s, el)) != CNS_OK) {
            json_decref(el);
            return err;
        }
        json_t *last = json_array_get(s->stages, json_array_size(s->stages) - 1);
        cnt_set(s->run, last, "elected", el);
        if (s->nelected == s->seats)
            return CNS_OK;
        if (count_hopeful(s) <= s->seats - s->nelected) {
            size_t items[CNS_COUNT_MAX_CANDIDATES], n = 0;
            for (size_t c = 0; c < s->nc; c++)
                if (s->st[c] == HOPEFUL)
                    items[n++] = c;
            if ((err = order_cands(s, items, n, true, "last vacancies")) != CNS_OK)
                return err;
            json_t *rest = json_array();
            for (size_t i = 0; i < n && err == CNS_OK; i++)
                err = elect(s, items[i], rest);
            cnt_set(s->run, last, "elected_without_quota", rest);
            return err;
        }
        if ((err = next_action(s)) != CNS_OK)
            return err;
        if ((err = snapshot(s)) != CNS_OK)
            return err;
    }
}

static cns_err stv_setup(stv *s, cnt_run *run)
{
    const cns_count_input *in = run->in;
    s->run = run;
    s->nc = in->ncand;
    s->seats = cnt_district_seats(run->rule, in, NULL);
    size_t eligible = 0;
    for (size_t c = 0; c < s->nc; c++)
        eligible += !in->withdrawn[c];
    if (s->seats == 0)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: the rule gives no seats", in->source);
    if (s->seats > eligible)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: more seats (%u) than candidates (%zu)",
                            in->source, s->seats, eligible);
    cns_err err = cnt_prefs_build(run, &s->p);
    if (err != CNS_OK)
        return err;
    s->st = calloc(s->nc, sizeof *s->st);
    s->votes = calloc(s->nc, sizeof *s->votes);
    s->surplus_due = calloc(s->nc, sizeof *s->surplus_due);
    s->value = calloc(s->p.n + 1, sizeof *s->value);
    s->pos = calloc(s->p.n + 1, sizeof *s->pos);
    s->stages = json_array();
    if (!s->st || !s->votes || !s->surplus_due || !s->value || !s->pos || !s->stages)
        return cnt_oom(run);
    for (size_t c = 0; c < s->nc; c++)
        s->st[c] = in->withdrawn[c] ? EXCLUDED : HOPEFUL;
    return CNS_OK;
}

static void stv_free(stv *s)
{
    cnt_prefs_free(&s->p);
    free(s->st);
    free(s->votes);
    free(s->surplus_due);
    free(s->value);
    free(s->pos);
    free(s->hist);
    json_decref(s->stages);
    json_decref(s->cur);
}

cns_err cnt_run_scottish(cnt_run *run)
{
    stv s = {0};
    cns_err err = stv_setup(&s, run);
    if (err != CNS_OK)
        goto done;
    uint64_t valid = 0;
    for (size_t b = 0; b < s.p.n; b++) {
        if (s.p.len[b] == 0)
            continue;
        valid += s.p.weight[b];
        s.value[b] = SCALE;
        s.votes[s.p.pref[b][0]] += SCALE * s.p.weight[b];
    }
    cnt_put_totals(run, valid);
    s.quota = (valid / (s.seats + 1) + 1) * SCALE;
    json_t *q = json_object();
    cnt_set(run, q, "formula", json_string("floor(valid / (seats + 1)) + 1"));
    cnt_set(run, q, "value", cnt_u64(s.quota / SCALE));
    cnt_set(run, run->doc, "quota", q);
    cnt_set(run, run->doc, "seats_to_fill", json_integer(s.seats));
    s.cur = json_object();
    cnt_set(run, s.cur, "action", json_string("first preferences"));
    if ((err = snapshot(&s)) != CNS_OK)
        goto done;
    err = stages(&s);
    cnt_set(run, run->doc, "stages", json_incref(s.stages));
    for (size_t c = 0; c < s.nc && err == CNS_OK; c++)
        err = cnt_add_bar(run, run->in->cand[c], s.hist[c] / SCALE, NULL);
done:
    stv_free(&s);
    return err;
}

/* ---- IRV ---- */

cns_err cnt_run_irv(cnt_run *run)
{
    stv s = {0};
    cns_err err = stv_setup(&s, run);
    if (err != CNS_OK)
        goto done;
    uint64_t valid = 0;
    for (size_t b = 0; b < s.p.n; b++)
        valid += s.p.len[b] > 0 ? s.p.weight[b] : 0;
    cnt_put_totals(run, valid);
    for (size_t round = 1;; round++) {
        memset(s.votes, 0, s.nc * sizeof *s.votes);
        uint64_t live = 0;
        for (size_t b = 0; b < s.p.n; b++) {
            move_on(&s, b);
            size_t h = holder(&s, b);
            if (h != SIZE_MAX) {
                s.votes[h] += s.p.weight[b];
                live += s.p.weight[b];
            }
        }
        if (round == 1)
            for (size_t c = 0; c < s.nc && err == CNS_OK; c++)
                err = cnt_add_bar(run, run->in->cand[c], s.votes[c], NULL);
        json_t *r = json_object(), *v = json_object();
        cnt_set(run, r, "round", json_integer((json_int_t)round));
        for (size_t c = 0; c < s.nc; c++)
            if (s.st[c] == HOPEFUL)
                cnt_set(run, v, run->in->cand[c], cnt_u64(s.votes[c]));
        cnt_set(run, r, "votes", v);
        cnt_set(run, r, "continuing_ballots", cnt_u64(live));
        cnt_set(run, r, "exhausted", cnt_u64(valid - live));
        cnt_push(run, s.stages, r);
        size_t items[CNS_COUNT_MAX_CANDIDATES], n = 0;
        for (size_t c = 0; c < s.nc; c++)
            if (s.st[c] == HOPEFUL)
                items[n++] = c;
        char what[32];
        snprintf(what, sizeof what, "round %zu", round);
        if (err == CNS_OK)
            err = order_cands(&s, items, n, true, what);
        if (err != CNS_OK)
            break;
        if (n == 1 || cnt_cmp_mul(s.votes[items[0]], 2, live, 1) > 0) {
            cnt_set(run, r, "elected", json_string(run->in->cand[items[0]]));
            err = cnt_add_elected(run, run->in->cand[items[0]]);
            break;
        }
        s.st[items[n - 1]] = EXCLUDED;
        cnt_set(run, r, "excluded", json_string(run->in->cand[items[n - 1]]));
        if ((err = snapshot_hist_only(&s)) != CNS_OK)
            break;
    }
    cnt_set(run, run->doc, "rounds", json_incref(s.stages));
done:
    stv_free(&s);
    return err;
}
