/* Referendum, plurality and approval: totals per option, from counts or ballots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

/* Totals per option: the counts as given, or marks (value 1) summed over ballots. */
static cns_err option_totals(cnt_run *run, uint64_t *tot, uint64_t *valid)
{
    const cns_count_input *in = run->in;
    *valid = 0;
    if (in->ndist > 0) {
        for (size_t c = 0; c < in->ncand; c++) {
            tot[c] = in->votes[c];
            *valid += tot[c];
        }
        /* marks: the valid votes are the ballots that are neither blank nor null */
        if (in->has_ballots_cast)
            *valid = in->ballots_cast - in->blank - in->null;
        return CNS_OK;
    }
    for (size_t b = 0; b < in->nballots; b++) {
        const cnt_ballot *bal = &in->ballots[b];
        for (uint32_t i = 0; i < bal->nmarks; i++) { /* the ballot's marks, by candidate */
            if (bal->marks[i].val > 1)
                return cns_diag_set(run->diag, CNS_ERR_INVALID,
                                    "%s: ballot %u: a mark must be 0 or 1", in->source, bal->line);
            tot[bal->marks[i].cand] += bal->marks[i].val * bal->weight;
        }
        *valid += bal->weight;
    }
    return CNS_OK;
}

static json_t *frac_json(cnt_frac f)
{
    return json_sprintf("%llu/%llu", (unsigned long long)f.num, (unsigned long long)f.den);
}

static void put_option_votes(cnt_run *run, const uint64_t *tot)
{
    json_t *o = json_object();
    for (size_t c = 0; c < run->in->ncand; c++) {
        cnt_set(run, o, run->in->cand[c], cnt_u64(tot[c]));
        if (cnt_add_bar(run, run->in->cand[c], tot[c], NULL) != CNS_OK)
            run->oom = true;
    }
    cnt_set(run, run->doc, "option_votes", o);
}

cns_err cnt_run_referendum(cnt_run *run)
{
    const cns_count_input *in = run->in;
    const cns_count_rule *r = run->rule;
    uint64_t *tot = calloc(in->ncand, sizeof *tot), valid;
    if (tot == NULL)
        return cnt_oom(run);
    cns_err err = option_totals(run, tot, &valid);
    if (err != CNS_OK)
        goto done;
    cnt_put_totals(run, valid);
    put_option_votes(run, tot);
    size_t best = 0, nbest = 0;
    for (size_t c = 0; c < in->ncand; c++) {
        if (tot[c] > tot[best] || c == 0) {
            best = c;
            nbest = 1;
        } else if (tot[c] == tot[best]) {
            nbest++;
        }
    }
    json_t *j = json_object();
    bool maj = nbest == 1 && cnt_cmp_mul(tot[best], r->majority.den, r->majority.num, valid) > 0;
    json_t *m = json_object();
    cnt_set(run, m, "required", json_string("more than this share of valid votes"));
    cnt_set(run, m, "share", frac_json(r->majority));
    cnt_set(run, m, "met", json_boolean(maj));
    cnt_set(run, j, "majority", m);
    cnt_set(run, j, "leading_option", nbest == 1 ? json_string(in->cand[best]) : json_null());
    bool part = true;
    if (r->participation.num > 0) {
        uint64_t reg = r->registered ? r->registered : in->registered;
        if (r->registered == 0 && !in->has_registered) {
            err = cns_diag_set(run->diag, CNS_ERR_INVALID,
                               "%s: the participation threshold needs the number of registered "
                               "electors",
                               in->source);
            json_decref(j);
            goto done;
        }
        part = nbest == 1 &&
               cnt_cmp_mul(tot[best], r->participation.den, r->participation.num, reg) >= 0;
        json_t *p = json_object();
        cnt_set(run, p, "required", json_string("winning option reaches this share of registered"));
        cnt_set(run, p, "share", frac_json(r->participation));
        cnt_set(run, p, "registered", cnt_u64(reg));
        cnt_set(run, p, "met", json_boolean(part));
        cnt_set(run, j, "participation", p);
    } else {
        cnt_set(run, j, "participation", json_null());
    }
    const json_t *at = json_object_get(run->doc, "annulment_test");
    bool is_void = json_is_true(json_object_get(at, "void"));
    bool decided = maj && part && !is_void;
    cnt_set(run, j, "void", json_boolean(is_void));
    cnt_set(run, j, "outcome",
            decided ? json_sprintf("%s wins", in->cand[best])
                    : json_string("no option meets every requirement"));
    cnt_set(run, j, "winner", decided ? json_string(in->cand[best]) : json_null());
    cnt_set(run, run->doc, "referendum", j);
    if (decided)
        err = cnt_add_elected(run, in->cand[best]);
done:
    free(tot);
    return err;
}

typedef struct opt {
    size_t c;
    uint64_t v;
} opt;

static int cmp_opt(const void *x, const void *y)
{
    const opt *a = x, *b = y;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return a->c < b->c ? -1 : a->c > b->c;
}

/* The `seats` options with most votes; a tie at the last seat is settled by lot. */
static cns_err top_options(cnt_run *run, const uint64_t *tot, uint32_t seats)
{
    const cns_count_input *in = run->in;
    opt *o = malloc(in->ncand * sizeof *o);
    size_t *tied = malloc(in->ncand * sizeof *tied);
    const char **names = malloc(in->ncand * sizeof *names);
    cns_err err = CNS_OK;
    if (o == NULL || tied == NULL || names == NULL) {
        err = cnt_oom(run);
        goto done;
    }
    size_t n = 0;
    for (size_t c = 0; c < in->ncand; c++)
        if (!in->withdrawn[c])
            o[n++] = (opt){c, tot[c]};
    qsort(o, n, sizeof *o, cmp_opt);
    uint64_t cut = o[seats - 1].v;
    size_t ntied = 0, above = 0;
    for (size_t i = 0; i < n; i++) {
        if (o[i].v > cut)
            above++;
        else if (o[i].v == cut)
            tied[ntied++] = o[i].c;
    }
    if (ntied > seats - above) {
        for (size_t i = 0; i < ntied; i++)
            names[i] = in->cand[tied[i]];
        err = cnt_tie_order(run, "plurality/last seat", ntied, tied, names);
    }
    for (size_t i = 0; i < above && err == CNS_OK; i++)
        err = cnt_add_elected(run, in->cand[o[i].c]);
    for (size_t i = 0; i < seats - above && err == CNS_OK; i++)
        err = cnt_add_elected(run, in->cand[tied[i]]);
done:
    free(o);
    free(tied);
    free(names);
    return err;
}

cns_err cnt_run_plurality(cnt_run *run)
{
    const cns_count_input *in = run->in;
    uint32_t seats = cnt_district_seats(run->rule, in, in->ndist ? in->dist[0] : NULL);
    if (seats == 0)
        seats = 1;
    size_t eligible = 0;
    for (size_t c = 0; c < in->ncand; c++)
        eligible += !in->withdrawn[c];
    if (seats > eligible)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: more seats (%u) than candidates (%zu)",
                            in->source, seats, eligible);
    uint64_t *tot = calloc(in->ncand, sizeof *tot), valid;
    if (tot == NULL)
        return cnt_oom(run);
    cns_err err = option_totals(run, tot, &valid);
    if (err == CNS_OK) {
        cnt_put_totals(run, valid);
        put_option_votes(run, tot);
        cnt_set(run, run->doc, "seats_to_fill", json_integer(seats));
        err = top_options(run, tot, seats);
    }
    free(tot);
    return err;
}
