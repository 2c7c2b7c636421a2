/*
 * libFuzzer target: an election definition (election.json) and a voter's
 * choices for it. An accepted election must give back exactly its bytes;
 * the rest of the input, after the first newline, is parsed as choices.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/ballot.h"
#include "consulta/election.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *newline = memchr(text, '\n', size);
    size_t len = newline ? (size_t)(newline - text) : size;
    cns_election *e = NULL;
    if (sodium_init() < 0)
        abort();
    if (cns_election_parse(&e, text, len, NULL) == CNS_OK) {
        size_t n;
        const char *bytes = cns_election_bytes(e, &n);
        if (n != len || memcmp(bytes, text, len) != 0)
            abort();
        if (newline != NULL) {
            cns_choices choices = {0};
            if (cns_choices_parse(&choices, e, newline + 1, size - len - 1, NULL) == CNS_OK)
                cns_choices_free(&choices);
        }
    }
    cns_election_free(e);
    return 0;
}
