/*
 * Condorcet–Schulze with winning votes, losing votes breaking ties between
 * beats of equal winning votes (as the Debian constitution, A.6, and as CIVS
 * and belenios-tool do): the strength of a beat of A over B is (W, L) with
 * W = ballots ranking A above B > L = ballots ranking B above A;
 * (W1,L1) > (W2,L2) iff W1 > W2, or W1 = W2 and L1 < L2. Path strength is the
 * weakest link; the ranking takes, repeatedly, the options no remaining option
 * beats by a stronger path (Belenios' ranking). With "default_option" (Debian
 * A.6 step 3 at a 1:1 majority), options that do not defeat it are dropped
 * first. Unranked options (rank 0) rank below every ranked one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

typedef struct beat {
    uint64_t w, l;
} beat;

static int beat_cmp(beat a, beat b)
{
    if (a.w != b.w)
        return a.w > b.w ? 1 : -1;
    if (a.l != b.l)
        return a.l < b.l ? 1 : -1;
    return 0;
}

static void raw_matrix(const cns_count_input *in, uint64_t *raw)
{
    size_t n = in->ncand;
    uint32_t val[CNS_COUNT_MAX_CANDIDATES];
    for (size_t b = 0; b < in->nballots; b++) {
        const cnt_ballot *bal = &in->ballots[b];
        cnt_ballot_dense(bal, val, n);
        for (size_t i = 0; i < n; i++) {
            uint64_t x = val[i] ? val[i] : UINT64_MAX;
            for (size_t j = 0; j < n; j++) {
                uint64_t y = val[j] ? val[j] : UINT64_MAX;
                if (x < y)
                    raw[i * n + j] += bal->weight;
            }
        }
    }
}

static void closure(beat *m, size_t n)
{
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                beat via = beat_cmp(m[i * n + k], m[k * n + j]) > 0 ? m[k * n + j] : m[i * n + k];
                if (beat_cmp(via, m[i * n + j]) > 0)
                    m[i * n + j] = via;
            }
}

static json_t *matrix_json(cnt_run *run, const uint64_t *raw, size_t n)
{
    json_t *m = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array();
        for (size_t j = 0; j < n; j++)
            cnt_push(run, row, cnt_u64(raw[i * n + j]));
        cnt_push(run, m, row);
    }
    return m;
}

static json_t *beats_json(cnt_run *run, const beat *bp, size_t n)
{
    json_t *m = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array();
        for (size_t j = 0; j < n; j++)
            cnt_push(run, row,
                     json_pack("[II]", (json_int_t)bp[i * n + j].w, (json_int_t)bp[i * n + j].l));
        cnt_push(run, m, row);
    }
    return m;
}

/* Rank: groups of options unbeaten among those not yet ranked. */
static json_t *rank(cnt_run *run, const beat *bp, size_t n, bool *ignore, size_t *order,
                    size_t *first_group)
{
    json_t *groups = json_array();
    size_t placed = 0, k = 0;
    *first_group = 0;
    for (size_t i = 0; i < n; i++)
        placed += ignore[i];
    while (placed < n) {
        json_t *g = json_array();
        size_t start = k;
        bool won[CNS_COUNT_MAX_CANDIDATES];
        for (size_t i = 0; i < n; i++) {
            won[i] = !ignore[i];
            for (size_t j = 0; won[i] && j < n; j++)
                if (!ignore[j] && beat_cmp(bp[j * n + i], bp[i * n + j]) > 0)
                    won[i] = false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!won[i])
                continue;
            ignore[i] = true;
            placed++;
            order[k++] = i;
            cnt_push(run, g, json_integer((json_int_t)i));
        }
        if (start == 0)
            *first_group = k;
        cnt_push(run, groups, g);
    }
    return groups;
}

/* Debian A.6(3): drop options that do not defeat the default option. */
static cns_err drop_defeated(cnt_run *run, const uint64_t *raw, bool *ignore, size_t *ndropped)
{
    const cns_count_input *in = run->in;
    size_t n = in->ncand, d = n;
    *ndropped = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(in->cand[i], run->rule->default_option) == 0)
            d = i;
    if (d == n)
        return cns_diag_set(run->diag, CNS_ERR_INVALID,
                            "%s: the default option \"%s\" is not a candidate", in->source,
                            run->rule->default_option);
    json_t *dropped = json_array();
    for (size_t i = 0; i < n; i++) {
        if (i != d && raw[i * n + d] <= raw[d * n + i]) {
            ignore[i] = true;
            (*ndropped)++;
            cnt_push(run, dropped, json_string(in->cand[i]));
        }
    }
    cnt_set(run, run->doc, "dropped_not_beating_default", dropped);
    return CNS_OK;
}

static cns_err elect_top(cnt_run *run, const size_t *order, size_t first_group, size_t ranked)
{
    uint32_t seats = cnt_district_seats(run->rule, run->in, NULL);
    if (seats == 0)
        seats = 1;
    if (seats > ranked)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: more seats (%u) than candidates (%zu)",
                            run->in->source, seats, ranked);
    size_t tied[CNS_COUNT_MAX_CANDIDATES];
    const char *names[CNS_COUNT_MAX_CANDIDATES];
    cns_err err = CNS_OK;
    if (seats == 1 && first_group > 1) {
        for (size_t i = 0; i < first_group; i++) {
            tied[i] = order[i];
            names[i] = run->in->cand[order[i]];
        }
        err = cnt_tie_order(run, "schulze/winner", first_group, tied, names);
        if (err == CNS_OK)
            err = cnt_add_elected(run, run->in->cand[tied[0]]);
        return err;
    }
    for (size_t i = 0; i < seats && err == CNS_OK; i++)
        err = cnt_add_elected(run, run->in->cand[order[i]]);
    return err;
}

cns_err cnt_run_schulze(cnt_run *run)
{
    const cns_count_input *in = run->in;
    size_t n = in->ncand, first = 0, ndropped = 0;
    uint64_t *raw = calloc(n * n, sizeof *raw);
    beat *bp = calloc(n * n, sizeof *bp);
    bool *ignore = calloc(n, sizeof *ignore);
    size_t *order = calloc(n, sizeof *order);
    cns_err err = CNS_OK;
    if (!raw || !bp || !ignore || !order) {
        err = cnt_oom(run);
        goto done;
    }
    uint64_t valid = 0;
    for (size_t b = 0; b < in->nballots; b++)
        valid += in->ballots[b].weight;
    cnt_put_totals(run, valid);
    raw_matrix(in, raw);
    for (size_t i = 0; i < n; i++)
        ignore[i] = in->withdrawn[i];
    if (run->rule->default_option != NULL &&
        (err = drop_defeated(run, raw, ignore, &ndropped)) != CNS_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (!ignore[i] && !ignore[j] && raw[i * n + j] > raw[j * n + i])
                bp[i * n + j] = (beat){raw[i * n + j], raw[j * n + i]};
    closure(bp, n);
    size_t nignored = 0;
    for (size_t i = 0; i < n; i++)
        nignored += ignore[i];
    json_t *groups = rank(run, bp, n, ignore, order, &first);
    json_t *named = json_array();
    for (size_t g = 0; g < json_array_size(groups); g++) {
        json_t *ng = json_array();
        for (size_t k = 0; k < json_array_size(json_array_get(groups, g)); k++)
            cnt_push(
                run, ng,
                json_string(
                    in->cand[json_integer_value(json_array_get(json_array_get(groups, g), k))]));
        cnt_push(run, named, ng);
    }
    cnt_set(run, run->doc, "ranking", named);
    json_t *bel = json_object();
    cnt_set(run, bel, "valid", cnt_u64(valid));
    if (run->rule->blank_allowed)
        cnt_set(run, bel, "blank", cnt_u64(in->blank));
    cnt_set(run, bel, "raw", matrix_json(run, raw, n));
    cnt_set(run, bel, "beatpaths", beats_json(run, bp, n));
    cnt_set(run, bel, "winners", groups);
    cnt_set(run, run->doc, "belenios", bel);
    for (size_t i = 0; i < n; i++) {
        uint64_t wins = 0;
        for (size_t j = 0; j < n; j++)
            wins += raw[i * n + j] > raw[j * n + i];
        if ((err = cnt_add_bar(run, in->cand[i], wins, NULL)) != CNS_OK)
            goto done;
    }
    err = elect_top(run, order, first, n - nignored);
done:
    free(raw);
    free(bp);
    free(ignore);
    free(order);
    return err;
}
