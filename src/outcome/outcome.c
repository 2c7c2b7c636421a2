/* The outcome of an election: its counting rules applied to its result (consulta/outcome.h). */
#include "consulta/outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

struct cns_outcome {
    char *uuid;
    char fingerprint[CNS_HASH_B64_BYTES];
    size_t n;                  /* counted questions */
    size_t *questions;         /* n question indices */
    cns_count_result **counts; /* n counts */
};

void cns_outcome_free(cns_outcome *o)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < o->n; i++)
        cns_count_result_free(o->counts[i]);
    free(o->counts);
    free(o->questions);
    free(o->uuid);
    free(o);
}

/* Count question q of result under rule. OUT: *res. */
static cns_err count_question(const cns_election *e, const cns_result *result, size_t q,
                              const cns_count_rule *rule, uint64_t registered, uint64_t ballots,
                              cns_count_result **res, cns_diag *diag)
{
    const cns_question *question = cns_election_question(e, q);
    size_t first = question->blank == 1 ? 1 : 0;
    char source[96];
    cns_count_input *in = NULL;
    if (q >= result->n_questions || result->widths[q] != cns_question_width(question))
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "outcome: question %zu: the result does not fit the election", q + 1);
    snprintf(source, sizeof source, "election %s, question %zu", cns_election_uuid(e), q + 1);
    cns_err err = cns_count_input_from_totals(
        source, question->question, (const char *const *)question->answers, question->n_answers,
        result->counts[q] + first, first ? &result->counts[q][0] : NULL, registered, &in, diag);
    if (err == CNS_OK && question->max > 1 && ballots > 0) /* marks, not voters */
        err = cns_count_input_set_ballots(in, ballots, diag);
    if (err == CNS_OK)
        err = cns_count_run(rule, in, res, diag);
    cns_count_input_free(in);
    if (err != CNS_OK && err != CNS_ERR_NOMEM)
        return cns_diag_prefix(diag, err, "outcome: question %zu: ", q + 1);
    return err;
}

static cns_err outcome_new(cns_outcome **out, const cns_election *e)
{
    size_t nq = cns_election_question_count(e);
    cns_outcome *o = calloc(1, sizeof *o);
    *out = o;
    if (o == NULL)
        return CNS_ERR_NOMEM;
    o->uuid = strdup(cns_election_uuid(e));
    o->questions = calloc(nq ? nq : 1, sizeof *o->questions);
    o->counts = calloc(nq ? nq : 1, sizeof *o->counts);
    if (o->uuid == NULL || o->questions == NULL || o->counts == NULL)
        return CNS_ERR_NOMEM;
    snprintf(o->fingerprint, sizeof o->fingerprint, "%s", cns_election_fingerprint(e));
    return CNS_OK;
}

cns_err cns_outcome_derive(cns_outcome **out, const cns_election *election,
                           const cns_result *result, uint64_t registered, cns_diag *diag)
{
    return cns_outcome_derive_counted(out, election, result, registered, 0, diag);
}

cns_err cns_outcome_derive_counted(cns_outcome **out, const cns_election *election,
                                   const cns_result *result, uint64_t registered, uint64_t ballots,
                                   cns_diag *diag)
{
    cns_outcome *o = NULL;
    if (out == NULL || election == NULL || result == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID, "outcome: no election or no result");
    *out = NULL;
    cns_err err = outcome_new(&o, election);
    if (err == CNS_OK && result->n_questions != cns_election_question_count(election))
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "outcome: the result has %zu questions, the election %zu",
                           result->n_questions, cns_election_question_count(election));
    for (size_t q = 0; err == CNS_OK && q < cns_election_question_count(election); q++) {
        const cns_count_rule *rule = cns_election_rule(election, q);
        if (rule == NULL)
            continue;
        err =
            count_question(election, result, q, rule, registered, ballots, &o->counts[o->n], diag);
        if (err == CNS_OK)
            o->questions[o->n++] = q;
    }
    if (err == CNS_ERR_NOMEM)
        cns_diag_set(diag, err, "outcome: out of memory");
    if (err != CNS_OK) {
        cns_outcome_free(o);
        return err;
    }
    *out = o;
    return CNS_OK;
}

size_t cns_outcome_size(const cns_outcome *o)
{
    return o != NULL ? o->n : 0;
}

size_t cns_outcome_question(const cns_outcome *o, size_t i)
{
    return o != NULL && i < o->n ? o->questions[i] : 0;
}

const cns_count_result *cns_outcome_count(const cns_outcome *o, size_t i)
{
    return o != NULL && i < o->n ? o->counts[i] : NULL;
}

/* ---- publishing ---- */

/* {"question":q, …the count's document…}, or NULL when memory runs out. */
static json_t *question_doc(const cns_outcome *o, size_t i)
{
    char *text = NULL;
    json_t *entry = json_object(), *doc = NULL;
    if (entry == NULL || cns_count_result_json(o->counts[i], &text) != CNS_OK ||
        (doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
        json_object_set_new(entry, "question", json_integer((json_int_t)o->questions[i])) != 0 ||
        json_object_update(entry, doc) != 0) {
        json_decref(entry);
        entry = NULL;
    }
    json_decref(doc);
    free(text);
    return entry;
}

cns_err cns_outcome_to_json(const cns_outcome *o, char **json, size_t *len)
{
    json_t *root = json_object(), *qs = json_array();
    *json = NULL;
    bool ok = root != NULL && qs != NULL &&
              json_object_set_new(root, "consulta_outcome", json_integer(1)) == 0 &&
              json_object_set_new(root, "election", json_string(o->uuid)) == 0 &&
              json_object_set_new(root, "fingerprint", json_string(o->fingerprint)) == 0 &&
              json_object_set(root, "questions", qs) == 0;
    for (size_t i = 0; ok && i < o->n; i++)
        ok = json_array_append_new(qs, question_doc(o, i)) == 0;
    if (ok)
        *json = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(qs);
    json_decref(root);
    if (*json == NULL)
        return CNS_ERR_NOMEM;
    if (len != NULL)
        *len = strlen(*json);
    return CNS_OK;
}

/* ---- checking a published outcome ---- */

/* The members around the questions: version, election, fingerprint. */
static cns_err check_envelope(const cns_outcome *o, const json_t *pub, cns_diag *diag)
{
    static const char *const keys[] = {"consulta_outcome", "election", "fingerprint", "questions"};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)pub, key, v)
    {
        bool known = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            known = known || strcmp(key, keys[k]) == 0;
        if (!known)
            return cns_diag_set(diag, CNS_ERR_DECODE, "outcome: unknown member \"%s\"", key);
    }
    v = json_object_get(pub, "consulta_outcome");
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        return cns_diag_set(diag, CNS_ERR_DECODE, "outcome: \"consulta_outcome\" must be 1");
    const char *uuid = json_string_value(json_object_get(pub, "election"));
    if (uuid == NULL || strcmp(uuid, o->uuid) != 0)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "outcome: it is for election %.40s, not %s",
                            uuid != NULL ? uuid : "(none)", o->uuid);
    const char *fp = json_string_value(json_object_get(pub, "fingerprint"));
    if (fp == NULL || strcmp(fp, o->fingerprint) != 0)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "outcome: its fingerprint is not the election's (%s)", o->fingerprint);
    return CNS_OK;
}

/* One published question: it must be the i-th counted one and say what the rule gives. */
static cns_err check_question(const cns_outcome *o, size_t i, const json_t *entry, cns_diag *diag)
{
    size_t q = o->questions[i];
    const json_t *num = json_object_get(entry, "question");
    if (!json_is_integer(num) || json_integer_value(num) != (json_int_t)q)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "outcome: entry %zu must be question %zu (\"question\": %zu)", i + 1,
                            q + 1, q);
    json_t *rest = json_copy((json_t *)entry);
    char *text = NULL;
    cns_err err = CNS_ERR_NOMEM;
    if (rest != NULL && json_object_del(rest, "question") == 0 &&
        (text = json_dumps(rest, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL) {
        err = cns_count_result_check(o->counts[i], text, strlen(text), diag);
        if (err != CNS_OK)
            cns_diag_prefix(diag, err, "outcome: question %zu: ", q + 1);
    }
    free(text);
    json_decref(rest);
    return err;
}

cns_err cns_outcome_check(const cns_outcome *o, const char *published, size_t len, cns_diag *diag)
{
    if (o == NULL || (published == NULL && len > 0))
        return cns_diag_set(diag, CNS_ERR_INVALID, "outcome: nothing to check");
    json_error_t je;
    json_t *pub = json_loadb(published, len, JSON_REJECT_DUPLICATES, &je);
    if (pub == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "outcome: invalid JSON at line %d, column %d: %s",
                            je.line, je.column, je.text);
    cns_err err = json_is_object(pub)
                      ? check_envelope(o, pub, diag)
                      : cns_diag_set(diag, CNS_ERR_DECODE, "outcome: expected a JSON object");
    const json_t *qs = json_object_get(pub, "questions");
    if (err == CNS_OK && (!json_is_array(qs) || json_array_size(qs) != o->n))
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "outcome: \"questions\" must hold the %zu counted question%s", o->n,
                           o->n == 1 ? "" : "s");
    for (size_t i = 0; err == CNS_OK && i < o->n; i++) {
        const json_t *entry = json_array_get(qs, i);
        err = json_is_object(entry) ? check_question(o, i, entry, diag)
                                    : cns_diag_set(diag, CNS_ERR_DECODE,
                                                   "outcome: entry %zu: expected an object", i + 1);
    }
    if (err == CNS_ERR_NOMEM)
        cns_diag_set(diag, err, "outcome: out of memory");
    json_decref(pub);
    return err;
}
