/*
 * libFuzzer target: trackers and short codes as a voter types them into the
 * "find my ballot" page (GET …/ballots/TRACKER). The input is fed to
 * cns_tracker_parse and to cns_tracker_code_parse. An accepted tracker must
 * be 43 characters that encode back to the same hash; an accepted short
 * code must be the code of any hash with its prefix, read back the same;
 * anything refused must be refused with CNS_ERR_DECODE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/election.h"
#include "consulta/tracker.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return sodium_init() < 0 ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char hash[CNS_HASH_BYTES], prefix[CNS_TRACKER_CODE_PREFIX],
        again[CNS_TRACKER_CODE_PREFIX];
    char b64[CNS_HASH_B64_BYTES], code[CNS_TRACKER_CODE_BYTES];
    const char *text = (const char *)data;
    cns_err err = cns_tracker_parse(hash, text, size, NULL);
    require(err == CNS_OK || err == CNS_ERR_DECODE);
    if (err == CNS_OK) {
        require(size == 43);
        sodium_bin2base64(b64, sizeof b64, hash, sizeof hash,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
        for (size_t i = 0; i < size; i++) {
            char c = text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
            require(b64[i] == c);
        }
    }
    err = cns_tracker_code_parse(prefix, text, size, NULL);
    require(err == CNS_OK || err == CNS_ERR_DECODE);
    if (err == CNS_OK) {
        memset(hash, 0xa5, sizeof hash);
        memcpy(hash, prefix, sizeof prefix);
        cns_tracker_code(code, hash);
        require(cns_tracker_code_parse(again, code, strlen(code), NULL) == CNS_OK);
        require(memcmp(again, prefix, sizeof prefix) == 0);
    }
    return 0;
}
