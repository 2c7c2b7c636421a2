/*
 * Ballots: the reference elections' ballots (made by belenios-tool 2.0 and
 * Belenios 2.1) parse and verify; ballots we make verify and round-trip;
 * every kind of tampering is refused with its specific error.
 */
#include <sodium.h>

#include "ballot/internal.h"
#include "check.h"
#include "consulta/ballot.h"
#include "consulta/election.h"
#include "core/hash.h"
#include "util.h"

/* Every ballot of the reference election parses and verifies. */
static void test_reference_ballots(const char *dir)
{
    char path[256];
    size_t len, count = 0, good = 0;
    cns_election *e = load_election(dir);
    snprintf(path, sizeof path, "%s/ballots.jsonl", dir);
    char *all = read_file(path, &len, 0);
    CHECK(all != NULL && e != NULL);
    if (all == NULL || e == NULL)
        goto done;
    for (char *line = all, *end; *line != '\0'; line = end + 1) {
        end = strchr(line, '\n');
        if (end == NULL)
            break;
        cns_ballot *b = NULL;
        cns_diag diag = {{0}};
        count++;
        if (cns_ballot_parse(&b, e, line, (size_t)(end - line), &diag) == CNS_OK &&
            cns_ballot_verify(e, b, &diag) == CNS_OK)
            good++;
        else
            fprintf(stderr, "%s ballot %zu: %s\n", dir, count, diag.text);
        cns_ballot_free(b);
    }
    CHECK(count == 20);
    CHECK(good == count);
done:
    free(all);
    cns_election_free(e);
}

/* Make a ballot with a random credential; it must parse back and verify. */
static char *make_ballot(const cns_election *e, const char *choices_json, size_t *len)
{
    cns_choices choices;
    cns_scalar secret;
    cns_diag diag = {{0}};
    char *json = NULL;
    cns_scalar_random(cns_election_group(e), &secret);
    CHECK_OK(cns_choices_parse(&choices, e, choices_json, strlen(choices_json), &diag));
    CHECK_OK(cns_ballot_make(&json, len, e, &secret, &choices, &diag));
    cns_choices_free(&choices);
    return json;
}

static void test_roundtrip(const cns_election *e)
{
    static const char *const votes[] = {"[[0,1,0],[1,0,0,0,0]]", "[[0,0,1],[0,0,0,0,1]]",
                                        "[[1,0,0],[0,1,0,0,0]]"};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        cns_ballot *b = NULL;
        cns_diag diag = {{0}};
        char *json = make_ballot(e, votes[i], &len);
        CHECK(json != NULL);
        if (json == NULL)
            continue;
        CHECK_OK(cns_ballot_parse(&b, e, json, len, &diag));
        if (b != NULL)
            CHECK_OK(cns_ballot_verify(e, b, &diag));
        cns_ballot_free(b);
        free(json);
    }
}

/* Choices that break a question's rules are refused before anything is made. */
static void test_bad_choices(const cns_election *e)
{
    static const struct {
        const char *json;
        const char *error;
    } cases[] = {
        {"[[0,1,1],[1,0,0,0,0]]", "question 1: 2 answers selected, between 1 and 1 required"},
        {"[[1,1,0],[1,0,0,0,0]]", "question 1: a blank vote selects no answer"},
        {"[[0,1,0],[0,0,0,0,0]]", "question 2: 0 answers selected"},
        {"[[0,2,0],[1,0,0,0,0]]", "choices: question 1, value 2 must be 0 or 1"},
        {"[[0,1],[1,0,0,0,0]]", "choices: question 1 needs an array of 3 values"},
        {"[[0,1,0]]", "choices: expected an array of 2 arrays"},
        {"[[0,1,0],[1,0,0,0,0]", "choices: invalid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cns_choices choices;
        cns_diag diag = {{0}};
        cns_err err = cns_choices_parse(&choices, e, cases[i].json, strlen(cases[i].json), &diag);
        CHECK(err == CNS_ERR_INVALID || err == CNS_ERR_DECODE);
        CHECK_CONTAINS(diag.text, cases[i].error);
    }
}

/* Replace the first occurrence of from by to in a copy of s. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    if (at == NULL)
        return NULL;
    size_t n = strlen(s) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    size_t head = (size_t)(at - s);
    memcpy(out, s, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

/* Expect the ballot text to be refused, by parse or verify, with err and message. */
static void expect_refused(const cns_election *e, const char *json, cns_err expected,
                           const char *message)
{
    cns_ballot *b = NULL;
    cns_diag diag = {{0}};
    cns_err err = cns_ballot_parse(&b, e, json, strlen(json), &diag);
    if (err == CNS_OK)
        err = cns_ballot_verify(e, b, &diag);
    CHECK_ERR(err, expected);
    CHECK_CONTAINS(diag.text, message);
    cns_ballot_free(b);
}

/* Swap two proofs, change a ciphertext, move a ballot to another election, … */
static void test_tampering(const cns_election *e)
{
    size_t len, len2;
    char *json = make_ballot(e, "[[0,1,0],[0,0,1,0,0]]", &len);
    char *other = make_ballot(e, "[[0,0,1],[0,0,1,0,0]]", &len2);
    if (json == NULL || other == NULL)
        goto done;

    /* the signature's hash no longer matches once anything signed changes */
    char *t;
    const char *c0 = strstr(json, "\"choices\":[{\"alpha\":\"") + 21;
    const char *c1 = strstr(other, "\"choices\":[{\"alpha\":\"") + 21;
    char a0[CNS_ELT_TEXT_MAX], a1[CNS_ELT_TEXT_MAX];
    size_t n0 = strcspn(c0, "\""), n1 = strcspn(c1, "\"");
    memcpy(a0, c0, n0);
    a0[n0] = 0;
    memcpy(a1, c1, n1);
    a1[n1] = 0;
    t = replace(json, a0, a1);
    expect_refused(e, t, CNS_ERR_VERIFY, "signature: hash does not match");
    free(t);

    /* a proof moved from another ballot (ATTACKS.md #1): recompute nothing, just swap */
    const char *p0 = strstr(json, "\"overall_proof\":[");
    const char *p1 = strstr(other, "\"overall_proof\":[");
    size_t m0 = strcspn(p0, "]"), m1 = strcspn(p1, "]");
    char *from = strndup(p0, m0), *to = strndup(p1, m1);
    t = replace(json, from, to);
    expect_refused(e, t, CNS_ERR_VERIFY, "signature: hash does not match");
    free(t);
    free(from);
    free(to);

    /* wrong election */
    t = replace(json, cns_election_uuid(e), "11111111111111");
    expect_refused(e, t, CNS_ERR_INVALID, "ballot: election_uuid is \"11111111111111\"");
    free(t);
    t = replace(json, cns_election_fingerprint(e), "AAAA");
    expect_refused(e, t, CNS_ERR_INVALID, "ballot: election_hash is \"AAAA\"");
    free(t);

    /* non-canonical forms (ATTACKS.md #4) */
    t = replace(json, "{\"election_uuid\"", "{ \"election_uuid\"");
    expect_refused(e, t, CNS_ERR_DECODE, "ballot: not in canonical form");
    free(t);
    t = replace(json, "\"challenge\":\"", "\"challenge\":\"0");
    expect_refused(e, t, CNS_ERR_DECODE, "not a canonical decimal integer");
    free(t);
    t = replace(json, "\"election_uuid\"", "\"election_uuid\":\"x\",\"election_uuid\"");
    expect_refused(e, t, CNS_ERR_DECODE, "ballot: invalid JSON");
    free(t);
    t = replace(json, ",\"signature\"", ",\"extra\":1,\"signature\"");
    expect_refused(e, t, CNS_ERR_DECODE, "ballot: unknown field \"extra\"");
    free(t);
    t = replace(json, ",\"blank_proof\":[", ",\"blank_prof\":[");
    expect_refused(e, t, CNS_ERR_DECODE, "question 1: unknown field \"blank_prof\"");
    free(t);

    /* truncated at every length: always refused, never a crash */
    size_t refused = 0;
    for (size_t cut = 0; cut < len; cut += 1 + len / 300) {
        cns_ballot *b = NULL;
        if (cns_ballot_parse(&b, e, json, cut, NULL) != CNS_OK)
            refused++;
        cns_ballot_free(b);
    }
    CHECK(refused == (len + len / 300) / (1 + len / 300));
done:
    free(json);
    free(other);
}

/* Sign the ballot again with secret, over its current content. */
static void resign(const cns_election *e, cns_ballot *b, const cns_scalar *secret)
{
    cns_buf buf;
    cns_fs fs;
    cns_buf_init(&buf, 1 << 24);
    cns_ballot_write(&buf, e, b, false);
    cns_hash_b64(b->signature_hash, buf.data, buf.len);
    cns_buf_free(&buf);
    cns_fs_init(&fs, "sig|");
    cns_fs_str(&fs, b->signature_hash);
    cns_fs_str(&fs, "|");
    cns_schnorr_prove(cns_election_group(e), &b->signature, secret, &fs);
}

/* A signed ballot whose 0/1 proof is forged by re-signing after the swap. */
static void test_forged_proofs(const cns_election *e)
{
    const cns_group *group = cns_election_group(e);
    cns_choices choices;
    cns_scalar secret;
    cns_diag diag = {{0}};
    char *json = NULL;
    size_t len;
    cns_ballot *b = NULL;
    const char *vote = "[[0,1,0],[0,0,1,0,0]]";
    cns_scalar_random(group, &secret);
    CHECK_OK(cns_choices_parse(&choices, e, vote, strlen(vote), &diag));
    CHECK_OK(cns_ballot_make(&json, &len, e, &secret, &choices, &diag));
    CHECK_OK(cns_ballot_parse(&b, e, json, len, &diag));
    if (b == NULL)
        goto done;
    /* each proof perturbed in turn, the ballot re-signed so only that proof is wrong */
    struct {
        cns_proof *proof;
        const char *message;
    } cases[] = {
        {&b->answers[0].individual[1][0], "question 1, choice 2: individual proof does not verify"},
        {&b->answers[1].individual[4][1], "question 2, choice 5: individual proof does not verify"},
        {&b->answers[0].overall[1], "question 1: overall_proof does not verify"},
        {&b->answers[0].blank[0], "question 1: blank_proof does not verify"},
        {&b->answers[1].overall[0], "question 2: overall_proof does not verify"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cns_proof saved = *cases[i].proof;
        cns_scalar one;
        cns_scalar_from_u64(group, &one, 1);
        cns_scalar_add(group, &cases[i].proof->response, &cases[i].proof->response, &one);
        resign(e, b, &secret);
        CHECK_ERR(cns_ballot_verify(e, b, &diag), CNS_ERR_VERIFY);
        CHECK_CONTAINS(diag.text, cases[i].message);
        *cases[i].proof = saved;
    }
    resign(e, b, &secret);
    CHECK_OK(cns_ballot_verify(e, b, &diag));
    /* and a signature by another credential */
    cns_scalar other;
    cns_scalar_random(group, &other);
    resign(e, b, &other);
    CHECK_ERR(cns_ballot_verify(e, b, &diag), CNS_ERR_VERIFY);
    CHECK_CONTAINS(diag.text, "signature: proof does not verify with the credential");
done:
    cns_ballot_free(b);
    cns_choices_free(&choices);
    free(json);
}

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
    CHECK(template != NULL);
    if (template != NULL)
        CHECK_OK(
            cns_election_make(&json, &json_len, template, len, "Qx3bq8jLhUk5Ja", group, &y, &diag));
    if (json != NULL)
        CHECK_OK(cns_election_parse(&e, json, json_len, &diag));
    free(template);
    free(json);
    return e;
}

static void test_election(const cns_election *e)
{
    test_roundtrip(e);
    test_bad_choices(e);
    test_tampering(e);
    test_forged_proofs(e);
}

int main(void)
{
    static const char *const dirs[] = {"belenios-2.0-ff", "belenios-2.1-ed25519"};
    if (sodium_init() < 0)
        return 1;
    for (size_t i = 0; i < 2; i++) {
        test_reference_ballots(dirs[i]);
        cns_election *e = load_election(dirs[i]);
        if (e != NULL)
            test_election(e);
        cns_election_free(e);
    }
    cns_election *e = make_ristretto_election();
    if (e != NULL)
        test_election(e);
    cns_election_free(e);
    return CHECK_DONE();
}
