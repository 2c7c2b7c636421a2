/*
 * STV as belenios-tool 2.0 computes it (`belenios-tool method stv`,
 * src/lib/core/stv.ml), in exact rationals where Belenios uses floats:
 *   - quota = floor(n / (seats + 1)) + 1, n = valid ballots (an all-zero
 *     ballot is valid and empty);
 *   - each round, the choices still named on some ballot are scored by the
 *     weight of the ballots that rank them first, sorted by score, then by
 *     question order;
 *   - if the top score reaches the quota, that one choice wins and every
 *     ballot it holds is multiplied by (score - quota) / score (inclusive
 *     Gregory, one winner per round); otherwise the last choice loses;
 *   - when no more choices remain than seats, they all win;
 *   - ties are broken by question order and logged as TieWin/TieLose.
 * The result carries the events in Belenios' own encoding ("belenios").
 */
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

typedef struct bstv {
    cnt_run *run;
    cnt_prefs p;
    size_t nc;
    mpq_t *w;       /* per ballot */
    mpq_t *score;   /* per candidate */
    bool *removed;  /* per candidate */
    bool *named;    /* per candidate, this round */
    bool sensitive; /* an exact equality decided something: floats may differ */
    json_t *events;
} bstv;

static size_t first_choice(const bstv *s, size_t b)
{
    for (size_t i = 0; i < s->p.len[b]; i++)
        if (!s->removed[s->p.pref[b][i]])
            return s->p.pref[b][i];
    return SIZE_MAX;
}

/* Score the choices still named; return how many there are. */
static size_t score_round(bstv *s)
{
    size_t n = 0;
    for (size_t c = 0; c < s->nc; c++) {
        s->named[c] = false;
        mpq_set_ui(s->score[c], 0, 1);
    }
    for (size_t b = 0; b < s->p.n; b++) {
        size_t f = first_choice(s, b);
        if (f == SIZE_MAX)
            continue;
        mpq_add(s->score[f], s->score[f], s->w[b]);
        for (size_t i = 0; i < s->p.len[b]; i++)
            s->named[s->p.pref[b][i]] = !s->removed[s->p.pref[b][i]];
    }
    for (size_t c = 0; c < s->nc; c++)
        n += s->named[c];
    return n;
}

static json_t *event(const char *kind, json_t *arg)
{
    return json_pack("[so]", kind, arg);
}

static json_t *pair(size_t a, size_t b)
{
    return json_pack("[II]", (json_int_t)a, (json_int_t)b);
}

static void sorted_choices(const bstv *s, size_t *items, size_t *n)
{
    *n = 0;
    for (size_t c = 0; c < s->nc; c++)
        if (s->named[c])
            items[(*n)++] = c;
    for (size_t i = 1; i < *n; i++) /* score descending, then index ascending */
        for (size_t j = i; j > 0 && mpq_cmp(s->score[items[j]], s->score[items[j - 1]]) > 0; j--) {
            size_t t = items[j];
            items[j] = items[j - 1];
            items[j - 1] = t;
        }
}

static cns_err win(bstv *s, size_t a, const mpq_t quota)
{
    cnt_run *run = s->run;
    mpq_t c;
    mpq_init(c);
    mpq_sub(c, s->score[a], quota);
    mpq_div(c, c, s->score[a]);
    for (size_t b = 0; b < s->p.n; b++)
        if (first_choice(s, b) == a)
            mpq_mul(s->w[b], s->w[b], c);
    mpq_clear(c);
    s->removed[a] = true;
    cnt_push(run, s->events, event("Win", json_pack("[I]", (json_int_t)a)));
    return cnt_add_elected(run, run->in->cand[a]);
}

static cns_err rounds(bstv *s, uint32_t seats, const mpq_t quota)
{
    cnt_run *run = s->run;
    size_t items[CNS_COUNT_MAX_CANDIDATES], n;
    cns_err err = CNS_OK;
    while (seats > 0 && err == CNS_OK) {
        if (score_round(s) <= seats) {
            json_t *all = json_array();
            for (size_t c = 0; c < s->nc && err == CNS_OK; c++) {
                if (!s->named[c])
                    continue;
                cnt_push(run, all, json_integer((json_int_t)c));
                err = cnt_add_elected(run, run->in->cand[c]);
            }
            cnt_push(run, s->events, event("Win", all));
            return err;
        }
        sorted_choices(s, items, &n);
        for (size_t i = 0; i + 1 < n; i++)
            s->sensitive = s->sensitive || mpq_equal(s->score[items[i]], s->score[items[i + 1]]);
        s->sensitive = s->sensitive || mpq_cmp(s->score[items[0]], quota) == 0;
        if (mpq_cmp(s->score[items[0]], quota) >= 0) {
            if (mpq_equal(s->score[items[0]], s->score[items[1]]))
                cnt_push(run, s->events, event("TieWin", pair(items[0], items[1])));
            err = win(s, items[0], quota);
            seats--;
        } else {
            size_t a = items[n - 1], b = items[n - 2];
            if (mpq_equal(s->score[a], s->score[b]))
                cnt_push(run, s->events, event("TieLose", pair(a, b)));
            cnt_push(run, s->events, event("Lose", json_integer((json_int_t)a)));
            s->removed[a] = true;
        }
    }
    return err;
}

static void bstv_free(bstv *s)
{
    for (size_t b = 0; s->w != NULL && b < s->p.n; b++)
        mpq_clear(s->w[b]);
    for (size_t c = 0; s->score != NULL && c < s->nc; c++)
        mpq_clear(s->score[c]);
    free(s->w);
    free(s->score);
    free(s->removed);
    free(s->named);
    cnt_prefs_free(&s->p);
    json_decref(s->events);
}

static void put_belenios(cnt_run *run, bstv *s)
{
    json_t *o = json_object(), *w = json_array();
    cnt_set(run, o, "invalid",
            run->in->invalid != NULL ? json_deep_copy(run->in->invalid) : json_array());
    cnt_set(run, o, "events", json_incref(s->events));
    for (size_t i = 0; i < run->res->nelected; i++)
        for (size_t c = 0; c < s->nc; c++)
            if (strcmp(run->in->cand[c], run->res->elected[i]) == 0)
                cnt_push(run, w, json_integer((json_int_t)c));
    cnt_set(run, o, "winners", w);
    cnt_set(run, run->doc, "belenios", o);
    /* true when some step turned on an exact equality, where Belenios' floats may
       decide the other way */
    cnt_set(run, run->doc, "float_sensitive", json_boolean(s->sensitive));
}

cns_err cnt_run_stv_belenios(cnt_run *run)
{
    const cns_count_input *in = run->in;
    bstv s = {.run = run, .nc = in->ncand};
    uint32_t seats = cnt_district_seats(run->rule, in, NULL);
    if (seats == 0 || seats > in->ncand)
        return cns_diag_set(run->diag, CNS_ERR_INVALID,
                            "%s: seats (%u) must be between 1 and the %zu candidates", in->source,
                            seats, in->ncand);
    cns_err err = cnt_prefs_build(run, &s.p);
    if (err != CNS_OK)
        return err;
    s.w = calloc(s.p.n + 1, sizeof *s.w);
    s.score = calloc(s.nc, sizeof *s.score);
    s.removed = calloc(s.nc, sizeof *s.removed);
    s.named = calloc(s.nc, sizeof *s.named);
    s.events = json_array();
    if (!s.w || !s.score || !s.removed || !s.named || !s.events) {
        free(s.w);
        free(s.score);
        s.w = NULL;
        s.score = NULL;
        bstv_free(&s);
        return cnt_oom(run);
    }
    uint64_t n = 0;
    for (size_t b = 0; b < s.p.n; b++) {
        mpq_init(s.w[b]);
        mpq_set_ui(s.w[b], (unsigned long)s.p.weight[b], 1);
        n += s.p.weight[b];
    }
    for (size_t c = 0; c < s.nc; c++)
        mpq_init(s.score[c]);
    cnt_put_totals(run, n);
    mpq_t quota;
    mpq_init(quota);
    mpq_set_ui(quota, (unsigned long)(n / (seats + 1) + 1), 1);
    cnt_set(run, run->doc, "quota", cnt_u64(n / (seats + 1) + 1));
    err = rounds(&s, seats, quota);
    mpq_clear(quota);
    if (err == CNS_OK)
        put_belenios(run, &s);
    bstv_free(&s);
    return err;
}
