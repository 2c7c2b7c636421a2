/* An election's translations (election/translations.h). */
#include "election/translations.h"

#include <stdlib.h>
#include <string.h>

#include "record/json.h"

/* A BCP 47 tag as consulta takes it: xx or xxx, then -subtags of 2–8 letters or digits. */
static bool tag_ok(const char *t)
{
    size_t n = 0, len = strlen(t);
    if (len > 35)
        return false;
    while (t[n] >= 'a' && t[n] <= 'z')
        n++;
    if (n < 2 || n > 3)
        return false;
    for (size_t at = n; t[at] != '\0';) {
        size_t k = 0;
        if (t[at++] != '-')
            return false;
        while ((t[at + k] >= 'a' && t[at + k] <= 'z') || (t[at + k] >= 'A' && t[at + k] <= 'Z') ||
               (t[at + k] >= '0' && t[at + k] <= '9'))
            k++;
        if (k < 2 || k > 8)
            return false;
        at += k;
    }
    return true;
}

/* A non-empty string without NUL; written to b. */
static cns_err text(cns_buf *b, const json_t *v, const char *what, const char *lang,
                    const char *field, cns_diag *diag)
{
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v))
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "%s: translations: %s: %s must be a non-empty string", what, lang,
                            field);
    cns_jw_str(b, json_string_value(v), json_string_length(v));
    return CNS_OK;
}

static cns_err question(cns_buf *b, const json_t *v, const cns_question *q, size_t i,
                        const char *what, const char *lang, cns_diag *diag)
{
    static const char *const keys[] = {"answers", "question"};
    char where[160], field[64];
    snprintf(where, sizeof where, "%s: translations: %s: question %zu", what, lang, i + 1);
    cns_err err = cns_jr_fields(v, keys, 2, where, diag);
    const json_t *answers = json_object_get(v, "answers");
    if (err == CNS_OK && (!json_is_array(answers) || json_array_size(answers) != q->n_answers))
        err = cns_diag_set(diag, CNS_ERR_INVALID, "%s: %zu answers for %zu", where,
                           json_is_array(answers) ? json_array_size(answers) : 0, q->n_answers);
    cns_buf_puts(b, "{\"answers\":[");
    for (size_t j = 0; err == CNS_OK && j < q->n_answers; j++) {
        snprintf(field, sizeof field, "question %zu: answer %zu", i + 1, j + 1);
        cns_buf_puts(b, j ? "," : "");
        err = text(b, json_array_get(answers, j), what, lang, field, diag);
    }
    cns_buf_puts(b, "],\"question\":");
    snprintf(field, sizeof field, "question %zu: question", i + 1);
    if (err == CNS_OK)
        err = text(b, json_object_get(v, "question"), what, lang, field, diag);
    cns_buf_puts(b, "}");
    return err;
}

static cns_err language(cns_buf *b, const json_t *v, const cns_question *qs, size_t n,
                        const char *what, const char *lang, cns_diag *diag)
{
    static const char *const keys[] = {"?description", "?name", "?questions"};
    char where[96];
    snprintf(where, sizeof where, "%s: translations: %s", what, lang);
    cns_err err = cns_jr_fields(v, keys, 3, where, diag);
    const char *sep = "{";
    for (size_t k = 0; k < 2 && err == CNS_OK; k++) {
        const char *key = keys[k] + 1;
        const json_t *t = json_object_get(v, key);
        if (t == NULL)
            continue;
        cns_buf_puts(b, sep);
        cns_jw_key(b, key);
        err = text(b, t, what, lang, key, diag);
        sep = ",";
    }
    const json_t *questions = json_object_get(v, "questions");
    if (err == CNS_OK && questions != NULL) {
        if (!json_is_array(questions) || json_array_size(questions) != n)
            return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %zu questions for %zu", where,
                                json_is_array(questions) ? json_array_size(questions) : 0, n);
        cns_buf_puts(b, sep);
        cns_buf_puts(b, "\"questions\":[");
        for (size_t i = 0; i < n && err == CNS_OK; i++) {
            cns_buf_puts(b, i ? "," : "");
            err = question(b, json_array_get(questions, i), &qs[i], i, what, lang, diag);
        }
        cns_buf_puts(b, "]");
        sep = ",";
    }
    if (err == CNS_OK && sep[0] == '{')
        err = cns_diag_set(diag, CNS_ERR_INVALID, "%s: translates nothing", where);
    cns_buf_puts(b, "}");
    return err;
}

static int compare_tags(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

cns_err translations_write(cns_buf *b, const json_t *v, const cns_question *qs, size_t n,
                           const char *what, cns_diag *diag)
{
    const char *tags[CNS_MAX_LANGUAGES], *tag;
    const json_t *value;
    size_t count = 0;
    cns_err err = CNS_OK;
    if (!json_is_object(v) || json_object_size(v) == 0)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: translations must be an object of languages",
                            what);
    if (json_object_size(v) > CNS_MAX_LANGUAGES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: translations: %zu languages, at most %d",
                            what, json_object_size(v), CNS_MAX_LANGUAGES);
    json_object_foreach((json_t *)v, tag, value)
    {
        if (!tag_ok(tag))
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "%s: translations: \"%.40s\" is not a language tag (es, qu, ay, "
                                "en, qu-PE, …)",
                                what, tag);
        tags[count++] = tag;
    }
    qsort(tags, count, sizeof tags[0], compare_tags);
    cns_buf_puts(b, "{");
    for (size_t i = 0; i < count && err == CNS_OK; i++) {
        cns_buf_puts(b, i ? "," : "");
        cns_jw_key(b, tags[i]);
        err = language(b, json_object_get(v, tags[i]), qs, n, what, tags[i], diag);
    }
    cns_buf_puts(b, "}");
    return err;
}
