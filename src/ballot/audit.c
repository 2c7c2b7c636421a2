/*
 * The Benaloh audit (consulta/ballot.h): a ballot with the choices and the
 * nonces it encrypts, and the independent check of such a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "ballot/internal.h"
#include "group/text.h"
#include "record/json.h"

static const char WHAT[] = "audit record";

/* The values and nonces of a whole ballot, questions one after the other. */
typedef struct opened {
    unsigned char *values; /* total */
    cns_scalar *r;         /* total, in sodium_malloc'd memory */
    size_t total;
} opened;

static size_t total_width(const cns_election *election)
{
    size_t total = 0;
    for (size_t i = 0; i < cns_election_question_count(election); i++)
        total += cns_question_width(cns_election_question(election, i));
    return total;
}

static cns_err opened_alloc(opened *o, size_t total)
{
    o->total = total;
    o->values = calloc(total, 1);
    o->r = sodium_allocarray(total, sizeof *o->r);
    return o->values != NULL && o->r != NULL ? CNS_OK : CNS_ERR_NOMEM;
}

static void opened_free(opened *o)
{
    if (o->values != NULL)
        sodium_memzero(o->values, o->total);
    free(o->values);
    if (o->r != NULL)
        sodium_free(o->r); /* wipes */
}

/* ---- writing ----------------------------------------------------------------- */

/* An upper bound on the record's length, reserved before any secret is written. */
static size_t record_bound(size_t ballot_len, size_t total, size_t questions)
{
    return 64 + 6 * ballot_len + total * (CNS_TEXT_SCALAR_DIGITS + 6) + questions * 8;
}

/* [[v,…],…] or [["r",…],…], one inner array per question. */
static void write_rows(cns_buf *buf, const cns_election *election, const opened *o, bool nonces)
{
    const cns_group *group = cns_election_group(election);
    size_t at = 0;

    cns_buf_puts(buf, "[");
    for (size_t i = 0; i < cns_election_question_count(election); i++) {
        size_t width = cns_question_width(cns_election_question(election, i));
        cns_buf_puts(buf, i > 0 ? ",[" : "[");
        for (size_t j = 0; j < width; j++, at++) {
            if (j > 0)
                cns_buf_puts(buf, ",");
            if (nonces) {
                cns_jw_scalar(buf, group, &o->r[at]);
            } else {
                char digit = (char)('0' + o->values[at]);
                cns_buf_put(buf, &digit, 1);
            }
        }
        cns_buf_puts(buf, "]");
    }
    cns_buf_puts(buf, "]");
}

static cns_err write_record(char **audit, size_t *audit_len, const cns_election *election,
                            const char *ballot, size_t ballot_len, const opened *o)
{
    cns_buf buf;
    cns_buf_init(&buf, CNS_BALLOT_AUDIT_MAX_BYTES);
    cns_err err = cns_buf_reserve(
        &buf, record_bound(ballot_len, o->total, cns_election_question_count(election)));
    if (err == CNS_OK) {
        cns_buf_puts(&buf, "{");
        cns_jw_key(&buf, "ballot");
        cns_jw_str(&buf, ballot, ballot_len);
        cns_buf_puts(&buf, ",");
        cns_jw_key(&buf, "choices");
        write_rows(&buf, election, o, false);
        cns_buf_puts(&buf, ",");
        cns_jw_key(&buf, "randomness");
        write_rows(&buf, election, o, true);
        cns_buf_puts(&buf, "}");
        err = cns_buf_status(&buf);
    }
    if (err == CNS_OK) {
        *audit = cns_buf_take(&buf, audit_len);
        err = *audit != NULL ? CNS_OK : CNS_ERR_NOMEM;
    }
    cns_buf_free(&buf); /* wipes */
    return err;
}

cns_err cns_ballot_make_audit(char **json, size_t *len, char **audit, size_t *audit_len,
                              const cns_election *election, const cns_scalar *credential_secret,
                              const cns_choices *choices, cns_ballot_progress *progress, void *ctx,
                              cns_diag *diag)
{
    opened o = {0};

    *json = NULL;
    *audit = NULL;
    for (size_t i = 0; i < cns_election_question_count(election); i++)
        if (cns_election_question(election, i)->kind == CNS_QUESTION_NONHOMOMORPHIC)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "question %zu is non-homomorphic: its ballots are not audited yet",
                                i + 1);
    cns_err err = opened_alloc(&o, choices->total);
    if (err == CNS_OK)
        err = cns_ballot_make_nonces(json, len, election, credential_secret, choices, o.r, progress,
                                     ctx, diag);
    if (err != CNS_OK)
        goto done;
    memcpy(o.values, choices->values, choices->total);
    err = write_record(audit, audit_len, election, *json, *len, &o);
done:
    if (err != CNS_OK) {
        free(*json);
        *json = NULL;
    }
    opened_free(&o);
    return err;
}

/* ---- checking ----------------------------------------------------------------- */

/* How a value of question i is named: "answer 3", or "blank flag" for a blank-allowing one's first.
 */
static void value_name(char *out, size_t cap, const cns_question *q, size_t j)
{
    if (q->blank == 1 && j == 0)
        snprintf(out, cap, "blank flag");
    else
        snprintf(out, cap, "answer %zu", q->blank == 1 ? j : j + 1);
}

/* root[key]: one array per question of cns_question_width values each; read_value reads one. */
static cns_err read_rows(const cns_election *election, const json_t *root, const char *key,
                         opened *o, bool nonces, cns_diag *diag)
{
    const json_t *rows = json_object_get(root, key);
    size_t nq = cns_election_question_count(election), at = 0;
    char name[32];

    if (!json_is_array(rows) || json_array_size(rows) != nq)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: \"%s\" must be an array of %zu arrays", WHAT,
                            key, nq);
    for (size_t i = 0; i < nq; i++) {
        const cns_question *q = cns_election_question(election, i);
        const json_t *row = json_array_get(rows, i);
        size_t width = cns_question_width(q);
        if (!json_is_array(row) || json_array_size(row) != width)
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "%s: %s of question %zu must be an array of %zu values", WHAT, key,
                                i + 1, width);
        for (size_t j = 0; j < width; j++, at++) {
            const json_t *v = json_array_get(row, j);
            value_name(name, sizeof name, q, j);
            if (nonces) {
                if (cns_jr_scalar(cns_election_group(election), v, &o->r[at], "", NULL) != CNS_OK)
                    return cns_diag_set(diag, CNS_ERR_DECODE,
                                        "%s: question %zu, %s: the randomness is not a canonical "
                                        "decimal integer modulo the group order",
                                        WHAT, i + 1, name);
            } else {
                if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1)
                    return cns_diag_set(diag, CNS_ERR_DECODE,
                                        "%s: question %zu, %s: the choice must be 0 or 1", WHAT,
                                        i + 1, name);
                o->values[at] = (unsigned char)json_integer_value(v);
            }
        }
    }
    return CNS_OK;
}

/* Recompute every ciphertext from its choice and nonce; compare with the ballot's. */
static cns_err compare(const cns_election *election, const cns_ballot *ballot, const opened *o,
                       cns_diag *diag)
{
    const cns_group *group = cns_election_group(election);
    const cns_elt *y = cns_election_public_key(election);
    size_t at = 0;
    char name[32];

    for (size_t i = 0; i < cns_election_question_count(election); i++) {
        const cns_question *q = cns_election_question(election, i);
        const cns_ciphertext *cs = cns_ballot_ciphertexts(ballot, i);
        for (size_t j = 0; j < cns_question_width(q); j++, at++) {
            cns_ciphertext c;
            cns_scalar m;
            cns_scalar_from_u64(group, &m, o->values[at]);
            cns_elgamal_encrypt(group, &c, y, &o->r[at], &m);
            if (cns_elt_eq(group, &c.alpha, &cs[j].alpha) &&
                cns_elt_eq(group, &c.beta, &cs[j].beta))
                continue;
            value_name(name, sizeof name, q, j);
            return cns_diag_set(diag, CNS_ERR_VERIFY,
                                "%s: question %zu, %s: the ballot's ciphertext is not the "
                                "encryption of %u with this randomness",
                                WHAT, i + 1, name, o->values[at]);
        }
    }
    return CNS_OK;
}

cns_err cns_ballot_audit_check(const cns_election *election, const char *audit, size_t len,
                               cns_diag *diag)
{
    static const char *const keys[] = {"ballot", "choices", "randomness"};
    json_t *root = NULL;
    cns_ballot *ballot = NULL;
    opened o = {0};
    const char *text;
    size_t text_len;
    cns_err err;

    if (len > CNS_BALLOT_AUDIT_MAX_BYTES)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: %zu bytes, at most %zu allowed", WHAT, len,
                            (size_t)CNS_BALLOT_AUDIT_MAX_BYTES);
    err = cns_jr_parse(&root, audit, len, WHAT, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 3, WHAT, diag);
    if (err == CNS_OK)
        err = cns_jr_string(root, "ballot", &text, &text_len, WHAT, diag);
    if (err == CNS_OK) {
        err = cns_ballot_parse(&ballot, election, text, text_len, diag);
        if (err != CNS_OK)
            cns_diag_prefix(diag, err, "%s: ", WHAT);
    }
    if (err == CNS_OK)
        err = opened_alloc(&o, total_width(election));
    if (err == CNS_OK)
        err = read_rows(election, root, "choices", &o, false, diag);
    if (err == CNS_OK)
        err = read_rows(election, root, "randomness", &o, true, diag);
    if (err == CNS_OK)
        err = compare(election, ballot, &o, diag);
    if (err == CNS_OK) {
        err = cns_ballot_verify(election, ballot, diag);
        if (err != CNS_OK)
            cns_diag_prefix(diag, err, "%s: ", WHAT);
    }
    opened_free(&o);
    cns_ballot_free(ballot);
    json_decref(root);
    return err;
}
