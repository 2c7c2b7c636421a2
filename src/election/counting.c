/*
 * An election's counting rules (counting.h): written canonically, then
 * checked against the questions they count. A rule fixed in the election
 * definition is fixed before the first vote: its method, seats, threshold
 * and tie seed cannot be chosen after the result is known.
 */
#include "election/counting.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/json.h"

/* ---- canonical writing ---- */

/* The fields of an election's rule, in the order they are written. */
static const char *const rule_order[] = {"question",
                                         "method",
                                         "seats",
                                         "threshold",
                                         "tie_seed",
                                         "ties",
                                         "majority_percent",
                                         "participation_percent",
                                         "registered",
                                         "title"};
#define N_RULE_ORDER (sizeof rule_order / sizeof rule_order[0])

static const char *const threshold_order[] = {"votes_percent", "seats_percent", "min_seats",
                                              "min_districts", "combine"};
#define N_THRESHOLD_ORDER (sizeof threshold_order / sizeof threshold_order[0])

static bool is_percent_key(const char *key)
{
    return strcmp(key, "majority_percent") == 0 || strcmp(key, "participation_percent") == 0 ||
           strcmp(key, "votes_percent") == 0 || strcmp(key, "seats_percent") == 0;
}

static void write_value(cns_buf *b, const json_t *v);

static void write_generic_object(cns_buf *b, const json_t *v)
{
    const char *key;
    const json_t *x;
    bool first = true;
    cns_buf_puts(b, "{");
    json_object_foreach((json_t *)v, key, x)
    {
        if (!first)
            cns_buf_puts(b, ",");
        first = false;
        cns_jw_key(b, key);
        write_value(b, x);
    }
    cns_buf_puts(b, "}");
}

/* Anything JSON, compact, strings as Belenios escapes them, objects in the given order. */
static void write_value(cns_buf *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        write_generic_object(b, v);
        break;
    case JSON_ARRAY:
        cns_buf_puts(b, "[");
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i > 0)
                cns_buf_puts(b, ",");
            write_value(b, json_array_get(v, i));
        }
        cns_buf_puts(b, "]");
        break;
    case JSON_STRING:
        cns_jw_str(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        cns_jw_int(b, (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        cns_buf_printf(b, "%.17g", json_real_value(v));
        break;
    case JSON_TRUE:
        cns_buf_puts(b, "true");
        break;
    case JSON_FALSE:
        cns_buf_puts(b, "false");
        break;
    default:
        cns_buf_puts(b, "null");
        break;
    }
}

/*
 * A percentage in its shortest form: an integer when whole (5 for "5",
 * "05" or "5.00"), else a decimal string without trailing zeros ("4.5" for
 * "4.50"). Anything that is not a decimal string is written as it is.
 */
static void write_percent(cns_buf *b, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v), i = 0, dot;
    while (s != NULL && i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    dot = i;
    if (s != NULL && i > 0 && i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    if (s == NULL || dot == 0 || dot > 9 || i != n || (dot < n && dot + 1 == n)) {
        write_value(b, v);
        return;
    }
    size_t lead = 0, end = n;
    while (lead + 1 < dot && s[lead] == '0')
        lead++;
    while (end > dot + 1 && s[end - 1] == '0')
        end--;
    if (end <= dot + 1) {
        cns_buf_put(b, s + lead, dot - lead);
        return;
    }
    cns_jw_str(b, s + lead, end - lead);
}

static void write_member(cns_buf *b, bool *first, const char *key, const json_t *x)
{
    if (!*first)
        cns_buf_puts(b, ",");
    *first = false;
    cns_jw_key(b, key);
    if (is_percent_key(key))
        write_percent(b, x);
    else if (strcmp(key, "threshold") == 0 && json_is_object(x)) {
        bool inner = true;
        cns_buf_puts(b, "{");
        for (size_t k = 0; k < N_THRESHOLD_ORDER; k++)
            if (json_object_get(x, threshold_order[k]) != NULL)
                write_member(b, &inner, threshold_order[k], json_object_get(x, threshold_order[k]));
        const char *ik;
        const json_t *iv;
        json_object_foreach((json_t *)x, ik, iv)
        {
            bool known = false;
            for (size_t k = 0; k < N_THRESHOLD_ORDER; k++)
                known = known || strcmp(ik, threshold_order[k]) == 0;
            if (!known)
                write_member(b, &inner, ik, iv);
        }
        cns_buf_puts(b, "}");
    } else
        write_value(b, x);
}

/* One rule: its known fields in rule_order, then any other as given. */
static void write_rule(cns_buf *b, const json_t *rule)
{
    bool first = true;
    cns_buf_puts(b, "{");
    for (size_t k = 0; k < N_RULE_ORDER; k++)
        if (json_object_get(rule, rule_order[k]) != NULL)
            write_member(b, &first, rule_order[k], json_object_get(rule, rule_order[k]));
    const char *key;
    const json_t *x;
    json_object_foreach((json_t *)rule, key, x)
    {
        bool known = false;
        for (size_t k = 0; k < N_RULE_ORDER; k++)
            known = known || strcmp(key, rule_order[k]) == 0;
        if (!known)
            write_member(b, &first, key, x);
    }
    cns_buf_puts(b, "}");
}

void counting_write(cns_buf *b, const json_t *v, size_t at[CNS_MAX_QUESTIONS])
{
    if (!json_is_array(v)) {
        write_value(b, v);
        return;
    }
    cns_buf_puts(b, "[");
    for (size_t i = 0; i < json_array_size(v); i++) {
        if (i > 0)
            cns_buf_puts(b, ",");
        if (i < CNS_MAX_QUESTIONS)
            at[i] = b->len;
        const json_t *rule = json_array_get(v, i);
        if (json_is_object(rule))
            write_rule(b, rule);
        else
            write_value(b, rule);
    }
    cns_buf_puts(b, "]");
}

/* ---- checking against the questions ---- */

/* What one rule is checked with. */
typedef struct rule_check {
    const json_t *rule;
    const cns_question *q; /* the question it counts, once known */
    const char *method;    /* its method name, once known to be a string */
    char where[96];        /* "election: byte 612: question 2: " */
    cns_diag *diag;
} rule_check;

static cns_err refuse(rule_check *c, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Fail with "<where>counting rule: <message>". */
static cns_err refuse(rule_check *c, const char *fmt, ...)
{
    char msg[CNS_DIAG_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cns_diag_set(c->diag, CNS_ERR_INVALID, "%scounting rule: %s", c->where, msg);
}

static bool method_is(const rule_check *c, const char *const *names, size_t n)
{
    for (size_t i = 0; c->method != NULL && i < n; i++)
        if (strcmp(c->method, names[i]) == 0)
            return true;
    return false;
}

static const char *const list_methods[] = {"dhondt", "sainte-lague", "sainte-lague-1.4", "hare"};
static const char *const ballot_methods[] = {"irv",          "stv-scottish", "stv-meek",
                                             "stv-belenios", "schulze",      "majority-judgment"};
#define N_LIST_METHODS   (sizeof list_methods / sizeof list_methods[0])
#define N_BALLOT_METHODS (sizeof ballot_methods / sizeof ballot_methods[0])

/* "question": which question (from 0), after the previous rule's. */
static cns_err check_question(rule_check *c, const cns_question *qs, size_t n, long long *last,
                              size_t index, const size_t *at, const char *what)
{
    const json_t *v = json_object_get(c->rule, "question");
    char byte[32] = "";
    if (at != NULL)
        snprintf(byte, sizeof byte, "byte %zu: ", at[index]);
    snprintf(c->where, sizeof c->where, "%s: %s", what, byte);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= (long long)n)
        return cns_diag_set(
            c->diag, CNS_ERR_INVALID,
            "%s: %scounting rule %zu: \"question\" must be the index of a question, "
            "from 0 to %zu",
            what, byte, index + 1, n - 1);
    long long q = json_integer_value(v);
    if (q <= *last)
        return cns_diag_set(c->diag, CNS_ERR_INVALID,
                            "%s: %scounting rule %zu: question %lld is counted already or out of "
                            "order (one rule per question, in question order)",
                            what, byte, index + 1, q + 1);
    *last = q;
    c->q = &qs[q];
    snprintf(c->where, sizeof c->where, "%s: %squestion %lld: ", what, byte, q + 1);
    if (c->q->kind != CNS_QUESTION_HOMOMORPHIC)
        return refuse(c, "counts a homomorphic question's totals; this one is a %s question",
                      c->q->kind == CNS_QUESTION_LISTS ? "\"Lists\"" : "non-homomorphic");
    return CNS_OK;
}

/* Fields the question decides, or that a question's totals cannot serve. */
static cns_err check_fields(rule_check *c)
{
    static const struct {
        const char *key, *why;
    } refused[] = {
        {"candidates", "the question's answers name the candidates"},
        {"blank_first", "the question's \"blank\" says whether there is a blank vote"},
        {"blank_allowed", "the question's \"blank\" says whether there is a blank vote"},
        {"preferential", "preferential votes need a count per candidate inside each list, which "
                         "a question's result does not give"},
        {"grades", "it is for majority-judgment, which needs the ballots themselves"},
        {"median", "it is for majority-judgment, which needs the ballots themselves"},
        {"default_option", "it is for schulze, which needs the ballots themselves"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (json_object_get(c->rule, refused[i].key) != NULL)
            return refuse(c, "\"%s\" cannot be given: %s", refused[i].key, refused[i].why);
    return CNS_OK;
}

/* The method must count totals, one mark per voter except for approval. */
static cns_err check_method(rule_check *c)
{
    const json_t *m = json_object_get(c->rule, "method");
    c->method = json_string_value(m);
    if (method_is(c, ballot_methods, N_BALLOT_METHODS))
        return refuse(c,
                      "%s needs the ballots themselves (ranks or grades), and a question's result "
                      "gives only totals",
                      c->method);
    if (c->method != NULL && strcmp(c->method, "approval") != 0 && c->q->max != 1)
        return refuse(c, "%s counts one mark per voter, but the question allows up to %d (\"max\")",
                      c->method, c->q->max);
    return CNS_OK;
}

/* The answers name lists or options: distinct, non-empty. */
static cns_err check_answers(rule_check *c)
{
    for (size_t j = 0; j < c->q->n_answers; j++) {
        size_t len = strlen(c->q->answers[j]);
        if (len == 0 || len > 1000)
            return refuse(c, "answer %zu must have 1 to 1000 bytes to name an option", j + 1);
        for (size_t k = 0; k < j; k++)
            if (strcmp(c->q->answers[k], c->q->answers[j]) == 0)
                return refuse(c,
                              "answers %zu and %zu are both \"%s\"; the answers of a counted "
                              "question must differ",
                              k + 1, j + 1, c->q->answers[j]);
    }
    return CNS_OK;
}

/* Seats: a number (a question is one district), required by list methods. */
static cns_err check_seats(rule_check *c)
{
    const json_t *s = json_object_get(c->rule, "seats");
    bool lists = method_is(c, list_methods, N_LIST_METHODS);
    bool referendum = c->method != NULL && strcmp(c->method, "referendum") == 0;
    if (s != NULL && referendum)
        return refuse(c, "a referendum has no \"seats\"");
    if (s != NULL && !json_is_integer(s))
        return refuse(c, "\"seats\": a question is one district: give a number");
    if (s == NULL && lists)
        return refuse(c, "%s needs \"seats\"", c->method);
    long long seats = s != NULL ? json_integer_value(s) : 1;
    if (!lists && !referendum && seats > (long long)c->q->n_answers)
        return refuse(c, "%lld seats, but the question has %zu answers", seats, c->q->n_answers);
    return CNS_OK;
}

/* Fields that only some methods read. */
static cns_err check_applies(rule_check *c)
{
    static const char *const referendum_only[] = {"majority_percent", "participation_percent",
                                                  "registered"};
    bool referendum = c->method != NULL && strcmp(c->method, "referendum") == 0;
    if (json_object_get(c->rule, "threshold") != NULL &&
        !method_is(c, list_methods, N_LIST_METHODS))
        return refuse(c, "\"threshold\" is for dhondt, sainte-lague, sainte-lague-1.4 and hare");
    for (size_t i = 0; i < sizeof referendum_only / sizeof referendum_only[0]; i++)
        if (json_object_get(c->rule, referendum_only[i]) != NULL && !referendum)
            return refuse(c, "\"%s\" is for a referendum", referendum_only[i]);
    return CNS_OK;
}

/* A tie settled by lot needs a seed fixed now, before anyone votes. */
static cns_err check_ties(rule_check *c)
{
    const char *ties = json_string_value(json_object_get(c->rule, "ties"));
    bool by_order = ties != NULL && strcmp(ties, "order") == 0;
    if (c->method != NULL && strcmp(c->method, "referendum") != 0 && !by_order &&
        json_object_get(c->rule, "tie_seed") == NULL)
        return refuse(c,
                      "%s may have to settle a tie by lot: give \"tie_seed\" (a public seed "
                      "fixed before the vote) or \"ties\": \"order\"",
                      c->method);
    return CNS_OK;
}

/* The count module's own reading of the rule: every value in range. */
static cns_err parse_rule(rule_check *c, cns_count_rule **out)
{
    char *text = json_dumps(c->rule, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text == NULL)
        return cns_diag_set(c->diag, CNS_ERR_NOMEM, "counting rule: out of memory");
    cns_err err = cns_count_rule_from_json(text, strlen(text), out, c->diag);
    free(text);
    if (err != CNS_OK && err != CNS_ERR_NOMEM)
        return cns_diag_prefix(c->diag, CNS_ERR_INVALID, "%s", c->where);
    return err;
}

static cns_err check_rule(rule_check *c, cns_count_rule **out)
{
    cns_err err = check_fields(c);
    if (err == CNS_OK)
        err = parse_rule(c, out);
    if (err == CNS_OK)
        err = check_method(c);
    if (err == CNS_OK)
        err = check_answers(c);
    if (err == CNS_OK)
        err = check_seats(c);
    if (err == CNS_OK)
        err = check_applies(c);
    if (err == CNS_OK)
        err = check_ties(c);
    if (err != CNS_OK) {
        cns_count_rule_free(*out);
        *out = NULL;
    }
    return err;
}

cns_err counting_parse(cns_count_rule **rules, const json_t *v, const cns_question *qs, size_t n,
                       const size_t *at, const char *what, cns_diag *diag)
{
    size_t count = json_array_size(v);
    if (!json_is_array(v) || count == 0 || count > n)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: \"counting\" must be an array of 1 to %zu counting rules (one per "
                            "counted question)",
                            what, n);
    long long last = -1;
    for (size_t i = 0; i < count; i++) {
        rule_check c = {.rule = json_array_get(v, i), .diag = diag};
        if (!json_is_object(c.rule))
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "%s: counting rule %zu: expected a JSON object", what, i + 1);
        cns_err err = check_question(&c, qs, n, &last, i, at, what);
        cns_count_rule *rule = NULL;
        if (err == CNS_OK)
            err = check_rule(&c, &rule);
        if (err != CNS_OK)
            return err;
        rules[last] = rule;
    }
    return CNS_OK;
}
