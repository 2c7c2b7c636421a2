/*
 * libFuzzer target: a published outcome (outcome.json), checked against the
 * outcome derived for a fixed election with counting rules (a referendum and
 * D'Hondt for 10 seats under Peru's 2026 threshold) and a fixed result. The
 * derived outcome, written out, must be accepted; anything else must be
 * accepted or refused, never crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/outcome.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char template_json[] =
    "{\"description\":\"Fuzzing.\",\"name\":\"Fuzz\",\"questions\":[{\"answers\":[\"Yes\",\"No\"],"
    "\"blank\":true,\"min\":1,\"max\":1,\"question\":\"Do you approve?\"},{\"answers\":[\"A\","
    "\"B\",\"C\",\"D\",\"E\"],\"min\":1,\"max\":1,\"question\":\"Which list?\"}],\"counting\":["
    "{\"question\":0,\"method\":\"referendum\",\"participation_percent\":30},{\"question\":1,"
    "\"method\":\"dhondt\",\"seats\":10,\"threshold\":\"peru-2026\",\"tie_seed\":\"fuzz\"}]}";

static const char result_json[] = "{\"result\":[[40,5200,4000],[4100,2900,1500,900,600]]}";

/* The fixed outcome (made on first use, kept for the process), or NULL on failure. */
static const cns_outcome *fixture_outcome(void)
{
    static cns_outcome *outcome;
    if (outcome != NULL)
        return outcome;
    const cns_group *g = cns_group_by_name("ristretto255");
    cns_scalar x;
    cns_elt y;
    cns_election *e = NULL;
    cns_result r = {0};
    char *json = NULL;
    size_t len;
    cns_scalar_from_u64(g, &x, 7);
    cns_group_pow_g(g, &y, &x);
    if (cns_election_make(&json, &len, template_json, strlen(template_json), "FuzzE1ectionXYZ", g,
                          &y, NULL) == CNS_OK &&
        cns_election_parse(&e, json, len, NULL) == CNS_OK &&
        cns_result_parse(&r, e, result_json, strlen(result_json), NULL) == CNS_OK &&
        cns_outcome_derive(&outcome, e, &r, 15000, NULL) != CNS_OK)
        outcome = NULL;
    cns_result_free(&r);
    cns_election_free(e);
    free(json);
    return outcome;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sodium_init() < 0)
        abort();
    const cns_outcome *o = fixture_outcome();
    if (o == NULL)
        abort();
    cns_diag diag;
    if (cns_outcome_check(o, (const char *)data, size, &diag) == CNS_ERR_INTERNAL)
        abort();
    static int own_checked;
    if (!own_checked) {
        char *json = NULL;
        size_t len;
        own_checked = 1;
        if (cns_outcome_to_json(o, &json, &len) != CNS_OK ||
            cns_outcome_check(o, json, len, &diag) != CNS_OK)
            abort();
        free(json);
    }
    return 0;
}
