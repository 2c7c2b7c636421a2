/*
 * libFuzzer target: what trustees and the board publish after the ballots,
 * for the fixture election: a partial decryption, an encrypted tally and a
 * result (the first byte chooses which). Accepted inputs are checked
 * against a tally of no ballot, which must never crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/tally.h"
#include "election_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_partial(const cns_election *e, const cns_tally *empty, const char *in, size_t len)
{
    cns_partial *p = NULL;
    cns_elt X;
    cns_group_generator(cns_election_group(e), &X);
    if (cns_partial_parse(&p, e, in, len, NULL) == CNS_OK)
        if (cns_partial_verify(e, empty, p, &X, NULL) != CNS_OK)
            p = p; /* refused: what a forged proof must get */
    cns_partial_free(p);
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
    if (cns_result_parse(&r, e, in, len, NULL) == CNS_OK)
        cns_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const cns_election *e;
    static cns_tally *empty;
    if (sodium_init() < 0 || (e = fixture_election()) == NULL)
        abort();
    if (empty == NULL && cns_tally_new(&empty, e) != CNS_OK)
        abort();
    if (size == 0)
        return 0;
    const char *in = (const char *)data + 1;
    switch (data[0] % 3) {
    case 0:
        fuzz_partial(e, empty, in, size - 1);
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
