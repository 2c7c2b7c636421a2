/* Smart ballot trackers and their short codes (consulta/tracker.h). */
#include <sodium.h>

#include "check.h"
#include "consulta/tracker.h"

/* SHA-256("abc") and SHA-256(""): codes computed independently (Python). */
static void known_codes(void)
{
    unsigned char h[CNS_HASH_BYTES];
    char code[CNS_TRACKER_CODE_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)"abc", 3);
    cns_tracker_code(code, h);
    CHECK(strcmp(code, "Q9W1-DFWF") == 0);
    crypto_hash_sha256(h, (const unsigned char *)"", 0);
    cns_tracker_code(code, h);
    CHECK(strcmp(code, "WERC-8GMR") == 0);
}

static void full_trackers(void)
{
    unsigned char want[CNS_HASH_BYTES], got[CNS_HASH_BYTES];
    cns_diag diag = {{0}};
    crypto_hash_sha256(want, (const unsigned char *)"abc", 3);
    const char *std = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0";
    const char *url = "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0";
    CHECK_OK(cns_tracker_parse(got, std, strlen(std), &diag));
    CHECK_MEM(got, want, CNS_HASH_BYTES);
    CHECK_OK(cns_tracker_parse(got, url, strlen(url), &diag));
    CHECK_MEM(got, want, CNS_HASH_BYTES);
    CHECK_ERR(cns_tracker_parse(got, std, 42, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "43 characters, not 42");
    /* both alphabets at once */
    CHECK_ERR(cns_tracker_parse(got, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", 43, &diag),
              CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "mixes two Base64 alphabets");
    /* the last symbol's unused bits set: not canonical */
    CHECK_ERR(cns_tracker_parse(got, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa1", 43, &diag),
              CNS_ERR_DECODE);
    CHECK_ERR(cns_tracker_parse(got, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa!", 43, &diag),
              CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "Base64 of 32 bytes");
}

static void typed_codes(void)
{
    unsigned char h[CNS_HASH_BYTES], p[CNS_TRACKER_CODE_PREFIX];
    cns_diag diag = {{0}};
    crypto_hash_sha256(h, (const unsigned char *)"abc", 3);
    const char *ok[] = {"Q9W1-DFWF", "Q9W1DFWF", "q9w1-dfwf", "Q9WI-DFWF", "q9wl-dfwf"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        memset(p, 0, sizeof p);
        CHECK_OK(cns_tracker_code_parse(p, ok[i], strlen(ok[i]), &diag));
        CHECK_MEM(p, h, CNS_TRACKER_CODE_PREFIX);
    }
    /* O reads as 0: WERC-8GMR has no 0, so test the mapping on its own */
    unsigned char zero[CNS_TRACKER_CODE_PREFIX];
    CHECK_OK(cns_tracker_code_parse(zero, "0000-0000", 9, &diag));
    CHECK_OK(cns_tracker_code_parse(p, "oOoO-0000", 9, &diag));
    CHECK_MEM(p, zero, CNS_TRACKER_CODE_PREFIX);
    CHECK_ERR(cns_tracker_code_parse(p, "Q9W1DFW", 7, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "8 symbols");
    CHECK_ERR(cns_tracker_code_parse(p, "Q9W1DFWF1", 9, &diag), CNS_ERR_DECODE);
    CHECK_ERR(cns_tracker_code_parse(p, "Q9-W1DFWF", 9, &diag), CNS_ERR_DECODE);
    CHECK_ERR(cns_tracker_code_parse(p, "Q9W1-DFWU", 9, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "character 9");
    CHECK_ERR(cns_tracker_code_parse(p, "Q9W1-DF*F", 9, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "character 8");
}

/* Every code reads back to the prefix it came from. */
static void round_trip(void)
{
    unsigned char h[CNS_HASH_BYTES], p[CNS_TRACKER_CODE_PREFIX];
    char code[CNS_TRACKER_CODE_BYTES];
    bool ok = true;
    for (int i = 0; i < 1000; i++) {
        randombytes_buf(h, sizeof h);
        cns_tracker_code(code, h);
        ok = ok && strlen(code) == 9 && code[4] == '-' &&
             cns_tracker_code_parse(p, code, 9, NULL) == CNS_OK &&
             memcmp(p, h, CNS_TRACKER_CODE_PREFIX) == 0;
    }
    CHECK(ok);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    known_codes();
    full_trackers();
    typed_codes();
    round_trip();
    return CHECK_DONE();
}
