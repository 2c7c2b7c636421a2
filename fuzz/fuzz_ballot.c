/*
 * libFuzzer target: a ballot from the network, for the fixture election
 * (fuzz/election_fixture.h). Parsing must refuse or accept without a crash;
 * an accepted ballot is verified, and its bytes must be exactly the input
 * (the canonical-form rule).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/ballot.h"
#include "election_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const cns_election *e;
    cns_ballot *b = NULL;
    if (sodium_init() < 0 || (e = fixture_election()) == NULL)
        abort();
    if (cns_ballot_parse(&b, e, (const char *)data, size, NULL) == CNS_OK) {
        size_t len;
        const char *bytes = cns_ballot_bytes(b, &len);
        if (len != size || memcmp(bytes, data, size) != 0)
            abort();
        if (cns_ballot_verify(e, b, NULL) != CNS_OK)
            b = b; /* refused: what a forged proof must get */
    }
    cns_ballot_free(b);
    return 0;
}
