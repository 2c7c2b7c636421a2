/*
 * libFuzzer target: a Benaloh audit record as a voter or an observer hands
 * it to `consulta audit-ballot` or the booth's worker, for the fixture
 * election (fuzz/election_fixture.h). The check must accept or refuse
 * without a crash, and refuse with a message.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>

#include "consulta/ballot.h"
#include "election_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const cns_election *e;
    cns_diag diag = {{0}};
    if (sodium_init() < 0 || (e = fixture_election()) == NULL)
        abort();
    if (cns_ballot_audit_check(e, (const char *)data, size, &diag) != CNS_OK && diag.text[0] == 0)
        abort(); /* every refusal says why */
    return 0;
}
