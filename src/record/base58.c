/* Base58 digits, random strings and UUIDs (consulta/base58.h). */
#include "consulta/base58.h"

#include <sodium.h>

/* The alphabet as five contiguous ASCII runs: first character, first digit, length. */
static const struct {
    unsigned first_char, first_digit, len;
} runs[] = {
    {'1', 0, 9}, {'A', 9, 8}, {'J', 17, 5}, {'P', 22, 11}, {'a', 33, 11}, {'m', 44, 14},
};

#define N_RUNS (sizeof runs / sizeof runs[0])

/* All-ones if lo ≤ x ≤ hi, else 0, without branching; x, lo, hi < 2^16. */
static unsigned range_mask(unsigned x, unsigned lo, unsigned hi)
{
    unsigned outside = ((x - lo) | (hi - x)) >> 31;
    return (outside ^ 1u) * ~0u;
}

int cns_base58_digit(char c)
{
    unsigned x = (unsigned char)c, value = 0;
    for (size_t i = 0; i < N_RUNS; i++) {
        unsigned lo = runs[i].first_char, hi = lo + runs[i].len - 1;
        value |= range_mask(x, lo, hi) & (x - lo + runs[i].first_digit + 1);
    }
    return (int)value - 1;
}

char cns_base58_char(unsigned d)
{
    unsigned value = 0;
    if (d > 0xffff)
        return '\0';
    for (size_t i = 0; i < N_RUNS; i++) {
        unsigned lo = runs[i].first_digit, hi = lo + runs[i].len - 1;
        value |= range_mask(d, lo, hi) & (d - lo + runs[i].first_char);
    }
    return (char)value;
}

cns_err cns_base58_random(char *out, size_t n)
{
    if (sodium_init() < 0)
        return CNS_ERR_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        /* randombytes_uniform rejects the biased top of the 32-bit range. */
        out[i] = cns_base58_char(randombytes_uniform(58));
    }
    out[n] = '\0';
    return CNS_OK;
}

cns_err cns_base58_uuid_new(char out[CNS_UUID_LEN + 1])
{
    return cns_base58_random(out, CNS_UUID_LEN);
}

cns_err cns_base58_uuid_check(const char *text, size_t len, cns_diag *diag)
{
    if (len > CNS_UUID_MAX_LEN)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "uuid: %zu characters, at most %d allowed", len,
                            CNS_UUID_MAX_LEN);
    if (len < CNS_UUID_MIN_LEN)
        return cns_diag_set(diag, CNS_ERR_DECODE, "uuid: %zu characters, at least %d needed", len,
                            CNS_UUID_MIN_LEN);
    for (size_t i = 0; i < len; i++) {
        if (cns_base58_digit(text[i]) < 0)
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "uuid: character %zu (0x%02x) is not a Base58 digit", i + 1,
                                (unsigned char)text[i]);
    }
    return CNS_OK;
}
