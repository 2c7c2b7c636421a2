/*
 * Strict text forms shared by the groups (internal to src/group/): canonical
 * decimal (elements of BELENIOS-2048, scalars of every group) and 64 lowercase
 * hex digits (elements of the curve groups).
 */
#ifndef CONSULTA_GROUP_TEXT_H
#define CONSULTA_GROUP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check that text (len bytes) is canonical decimal: at least one digit, digits
 * only (no sign, no space), no leading zero except "0" itself. OUT: digits
 * (unless NULL), the len digit values 0–9 (the form mpn_set_str reads).
 * CT: no branch on the value of a valid digit; len is public.
 */
bool cns_text_decimal(unsigned char *digits, const char *text, size_t len);

/*
 * Write n digit values (0–9, as mpn_get_str writes them, leading zeros
 * allowed) as canonical decimal text, NUL-terminated, into out (cap bytes).
 * Returns the length without the NUL, or 0 (and "" if cap > 0) if cap is too
 * small. n = 0 or all zeros gives "0".
 */
size_t cns_text_put_decimal(char *out, size_t cap, const unsigned char *digits, size_t n);

/* Decimal digits of the largest scalar (2^256 − 1 < 10^78). */
#define CNS_TEXT_SCALAR_DIGITS 78

/*
 * The value of n ≤ CNS_TEXT_SCALAR_DIGITS digit values (0–9, most significant
 * first, as cns_text_decimal writes them) as 32 little-endian bytes. Returns
 * false (out still written, low 256 bits) if the value is 2^256 or more.
 * CT: no branch or index on the digits; n is public.
 */
bool cns_text_decimal_to_le(unsigned char out[32], const unsigned char *digits, size_t n);

/*
 * OUT: the CNS_TEXT_SCALAR_DIGITS decimal digit values of the 256-bit
 * little-endian number le, most significant first, with leading zeros (the
 * input cns_text_put_decimal takes).
 * CT: no branch or index on the value.
 */
void cns_text_le_to_decimal(unsigned char digits[CNS_TEXT_SCALAR_DIGITS],
                            const unsigned char le[32]);

/*
 * Parse exactly 64 lowercase hex digits into 32 bytes, first digit pair first.
 * Returns false (out undefined) on any other text.
 */
bool cns_text_hex32(unsigned char out[32], const char *text, size_t len);

/* 64 lowercase hex digits of in, NUL-terminated, into out (cap ≥ 65, else 0 and ""). */
size_t cns_text_put_hex32(char *out, size_t cap, const unsigned char in[32]);

#endif
