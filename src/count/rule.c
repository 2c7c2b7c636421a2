/* Counting rules as data: parsed strictly from a JSON object (docs/counting.md). */
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

static const struct {
    const char *name;
    cnt_method m;
    cnt_kind kind;
} methods[] = {
    {"referendum", CNT_REFERENDUM, CNT_KIND_COUNTS},
    {"plurality", CNT_PLURALITY, CNT_KIND_COUNTS},
    {"approval", CNT_APPROVAL, CNT_KIND_APPROVAL},
    {"dhondt", CNT_DHONDT, CNT_KIND_COUNTS},
    {"sainte-lague", CNT_SAINTE_LAGUE, CNT_KIND_COUNTS},
    {"sainte-lague-1.4", CNT_SAINTE_LAGUE_14, CNT_KIND_COUNTS},
    {"hare", CNT_HARE, CNT_KIND_COUNTS},
    {"irv", CNT_IRV, CNT_KIND_RANKED},
    {"stv-scottish", CNT_STV_SCOTTISH, CNT_KIND_RANKED},
    {"stv-meek", CNT_STV_MEEK, CNT_KIND_RANKED},
    {"stv-belenios", CNT_STV_BELENIOS, CNT_KIND_RANKED},
    {"schulze", CNT_SCHULZE, CNT_KIND_RANKED},
    {"majority-judgment", CNT_MJ, CNT_KIND_GRADED},
};

const char *cnt_method_name(cnt_method m)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (methods[i].m == m)
            return methods[i].name;
    return "?";
}

cnt_kind cnt_method_kind(cnt_method m)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (methods[i].m == m)
            return methods[i].kind;
    return CNT_KIND_COUNTS;
}

const char *cns_count_rule_method(const cns_count_rule *rule)
{
    return rule != NULL ? cnt_method_name(rule->method) : "?";
}

void cns_count_rule_free(cns_count_rule *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->ndseats; i++)
        free(r->dseat_names[i]);
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i]);
    free(r->dseat_names);
    free(r->dseat_vals);
    free(r->names);
    free(r->seed);
    free(r->default_option);
    free(r->title);
    json_decref(r->echo);
    free(r);
}

static cns_err bad(cns_diag *diag, const char *field, const char *what)
{
    return cns_diag_set(diag, CNS_ERR_INVALID, "counting rule: \"%s\": %s", field, what);
}

static cns_err get_uint(const json_t *v, const char *field, uint64_t max, uint64_t *out,
                        cns_diag *diag)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "counting rule: \"%s\": expected an integer from 0 to %llu", field,
                            (unsigned long long)max);
    *out = (uint64_t)json_integer_value(v);
    return CNS_OK;
}

static cns_err get_bool(const json_t *v, const char *field, bool *out, cns_diag *diag)
{
    if (!json_is_boolean(v))
        return bad(diag, field, "expected true or false");
    *out = json_is_true(v);
    return CNS_OK;
}

static cns_err get_string(const json_t *v, const char *field, char **out, cns_diag *diag)
{
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 1000)
        return bad(diag, field, "expected a non-empty string of at most 1000 bytes");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return bad(diag, field, "contains a NUL byte");
    *out = cnt_strndup(json_string_value(v), json_string_length(v));
    return *out == NULL ? CNS_ERR_NOMEM : CNS_OK;
}

/* A percentage: an integer or a decimal string with at most 4 decimals, 0–100. */
static cns_err get_percent(const json_t *v, const char *field, cnt_frac *out, cns_diag *diag)
{
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0 || json_integer_value(v) > 100)
            return bad(diag, field, "expected a percentage from 0 to 100");
        *out = (cnt_frac){(uint64_t)json_integer_value(v), 100};
        return CNS_OK;
    }
    if (!json_is_string(v))
        return bad(diag, field, "expected a percentage such as 5 or \"4.5\"");
    const char *s = json_string_value(v);
    uint64_t num = 0, den = 100;
    int decimals = -1;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && decimals < 0 && p != s && p[1] != '\0') {
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || decimals >= 4 || num > 1000000)
            return bad(diag, field, "expected a percentage such as 5 or \"4.5\"");
        num = num * 10 + (uint64_t)(*p - '0');
        if (decimals >= 0) {
            decimals++;
            den *= 10;
        }
    }
    if (s[0] == '\0' || num > 100 * (den / 100))
        return bad(diag, field, "expected a percentage from 0 to 100");
    *out = (cnt_frac){num, den};
    return CNS_OK;
}

static cns_err parse_method(cns_count_rule *r, const json_t *v, cns_diag *diag)
{
    if (!json_is_string(v))
        return bad(diag, "method", "expected a string");
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(json_string_value(v), methods[i].name) == 0) {
            r->method = methods[i].m;
            return CNS_OK;
        }
    }
    return cns_diag_set(diag, CNS_ERR_INVALID, "counting rule: unknown method \"%s\"",
                        json_string_value(v));
}

static cns_err parse_seats(cns_count_rule *r, const json_t *v, cns_diag *diag)
{
    uint64_t n;
    if (json_is_integer(v)) {
        cns_err err = get_uint(v, "seats", CNS_COUNT_MAX_SEATS, &n, diag);
        if (err == CNS_OK && n == 0)
            err = bad(diag, "seats", "must be at least 1");
        r->seats = (uint32_t)n;
        return err;
    }
    if (!json_is_object(v) || json_object_size(v) == 0 ||
        json_object_size(v) > CNS_COUNT_MAX_DISTRICTS)
        return bad(diag, "seats", "expected a number or an object {district: seats}");
    r->dseat_names = calloc(json_object_size(v), sizeof *r->dseat_names);
    r->dseat_vals = calloc(json_object_size(v), sizeof *r->dseat_vals);
    if (r->dseat_names == NULL || r->dseat_vals == NULL)
        return CNS_ERR_NOMEM;
    const char *key;
    json_t *s;
    json_object_foreach((json_t *)v, key, s)
    {
        cns_err err = get_uint(s, key, CNS_COUNT_MAX_SEATS, &n, diag);
        if (err != CNS_OK)
            return err;
        if (n == 0)
            return bad(diag, key, "a district must have at least 1 seat");
        r->dseat_names[r->ndseats] = cnt_strndup(key, strlen(key));
        if (r->dseat_names[r->ndseats] == NULL)
            return CNS_ERR_NOMEM;
        r->dseat_vals[r->ndseats++] = (uint32_t)n;
    }
    return CNS_OK;
}

static cns_err parse_threshold_object(cns_count_rule *r, const json_t *v, cns_diag *diag)
{
    const char *key;
    json_t *x;
    r->threshold = CNT_THR_CUSTOM;
    json_object_foreach((json_t *)v, key, x)
    {
        cns_err err = CNS_OK;
        uint64_t n;
        if (strcmp(key, "votes_percent") == 0) {
            err = get_percent(x, key, &r->thr_votes, diag);
        } else if (strcmp(key, "seats_percent") == 0) {
            err = get_percent(x, key, &r->thr_seats, diag);
        } else if (strcmp(key, "min_seats") == 0) {
            err = get_uint(x, key, CNS_COUNT_MAX_SEATS, &n, diag);
            r->thr_min_seats = (uint32_t)n;
        } else if (strcmp(key, "min_districts") == 0) {
            err = get_uint(x, key, CNS_COUNT_MAX_DISTRICTS, &n, diag);
            r->thr_min_districts = (uint32_t)n;
        } else if (strcmp(key, "combine") == 0) {
            if (!json_is_string(x) || (strcmp(json_string_value(x), "and") != 0 &&
                                       strcmp(json_string_value(x), "or") != 0))
                return bad(diag, key, "expected \"and\" or \"or\"");
            r->thr_and = strcmp(json_string_value(x), "and") == 0;
        } else {
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "counting rule: \"threshold\": unknown field \"%s\"", key);
        }
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

static cns_err parse_threshold(cns_count_rule *r, const json_t *v, cns_diag *diag)
{
    if (json_is_object(v))
        return parse_threshold_object(r, v, diag);
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(s, "none") == 0) {
        r->threshold = CNT_THR_NONE;
    } else if (strcmp(s, "peru-2021") == 0) {
        /* 5% of national valid votes OR at least 7 seats in more than one district */
        r->threshold = CNT_THR_PERU_2021;
        r->thr_votes = (cnt_frac){5, 100};
        r->thr_min_seats = 7;
        r->thr_min_districts = 2;
        r->thr_and = false;
    } else if (strcmp(s, "peru-2026") == 0) {
        /* Ley 32245: 5% of valid votes AND 5% of the chamber's seats */
        r->threshold = CNT_THR_PERU_2026;
        r->thr_votes = (cnt_frac){5, 100};
        r->thr_seats = (cnt_frac){5, 100};
        r->thr_and = true;
    } else {
        return bad(diag, "threshold",
                   "expected \"none\", \"peru-2021\", \"peru-2026\" or an object");
    }
    return CNS_OK;
}

static cns_err parse_names(cns_count_rule *r, const json_t *v, cns_diag *diag)
{
    size_t n = json_array_size(v);
    if (!json_is_array(v) || n == 0 || n > CNS_COUNT_MAX_CANDIDATES)
        return bad(diag, "candidates", "expected an array of 1 to 1000 names");
    r->names = calloc(n, sizeof *r->names);
    if (r->names == NULL)
        return CNS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        cns_err err = get_string(json_array_get(v, i), "candidates", &r->names[i], diag);
        if (err != CNS_OK)
            return err;
        r->nnames++;
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->names[j], r->names[i]) == 0)
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "counting rule: duplicate candidate \"%s\"", r->names[i]);
    }
    return CNS_OK;
}

static cns_err parse_ties(cns_count_rule *r, const json_t *v, cns_diag *diag)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(s, "lot") == 0)
        r->ties_by_order = false;
    else if (strcmp(s, "order") == 0)
        r->ties_by_order = true;
    else
        return bad(diag, "ties", "expected \"lot\" or \"order\"");
    return CNS_OK;
}

static cns_err parse_median(cns_count_rule *r, const json_t *v, cns_diag *diag)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(s, "lower") == 0)
        r->median_upper = false;
    else if (strcmp(s, "upper") == 0)
        r->median_upper = true;
    else
        return bad(diag, "median", "expected \"lower\" or \"upper\"");
    return CNS_OK;
}

static cns_err parse_field(cns_count_rule *r, const char *key, const json_t *v, cns_diag *diag)
{
    uint64_t n;
    cns_err err;
    if (strcmp(key, "method") == 0)
        return parse_method(r, v, diag);
    if (strcmp(key, "seats") == 0)
        return parse_seats(r, v, diag);
    if (strcmp(key, "threshold") == 0)
        return parse_threshold(r, v, diag);
    if (strcmp(key, "tie_seed") == 0)
        return get_string(v, key, &r->seed, diag);
    if (strcmp(key, "ties") == 0)
        return parse_ties(r, v, diag);
    if (strcmp(key, "question") == 0) {
        err = get_uint(v, key, 1000, &n, diag);
        r->question = (size_t)n;
        return err;
    }
    if (strcmp(key, "blank_first") == 0)
        return get_bool(v, key, &r->blank_first, diag);
    if (strcmp(key, "blank_allowed") == 0)
        return get_bool(v, key, &r->blank_allowed, diag);
    if (strcmp(key, "candidates") == 0)
        return parse_names(r, v, diag);
    if (strcmp(key, "grades") == 0) {
        err = get_uint(v, key, 100, &n, diag);
        if (err == CNS_OK && n < 1)
            err = bad(diag, key, "must be at least 1");
        r->grades = (uint32_t)n;
        return err;
    }
    if (strcmp(key, "median") == 0)
        return parse_median(r, v, diag);
    if (strcmp(key, "majority_percent") == 0)
        return get_percent(v, key, &r->majority, diag);
    if (strcmp(key, "participation_percent") == 0)
        return get_percent(v, key, &r->participation, diag);
    if (strcmp(key, "registered") == 0)
        return get_uint(v, key, CNS_COUNT_MAX_VOTES, &r->registered, diag);
    if (strcmp(key, "preferential") == 0)
        return get_bool(v, key, &r->preferential, diag);
    if (strcmp(key, "default_option") == 0)
        return get_string(v, key, &r->default_option, diag);
    if (strcmp(key, "title") == 0)
        return get_string(v, key, &r->title, diag);
    return cns_diag_set(diag, CNS_ERR_INVALID, "counting rule: unknown field \"%s\"", key);
}

static cns_err check_rule(const cns_count_rule *r, const json_t *root, cns_diag *diag)
{
    if (json_object_get(root, "method") == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID, "counting rule: \"method\" is required");
    if (r->method == CNT_MJ && r->grades == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "counting rule: majority-judgment needs \"grades\"");
    if (r->blank_first && r->blank_allowed)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "counting rule: \"blank_first\" is for counts and \"blank_allowed\" "
                            "for ballots; give one");
    return CNS_OK;
}

cns_err cns_count_rule_from_json(const char *text, size_t len, cns_count_rule **out, cns_diag *diag)
{
    if (out == NULL || (text == NULL && len > 0))
        return cns_diag_set(diag, CNS_ERR_INVALID, "counting rule: no input");
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "counting rule:%d:%d: %s", je.line, je.column,
                            je.text);
    cns_count_rule *r = calloc(1, sizeof *r);
    cns_err err = CNS_ERR_NOMEM;
    if (r == NULL)
        goto done;
    r->majority = (cnt_frac){1, 2};
    r->participation = (cnt_frac){0, 1};
    r->thr_votes = (cnt_frac){0, 1};
    r->thr_seats = (cnt_frac){0, 1};
    r->echo = root;
    root = NULL;
    err = CNS_OK;
    if (!json_is_object(r->echo)) {
        err = cns_diag_set(diag, CNS_ERR_INVALID, "counting rule: expected a JSON object");
        goto done;
    }
    const char *key;
    json_t *v;
    json_object_foreach(r->echo, key, v)
    {
        if ((err = parse_field(r, key, v, diag)) != CNS_OK)
            goto done;
    }
    err = check_rule(r, r->echo, diag);
done:
    if (err == CNS_ERR_NOMEM)
        cns_diag_set(diag, err, "counting rule: out of memory");
    if (err != CNS_OK) {
        cns_count_rule_free(r);
        r = NULL;
    }
    json_decref(root);
    *out = r;
    return err;
}
