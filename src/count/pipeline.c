/*
 * The count inside the verified pipeline: an input built from a verified
 * result's totals, a published outcome checked member by member against the
 * count, and the one-call forms cns_count_tally / cns_count_verify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

/* ---- an input of totals ---- */

static cns_err totals_names(cns_count_input *in, const char *const *names, size_t n, cns_diag *diag)
{
    if (n == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: no options", in->source);
    if (n > CNS_COUNT_MAX_CANDIDATES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu options, at most %d", in->source, n,
                            CNS_COUNT_MAX_CANDIDATES);
    for (size_t i = 0; i < n; i++) {
        size_t len = names[i] != NULL ? strlen(names[i]) : 0;
        if (len == 0 || len > 1000 || !cnt_utf8_ok(names[i], len))
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "%s: option %zu: a name is 1 to 1000 bytes of UTF-8", in->source,
                                i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[j], names[i]) == 0)
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "%s: options %zu and %zu are both \"%s\"", in->source, j + 1,
                                    i + 1, names[i]);
        cns_err err = cnt_input_add_cand(in, names[i], len);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

static cns_err totals_votes(cns_count_input *in, const uint64_t *votes, const uint64_t *blank,
                            cns_diag *diag)
{
    in->ndist = 1;
    in->dist = calloc(1, sizeof *in->dist);
    if (in->dist == NULL || (in->dist[0] = cnt_strndup("NACIONAL", 8)) == NULL)
        return CNS_ERR_NOMEM;
    cns_err err = cnt_input_alloc_totals(in, 1);
    if (err != CNS_OK)
        return err;
    uint64_t total = blank != NULL ? *blank : 0;
    if (total > CNS_COUNT_MAX_VOTES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: blank count exceeds 10^12", in->source);
    for (size_t i = 0; i < in->ncand; i++) {
        if (votes[i] > CNS_COUNT_MAX_VOTES)
            return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: option %zu: count exceeds 10^12",
                                in->source, i + 1);
        in->votes[i] = votes[i];
        total += votes[i];
    }
    if (total > CNS_COUNT_MAX_TOTAL)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: counts add up to more than 10^15",
                            in->source);
    if (blank != NULL) {
        in->blank = *blank;
        in->has_blank = true;
    }
    return CNS_OK;
}

cns_err cns_count_input_from_totals(const char *source, const char *title, const char *const *names,
                                    size_t n, const uint64_t *votes, const uint64_t *blank,
                                    uint64_t registered, cns_count_input **out, cns_diag *diag)
{
    if (out == NULL || (n > 0 && (names == NULL || votes == NULL)))
        return cns_diag_set(diag, CNS_ERR_INVALID, "count: missing totals");
    *out = NULL;
    cns_count_input *in = cnt_input_new(source, CNS_COUNT_FORMAT_JSON);
    cns_err err = CNS_ERR_NOMEM;
    if (in == NULL)
        goto done;
    if (title != NULL && (in->title = cnt_strndup(title, strlen(title))) == NULL)
        goto done;
    err = totals_names(in, names, n, diag);
    if (err == CNS_OK)
        err = totals_votes(in, votes, blank, diag);
    in->registered = registered;
    in->has_registered = registered != 0;
done:
    if (err == CNS_ERR_NOMEM)
        cns_diag_set(diag, err, "count: out of memory");
    if (err != CNS_OK) {
        cns_count_input_free(in);
        return err;
    }
    *out = in;
    return CNS_OK;
}

cns_err cns_count_input_set_ballots(cns_count_input *in, uint64_t ballots, cns_diag *diag)
{
    if (in == NULL || in->ndist != 1)
        return cns_diag_set(diag, CNS_ERR_INVALID, "count: ballots are set on totals only");
    uint64_t marks = 0;
    for (size_t c = 0; c < in->ncand; c++)
        marks += in->votes[c];
    if (ballots < in->blank + in->null || ballots > CNS_COUNT_MAX_TOTAL ||
        (marks > 0 && ballots == in->blank + in->null))
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: %llu ballots cannot hold %llu blank and %llu marks", in->source,
                            (unsigned long long)ballots, (unsigned long long)in->blank,
                            (unsigned long long)marks);
    in->ballots_cast = ballots;
    in->has_ballots_cast = true;
    return CNS_OK;
}

/* ---- checking a published outcome ---- */

/* v as compact JSON for a message, cut to fit buf ("…" when cut). */
static const char *show(const json_t *v, char *buf, size_t n)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (s == NULL) {
        snprintf(buf, n, "?");
        return buf;
    }
    if (strlen(s) < n)
        snprintf(buf, n, "%s", s);
    else
        snprintf(buf, n, "%.*s…", (int)(n - 5), s);
    free(s);
    return buf;
}

/* Append ".key" (or "key" at the start) or "[i]" to path at `at`; returns the new length. */
static size_t path_key(char *path, size_t at, size_t cap, const char *key)
{
    int n = snprintf(path + at, cap - at, "%s%s", at ? "." : "", key);
    return n < 0 || (size_t)n >= cap - at ? cap - 1 : at + (size_t)n;
}

static size_t path_index(char *path, size_t at, size_t cap, size_t i)
{
    int n = snprintf(path + at, cap - at, "[%zu]", i);
    return n < 0 || (size_t)n >= cap - at ? cap - 1 : at + (size_t)n;
}

static cns_err differ(cns_diag *diag, const char *path, const json_t *pub, const json_t *mine)
{
    char a[160], b[160];
    return cns_diag_set(diag, CNS_ERR_VERIFY, "%s is %s, the rule gives %s", path,
                        show(pub, a, sizeof a), show(mine, b, sizeof b));
}

static cns_err diff(const json_t *mine, const json_t *pub, char *path, size_t at, size_t cap,
                    cns_diag *diag);

static cns_err diff_object(const json_t *mine, const json_t *pub, char *path, size_t at, size_t cap,
                           cns_diag *diag)
{
    const char *key;
    const json_t *v;
    char b[160];
    json_object_foreach((json_t *)mine, key, v)
    {
        size_t end = path_key(path, at, cap, key);
        const json_t *p = json_object_get(pub, key);
        if (p == NULL)
            return cns_diag_set(diag, CNS_ERR_VERIFY, "%s is missing, the rule gives %s", path,
                                show(v, b, sizeof b));
        cns_err err = diff(v, p, path, end, cap, diag);
        if (err != CNS_OK)
            return err;
        path[at] = '\0';
    }
    json_object_foreach((json_t *)pub, key, v)
    {
        if (json_object_get(mine, key) == NULL) {
            path_key(path, at, cap, key);
            return cns_diag_set(diag, CNS_ERR_VERIFY, "%s is not in the rule's outcome", path);
        }
    }
    return CNS_OK;
}

static cns_err diff_array(const json_t *mine, const json_t *pub, char *path, size_t at, size_t cap,
                          cns_diag *diag)
{
    size_t nm = json_array_size(mine), np = json_array_size(pub);
    for (size_t i = 0; i < nm && i < np; i++) {
        size_t end = path_index(path, at, cap, i);
        cns_err err = diff(json_array_get(mine, i), json_array_get(pub, i), path, end, cap, diag);
        if (err != CNS_OK)
            return err;
        path[at] = '\0';
    }
    if (nm != np)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "%s has %zu entries, the rule gives %zu", path,
                            np, nm);
    return CNS_OK;
}

/* The first place where pub differs from mine, named by its path; CNS_OK if none. */
static cns_err diff(const json_t *mine, const json_t *pub, char *path, size_t at, size_t cap,
                    cns_diag *diag)
{
    if (json_is_object(mine) && json_is_object(pub))
        return diff_object(mine, pub, path, at, cap, diag);
    if (json_is_array(mine) && json_is_array(pub))
        return diff_array(mine, pub, path, at, cap, diag);
    if (!json_equal((json_t *)mine, (json_t *)pub))
        return differ(diag, path, pub, mine);
    return CNS_OK;
}

/* Seats list by list: "list APRA has 36 seats, the rule gives 37". */
static cns_err check_seats(const json_t *mine, const json_t *pub, cns_diag *diag)
{
    const char *key;
    const json_t *v;
    char a[160];
    if (!json_is_object(pub))
        return cns_diag_set(diag, CNS_ERR_VERIFY, "\"seats\" is %s, not an object {list: seats}",
                            show(pub, a, sizeof a));
    json_object_foreach((json_t *)mine, key, v)
    {
        const json_t *p = json_object_get(pub, key);
        if (p == NULL)
            return cns_diag_set(diag, CNS_ERR_VERIFY,
                                "list %s: no seats given, the rule gives %lld", key,
                                (long long)json_integer_value(v));
        if (!json_equal((json_t *)p, (json_t *)v))
            return cns_diag_set(diag, CNS_ERR_VERIFY, "list %s has %s seats, the rule gives %lld",
                                key, show(p, a, sizeof a), (long long)json_integer_value(v));
    }
    json_object_foreach((json_t *)pub, key, v)
    {
        if (json_object_get(mine, key) == NULL)
            return cns_diag_set(diag, CNS_ERR_VERIFY,
                                "list %s has %s seats, but it is not a list of this count", key,
                                show(v, a, sizeof a));
    }
    return CNS_OK;
}

/* The members a published outcome must have: what is elected, seats, the verdict. */
static cns_err check_required(const json_t *mine, const json_t *pub, cns_diag *diag)
{
    static const char *const required[] = {"elected", "seats", "referendum"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (json_object_get(mine, required[i]) != NULL && json_object_get(pub, required[i]) == NULL)
            return cns_diag_set(diag, CNS_ERR_VERIFY, "the published outcome has no \"%s\"",
                                required[i]);
    return CNS_OK;
}

static cns_err check_doc(const json_t *mine, const json_t *pub, cns_diag *diag)
{
    char path[256], a[160], b[160];
    cns_err err = check_required(mine, pub, diag);
    if (err == CNS_OK && json_object_get(mine, "seats") != NULL)
        err = check_seats(json_object_get(mine, "seats"), json_object_get(pub, "seats"), diag);
    const json_t *me = json_object_get(mine, "elected"), *pe = json_object_get(pub, "elected");
    if (err == CNS_OK && !json_equal((json_t *)me, (json_t *)pe))
        err = cns_diag_set(diag, CNS_ERR_VERIFY, "elected is %s, the rule gives %s",
                           show(pe, a, sizeof a), show(me, b, sizeof b));
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)pub, key, v)
    {
        if (err != CNS_OK)
            break;
        const json_t *m = json_object_get(mine, key);
        if (m == NULL)
            err = cns_diag_set(diag, CNS_ERR_VERIFY, "\"%s\" is not part of the outcome", key);
        else
            err = diff(m, v, path, path_key(path, 0, sizeof path, key), sizeof path, diag);
    }
    return err;
}

cns_err cns_count_result_check(const cns_count_result *result, const char *published, size_t len,
                               cns_diag *diag)
{
    if (result == NULL || (published == NULL && len > 0))
        return cns_diag_set(diag, CNS_ERR_INVALID, "count: no result or no outcome to check");
    json_error_t je;
    json_t *pub = json_loadb(published, len, JSON_REJECT_DUPLICATES, &je);
    if (pub == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "published outcome:%d:%d: %s", je.line, je.column,
                            je.text);
    cns_err err = json_is_object(pub)
                      ? check_doc(result->doc, pub, diag)
                      : cns_diag_set(diag, CNS_ERR_DECODE, "published outcome: expected an object");
    json_decref(pub);
    return err;
}

/* ---- the one-call forms ---- */

static cns_err tally_result(const char *rule_json, size_t rule_len, const char *tally_json,
                            size_t tally_len, cns_count_result **res, cns_diag *diag)
{
    cns_count_rule *rule = NULL;
    cns_count_input *in = NULL;
    cns_err err = cns_count_rule_from_json(rule_json, rule_len, &rule, diag);
    if (err == CNS_OK)
        err = cns_count_input_parse(CNS_COUNT_FORMAT_JSON, "result", tally_json, tally_len, rule,
                                    &in, diag);
    if (err == CNS_OK)
        err = cns_count_run(rule, in, res, diag);
    cns_count_input_free(in);
    cns_count_rule_free(rule);
    return err;
}

cns_err cns_count_tally(const char *rule_json, size_t rule_len, const char *tally_json,
                        size_t tally_len, char **out, cns_diag *diag)
{
    if (out == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID, "count: no output");
    *out = NULL;
    cns_count_result *res = NULL;
    cns_err err = tally_result(rule_json, rule_len, tally_json, tally_len, &res, diag);
    if (err == CNS_OK && cns_count_result_json(res, out) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_NOMEM, "count: out of memory");
    cns_count_result_free(res);
    return err;
}

cns_err cns_count_verify(const char *rule_json, size_t rule_len, const char *tally_json,
                         size_t tally_len, const char *published, size_t published_len,
                         cns_diag *diag)
{
    cns_count_result *res = NULL;
    cns_err err = tally_result(rule_json, rule_len, tally_json, tally_len, &res, diag);
    if (err == CNS_OK) {
        err = cns_count_result_check(res, published, published_len, diag);
        if (err != CNS_OK)
            cns_diag_prefix(diag, err, "count: ");
    }
    cns_count_result_free(res);
    return err;
}
