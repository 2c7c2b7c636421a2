/*
 * Meek STV (Hill, Wichmann and Woodall, Algorithm 123, 1987), in fixed point
 * with 9 decimal places as the New Zealand Local Electoral Regulations 2001,
 * Schedule 1A, prescribe:
 *   - every ballot passes through its preferences: each continuing or elected
 *     candidate keeps ceil(remaining * keep_factor) (rounded up to 10^-9) and
 *     passes the rest on; what is left at the end is excess;
 *   - quota = floor((total - excess) / (seats + 1)) + 10^-9, recomputed each
 *     iteration; a hopeful reaching it is elected;
 *   - keep factors of the elected are set to ceil(kf * quota / votes);
 *   - iteration stops when the elected candidates' surplus is below 10^-5
 *     (or after 1000 iterations, recorded); then, if seats remain, the
 *     hopeful with fewest votes is excluded (keep factor 0), ties by lot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

#define MEEK_ONE      1000000000u /* 10^9 */
#define MEEK_TOL      10000u      /* 10^-5 of a vote, in 10^-9 units */
#define MEEK_MAX_ITER 1000
/*
 * The most ballot-preference steps a count may take (each pass over the
 * ballots costs a step per ballot line and per preference it holds). Beyond
 * it the count stops with CNS_ERR_LIMIT and says how much work it had done,
 * instead of running unbounded (issue 10, item 13). For scale: 200,000
 * ballots of 1-3 preferences among 1,000 candidates, 10 seats, count in
 * 96 s on this 2-core machine, well within the limit.
 */
#define MEEK_MAX_WORK 20000000000ull
uint64_t cnt_meek_max_work = MEEK_MAX_WORK;

enum { HOPEFUL, ELECTED, EXCLUDED };

typedef struct meek {
    cnt_run *run;
    cnt_prefs p;
    size_t nc;
    uint32_t seats, nelected;
    int *st;
    uint64_t *kf; /* keep factors, 10^-9 units */
    mpz_t *votes; /* 10^-9 units */
    mpz_t excess, quota, total;
    json_t *stages;
    uint64_t pass_cost; /* steps of one pass: ballot lines plus preferences */
    uint64_t work;      /* steps taken so far */
    uint64_t passes;
} meek;

/* Account for one more pass over the ballots; CNS_ERR_LIMIT past MEEK_MAX_WORK. */
static cns_err budget(meek *m)
{
    m->work += m->pass_cost;
    m->passes++;
    if (m->work <= cnt_meek_max_work)
        return CNS_OK;
    return cns_diag_set(m->run->diag, CNS_ERR_LIMIT,
                        "%s: stv-meek: stopped after %llu passes over %zu ballot lines "
                        "(%llu ballot-preference steps, the limit is %llu): too much work "
                        "for Meek's method at this size",
                        m->run->in->source, (unsigned long long)m->passes - 1, m->p.n,
                        (unsigned long long)(m->work - m->pass_cost),
                        (unsigned long long)cnt_meek_max_work);
}

static void distribute(meek *m)
{
    mpz_t t;
    mpz_init(t);
    for (size_t c = 0; c < m->nc; c++)
        mpz_set_ui(m->votes[c], 0);
    mpz_set_ui(m->excess, 0);
    for (size_t b = 0; b < m->p.n; b++) {
        uint64_t rem = MEEK_ONE;
        for (size_t i = 0; i < m->p.len[b] && rem > 0; i++) {
            size_t c = m->p.pref[b][i];
            if (m->kf[c] == 0)
                continue;
            uint64_t share = (rem * m->kf[c] + MEEK_ONE - 1) / MEEK_ONE; /* < 2^60 */
            share = share > rem ? rem : share;
            mpz_set_ui(t, (unsigned long)share);
            mpz_addmul_ui(m->votes[c], t, (unsigned long)m->p.weight[b]);
            rem -= share;
        }
        mpz_set_ui(t, (unsigned long)rem);
        mpz_addmul_ui(m->excess, t, (unsigned long)m->p.weight[b]);
    }
    mpz_set_ui(m->total, 0);
    for (size_t c = 0; c < m->nc; c++)
        mpz_add(m->total, m->total, m->votes[c]);
    mpz_fdiv_q_ui(m->quota, m->total, m->seats + 1);
    mpz_add_ui(m->quota, m->quota, 1);
    mpz_clear(t);
}

/* Elect hopefuls at or above the quota; returns how many. */
static size_t elect_new(meek *m, json_t *el, cns_err *err)
{
    size_t n = 0;
    for (size_t c = 0; c < m->nc && *err == CNS_OK; c++) {
        if (m->st[c] != HOPEFUL || mpz_cmp(m->votes[c], m->quota) < 0 || m->nelected == m->seats)
            continue;
        m->st[c] = ELECTED;
        m->nelected++;
        n++;
        cnt_push(m->run, el, json_string(m->run->in->cand[c]));
        *err = cnt_add_elected(m->run, m->run->in->cand[c]);
    }
    return n;
}

/* Surplus of the elected, and new keep factors; true when converged. */
static bool update_keep(meek *m)
{
    mpz_t surplus, t;
    mpz_inits(surplus, t, NULL);
    for (size_t c = 0; c < m->nc; c++) {
        if (m->st[c] != ELECTED || mpz_sgn(m->votes[c]) == 0)
            continue;
        if (mpz_cmp(m->votes[c], m->quota) > 0) {
            mpz_sub(t, m->votes[c], m->quota);
            mpz_add(surplus, surplus, t);
        }
        mpz_set_ui(t, (unsigned long)m->kf[c]);
        mpz_mul(t, t, m->quota);
        mpz_cdiv_q(t, t, m->votes[c]);
        m->kf[c] = mpz_cmp_ui(t, MEEK_ONE) > 0 ? MEEK_ONE : (uint64_t)mpz_get_ui(t);
    }
    bool done = mpz_cmp_ui(surplus, MEEK_TOL) < 0;
    mpz_clears(surplus, t, NULL);
    return done;
}

static json_t *units(const mpz_t v)
{
    mpq_t q;
    mpq_init(q);
    mpq_set_z(q, v);
    mpz_set_ui(mpq_denref(q), MEEK_ONE);
    mpq_canonicalize(q);
    json_t *j = cnt_decjson(q, 9);
    mpq_clear(q);
    return j;
}

static void describe(meek *m, json_t *stage, int iterations)
{
    cnt_run *run = m->run;
    json_t *v = json_object(), *k = json_object();
    mpz_t t;
    mpz_init(t);
    for (size_t c = 0; c < m->nc; c++) {
        if (run->in->withdrawn[c])
            continue;
        cnt_set(run, v, run->in->cand[c], units(m->votes[c]));
        mpz_set_ui(t, (unsigned long)m->kf[c]);
        cnt_set(run, k, run->in->cand[c], units(t));
    }
    mpz_clear(t);
    cnt_set(run, stage, "iterations", json_integer(iterations));
    cnt_set(run, stage, "converged", json_boolean(iterations < MEEK_MAX_ITER));
    cnt_set(run, stage, "quota", units(m->quota));
    cnt_set(run, stage, "votes", v);
    cnt_set(run, stage, "keep_factors", k);
    cnt_set(run, stage, "excess", units(m->excess));
}

/* Iterate to convergence, electing as candidates reach the quota. */
static cns_err converge(meek *m, json_t *stage)
{
    json_t *el = json_array();
    cns_err err = CNS_OK;
    int it = 0;
    for (; it < MEEK_MAX_ITER && err == CNS_OK; it++) {
        if ((err = budget(m)) != CNS_OK)
            break;
        distribute(m);
        if (elect_new(m, el, &err) > 0)
            continue;
        if (m->nelected == m->seats || update_keep(m))
            break;
    }
    if (m->nelected < m->seats && err == CNS_OK && (err = budget(m)) == CNS_OK)
        distribute(m); /* a last pass at the final factors */
    cnt_set(m->run, stage, "elected", el);
    describe(m, stage, it + 1);
    return err;
}

static cns_err exclude_lowest(meek *m, json_t *stage)
{
    size_t items[CNS_COUNT_MAX_CANDIDATES], n = 0;
    const char *names[CNS_COUNT_MAX_CANDIDATES];
    size_t low = SIZE_MAX;
    for (size_t c = 0; c < m->nc; c++)
        if (m->st[c] == HOPEFUL && (low == SIZE_MAX || mpz_cmp(m->votes[c], m->votes[low]) < 0))
            low = c;
    for (size_t c = 0; c < m->nc; c++)
        if (m->st[c] == HOPEFUL && mpz_cmp(m->votes[c], m->votes[low]) == 0) {
            names[n] = m->run->in->cand[c];
            items[n++] = c;
        }
    if (n > 1) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "stv-meek/stage=%zu/exclusion", json_array_size(m->stages) + 1);
        cns_err err = cnt_tie_order(m->run, ctx, n, items, names);
        if (err != CNS_OK)
            return err;
    }
    size_t c = items[n - 1];
    m->st[c] = EXCLUDED;
    m->kf[c] = 0;
    cnt_set(m->run, stage, "excluded", json_string(m->run->in->cand[c]));
    return CNS_OK;
}

static cns_err stages(meek *m)
{
    for (;;) {
        json_t *stage = json_object();
        cnt_push(m->run, m->stages, json_incref(stage));
        cnt_set(m->run, stage, "stage", json_integer((json_int_t)json_array_size(m->stages)));
        cns_err err = converge(m, stage);
        size_t hopeful = 0;
        for (size_t c = 0; c < m->nc; c++)
            hopeful += m->st[c] == HOPEFUL;
        if (err == CNS_OK && m->nelected < m->seats && hopeful <= m->seats - m->nelected) {
            json_t *rest = json_array();
            for (size_t c = 0; c < m->nc && err == CNS_OK; c++) {
                if (m->st[c] != HOPEFUL)
                    continue;
                m->st[c] = ELECTED;
                m->nelected++;
                cnt_push(m->run, rest, json_string(m->run->in->cand[c]));
                err = cnt_add_elected(m->run, m->run->in->cand[c]);
            }
            cnt_set(m->run, stage, "elected_without_quota", rest);
        }
        if (err == CNS_OK && m->nelected < m->seats)
            err = exclude_lowest(m, stage);
        json_decref(stage);
        if (err != CNS_OK || m->nelected == m->seats)
            return err;
    }
}

static void meek_free(meek *m)
{
    for (size_t c = 0; m->votes != NULL && c < m->nc; c++)
        mpz_clear(m->votes[c]);
    free(m->votes);
    free(m->st);
    free(m->kf);
    mpz_clears(m->excess, m->quota, m->total, NULL);
    cnt_prefs_free(&m->p);
    json_decref(m->stages);
}

cns_err cnt_run_meek(cnt_run *run)
{
    const cns_count_input *in = run->in;
    meek m = {.run = run, .nc = in->ncand};
    mpz_inits(m.excess, m.quota, m.total, NULL);
    m.seats = cnt_district_seats(run->rule, in, NULL);
    size_t eligible = 0;
    for (size_t c = 0; c < m.nc; c++)
        eligible += !in->withdrawn[c];
    cns_err err = CNS_OK;
    if (m.seats == 0 || m.seats > eligible) {
        err = cns_diag_set(run->diag, CNS_ERR_INVALID,
                           "%s: seats (%u) must be between 1 and the %zu candidates", in->source,
                           m.seats, eligible);
        goto done;
    }
    if ((err = cnt_prefs_build(run, &m.p)) != CNS_OK)
        goto done;
    for (size_t b = 0; b < m.p.n; b++)
        m.pass_cost += 1 + m.p.len[b];
    m.st = calloc(m.nc, sizeof *m.st);
    m.kf = calloc(m.nc, sizeof *m.kf);
    m.votes = calloc(m.nc, sizeof *m.votes);
    m.stages = json_array();
    if (!m.st || !m.kf || !m.votes || !m.stages) {
        free(m.votes);
        m.votes = NULL;
        err = cnt_oom(run);
        goto done;
    }
    for (size_t c = 0; c < m.nc; c++) {
        mpz_init(m.votes[c]);
        m.st[c] = in->withdrawn[c] ? EXCLUDED : HOPEFUL;
        m.kf[c] = in->withdrawn[c] ? 0 : MEEK_ONE;
    }
    uint64_t valid = 0;
    for (size_t b = 0; b < m.p.n; b++)
        valid += m.p.len[b] > 0 ? m.p.weight[b] : 0;
    cnt_put_totals(run, valid);
    cnt_set(run, run->doc, "seats_to_fill", json_integer(m.seats));
    err = stages(&m);
    cnt_set(run, run->doc, "stages", json_incref(m.stages));
    for (size_t c = 0; c < m.nc && err == CNS_OK; c++) {
        uint64_t first = 0;
        for (size_t b = 0; b < m.p.n; b++)
            first += m.p.len[b] > 0 && m.p.pref[b][0] == c ? m.p.weight[b] : 0;
        err = cnt_add_bar(run, in->cand[c], first, NULL);
    }
done:
    meek_free(&m);
    return err;
}
