/*
 * Non-homomorphic questions (spec 2.0 §4.9.2, §4.11.2): election.json with
 * one (parsed, written back byte for byte), refused outside RFC-3526-2048
 * and above 254 answers; ballots made with consulta parse, verify, and
 * decrypt to Belenios' embedding of the voter's values; choices out of
 * range refused. belenios-tool's side: tests/cross_shuffle.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <sodium.h>

#include "check.h"
#include "consulta/ballot.h"
#include "consulta/election.h"
#include "consulta/group.h"

static const char TEMPLATE[] =
    "{\"description\":\"d\",\"name\":\"n\",\"questions\":[{\"answers\":[\"Yes\",\"No\"],"
    "\"min\":0,\"max\":1,\"question\":\"Approve?\"},{\"type\":\"NonHomomorphic\",\"value\":"
    "{\"answers\":[\"A\",\"B\",\"C\"],\"question\":\"Rank\"}}]}";

/* The decimal text of beta/alpha^x, the embedded plaintext. */
static void decrypt_text(const cns_group *G, const cns_scalar *x, const char *ballot, char *out,
                         size_t cap)
{
    /* the non-homomorphic answer: the only "choices" that is one ciphertext, not an array */
    const char *a = strstr(ballot, "{\"choices\":{\"alpha\":\"");
    cns_elt alpha, beta, f;
    const char *b;
    CHECK(a != NULL);
    if (a == NULL)
        return;
    a += strlen("{\"choices\":{\"alpha\":\"");
    b = strstr(a, "\",\"beta\":\"");
    CHECK_OK(cns_elt_from_text(G, &alpha, a, (size_t)(b - a)));
    b += strlen("\",\"beta\":\"");
    CHECK_OK(cns_elt_from_text(G, &beta, b, (size_t)(strchr(b, '"') - b)));
    cns_elt_pow(G, &f, &alpha, x);
    cns_elt_div(G, &f, &beta, &f);
    cns_elt_to_text(G, out, cap, &f);
}

static void test_ballots(void)
{
    const cns_group *G = cns_group_by_name("RFC-3526-2048");
    cns_scalar x, cred;
    cns_elt y;
    char *json = NULL, *ballot = NULL, text[CNS_ELT_TEXT_MAX];
    size_t len, blen;
    cns_election *e = NULL;
    cns_ballot *b = NULL;
    cns_choices ch = {0};
    cns_diag diag = {{0}};
    mpz_t v;

    cns_scalar_random(G, &x);
    cns_group_pow_g(G, &y, &x);
    CHECK_OK(
        cns_election_make(&json, &len, TEMPLATE, strlen(TEMPLATE), "4Ev2aDL1sVkD5X", G, &y, &diag));
    CHECK_CONTAINS(json, "{\"type\":\"NonHomomorphic\",\"value\":{\"answers\":[\"A\",\"B\",\"C\"],"
                         "\"question\":\"Rank\"}}]");
    CHECK_OK(cns_election_parse(&e, json, len, &diag));
    CHECK(e != NULL && cns_election_question(e, 1)->kind == CNS_QUESTION_NONHOMOMORPHIC);
    CHECK(e != NULL && cns_election_question(e, 0)->kind == CNS_QUESTION_HOMOMORPHIC);
    CHECK(e != NULL && cns_question_width(cns_election_question(e, 1)) == 1);
    if (e == NULL)
        goto done;
    /* choices: a 0/1 vector for the first question, bytes for the second */
    CHECK_ERR(cns_choices_parse(&ch, e, "[[1,0],[1,2,256]]", 17, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "choices: question 2, value 3 must be between 0 and 255");
    CHECK_ERR(cns_choices_parse(&ch, e, "[[1,0],[1,2]]", 13, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "choices: question 2 needs an array of 3 values");
    CHECK_OK(cns_choices_parse(&ch, e, "[[1,0],[3,1,2]]", 15, &diag));
    cns_scalar_random(G, &cred);
    CHECK_OK(cns_ballot_make(&ballot, &blen, e, &cred, &ch, &diag));
    CHECK_OK(cns_ballot_parse(&b, e, ballot, blen, &diag));
    CHECK_OK(cns_ballot_verify(e, b, &diag));
    /* ξ = ((3·256 + 1)·256 + 2)·256 + ε, ε < 256 */
    decrypt_text(G, &x, ballot, text, sizeof text);
    mpz_init_set_str(v, text, 10);
    mpz_fdiv_q_2exp(v, v, 8);
    CHECK(mpz_cmp_ui(v, (3u * 256 + 1) * 256 + 2) == 0);
    mpz_clear(v);
    /* a ballot whose non-homomorphic answer is in the homomorphic form is refused */
    {
        char *bad = strdup(ballot);
        char *p = strstr(bad, "\"proof\":{\"challenge\"");
        CHECK(p != NULL);
        if (p != NULL) {
            memcpy(p, "\"proog\"", 7);
            cns_ballot *b2 = NULL;
            CHECK_ERR(cns_ballot_parse(&b2, e, bad, blen, &diag), CNS_ERR_DECODE);
            CHECK_CONTAINS(diag.text, "question 2: missing field \"proof\"");
            cns_ballot_free(b2);
        }
        free(bad);
    }
done:
    cns_ballot_free(b);
    cns_choices_free(&ch);
    cns_election_free(e);
    free(json);
    free(ballot);
}

static void test_refusals(void)
{
    const cns_group *F = cns_group_by_name("BELENIOS-2048");
    const cns_group *R = cns_group_by_name("RFC-3526-2048");
    cns_scalar x;
    cns_elt y;
    char *json = NULL, big[8192];
    size_t len, at;
    cns_diag diag = {{0}};

    cns_scalar_random(F, &x);
    cns_group_pow_g(F, &y, &x);
    CHECK_ERR(
        cns_election_make(&json, &len, TEMPLATE, strlen(TEMPLATE), "4Ev2aDL1sVkD5X", F, &y, &diag),
        CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "question 2: non-homomorphic questions need the RFC-3526-2048 "
                              "group (this election's is BELENIOS-2048)");
    free(json);
    json = NULL;
    cns_scalar_random(R, &x);
    cns_group_pow_g(R, &y, &x);
    static const char OTHER[] = "{\"description\":\"d\",\"name\":\"n\",\"questions\":[{\"type\":"
                                "\"Lists2\",\"value\":{\"answers\":[\"A\"],\"question\":\"Q\"}}]}";
    CHECK_ERR(cns_election_make(&json, &len, OTHER, strlen(OTHER), "4Ev2aDL1sVkD5X", R, &y, &diag),
              CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "question 1: unknown question type \"Lists2\"");
    free(json);
    json = NULL;
    at = (size_t)snprintf(big, sizeof big,
                          "{\"description\":\"d\",\"name\":\"n\",\"questions\":[{\"type\":"
                          "\"NonHomomorphic\",\"value\":{\"answers\":[");
    for (int i = 0; i < 255; i++)
        at += (size_t)snprintf(big + at, sizeof big - at, "%s\"%d\"", i ? "," : "", i);
    at += (size_t)snprintf(big + at, sizeof big - at, "],\"question\":\"Q\"}}]}");
    CHECK_ERR(cns_election_make(&json, &len, big, at, "4Ev2aDL1sVkD5X", R, &y, &diag),
              CNS_ERR_LIMIT);
    CHECK_CONTAINS(diag.text, "question 1: 255 answers, at most 254 in a non-homomorphic question");
    free(json);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_ballots();
    test_refusals();
    return CHECK_DONE();
}
