/*
 * The verification pool: one forged proof among many ballots is found and
 * named, with the same diagnostic whatever the number of threads, and when
 * a ballot has several faults the first in the order of the sequential
 * check is the one reported.
 *
 * A forged proof is made as a dishonest voter would: the ballot is changed
 * after it was made, then signed again with the voter's credential, so that
 * only the forged proof fails.
 */
#include <stdlib.h>

#include <sodium.h>

#include "ballot/internal.h"
#include "ballot/pool.h"
#include "check.h"
#include "consulta/limits.h"
#include "core/hash.h"

#define BALLOTS 300
#define FORGED  137

static const char TEMPLATE[] =
    "{\"description\":\"d\",\"name\":\"n\",\"questions\":["
    "{\"answers\":[\"Yes\",\"No\"],\"blank\":true,\"min\":1,\"max\":1,\"question\":\"q1\"},"
    "{\"answers\":[\"A\",\"B\",\"C\",\"D\",\"E\"],\"min\":1,\"max\":1,\"question\":\"q2\"}]}";
static const char CHOICES[] = "[[0,1,0],[0,0,0,1,0]]";

static cns_election *make_election(const cns_group *g)
{
    cns_election *e = NULL;
    cns_scalar x;
    cns_elt y;
    char *json = NULL;
    size_t len;

    cns_scalar_random(g, &x);
    cns_group_pow_g(g, &y, &x);
    CHECK_OK(cns_election_make(&json, &len, TEMPLATE, sizeof TEMPLATE - 1, "ejrMrFDogJEHkZ", g, &y,
                               NULL));
    if (json != NULL)
        CHECK_OK(cns_election_parse(&e, json, len, NULL));
    free(json);
    return e;
}

/* Sign b again with secret, after it was changed. */
static void resign(const cns_election *e, cns_ballot *b, const cns_scalar *secret)
{
    cns_buf buf;
    cns_fs fs;
    cns_buf_init(&buf, CNS_MAX_BALLOT_BYTES);
    cns_ballot_write(&buf, e, b, false);
    CHECK_OK(cns_buf_status(&buf));
    cns_hash_b64(b->signature_hash, buf.data, buf.len);
    cns_buf_free(&buf);
    cns_fs_init(&fs, "sig|");
    cns_fs_str(&fs, b->signature_hash);
    cns_fs_str(&fs, "|");
    cns_schnorr_prove(cns_election_group(e), &b->signature, secret, &fs);
}

/* Add one to a proof's response: the proof no longer verifies. */
static void forge(const cns_group *g, cns_proof *p)
{
    cns_scalar one;
    cns_scalar_from_u64(g, &one, 1);
    cns_scalar_add(g, &p->response, &p->response, &one);
}

int main(void)
{
    const cns_group *g = cns_group_by_name("ristretto255");
    cns_ballot *ballots[BALLOTS] = {0};
    cns_scalar secrets[BALLOTS];
    cns_choices choices = {0};
    cns_election *e;
    size_t failures = 0, failed_at = 0;
    cns_diag diag = {{0}};

    if (sodium_init() < 0)
        return 1;
    e = make_election(g);
    if (e == NULL)
        return CHECK_DONE();
    CHECK_OK(cns_choices_parse(&choices, e, CHOICES, sizeof CHOICES - 1, NULL));
    for (size_t i = 0; i < BALLOTS; i++) {
        char *json = NULL;
        size_t len;
        cns_scalar_random(g, &secrets[i]);
        CHECK_OK(cns_ballot_make(&json, &len, e, &secrets[i], &choices, NULL));
        if (json != NULL)
            CHECK_OK(cns_ballot_parse(&ballots[i], e, json, len, NULL));
        free(json);
    }
    if (ballots[FORGED] == NULL)
        return CHECK_DONE();

    /* one forged 0/1 proof: question 2, choice 4, branch 1 */
    forge(g, &ballots[FORGED]->answers[1].individual[3][1]);
    resign(e, ballots[FORGED], &secrets[FORGED]);
    for (size_t i = 0; i < BALLOTS; i++) {
        cns_diag d = {{0}};
        if (ballots[i] != NULL && cns_ballot_verify(e, ballots[i], &d) != CNS_OK) {
            failures++;
            failed_at = i;
            diag = d;
        }
    }
    CHECK(failures == 1 && failed_at == FORGED);
    CHECK(strcmp(diag.text, "question 2, choice 4: individual proof does not verify") == 0);

    /* several faults: the first in order is reported, every time */
    forge(g, &ballots[FORGED]->answers[0].overall[1]);
    forge(g, &ballots[FORGED]->answers[0].individual[1][0]);
    resign(e, ballots[FORGED], &secrets[FORGED]);
    bool same = true;
    for (int k = 0; k < 50; k++) {
        cns_diag d = {{0}};
        same = same && cns_ballot_verify(e, ballots[FORGED], &d) == CNS_ERR_VERIFY &&
               strcmp(d.text, "question 1, choice 2: individual proof does not verify") == 0;
    }
    CHECK(same);
    forge(g, &ballots[FORGED]->signature); /* the signature comes first */
    CHECK_ERR(cns_ballot_verify(e, ballots[FORGED], &diag), CNS_ERR_VERIFY);
    CHECK(strcmp(diag.text, "signature: proof does not verify with the credential") == 0);
    printf("# %zu threads\n", cns_pool_threads());

    for (size_t i = 0; i < BALLOTS; i++)
        cns_ballot_free(ballots[i]);
    cns_choices_free(&choices);
    cns_election_free(e);
    return CHECK_DONE();
}
