/*
 * JSON inputs: the result of a consulta/Belenios election, or ballots alone.
 *
 *   {"result": [Q0, Q1, …]}   one entry per question (rule's "question" picks
 *                              one): an array of integers is a homomorphic
 *                              count (blank first when the rule says
 *                              "blank_first"); an array of arrays is the
 *                              decrypted ballots of a shuffled question
 *   [[…], […], …]             ballots (belenios-tool method's input)
 *   [n1, n2, …]               counts of one question
 *
 * Ballots are classified as Belenios does for the rule's method: valid, blank
 * (all zero, when blank is allowed) or invalid (kept, reported, counted null).
 * JSON has no reliable positions for values, so diagnostics give a path
 * ("result[0][3]") after the file name; syntax errors give line and column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

static cns_err value_u64(const cns_count_input *in, const json_t *v, const char *path, size_t i,
                         uint64_t *out, cns_diag *diag)
{
    if (!json_is_integer(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: %s[%zu]: expected an integer", in->source,
                            path, i);
    json_int_t x = json_integer_value(v);
    if (x < 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %s[%zu]: negative count", in->source, path,
                            i);
    if ((uint64_t)x > CNS_COUNT_MAX_VOTES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %s[%zu]: count exceeds 10^12", in->source,
                            path, i);
    *out = (uint64_t)x;
    return CNS_OK;
}

static cns_err add_names(cns_count_input *in, const cns_count_rule *rule, size_t n, cns_diag *diag)
{
    if (n == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: no choices", in->source);
    if (n > CNS_COUNT_MAX_CANDIDATES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: more than 1000 choices", in->source);
    if (rule != NULL && rule->nnames != 0 && rule->nnames != n)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: %zu choices, but the rule names %zu candidates", in->source, n,
                            rule->nnames);
    for (size_t i = 0; i < n; i++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", i + 1);
        const char *nm = rule != NULL && rule->nnames != 0 ? rule->names[i] : num;
        cns_err err = cnt_input_add_cand(in, nm, strlen(nm));
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

static cns_err read_counts(cns_count_input *in, const json_t *arr, const char *path,
                           const cns_count_rule *rule, cns_diag *diag)
{
    bool blank = rule != NULL && rule->blank_first;
    size_t n = json_array_size(arr), first = blank ? 1 : 0;
    if (n <= first)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %s: no choices", in->source, path);
    cns_err err = add_names(in, rule, n - first, diag);
    if (err != CNS_OK)
        return err;
    in->ndist = 1;
    in->dist = calloc(1, sizeof *in->dist);
    if (in->dist == NULL || (in->dist[0] = cnt_strndup("NACIONAL", 8)) == NULL)
        return CNS_ERR_NOMEM;
    if ((err = cnt_input_alloc_totals(in, 1)) != CNS_OK)
        return err;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        if ((err = value_u64(in, json_array_get(arr, i), path, i, &v, diag)) != CNS_OK)
            return err;
        total += v;
        if (i < first) {
            in->blank = v;
            in->has_blank = true;
        } else {
            in->votes[i - first] = v;
        }
    }
    if (total > CNS_COUNT_MAX_TOTAL)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: counts add up to more than 10^15",
                            in->source);
    return CNS_OK;
}

typedef enum bclass { B_VALID, B_BLANK, B_INVALID } bclass;

/* Classify a ballot as Belenios does for the method (see the file comment). */
static bclass classify(const cns_count_rule *rule, const uint32_t *v, size_t n)
{
    cnt_method m = rule != NULL ? rule->method : CNT_SCHULZE;
    bool zero = true;
    for (size_t i = 0; i < n; i++)
        zero = zero && v[i] == 0;
    bool blank_ok = rule != NULL && rule->blank_allowed;
    if (zero && blank_ok)
        return B_BLANK;
    if (zero) /* Belenios keeps an all-zero Schulze/STV ballot as a valid empty one */
        return m == CNT_MJ ? B_INVALID
                           : (m == CNT_SCHULZE || m == CNT_STV_BELENIOS ? B_VALID : B_BLANK);
    if (m == CNT_MJ) {
        for (size_t i = 0; i < n; i++)
            if (v[i] == 0 || v[i] > rule->grades)
                return B_INVALID;
        return B_VALID;
    }
    if (m == CNT_APPROVAL || m == CNT_PLURALITY) {
        size_t ones = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i] > 1)
                return B_INVALID;
            ones += v[i];
        }
        return m == CNT_PLURALITY && ones != 1 ? B_INVALID : B_VALID;
    }
    if (m == CNT_SCHULZE)
        return B_VALID;
    /* IRV/STV: ranks 1..k, each exactly once, the others 0 */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i] != 0;
    for (uint32_t r = 1; r <= k; r++) {
        size_t seen = 0;
        for (size_t i = 0; i < n; i++)
            seen += v[i] == r;
        if (seen != 1)
            return B_INVALID;
    }
    return B_VALID;
}

static cns_err read_one_ballot(cns_count_input *in, const json_t *b, size_t idx, uint32_t *val,
                               cns_diag *diag)
{
    char path[48];
    snprintf(path, sizeof path, "ballot %zu", idx + 1);
    if (!json_is_array(b) || json_array_size(b) != in->ncand)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: ballot %zu: expected an array of %zu integers", in->source,
                            idx + 1, in->ncand);
    for (size_t i = 0; i < in->ncand; i++) {
        uint64_t v;
        cns_err err = value_u64(in, json_array_get(b, i), path, i, &v, diag);
        if (err != CNS_OK)
            return err;
        if (v > 0xFFFFFFFFu)
            return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: ballot %zu[%zu]: value too large",
                                in->source, idx + 1, i);
        val[i] = (uint32_t)v;
    }
    return CNS_OK;
}

static cns_err read_ballots(cns_count_input *in, const json_t *arr, const cns_count_rule *rule,
                            cns_diag *diag)
{
    size_t n = json_array_size(arr);
    if (n > CNS_COUNT_MAX_BALLOTS)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: more than %u ballots", in->source,
                            CNS_COUNT_MAX_BALLOTS);
    const json_t *b0 = json_array_get(arr, 0);
    cns_err err = add_names(in, rule, json_array_size(b0), diag);
    if (err != CNS_OK)
        return err;
    in->invalid = json_array();
    if (in->invalid == NULL)
        return CNS_ERR_NOMEM;
    cnt_method m = rule != NULL ? rule->method : CNT_SCHULZE;
    for (size_t i = 0; i < n; i++) {
        cnt_ballot *b = cnt_input_add_ballot(in, in->ncand);
        if (b == NULL)
            return CNS_ERR_NOMEM;
        b->line = (uint32_t)(i + 1);
        const json_t *jb = json_array_get(arr, i);
        if ((err = read_one_ballot(in, jb, i, b->val, diag)) != CNS_OK)
            return err;
        bool ranked = m != CNT_MJ && m != CNT_APPROVAL && m != CNT_PLURALITY;
        for (size_t c = 0; ranked && c < in->ncand; c++) {
            if (b->val[c] > in->ncand)
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "%s: ballot %zu: rank %u is beyond the %zu candidates",
                                    in->source, i + 1, b->val[c], in->ncand);
        }
        bclass cl = classify(rule, b->val, in->ncand);
        if (cl == B_VALID)
            continue;
        free(b->val);
        in->nballots--;
        if (cl == B_BLANK) {
            in->blank++;
            in->has_blank = true;
        } else {
            in->null++;
            in->has_null = true;
            in->ninvalid++;
            if (json_array_append(in->invalid, (json_t *)jb) != 0)
                return CNS_ERR_NOMEM;
        }
    }
    if (rule != NULL && rule->blank_allowed)
        in->has_blank = true;
    return CNS_OK;
}

static cns_err read_question(cns_count_input *in, const json_t *q, const char *path,
                             const cns_count_rule *rule, cns_diag *diag)
{
    if (!json_is_array(q) || json_array_size(q) == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %s: expected a non-empty array", in->source,
                            path);
    if (json_is_array(json_array_get(q, 0)))
        return read_ballots(in, q, rule, diag);
    return read_counts(in, q, path, rule, diag);
}

static cns_err read_result(cns_count_input *in, const json_t *root, const cns_count_rule *rule,
                           cns_diag *diag)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)root, key, v)
    {
        if (strcmp(key, "result") != 0 && strcmp(key, "num_tallied") != 0)
            return cns_diag_set(diag, CNS_ERR_INVALID, "%s: unknown field \"%s\"", in->source, key);
    }
    const json_t *res = json_object_get(root, "result");
    size_t q = rule != NULL ? rule->question : 0;
    if (!json_is_array(res))
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: \"result\" must be an array", in->source);
    if (q >= json_array_size(res))
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: no question %zu in \"result\"", in->source,
                            q);
    char path[48];
    snprintf(path, sizeof path, "result[%zu]", q);
    return read_question(in, json_array_get(res, q), path, rule, diag);
}

cns_err cnt_parse_json(cns_count_input *in, const char *text, size_t len,
                       const cns_count_rule *rule, cns_diag *diag)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s:%d:%d: %s", in->source, je.line, je.column,
                            je.text);
    cns_err err;
    if (json_is_object(root))
        err = read_result(in, root, rule, diag);
    else if (json_is_array(root))
        err = read_question(in, root, "ballots", rule, diag);
    else
        err =
            cns_diag_set(diag, CNS_ERR_INVALID, "%s: expected a JSON object or array", in->source);
    json_decref(root);
    return err;
}
