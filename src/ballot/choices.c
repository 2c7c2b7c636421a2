/* The voter's plaintext choices (consulta/ballot.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "ballot/internal.h"
#include "core/ct.h"
#include "record/json.h"

/* Say why one question's values break its rules (they do: only called then). */
static cns_err explain(const unsigned char *v, const cns_question *q, size_t index, cns_diag *diag)
{
    size_t width = cns_question_width(q), first = q->blank == 1 ? 1 : 0;
    unsigned selected = 0;
    for (size_t j = 0; j < width; j++) {
        if (v[j] > 1)
            return cns_diag_set(diag, CNS_ERR_INVALID, "question %zu: choice %zu is %u, not 0 or 1",
                                index + 1, j + 1, v[j]);
        if (j >= first)
            selected += v[j];
    }
    if (first == 1 && v[0] == 1)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "question %zu: a blank vote selects no answer (%u selected)", index + 1,
                            selected);
    return cns_diag_set(diag, CNS_ERR_INVALID,
                        "question %zu: %u answers selected, between %d and %d required", index + 1,
                        selected, q->min, q->max);
}

/* 1 if a < b, else 0, for a, b < 2^31, without branching. */
static unsigned ct_lt(unsigned a, unsigned b)
{
    return (a - b) >> 31;
}

/*
 * Whether one question's values keep its rules: each 0 or 1; a blank vote
 * selects nothing, any other between min and max answers. Only the verdict
 * leaves this function.
 * CT: constant time in the values (they are the voter's choices).
 */
static cns_err check_question(const unsigned char *v, const cns_question *q, size_t index,
                              cns_diag *diag)
{
    size_t width = cns_question_width(q), first = q->blank == 1 ? 1 : 0;
    unsigned selected = 0, bad = 0;
    for (size_t j = 0; j < width; j++) {
        bad |= (unsigned)v[j] >> 1;
        selected += (unsigned)v[j] & (0u - (unsigned)(j >= first));
    }
    unsigned blank = (unsigned)first & v[0];
    unsigned in_range = ct_lt(selected, (unsigned)q->min) | ct_lt((unsigned)q->max, selected);
    unsigned none = ct_lt(selected, 1);
    unsigned ok = ct_lt(bad, 1) & ((blank & none) | ((blank ^ 1u) & (in_range ^ 1u)));
    CNS_DECLASSIFY(&ok, sizeof ok); /* whether the choices are valid is not a secret */
    return ok ? CNS_OK : explain(v, q, index, diag);
}

cns_err cns_choices_check(const cns_choices *choices, const cns_election *election, cns_diag *diag)
{
    size_t at = 0;
    for (size_t i = 0; i < cns_election_question_count(election); i++) {
        const cns_question *q = cns_election_question(election, i);
        size_t width = cns_question_values(q);
        if (q->kind == CNS_QUESTION_LISTS)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "choices: question %zu is a \"Lists\" question: consulta verifies "
                                "such ballots but does not make them yet",
                                i + 1);
        if (q->kind == CNS_QUESTION_NONHOMOMORPHIC &&
            strcmp(cns_group_name(cns_election_group(election)), "RFC-3526-2048") != 0)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "choices: question %zu is non-homomorphic: consulta makes such "
                                "ballots in RFC-3526-2048 only (this election's group is %s)",
                                i + 1, cns_group_name(cns_election_group(election)));
        if (choices->total - at < width)
            return cns_diag_set(diag, CNS_ERR_INVALID, "choices: too few values for question %zu",
                                i + 1);
        /* a non-homomorphic answer is any vector of values 0…255 (one byte each) */
        cns_err err = (q->kind == CNS_QUESTION_NONHOMOMORPHIC)
                          ? CNS_OK
                          : check_question(choices->values + at, q, i, diag);
        if (err != CNS_OK)
            return err;
        at += width;
    }
    if (at != choices->total)
        return cns_diag_set(diag, CNS_ERR_INVALID, "choices: %zu values, the election has %zu",
                            choices->total, at);
    return CNS_OK;
}

static cns_err read_values(cns_choices *out, const cns_election *election, const json_t *root,
                           cns_diag *diag)
{
    size_t nq = cns_election_question_count(election), at = 0;
    if (!json_is_array(root) || json_array_size(root) != nq)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "choices: expected an array of %zu arrays, "
                            "one per question",
                            nq);
    for (size_t i = 0; i < nq; i++) {
        const json_t *row = json_array_get(root, i);
        const cns_question *q = cns_election_question(election, i);
        size_t width = cns_question_values(q);
        json_int_t top = (q->kind == CNS_QUESTION_NONHOMOMORPHIC) ? 255 : 1;
        if (!json_is_array(row) || json_array_size(row) != width)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "choices: question %zu needs an array of %zu values", i + 1, width);
        for (size_t j = 0; j < width; j++) {
            const json_t *v = json_array_get(row, j);
            if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > top)
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "choices: question %zu, value %zu must be %s", i + 1, j + 1,
                                    (q->kind == CNS_QUESTION_NONHOMOMORPHIC) ? "between 0 and 255"
                                                                             : "0 or 1");
            out->values[at++] = (unsigned char)json_integer_value(v);
        }
    }
    return CNS_OK;
}

cns_err cns_choices_parse(cns_choices *out, const cns_election *election, const char *json,
                          size_t len, cns_diag *diag)
{
    json_t *root = NULL;
    size_t total = 0;
    for (size_t i = 0; i < cns_election_question_count(election); i++)
        total += cns_question_values(cns_election_question(election, i));
    out->total = total;
    out->values = calloc(total, 1);
    if (out->values == NULL)
        return CNS_ERR_NOMEM;
    cns_err err = cns_jr_parse(&root, json, len, "choices", diag);
    if (err == CNS_OK)
        err = read_values(out, election, root, diag);
    if (err == CNS_OK)
        err = cns_choices_check(out, election, diag);
    json_decref(root);
    if (err != CNS_OK)
        cns_choices_free(out);
    return err;
}

void cns_choices_free(cns_choices *choices)
{
    if (choices->values != NULL) {
        sodium_memzero(choices->values, choices->total);
        free(choices->values);
    }
    choices->values = NULL;
    choices->total = 0;
}
