/* Tests of consulta/base58.h: digits, random strings, UUIDs. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "consulta/base58.h"

static void test_digits(void)
{
    const char *alphabet = CNS_BASE58_ALPHABET;
    CHECK(strlen(alphabet) == 58);
    bool all = true;
    for (unsigned d = 0; d < 58; d++) {
        all = all && cns_base58_digit(alphabet[d]) == (int)d;
        all = all && cns_base58_char(d) == alphabet[d];
    }
    CHECK(all);
    /* Every other byte is refused, including the four look-alikes. */
    int accepted = 0;
    for (int c = 0; c < 256; c++)
        accepted += cns_base58_digit((char)c) >= 0;
    CHECK(accepted == 58);
    CHECK(cns_base58_digit('0') == -1);
    CHECK(cns_base58_digit('O') == -1);
    CHECK(cns_base58_digit('I') == -1);
    CHECK(cns_base58_digit('l') == -1);
    CHECK(cns_base58_digit('\0') == -1);
    CHECK(cns_base58_char(58) == '\0');
    CHECK(cns_base58_char(1000000) == '\0');
}

static void test_random(void)
{
    /* 58 * 2000 digits: each should appear about 2000 times. */
    enum { PER = 2000, N = 58 * PER };
    static char buf[N + 1];
    CHECK_OK(cns_base58_random(buf, N));
    CHECK(buf[N] == '\0' && strlen(buf) == N);
    unsigned counts[58] = {0};
    bool valid = true;
    for (size_t i = 0; i < N; i++) {
        int d = cns_base58_digit(buf[i]);
        valid = valid && d >= 0;
        if (d >= 0)
            counts[d]++;
    }
    CHECK(valid);
    /* chi-square with 57 degrees of freedom; 120 is far beyond p = 1e-6. */
    double chi2 = 0;
    for (int d = 0; d < 58; d++)
        chi2 += (counts[d] - (double)PER) * (counts[d] - (double)PER) / PER;
    CHECK(chi2 < 120.0);
    CHECK_OK(cns_base58_random(buf, 0));
    CHECK(buf[0] == '\0');
}

static void test_uuid(void)
{
    char a[CNS_UUID_LEN + 1], b[CNS_UUID_LEN + 1];
    cns_diag diag = {{0}};
    CHECK_OK(cns_base58_uuid_new(a));
    CHECK_OK(cns_base58_uuid_new(b));
    CHECK(strlen(a) == CNS_UUID_LEN);
    CHECK(strcmp(a, b) != 0);
    CHECK_OK(cns_base58_uuid_check(a, strlen(a), &diag));
    CHECK_OK(cns_base58_uuid_check("ejrMrFDogJEHkZ", 14, &diag));
    CHECK_OK(cns_base58_uuid_check("roEZNrAz8upuV8", 14, &diag));
    CHECK_OK(cns_base58_uuid_check("roEZNrAz8upuV8roEZNr", 20, &diag));
    CHECK_ERR(cns_base58_uuid_check("roEZNrAz8upuV", 13, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "at least 14");
    CHECK_ERR(cns_base58_uuid_check("roEZNrAz8upuV0", 14, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "character 14");
    CHECK_ERR(cns_base58_uuid_check("roEZNrAz8u uV8", 14, &diag), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "character 11");
    /* An embedded NUL counts as a character, and a bad one. */
    CHECK_ERR(cns_base58_uuid_check("roEZNrAz8u\0uV8", 14, &diag), CNS_ERR_DECODE);
    char longer[CNS_UUID_MAX_LEN + 2];
    memset(longer, 'z', sizeof longer);
    CHECK_OK(cns_base58_uuid_check(longer, CNS_UUID_MAX_LEN, &diag));
    CHECK_ERR(cns_base58_uuid_check(longer, CNS_UUID_MAX_LEN + 1, &diag), CNS_ERR_LIMIT);
    CHECK_ERR(cns_base58_uuid_check("", 0, NULL), CNS_ERR_DECODE);
}

int main(void)
{
    test_digits();
    test_random();
    test_uuid();
    return CHECK_DONE();
}
