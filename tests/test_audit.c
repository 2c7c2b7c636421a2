/*
 * The Benaloh audit: a ballot made with its audit record checks; every kind
 * of tampering with the record (randomness, choices, swapped ciphertexts, a
 * broken proof, another election, malformed JSON) is refused with its exact
 * error, in BELENIOS-2048, Ed25519 and ristretto255.
 */
#include <jansson.h>
#include <sodium.h>

#include "check.h"
#include "consulta/ballot.h"
#include "consulta/election.h"
#include "util.h"

static const char VOTE[] = "[[0,1,0],[0,0,1,0,0]]";

/* An election in ristretto255 over the reference questions, with a random key. */
static cns_election *make_ristretto_election(void)
{
    const cns_group *group = cns_group_by_name("ristretto255");
    size_t len, json_len;
    char *template = read_file("belenios-2.0-ff/questions.json", &len, 1);
    char *json = NULL;
    cns_election *e = NULL;
    cns_diag diag = {{0}};
    cns_scalar x;
    cns_elt y;
    cns_scalar_random(group, &x);
    cns_group_pow_g(group, &y, &x);
    if (template != NULL)
        CHECK_OK(
            cns_election_make(&json, &json_len, template, len, "Qx3bq8jLhUk5Ja", group, &y, &diag));
    if (json != NULL)
        CHECK_OK(cns_election_parse(&e, json, json_len, &diag));
    free(template);
    free(json);
    return e;
}

typedef struct steps {
    size_t calls, done, total;
    int ordered;
} steps;

static void count_step(void *ctx, size_t done, size_t total)
{
    steps *s = ctx;
    s->ordered &= done == s->done + 1 && total >= done;
    s->calls++;
    s->done = done;
    s->total = total;
}

/* A ballot and its audit record, for VOTE. */
static char *make_audit(const cns_election *e, char **ballot, size_t *ballot_len)
{
    cns_choices choices;
    cns_scalar secret;
    cns_diag diag = {{0}};
    char *audit = NULL;
    size_t audit_len;
    steps s = {0, 0, 0, 1};
    cns_scalar_random(cns_election_group(e), &secret);
    CHECK_OK(cns_choices_parse(&choices, e, VOTE, strlen(VOTE), &diag));
    CHECK_OK(cns_ballot_make_audit(ballot, ballot_len, &audit, &audit_len, e, &secret, &choices,
                                   count_step, &s, &diag));
    cns_choices_free(&choices);
    /* 8 ciphertexts and 2 questions */
    CHECK(s.calls == 10 && s.done == 10 && s.total == 10 && s.ordered);
    CHECK(audit == NULL || strlen(audit) == audit_len);
    return audit;
}

/* The record with one field replaced (value taken), as compact JSON (caller frees). */
static char *with_field(const char *audit, const char *key, json_t *value)
{
    json_t *root = json_loads(audit, 0, NULL);
    json_object_set_new(root, key, value);
    char *out = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return out;
}

/* The record with randomness or choices [q][i] replaced by [q][j]'s and vice versa. */
static char *swapped(const char *audit, const char *key, size_t q, size_t i, size_t j)
{
    json_t *root = json_loads(audit, 0, NULL);
    json_t *row = json_array_get(json_object_get(root, key), q);
    json_t *a = json_incref(json_array_get(row, i)), *b = json_incref(json_array_get(row, j));
    json_array_set_new(row, i, b);
    json_array_set_new(row, j, a);
    char *out = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return out;
}

static void expect(const cns_election *e, const char *audit, cns_err err, const char *message)
{
    cns_diag diag = {{0}};
    CHECK(audit != NULL);
    if (audit == NULL)
        return;
    CHECK_ERR(cns_ballot_audit_check(e, audit, strlen(audit), &diag), err);
    CHECK_CONTAINS(diag.text, message);
}

/*
 * The ballot with the ciphertexts i and j (0-based) of question q's
 * "choices" exchanged, found as text: each is one {"alpha":…,"beta":…}.
 */
static char *swap_ciphertexts(const char *ballot, size_t q, size_t i, size_t j)
{
    const char *at = ballot;
    const char *start[8] = {0}, *end[8] = {0};
    for (size_t k = 0; k <= q && at != NULL; k++) {
        at = strstr(at, "\"choices\":[");
        at = at ? at + strlen("\"choices\":[") : NULL;
    }
    for (size_t k = 0; k < 8 && at != NULL && *at == '{'; k++) {
        start[k] = at;
        end[k] = strchr(at, '}') + 1;
        at = *end[k] == ',' ? end[k] + 1 : NULL;
    }
    if (start[i] == NULL || start[j] == NULL || i >= j)
        return NULL;
    char *out = malloc(strlen(ballot) + 1);
    size_t n = 0;
    const char *pieces[5][2] = {{ballot, start[i]},
                                {start[j], end[j]},
                                {end[i], start[j]},
                                {start[i], end[i]},
                                {end[j], ballot + strlen(ballot)}};
    for (size_t k = 0; k < 5; k++) {
        memcpy(out + n, pieces[k][0], (size_t)(pieces[k][1] - pieces[k][0]));
        n += (size_t)(pieces[k][1] - pieces[k][0]);
    }
    out[n] = '\0';
    return out;
}

static void test_election(const cns_election *e, const cns_election *other)
{
    char *ballot = NULL, *t = NULL;
    size_t ballot_len = 0;
    cns_diag diag = {{0}};
    cns_ballot *b = NULL;
    char *audit = make_audit(e, &ballot, &ballot_len);
    CHECK(audit != NULL && ballot != NULL);
    if (audit == NULL || ballot == NULL)
        goto done;

    /* the ballot is an ordinary one, and the record holds it */
    CHECK_OK(cns_ballot_parse(&b, e, ballot, ballot_len, &diag));
    if (b != NULL)
        CHECK_OK(cns_ballot_verify(e, b, &diag));
    json_t *root = json_loads(audit, 0, NULL);
    CHECK(root != NULL && strcmp(json_string_value(json_object_get(root, "ballot")), ballot) == 0);
    json_decref(root);
    CHECK_OK(cns_ballot_audit_check(e, audit, strlen(audit), &diag));

    /* tampered randomness: question 2's third and fourth nonces exchanged */
    t = swapped(audit, "randomness", 1, 2, 3);
    expect(e, t, CNS_ERR_VERIFY,
           "audit record: question 2, answer 3: the ballot's ciphertext is not the encryption "
           "of 1 with this randomness");
    free(t);
    /* tampered choices: question 1 says "No" instead of "Yes" */
    t = swapped(audit, "choices", 0, 1, 2);
    expect(e, t, CNS_ERR_VERIFY,
           "audit record: question 1, answer 1: the ballot's ciphertext is not the encryption "
           "of 0 with this randomness");
    free(t);
    /* and the blank flag set */
    t = with_field(audit, "choices", json_loads("[[1,0,0],[0,0,1,0,0]]", 0, NULL));
    expect(e, t, CNS_ERR_VERIFY,
           "audit record: question 1, blank flag: the ballot's ciphertext is not the encryption "
           "of 1 with this randomness");
    free(t);
    /* the ballot's third and fourth ciphertexts of question 2 exchanged */
    char *sw = swap_ciphertexts(ballot, 1, 2, 3);
    CHECK(sw != NULL && strlen(sw) == ballot_len && strcmp(sw, ballot) != 0);
    t = sw ? with_field(audit, "ballot", json_string(sw)) : NULL;
    expect(e, t, CNS_ERR_VERIFY,
           "audit record: question 2, answer 3: the ballot's ciphertext is not the encryption "
           "of 1 with this randomness");
    free(t);
    free(sw);
    /* the ciphertexts match but a proof does not: the signature's response changed */
    char *sig = strstr(ballot, "\"response\":\"");
    while (sig != NULL && strstr(sig + 1, "\"response\":\"") != NULL)
        sig = strstr(sig + 1, "\"response\":\""); /* the last one: the signature's */
    if (sig != NULL) {
        char *forged = strdup(ballot);
        char *digit = forged + (sig - ballot) + strlen("\"response\":\"");
        *digit = *digit == '1' ? '2' : '1';
        t = with_field(audit, "ballot", json_string(forged));
        expect(e, t, CNS_ERR_VERIFY, "audit record: signature: proof does not verify");
        free(t);
        free(forged);
    }
    /* another election */
    expect(other, audit, CNS_ERR_INVALID, "audit record: ballot: election_");

    /* malformed records */
    expect(e, "{", CNS_ERR_DECODE, "audit record: invalid JSON at line 1");
    expect(e, "[]", CNS_ERR_DECODE, "audit record: expected a JSON object");
    t = with_field(audit, "extra", json_true());
    expect(e, t, CNS_ERR_DECODE, "audit record: unknown field \"extra\"");
    free(t);
    t = with_field(audit, "ballot", json_integer(1));
    expect(e, t, CNS_ERR_DECODE, "audit record: field \"ballot\" must be a string");
    free(t);
    t = with_field(audit, "choices", json_loads("[[0,1,0]]", 0, NULL));
    expect(e, t, CNS_ERR_DECODE, "audit record: \"choices\" must be an array of 2 arrays");
    free(t);
    t = with_field(audit, "choices", json_loads("[[0,1,0],[0,0,1,0]]", 0, NULL));
    expect(e, t, CNS_ERR_DECODE,
           "audit record: choices of question 2 must be an array of 5 values");
    free(t);
    t = with_field(audit, "choices", json_loads("[[0,2,0],[0,0,1,0,0]]", 0, NULL));
    expect(e, t, CNS_ERR_DECODE, "audit record: question 1, answer 1: the choice must be 0 or 1");
    free(t);
    t = with_field(audit, "randomness",
                   json_loads("[[\"1\",\"2\",\"3\"],[\"4\",\"5\",\"06\",\"7\",\"8\"]]", 0, NULL));
    expect(e, t, CNS_ERR_DECODE,
           "audit record: question 2, answer 3: the randomness is not a canonical decimal");
    free(t);
    json_t *copy = json_loads(audit, 0, NULL);
    json_object_del(copy, "randomness");
    t = json_dumps(copy, JSON_COMPACT);
    json_decref(copy);
    expect(e, t, CNS_ERR_DECODE, "audit record: missing field \"randomness\"");
    free(t);
    CHECK_ERR(cns_ballot_audit_check(e, audit, CNS_BALLOT_AUDIT_MAX_BYTES + 1, &diag),
              CNS_ERR_LIMIT);
    CHECK_CONTAINS(diag.text, "audit record: ");
    /* truncated at many lengths: always refused, never a crash */
    size_t len = strlen(audit), tries = 0, refused = 0;
    for (size_t cut = 0; cut < len; cut += 1 + len / 200, tries++)
        refused += cns_ballot_audit_check(e, audit, cut, NULL) != CNS_OK;
    CHECK(refused == tries);
done:
    cns_ballot_free(b);
    if (audit != NULL)
        sodium_memzero(audit, strlen(audit));
    free(audit);
    free(ballot);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    cns_election *ff = load_election("belenios-2.0-ff");
    cns_election *ed = load_election("belenios-2.1-ed25519");
    cns_election *ri = make_ristretto_election();
    if (ff != NULL && ed != NULL && ri != NULL) {
        test_election(ff, ed);
        test_election(ed, ri);
        test_election(ri, ff);
    }
    cns_election_free(ff);
    cns_election_free(ed);
    cns_election_free(ri);
    return CHECK_DONE();
}
