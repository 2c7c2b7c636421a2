/*
 * Constant time, checked by valgrind (tests/ct.sh; built with -DCNS_CTGRIND):
 * the secrets of a voter (credential secret, choices) and of a trustee
 * (decryption key) are marked undefined; memcheck reports any branch or
 * memory index that depends on them while a ballot is made and a tally is
 * decrypted, in each group. Values that become public are declassified
 * where they leave the computation (src/core/ct.h).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "consulta/ballot.h"
#include "consulta/tally.h"
#include "core/ct.h"

static const char template_json[] =
    "{\"description\":\"ct\",\"name\":\"CT\",\"questions\":[{\"answers\":[\"Yes\",\"No\"],"
    "\"blank\":true,\"min\":1,\"max\":1,\"question\":\"?\"},{\"answers\":[\"A\",\"B\",\"C\"],"
    "\"min\":1,\"max\":2,\"question\":\"??\"}]}";

static cns_election *election_in(const cns_group *g, cns_scalar *x)
{
    cns_elt y;
    cns_election *e = NULL;
    char *json = NULL;
    size_t len;
    cns_scalar_random(g, x);
    cns_group_pow_g(g, &y, x);
    CHECK_OK(cns_election_make(&json, &len, template_json, strlen(template_json),
                               "CTcheckE1ectionX", g, &y, NULL));
    if (json != NULL)
        CHECK_OK(cns_election_parse(&e, json, len, NULL));
    free(json);
    return e;
}

static void check_group(const char *name)
{
    static const char *const votes[] = {"[[0,1,0],[0,1,1]]", "[[1,0,0],[0,0,1]]",
                                        "[[0,0,1],[1,0,0]]"};
    const cns_group *g = cns_group_by_name(name);
    cns_scalar x, s;
    cns_election *e = election_in(g, &x);
    cns_tally *t = NULL;
    if (e == NULL)
        return;
    CHECK_OK(cns_tally_new(&t, e));
    for (size_t i = 0; i < 3; i++) {
        cns_choices choices;
        char *json = NULL;
        size_t len;
        cns_ballot *b = NULL;
        CHECK_OK(cns_choices_parse(&choices, e, votes[i], strlen(votes[i]), NULL));
        cns_scalar_random(g, &s);
        CNS_CLASSIFY(&s, sizeof s);
        CNS_CLASSIFY(choices.values, choices.total);
        CHECK_OK(cns_ballot_make(&json, &len, e, &s, &choices, NULL));
        CNS_DECLASSIFY(choices.values, choices.total);
        if (json != NULL && cns_ballot_parse(&b, e, json, len, NULL) == CNS_OK)
            CHECK_OK(cns_tally_add(t, b, 1));
        cns_ballot_free(b);
        cns_choices_free(&choices);
        free(json);
    }
    char *partial = NULL;
    size_t len;
    CNS_CLASSIFY(&x, sizeof x);
    CHECK_OK(cns_partial_make(&partial, &len, e, t, &x));
    free(partial);
    cns_tally_free(t);
    cns_election_free(e);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    check_group("ristretto255");
    check_group("Ed25519");
    check_group("BELENIOS-2048");
    return CHECK_DONE();
}
