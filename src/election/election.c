/* The election definition (consulta/election.h). */
#include "consulta/election.h"

#include <stdlib.h>
#include <string.h>

#include "consulta/base58.h"
#include "consulta/limits.h"
#include "core/hash.h"
#include "election/counting.h"
#include "election/translations.h"
#include "record/json.h"

struct cns_election {
    char *bytes; /* canonical election.json */
    size_t len;
    const cns_group *group;
    cns_elt public_key;
    char *description, *name, *uuid;
    /* Belenios 3.x's optional members (NULL when absent); language: [code, "ltr"|"rtl"] */
    char *administrator, *credential_authority, *language;
    bool language_rtl;
    char fingerprint[CNS_HASH_B64_BYTES];
    cns_question *questions;
    size_t n_questions;
    char *counting; /* canonical "counting" array, or NULL */
    size_t counting_len;
    cns_count_rule **rules; /* n_questions entries: each question's rule, or NULL */
    char *translations;     /* canonical "translations" object, or NULL */
    size_t translations_len;
};

static char *dup_n(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static void questions_free(cns_question *qs, size_t n)
{
    for (size_t i = 0; qs != NULL && i < n; i++) {
        for (size_t j = 0; j < qs[i].n_answers; j++)
            free(qs[i].answers[j]);
        free(qs[i].answers);
        free(qs[i].question);
        free(qs[i].list_sizes);
        free(qs[i].extra);
    }
    free(qs);
}

static void rules_free(cns_count_rule **rules, size_t n)
{
    for (size_t i = 0; rules != NULL && i < n; i++)
        cns_count_rule_free(rules[i]);
    free(rules);
}

void cns_election_free(cns_election *e)
{
    if (e == NULL)
        return;
    rules_free(e->rules, e->n_questions);
    free(e->counting);
    free(e->translations);
    questions_free(e->questions, e->n_questions);
    free(e->bytes);
    free(e->description);
    free(e->name);
    free(e->uuid);
    free(e->administrator);
    free(e->credential_authority);
    free(e->language);
    free(e);
}

/* Append the answer texts of arr (strings) to q->answers. */
static cns_err take_answers(cns_question *q, const json_t *arr, const char *what, cns_diag *diag)
{
    for (size_t j = 0; j < json_array_size(arr); j++) {
        const json_t *a = json_array_get(arr, j);
        if (!json_is_string(a))
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: answer %zu must be a string", what,
                                j + 1);
        q->answers[q->n_answers] = dup_n(json_string_value(a), json_string_length(a));
        if (q->answers[q->n_answers] == NULL)
            return CNS_ERR_NOMEM;
        q->n_answers++;
    }
    return CNS_OK;
}

/* Append any JSON value v canonically (compact, members in order); reals are refused. */
static cns_err write_any(cns_buf *b, const json_t *v, int depth)
{
    const char *key;
    const json_t *x;
    size_t i;
    cns_err err = depth > 32 ? CNS_ERR_LIMIT : CNS_OK;
    if (err != CNS_OK || json_is_real(v))
        return err != CNS_OK ? err : CNS_ERR_DECODE;
    if (json_is_object(v)) {
        bool first = true;
        cns_buf_puts(b, "{");
        json_object_foreach((json_t *)v, key, x)
        {
            cns_buf_puts(b, first ? "" : ",");
            first = false;
            cns_jw_key(b, key);
            if ((err = write_any(b, x, depth + 1)) != CNS_OK)
                return err;
        }
        cns_buf_puts(b, "}");
    } else if (json_is_array(v)) {
        cns_buf_puts(b, "[");
        json_array_foreach(v, i, x)
        {
            cns_buf_puts(b, i > 0 ? "," : "");
            if ((err = write_any(b, x, depth + 1)) != CNS_OK)
                return err;
        }
        cns_buf_puts(b, "]");
    } else if (json_is_string(v)) {
        cns_jw_str(b, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        cns_jw_int(b, (long long)json_integer_value(v));
    } else {
        cns_buf_puts(b, json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null");
    }
    return CNS_OK;
}

/* "extra" (v, may be NULL): any JSON hint (the counting method), kept in canonical form. */
static cns_err take_extra(cns_question *q, const json_t *v, const char *what, cns_diag *diag)
{
    cns_buf b;
    if (v == NULL)
        return CNS_OK;
    cns_buf_init(&b, CNS_MAX_ELECTION_BYTES);
    cns_err err = write_any(&b, v, 0);
    if (err == CNS_OK)
        err = cns_buf_status(&b);
    if (err == CNS_OK)
        q->extra = cns_buf_take(&b, NULL);
    else if (err == CNS_ERR_DECODE)
        err = cns_diag_set(diag, err, "%s: \"extra\" holds a number with a fraction", what);
    cns_buf_free(&b);
    return err != CNS_OK ? err : q->extra != NULL ? CNS_OK : CNS_ERR_NOMEM;
}

/* "Lists" value answers: [[list name, candidates…], …] (spec 3.3 §"Lists questions"). */
static cns_err lists_answers(cns_question *q, const json_t *lists, const char *what, cns_diag *diag)
{
    size_t n = json_array_size(lists), total = 0;
    if (!json_is_array(lists) || n == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: \"answers\" must be a non-empty array "
                            "of lists",
                            what);
    for (size_t i = 0; i < n; i++) {
        const json_t *l = json_array_get(lists, i);
        if (!json_is_array(l) || json_array_size(l) == 0)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "%s: list %zu must be a non-empty array [name, candidates…]", what,
                                i + 1);
        total += json_array_size(l);
    }
    if (total > CNS_MAX_ANSWERS)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu lists and candidates, at most %d allowed",
                            what, total, CNS_MAX_ANSWERS);
    q->answers = calloc(total, sizeof *q->answers);
    q->list_sizes = calloc(n, sizeof *q->list_sizes);
    if (q->answers == NULL || q->list_sizes == NULL)
        return CNS_ERR_NOMEM;
    q->n_lists = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *l = json_array_get(lists, i);
        q->list_sizes[i] = json_array_size(l);
        cns_err err = take_answers(q, l, what, diag);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

/* {"type":"Lists"|"NonHomomorphic","value":{"answers","question"}[,"extra"]} (spec 3.3). */
static cns_err parse_generic(cns_question *q, const json_t *v, const char *what, cns_diag *diag)
{
    static const char *const keys[] = {"type", "value", "?extra"};
    static const char *const value_keys[] = {"answers", "question"};
    const char *type, *text;
    size_t text_len;
    cns_err err = cns_jr_fields(v, keys, 3, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(v, "type", &type, NULL, what, diag);
    if (err != CNS_OK)
        return err;
    if (strcmp(type, "Lists") == 0)
        q->kind = CNS_QUESTION_LISTS;
    else if (strcmp(type, "NonHomomorphic") == 0)
        q->kind = CNS_QUESTION_NONHOMOMORPHIC;
    else
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s: unknown question type \"%s\" (Lists or NonHomomorphic)", what,
                            type);
    const json_t *value = json_object_get(v, "value");
    err = cns_jr_fields(value, value_keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(value, "question", &text, &text_len, what, diag);
    if (err != CNS_OK)
        return err;
    q->blank = -1;
    q->question = dup_n(text, text_len);
    if (q->question == NULL)
        return CNS_ERR_NOMEM;
    const json_t *answers = json_object_get(value, "answers");
    if (q->kind == CNS_QUESTION_LISTS) {
        err = lists_answers(q, answers, what, diag);
    } else {
        size_t n = json_array_size(answers);
        if (!json_is_array(answers) || n == 0)
            return cns_diag_set(diag, CNS_ERR_INVALID, "%s: \"answers\" must be a non-empty array",
                                what);
        if (n > CNS_MAX_ANSWERS)
            return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu answers, at most %d allowed", what, n,
                                CNS_MAX_ANSWERS);
        q->answers = calloc(n, sizeof *q->answers);
        err = q->answers == NULL ? CNS_ERR_NOMEM : take_answers(q, answers, what, diag);
        q->max = (int)q->n_answers; /* any vector of the n_answers values; min = 0 */
    }
    if (err == CNS_OK)
        err = take_extra(q, json_object_get(v, "extra"), what, diag);
    return err;
}

/* Non-homomorphic questions only where the group has Belenios' embedding (spec 2.0 §4.11.2). */
static cns_err check_nh_group(const cns_question *qs, size_t n, const cns_group *group,
                              cns_diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        if (qs[i].kind != CNS_QUESTION_NONHOMOMORPHIC)
            continue;
        if (qs[i].n_answers > 254) /* 8 bits each and 8 of padding below p */
            return cns_diag_set(diag, CNS_ERR_LIMIT,
                                "question %zu: %zu answers, at most 254 in a non-homomorphic "
                                "question",
                                i + 1, qs[i].n_answers);
        if (strcmp(cns_group_name(group), "RFC-3526-2048") != 0)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "question %zu: non-homomorphic questions need the RFC-3526-2048 "
                                "group (this election's is %s)",
                                i + 1, cns_group_name(group));
    }
    return CNS_OK;
}

/* Parse one question object into q (q zeroed by the caller). */
static cns_err parse_question(cns_question *q, const json_t *v, size_t index, cns_diag *diag)
{
    static const char *const keys[] = {"answers", "?blank", "min", "max", "question"};
    char what[64];
    long long min, max;
    const char *text;
    size_t text_len;

    snprintf(what, sizeof what, "question %zu", index + 1);
    if (json_is_object(v) && json_object_get(v, "type") != NULL)
        return parse_generic(q, v, what, diag);
    cns_err err = cns_jr_fields(v, keys, 5, what, diag);
    if (err != CNS_OK)
        return err;
    const json_t *answers = json_object_get(v, "answers");
    size_t n = json_array_size(answers);
    if (!json_is_array(answers) || n == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: \"answers\" must be a non-empty array",
                            what);
    if (n > CNS_MAX_ANSWERS)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu answers, at most %d allowed", what, n,
                            CNS_MAX_ANSWERS);
    const json_t *blank = json_object_get(v, "blank");
    if (blank != NULL && !json_is_boolean(blank))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: \"blank\" must be true or false", what);
    q->blank = blank == NULL ? -1 : json_is_true(blank);
    err = cns_jr_int(v, "min", 0, (long long)n, &min, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(v, "max", min, (long long)n, &max, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(v, "question", &text, &text_len, what, diag);
    if (err != CNS_OK)
        return err;
    q->min = (int)min;
    q->max = (int)max;
    q->question = dup_n(text, text_len);
    q->answers = calloc(n, sizeof *q->answers);
    if (q->question == NULL || q->answers == NULL)
        return CNS_ERR_NOMEM;
    for (size_t j = 0; j < n; j++) {
        const json_t *a = json_array_get(answers, j);
        if (!json_is_string(a))
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: answer %zu must be a string", what,
                                j + 1);
        q->answers[j] = dup_n(json_string_value(a), json_string_length(a));
        if (q->answers[j] == NULL)
            return CNS_ERR_NOMEM;
        q->n_answers = j + 1;
    }
    return CNS_OK;
}

static cns_err parse_questions(cns_question **out, size_t *count, const json_t *v, cns_diag *diag)
{
    size_t n = json_array_size(v);
    if (!json_is_array(v) || n == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "\"questions\" must be a non-empty array");
    if (n > CNS_MAX_QUESTIONS)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%zu questions, at most %d allowed", n,
                            CNS_MAX_QUESTIONS);
    *out = calloc(n, sizeof **out);
    if (*out == NULL)
        return CNS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        *count = i + 1;
        cns_err err = parse_question(&(*out)[i], json_array_get(v, i), i, diag);
        if (err != CNS_OK)
            return err;
    }
    return CNS_OK;
}

/* The answers of a generic question: a list of strings, or (Lists) a list of lists. */
static void write_generic_answers(cns_buf *b, const cns_question *q)
{
    size_t at = 0;
    cns_buf_puts(b, "[");
    for (size_t l = 0; l < (q->kind == CNS_QUESTION_LISTS ? q->n_lists : 1); l++) {
        size_t n = q->kind == CNS_QUESTION_LISTS ? q->list_sizes[l] : q->n_answers;
        if (q->kind == CNS_QUESTION_LISTS)
            cns_buf_puts(b, l > 0 ? ",[" : "[");
        for (size_t j = 0; j < n; j++, at++) {
            cns_buf_puts(b, j > 0 ? "," : "");
            cns_jw_cstr(b, q->answers[at]);
        }
        if (q->kind == CNS_QUESTION_LISTS)
            cns_buf_puts(b, "]");
    }
    cns_buf_puts(b, "]");
}

static void write_generic(cns_buf *b, const cns_question *q)
{
    cns_buf_puts(b, q->kind == CNS_QUESTION_LISTS ? "{\"type\":\"Lists\",\"value\":{\"answers\":"
                                                  : "{\"type\":\"NonHomomorphic\",\"value\":{"
                                                    "\"answers\":");
    write_generic_answers(b, q);
    cns_buf_puts(b, ",");
    cns_jw_key(b, "question");
    cns_jw_cstr(b, q->question);
    cns_buf_puts(b, "}");
    if (q->extra != NULL) {
        cns_buf_puts(b, ",\"extra\":");
        cns_buf_puts(b, q->extra);
    }
    cns_buf_puts(b, "}");
}

static void write_questions(cns_buf *b, const cns_question *qs, size_t n)
{
    cns_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        const cns_question *q = &qs[i];
        if (q->kind != CNS_QUESTION_HOMOMORPHIC) {
            cns_buf_puts(b, i ? "," : "");
            write_generic(b, q);
            continue;
        }
        cns_buf_puts(b, i ? ",{" : "{");
        cns_jw_key(b, "answers");
        cns_buf_puts(b, "[");
        for (size_t j = 0; j < q->n_answers; j++) {
            if (j > 0)
                cns_buf_puts(b, ",");
            cns_jw_cstr(b, q->answers[j]);
        }
        cns_buf_puts(b, "]");
        if (q->blank >= 0)
            cns_buf_puts(b, q->blank ? ",\"blank\":true" : ",\"blank\":false");
        cns_buf_printf(b, ",\"min\":%d,\"max\":%d,", q->min, q->max);
        cns_jw_key(b, "question");
        cns_jw_cstr(b, q->question);
        cns_buf_puts(b, "}");
    }
    cns_buf_puts(b, "]");
}

/* Belenios 3.x's optional members, in its order: administrator, credential_authority, language. */
static void write_optional(cns_buf *b, const cns_election *e)
{
    if (e->administrator != NULL) {
        cns_buf_puts(b, ",");
        cns_jw_key(b, "administrator");
        cns_jw_cstr(b, e->administrator);
    }
    if (e->credential_authority != NULL) {
        cns_buf_puts(b, ",");
        cns_jw_key(b, "credential_authority");
        cns_jw_cstr(b, e->credential_authority);
    }
    if (e->language != NULL) {
        cns_buf_puts(b, ",");
        cns_jw_key(b, "language");
        cns_buf_puts(b, "[");
        cns_jw_cstr(b, e->language);
        cns_buf_puts(b, e->language_rtl ? ",\"rtl\"]" : ",\"ltr\"]");
    }
}

/* election.json; OUT: *counting_at, where the "counting" array starts (0: none; may be NULL). */
static void write_election(cns_buf *b, const cns_election *e, size_t *counting_at)
{
    cns_buf_puts(b, "{\"version\":1,");
    cns_jw_key(b, "description");
    cns_jw_cstr(b, e->description);
    cns_buf_puts(b, ",");
    cns_jw_key(b, "name");
    cns_jw_cstr(b, e->name);
    cns_buf_puts(b, ",");
    cns_jw_key(b, "group");
    cns_jw_cstr(b, cns_group_name(e->group));
    cns_buf_puts(b, ",");
    cns_jw_key(b, "public_key");
    cns_jw_elt(b, e->group, &e->public_key);
    cns_buf_puts(b, ",");
    cns_jw_key(b, "questions");
    write_questions(b, e->questions, e->n_questions);
    cns_buf_puts(b, ",");
    cns_jw_key(b, "uuid");
    cns_jw_cstr(b, e->uuid);
    write_optional(b, e);
    if (counting_at != NULL)
        *counting_at = 0;
    if (e->counting != NULL) {
        cns_buf_puts(b, ",");
        cns_jw_key(b, "counting");
        if (counting_at != NULL)
            *counting_at = b->len;
        cns_buf_put(b, e->counting, e->counting_len);
    }
    if (e->translations != NULL) {
        cns_buf_puts(b, ",");
        cns_jw_key(b, "translations");
        cns_buf_put(b, e->translations, e->translations_len);
    }
    cns_buf_puts(b, "}");
}

/* Check "translations" (v, may be NULL) against e's questions; keep it canonical. */
static cns_err take_translations(cns_election *e, const json_t *v, const char *what, cns_diag *diag)
{
    cns_buf b;
    if (v == NULL)
        return CNS_OK;
    cns_buf_init(&b, CNS_MAX_ELECTION_BYTES);
    cns_err err = translations_write(&b, v, e->questions, e->n_questions, what, diag);
    if (err == CNS_OK)
        err = cns_buf_status(&b);
    if (err == CNS_OK) {
        e->translations = cns_buf_take(&b, &e->translations_len);
        err = e->translations != NULL ? CNS_OK : CNS_ERR_NOMEM;
    }
    cns_buf_free(&b);
    return err;
}

/*
 * Keep "counting" (v, may be NULL) in canonical form in e->counting. OUT:
 * at[i], where rule i starts in e->counting.
 */
static cns_err take_counting(cns_election *e, const json_t *v, size_t at[CNS_MAX_QUESTIONS])
{
    cns_buf b;
    if (v == NULL)
        return CNS_OK;
    cns_buf_init(&b, CNS_MAX_ELECTION_BYTES);
    counting_write(&b, v, at);
    cns_err err = cns_buf_status(&b);
    if (err == CNS_OK) {
        e->counting = cns_buf_take(&b, &e->counting_len);
        err = e->counting != NULL ? CNS_OK : CNS_ERR_NOMEM;
    }
    cns_buf_free(&b);
    return err;
}

/* Check and parse the rules of "counting" (v, may be NULL) against e's questions. */
static cns_err parse_counting(cns_election *e, const json_t *v, const size_t *at, const char *what,
                              cns_diag *diag)
{
    if (v == NULL)
        return CNS_OK;
    e->rules = calloc(e->n_questions, sizeof *e->rules);
    if (e->rules == NULL)
        return CNS_ERR_NOMEM;
    return counting_parse(e->rules, v, e->questions, e->n_questions, at, what, diag);
}

/* Copy obj[key] (a string, checked present) into *out. */
static cns_err take_string(char **out, const json_t *obj, const char *key, const char *what,
                           cns_diag *diag)
{
    const char *s;
    size_t len;
    cns_err err = cns_jr_string(obj, key, &s, &len, what, diag);
    if (err != CNS_OK)
        return err;
    if (strlen(s) != len)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: \"%s\" contains a NUL character", what, key);
    *out = dup_n(s, len);
    return *out ? CNS_OK : CNS_ERR_NOMEM;
}

/* "language": [code, "ltr" | "rtl"] (Belenios 3.x). */
static cns_err take_language(cns_election *e, const json_t *v, const char *what, cns_diag *diag)
{
    const json_t *code = json_array_get(v, 0), *dir = json_array_get(v, 1);
    const char *d = json_string_value(dir);
    if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_string(code) || d == NULL ||
        (strcmp(d, "ltr") != 0 && strcmp(d, "rtl") != 0))
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "%s: \"language\" must be [code, \"ltr\" or \"rtl\"]", what);
    if (strlen(json_string_value(code)) != json_string_length(code))
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: \"language\" contains a NUL character",
                            what);
    e->language_rtl = strcmp(d, "rtl") == 0;
    e->language = dup_n(json_string_value(code), json_string_length(code));
    return e->language != NULL ? CNS_OK : CNS_ERR_NOMEM;
}

/* Belenios 3.x's optional "administrator", "credential_authority" and "language". */
static cns_err parse_optional(cns_election *e, const json_t *root, const char *what, cns_diag *diag)
{
    cns_err err = CNS_OK;
    if (json_object_get(root, "administrator") != NULL)
        err = take_string(&e->administrator, root, "administrator", what, diag);
    if (err == CNS_OK && json_object_get(root, "credential_authority") != NULL)
        err = take_string(&e->credential_authority, root, "credential_authority", what, diag);
    if (err == CNS_OK && json_object_get(root, "language") != NULL)
        err = take_language(e, json_object_get(root, "language"), what, diag);
    return err;
}

static cns_err parse_fields(cns_election *e, const json_t *root, cns_diag *diag)
{
    static const char *const keys[] = {"version",   "description",    "name",
                                       "group",     "public_key",     "questions",
                                       "uuid",      "?administrator", "?credential_authority",
                                       "?language", "?counting",      "?translations"};
    const char *what = "election";
    const char *group_name;
    long long version;
    cns_err err = cns_jr_fields(root, keys, sizeof keys / sizeof keys[0], what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(root, "version", 1, 1, &version, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(root, "group", &group_name, NULL, what, diag);
    if (err != CNS_OK)
        return err;
    e->group = cns_group_by_name(group_name);
    if (e->group == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "election: unknown group \"%s\" (accepted: BELENIOS-2048, "
                            "RFC-3526-2048, Ed25519, ristretto255)",
                            group_name);
    err = cns_jr_elt(e->group, json_object_get(root, "public_key"), &e->public_key,
                     "election: public_key", diag);
    if (err == CNS_OK)
        err = take_string(&e->description, root, "description", what, diag);
    if (err == CNS_OK)
        err = take_string(&e->name, root, "name", what, diag);
    if (err == CNS_OK)
        err = take_string(&e->uuid, root, "uuid", what, diag);
    if (err == CNS_OK)
        err = cns_base58_uuid_check(e->uuid, strlen(e->uuid), diag);
    if (err == CNS_OK)
        err = parse_optional(e, root, what, diag);
    if (err == CNS_OK)
        err = parse_questions(&e->questions, &e->n_questions, json_object_get(root, "questions"),
                              diag);
    /* in another group, such an election is read but the board refuses it (board/setup.c) */
    if (err == CNS_OK && strcmp(cns_group_name(e->group), "RFC-3526-2048") == 0)
        err = check_nh_group(e->questions, e->n_questions, e->group, diag);
    return err;
}

cns_err cns_election_parse(cns_election **out, const char *bytes, size_t len, cns_diag *diag)
{
    json_t *root = NULL;
    cns_buf b;
    cns_election *e = calloc(1, sizeof *e);
    cns_err err = CNS_ERR_NOMEM;

    cns_buf_init(&b, CNS_MAX_ELECTION_BYTES);
    *out = NULL;
    if (e == NULL)
        goto done;
    if (len > CNS_MAX_ELECTION_BYTES) {
        err = cns_diag_set(diag, CNS_ERR_LIMIT, "election: %zu bytes, at most %u allowed", len,
                           CNS_MAX_ELECTION_BYTES);
        goto done;
    }
    size_t at[CNS_MAX_QUESTIONS] = {0}, counting_at;
    err = cns_jr_parse(&root, bytes, len, "election", diag);
    if (err == CNS_OK)
        err = parse_fields(e, root, diag);
    if (err == CNS_OK)
        err = take_counting(e, json_object_get(root, "counting"), at);
    if (err == CNS_OK)
        err = take_translations(e, json_object_get(root, "translations"), "election", diag);
    if (err != CNS_OK)
        goto done;
    write_election(&b, e, &counting_at);
    err = cns_jr_canonical(bytes, len, &b, "election", diag);
    for (size_t i = 0; i < CNS_MAX_QUESTIONS; i++)
        at[i] += counting_at;
    if (err == CNS_OK)
        err = parse_counting(e, json_object_get(root, "counting"), at, "election", diag);
    if (err != CNS_OK)
        goto done;
    e->bytes = cns_buf_take(&b, &e->len);
    if (e->bytes == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    cns_hash_b64(e->fingerprint, e->bytes, e->len);
    *out = e;
    e = NULL;
done:
    json_decref(root);
    cns_buf_free(&b);
    cns_election_free(e);
    return err;
}

/* The longest text of an element: hexadecimal or decimal of its canonical bytes. */
static size_t elt_text_max(const cns_group *group)
{
    size_t n = cns_elt_bytes(group), hex = 2 * n, dec = (n * 8 * 30103 + 99999) / 100000 + 1;
    return hex > dec ? hex : dec;
}

/* The longest decimal text of a scalar of group: the digits of its order. */
static size_t scalar_text_max(const cns_group *group)
{
    unsigned char q[CNS_SCALAR_BYTES];
    size_t n = CNS_SCALAR_BYTES;
    cns_group_order(group, q);
    while (n > 1 && q[n - 1] == 0)
        n--;
    return (n * 8 * 30103 + 99999) / 100000 + 1;
}

size_t cns_election_ballot_bytes_max(const cns_election *e)
{
    size_t E = elt_text_max(e->group), S = scalar_text_max(e->group), proof = 2 * S + 40;
    size_t total = 1024 + E + proof; /* uuid, hashes, credential, signature */
    for (size_t i = 0; i < e->n_questions; i++) {
        const cns_question *q = &e->questions[i];
        size_t width = cns_question_width(q);
        size_t overall = (size_t)(q->max - q->min + 1) + (q->blank == 1 ? 1 : 0);
        total += 128 + width * (2 * E + 40 + 2 * proof + 8) + (overall + 2) * proof;
    }
    return total;
}

cns_err cns_election_make(char **json, size_t *len, const char *template_json, size_t template_len,
                          const char *uuid, const cns_group *group, const cns_elt *public_key,
                          cns_diag *diag)
{
    static const char *const keys[] = {
        "description",           "name",      "questions", "?administrator",
        "?credential_authority", "?language", "?counting", "?translations"};
    json_t *root = NULL;
    cns_buf b;
    cns_election e = {.group = group, .public_key = *public_key};
    size_t at[CNS_MAX_QUESTIONS];
    cns_err err;

    cns_buf_init(&b, CNS_MAX_ELECTION_BYTES);
    *json = NULL;
    err = cns_jr_parse(&root, template_json, template_len, "template", diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, sizeof keys / sizeof keys[0], "template", diag);
    if (err == CNS_OK)
        err = take_string(&e.description, root, "description", "template", diag);
    if (err == CNS_OK)
        err = take_string(&e.name, root, "name", "template", diag);
    if (err == CNS_OK)
        err = parse_optional(&e, root, "template", diag);
    if (err == CNS_OK)
        err = cns_base58_uuid_check(uuid, strlen(uuid), diag);
    if (err == CNS_OK)
        err =
            parse_questions(&e.questions, &e.n_questions, json_object_get(root, "questions"), diag);
    if (err == CNS_OK)
        err = check_nh_group(e.questions, e.n_questions, group, diag);
    if (err == CNS_OK)
        err = take_counting(&e, json_object_get(root, "counting"), at);
    if (err == CNS_OK)
        err = parse_counting(&e, json_object_get(root, "counting"), NULL, "template", diag);
    if (err == CNS_OK)
        err = take_translations(&e, json_object_get(root, "translations"), "template", diag);
    if (err == CNS_OK && cns_election_ballot_bytes_max(&e) > CNS_MAX_BALLOT_BYTES)
        err = cns_diag_set(diag, CNS_ERR_LIMIT,
                           "template: a ballot could take %zu bytes, over the %u a ballot may "
                           "have: fewer questions or answers",
                           cns_election_ballot_bytes_max(&e), CNS_MAX_BALLOT_BYTES);
    if (err != CNS_OK)
        goto done;
    e.uuid = (char *)uuid;
    write_election(&b, &e, NULL);
    *json = cns_buf_take(&b, len);
    err = *json ? CNS_OK : CNS_ERR_NOMEM;
done:
    json_decref(root);
    cns_buf_free(&b);
    rules_free(e.rules, e.n_questions);
    free(e.counting);
    free(e.translations);
    questions_free(e.questions, e.n_questions);
    free(e.description);
    free(e.name);
    free(e.administrator);
    free(e.credential_authority);
    free(e.language);
    return err;
}

const cns_group *cns_election_group(const cns_election *e)
{
    return e->group;
}

const cns_elt *cns_election_public_key(const cns_election *e)
{
    return &e->public_key;
}

const char *cns_election_uuid(const cns_election *e)
{
    return e->uuid;
}

const char *cns_election_name(const cns_election *e)
{
    return e->name;
}

const char *cns_election_fingerprint(const cns_election *e)
{
    return e->fingerprint;
}

const char *cns_election_bytes(const cns_election *e, size_t *len)
{
    *len = e->len;
    return e->bytes;
}

size_t cns_election_question_count(const cns_election *e)
{
    return e->n_questions;
}

const cns_question *cns_election_question(const cns_election *e, size_t i)
{
    return &e->questions[i];
}

const cns_count_rule *cns_election_rule(const cns_election *e, size_t question)
{
    return e->rules != NULL && question < e->n_questions ? e->rules[question] : NULL;
}

size_t cns_question_width(const cns_question *q)
{
    if (q->kind == CNS_QUESTION_NONHOMOMORPHIC)
        return 1;
    return q->n_answers + (q->blank == 1 ? 1 : 0);
}
