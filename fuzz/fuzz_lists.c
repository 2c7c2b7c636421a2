/*
 * libFuzzer target: Belenios 3.x "Lists" questions (Belenios 3.0), for the
 * election of belenios-3.3/e-ed25519-lists (its election.json, below). The
 * first byte chooses: 0 a ballot (parsed, verified; an accepted one must be
 * exactly the input), 1 an encrypted tally, 2 a result (nested rows; an
 * accepted one must be written back to the same bytes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/ballot.h"
#include "consulta/election.h"
#include "consulta/tally.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char lists_election[] =
    "{\"version\":1,\"description\":\"Reference election (Lists question, new in Belenios 3"
    ".0) for interoperability testing.\",\"name\":\"Reference election E\",\"group\":\"Ed25"
    "519\",\"public_key\":\"d4e71c5c7866a026c0b4d9e72bcc5ec1f4b68c727177b92f8d1a2fc4a2f6a28"
    "6\",\"questions\":[{\"type\":\"Lists\",\"value\":{\"answers\":[[\"List 1\",\"Candidate"
    " 1-1\",\"Candidate 1-2\"],[\"List 2\",\"Candidate 2-1\"],[\"List 3\",\"Candidate 3-1\""
    ",\"Candidate 3-2\",\"Candidate 3-3\"]],\"question\":\"Choose one list and at least one"
    " of its candidates\"}},{\"answers\":[\"Yes\",\"No\"],\"blank\":true,\"min\":1,\"max\":"
    "1,\"question\":\"Do you approve the proposal?\"}],\"uuid\":\"Huf2r87c2bZkZM\"}";

static const cns_election *election(void)
{
    static cns_election *e;
    if (e == NULL &&
        cns_election_parse(&e, lists_election, sizeof lists_election - 1, NULL) != CNS_OK)
        abort();
    return e;
}

static void fuzz_ballot(const cns_election *e, const char *in, size_t len)
{
    cns_ballot *b = NULL;
    if (cns_ballot_parse(&b, e, in, len, NULL) == CNS_OK) {
        size_t n;
        const char *bytes = cns_ballot_bytes(b, &n);
        if (n != len || memcmp(bytes, in, len) != 0)
            abort();
        if (cns_ballot_verify(e, b, NULL) != CNS_OK)
            b = b; /* refused: what a forged proof must get */
    }
    cns_ballot_free(b);
}

static void fuzz_tally(const cns_election *e, const char *in, size_t len)
{
    cns_tally *t = NULL;
    if (cns_tally_parse(&t, e, in, len, 0, 0, NULL) == CNS_OK) {
        char *json = NULL;
        size_t n;
        if (cns_tally_write(t, &json, &n) != CNS_OK || n != len || memcmp(json, in, len) != 0)
            abort();
        free(json);
    }
    cns_tally_free(t);
}

static void fuzz_result(const cns_election *e, const char *in, size_t len)
{
    cns_result r = {0};
    if (cns_result_parse(&r, e, in, len, NULL) == CNS_OK) {
        char *json = NULL;
        size_t n;
        if (cns_result_write(&r, &json, &n) != CNS_OK || n != len || memcmp(json, in, len) != 0)
            abort();
        free(json);
        cns_result_free(&r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || sodium_init() < 0)
        return 0;
    const cns_election *e = election();
    const char *in = (const char *)data + 1;
    switch (data[0] % 3) {
    case 0:
        fuzz_ballot(e, in, size - 1);
        break;
    case 1:
        fuzz_tally(e, in, size - 1);
        break;
    default:
        fuzz_result(e, in, size - 1);
        break;
    }
    return 0;
}
