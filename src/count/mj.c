/*
 * Majority Judgment (Balinski–Laraki). Grades run from 1 (best) to G. Each
 * option's grades, sorted best first, give its median sequence: the median,
 * then the median of what is left once it is removed, and so on. Options are
 * ranked by comparing these sequences lexicographically (better grade
 * first); equal sequences tie. "median": "lower" (the default, Balinski and
 * Laraki's majority grade) takes the worse of the two middle grades of an
 * even count; "upper" takes the better one, as belenios-tool 2.0 does.
 *
 * Counts may be large (weighted ballots), so sequences are never built: the
 * k-th removed grade sits at a known position of the sorted grades (a zigzag
 * around the middle), and two options are compared by walking the intervals
 * on which both their grade functions are constant.
 */
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

typedef struct mj {
    size_t nc;
    uint32_t g;
    uint64_t n; /* valid ballots */
    bool upper;
    uint64_t *raw; /* nc × g */
} mj;

/* Grade (0-based) at sorted position p of option c. */
static uint32_t grade_at(const mj *m, size_t c, uint64_t p)
{
    uint64_t cum = 0;
    for (uint32_t k = 0; k < m->g; k++) {
        cum += m->raw[c * m->g + k];
        if (p < cum)
            return k;
    }
    return m->g - 1;
}

/*
 * The zigzag: the first removed position s0, then arm A (moving by da) on odd
 * k and arm B on even k ≥ 2, or the other way round. Position of step k:
 *   even n = 2h:  upper: 2t → h-1-t, 2t+1 → h+t;   lower: 2t → h+t, 2t+1 → h-1-t
 *   odd n = 2h+1: upper: 0 → h, 2t-1 → h-t, 2t → h+t;  lower: 2t-1 → h+t, 2t → h-t
 */
static uint64_t pos_of(const mj *m, uint64_t k)
{
    uint64_t h = m->n / 2;
    if (m->n % 2 == 0) {
        uint64_t t = k / 2;
        bool even = k % 2 == 0;
        return (even == m->upper) ? h - 1 - t : h + t;
    }
    if (k == 0)
        return h;
    uint64_t t = (k + 1) / 2;
    bool odd = k % 2 == 1;
    return (odd == m->upper) ? h - t : h + t;
}

/* Step k at which the arm through position p (left or right of centre) reaches p. */
static uint64_t step_of(const mj *m, uint64_t p, bool left)
{
    uint64_t h = m->n / 2;
    if (m->n % 2 == 0) {
        uint64_t t = left ? h - 1 - p : p - h;
        bool even_k = left == m->upper; /* which parity walks left */
        return even_k ? 2 * t : 2 * t + 1;
    }
    if (p == h)
        return 0;
    uint64_t t = left ? h - p : p - h;
    bool odd_k = left == m->upper;
    return odd_k ? 2 * t - 1 : 2 * t;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Compare options a and b: <0 if a ranks better. */
static int compare(const mj *m, size_t a, size_t b)
{
    if (m->n == 0)
        return 0;
    uint64_t bounds[2 * 101 + 2];
    size_t nb = 0;
    uint64_t ca = 0, cb = 0;
    bounds[nb++] = 0;
    for (uint32_t k = 0; k < m->g; k++) {
        ca += m->raw[a * m->g + k];
        cb += m->raw[b * m->g + k];
        bounds[nb++] = ca;
        bounds[nb++] = cb;
    }
    qsort(bounds, nb, sizeof *bounds, cmp_u64);
    /* the first step at which the grades differ, over every constant interval */
    uint64_t best = UINT64_MAX, mid_lo = pos_of(m, 0), lo_edge, hi_edge;
    uint64_t h = m->n / 2;
    /* left arm covers positions [0, lo_edge]; right arm [hi_edge, n) */
    if (m->n % 2 == 0) {
        lo_edge = h - 1;
        hi_edge = h;
    } else {
        lo_edge = h;
        hi_edge = h + 1;
    }
    (void)mid_lo;
    for (size_t i = 0; i + 1 < nb; i++) {
        uint64_t s = bounds[i], e = bounds[i + 1]; /* [s, e) */
        if (s >= e || s >= m->n)
            continue;
        if (grade_at(m, a, s) == grade_at(m, b, s))
            continue;
        if (s <= lo_edge) { /* nearest to the centre on the left: the largest p */
            uint64_t p = e - 1 < lo_edge ? e - 1 : lo_edge;
            uint64_t k = step_of(m, p, true);
            best = k < best ? k : best;
        }
        if (e - 1 >= hi_edge) {
            uint64_t p = s > hi_edge ? s : hi_edge;
            uint64_t k = step_of(m, p, false);
            best = k < best ? k : best;
        }
    }
    if (best == UINT64_MAX)
        return 0;
    uint64_t p = pos_of(m, best);
    uint32_t ga = grade_at(m, a, p), gb = grade_at(m, b, p);
    return ga < gb ? -1 : 1;
}

static void sort_options(const mj *m, size_t *order)
{
    for (size_t i = 0; i < m->nc; i++)
        order[i] = i;
    for (size_t i = 1; i < m->nc; i++) /* insertion sort: stable, few options */
        for (size_t j = i; j > 0 && compare(m, order[j], order[j - 1]) < 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

static json_t *raw_json(cnt_run *run, const mj *m)
{
    json_t *r = json_array();
    for (size_t c = 0; c < m->nc; c++) {
        json_t *row = json_array();
        for (uint32_t k = 0; k < m->g; k++)
            cnt_push(run, row, cnt_u64(m->raw[c * m->g + k]));
        cnt_push(run, r, row);
    }
    return r;
}

static cns_err elect(cnt_run *run, const mj *m, const size_t *order)
{
    uint32_t seats = cnt_district_seats(run->rule, run->in, NULL);
    if (seats == 0)
        seats = 1;
    if (seats > m->nc)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: more seats (%u) than candidates (%zu)",
                            run->in->source, seats, m->nc);
    size_t tied[CNS_COUNT_MAX_CANDIDATES], nt = 0, above = 0;
    const char *names[CNS_COUNT_MAX_CANDIDATES];
    size_t cut = order[seats - 1];
    for (size_t i = 0; i < m->nc; i++) {
        int c = compare(m, order[i], cut);
        if (c < 0)
            above++;
        else if (c == 0) {
            names[nt] = run->in->cand[order[i]];
            tied[nt++] = order[i];
        }
    }
    cns_err err = CNS_OK;
    if (nt > seats - above)
        err = cnt_tie_order(run, "majority-judgment/last seat", nt, tied, names);
    for (size_t i = 0; i < above && err == CNS_OK; i++)
        err = cnt_add_elected(run, run->in->cand[order[i]]);
    for (size_t i = 0; i < seats - above && err == CNS_OK; i++)
        err = cnt_add_elected(run, run->in->cand[tied[i]]);
    return err;
}

cns_err cnt_run_mj(cnt_run *run)
{
    const cns_count_input *in = run->in;
    mj m = {.nc = in->ncand, .g = run->rule->grades, .upper = run->rule->median_upper};
    uint32_t val[CNS_COUNT_MAX_CANDIDATES]; /* one ballot's grades */
    m.raw = calloc(m.nc * m.g, sizeof *m.raw);
    size_t *order = calloc(m.nc, sizeof *order);
    cns_err err = CNS_OK;
    if (m.raw == NULL || order == NULL) {
        err = cnt_oom(run);
        goto done;
    }
    for (size_t b = 0; b < in->nballots; b++) {
        const cnt_ballot *bal = &in->ballots[b];
        cnt_ballot_dense(bal, val, m.nc);
        for (size_t c = 0; c < m.nc; c++) {
            if (val[c] == 0 || val[c] > m.g) {
                err = cns_diag_set(run->diag, CNS_ERR_INVALID,
                                   "%s: ballot %u: grade %u is outside 1..%u", in->source,
                                   bal->line, val[c], m.g);
                goto done;
            }
            m.raw[c * m.g + val[c] - 1] += bal->weight;
        }
        m.n += bal->weight;
    }
    cnt_put_totals(run, m.n);
    sort_options(&m, order);
    json_t *groups = json_array(), *named = json_array(), *mg = json_object();
    for (size_t i = 0; i < m.nc;) {
        size_t j = i;
        json_t *g = json_array(), *ng = json_array();
        while (j < m.nc && compare(&m, order[i], order[j]) == 0) {
            cnt_push(run, g, json_integer((json_int_t)order[j]));
            cnt_push(run, ng, json_string(in->cand[order[j]]));
            j++;
        }
        cnt_push(run, groups, g);
        cnt_push(run, named, ng);
        i = j;
    }
    for (size_t c = 0; c < m.nc && m.n > 0; c++)
        cnt_set(run, mg, in->cand[c], json_integer(grade_at(&m, c, pos_of(&m, 0)) + 1));
    cnt_set(run, run->doc, "majority_grades", mg);
    cnt_set(run, run->doc, "median", json_string(m.upper ? "upper" : "lower"));
    cnt_set(run, run->doc, "ranking", named);
    json_t *bel = json_object();
    cnt_set(run, bel, "raw", raw_json(run, &m));
    cnt_set(run, bel, "valid", cnt_u64(m.n));
    if (run->rule->blank_allowed)
        cnt_set(run, bel, "blank", cnt_u64(in->blank));
    cnt_set(run, bel, "invalid", in->invalid != NULL ? json_deep_copy(in->invalid) : json_array());
    cnt_set(run, bel, "winners", groups);
    cnt_set(run, run->doc, "belenios", bel);
    for (size_t c = 0; c < m.nc && err == CNS_OK; c++)
        err = cnt_add_bar(run, in->cand[c], m.raw[c * m.g], NULL);
    if (err == CNS_OK)
        err = elect(run, &m, order);
done:
    free(m.raw);
    free(order);
    return err;
}
