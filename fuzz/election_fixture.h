/*
 * A fixed election for the fuzz targets that need one: ristretto255, the
 * reference questions (a yes/no question allowing blank, a pick-one of
 * five), key g^7, uuid "FuzzE1ectionXYZ". Deterministic, so that corpora
 * made once stay valid.
 */
#ifndef CONSULTA_FUZZ_ELECTION_FIXTURE_H
#define CONSULTA_FUZZ_ELECTION_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "consulta/election.h"

static const char fixture_template[] =
    "{\"description\":\"Fuzzing.\",\"name\":\"Fuzz\",\"questions\":[{\"answers\":[\"Yes\",\"No\"],"
    "\"blank\":true,\"min\":1,\"max\":1,\"question\":\"Do you approve?\"},{\"answers\":[\"A\","
    "\"B\",\"C\",\"D\",\"E\"],\"min\":1,\"max\":1,\"question\":\"Which one?\"}]}";

/* The fixture election (made on first use, kept for the process), or NULL on failure. */
static inline const cns_election *fixture_election(void)
{
    static cns_election *election;
    if (election == NULL) {
        const cns_group *g = cns_group_by_name("ristretto255");
        cns_scalar x;
        cns_elt y;
        char *json = NULL;
        size_t len;
        cns_scalar_from_u64(g, &x, 7);
        cns_group_pow_g(g, &y, &x);
        if (cns_election_make(&json, &len, fixture_template, strlen(fixture_template),
                              "FuzzE1ectionXYZ", g, &y, NULL) == CNS_OK &&
            cns_election_parse(&election, json, len, NULL) != CNS_OK)
            election = NULL;
        free(json);
    }
    return election;
}

#endif
