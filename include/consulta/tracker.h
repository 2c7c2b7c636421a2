/*
 * consulta — smart ballot trackers and their short codes (issue 8).
 *
 * The tracker of a ballot is the unpadded standard Base64 of the SHA-256 of
 * its bytes (43 characters), as Belenios prints it. Its short code, for a
 * voter to note down or read aloud, is the first 40 bits of those 32 bytes
 * written in Crockford's base32 (digits and capitals without I, L, O, U), as
 * "XXXX-XXXX". A short code names a ballot only as long as no other ballot
 * on the board shares those 40 bits; a lookup that finds several says so.
 *
 * THREAD SAFETY: pure functions.
 */
#ifndef CONSULTA_TRACKER_H
#define CONSULTA_TRACKER_H

#include <stddef.h>

#include "consulta/archive.h"
#include "consulta/error.h"

/* "XXXX-XXXX" and its NUL. */
#define CNS_TRACKER_CODE_BYTES 10
/* The bytes of the hash a short code gives: 40 bits. */
#define CNS_TRACKER_CODE_PREFIX 5

/*
 * OUT: the short code of the ballot whose SHA-256 is hash, "XXXX-XXXX"
 * NUL-terminated: the first 40 bits of hash, big-endian, 5 bits a symbol.
 */
void cns_tracker_code(char out[CNS_TRACKER_CODE_BYTES], const unsigned char hash[CNS_HASH_BYTES]);

/*
 * Read a full tracker (text: len bytes, borrowed): 43 characters of unpadded
 * Base64, standard ('+', '/') or URL-safe ('-', '_') alphabet, canonical
 * (the unused low bits zero). OUT: hash, the ballot's SHA-256.
 * Errors: CNS_ERR_DECODE (diag says why).
 */
CNS_NODISCARD cns_err cns_tracker_parse(unsigned char hash[CNS_HASH_BYTES], const char *text,
                                        size_t len, cns_diag *diag);

/*
 * Read a short code (text: len bytes, borrowed) as a person may type it:
 * case-insensitive, one dash optional between the two halves, and
 * Crockford's readings of look-alikes (I and L as 1, O as 0).
 * OUT: prefix, the 40 bits it stands for.
 * Errors: CNS_ERR_DECODE (not 8 symbols, or a character outside the alphabet).
 */
CNS_NODISCARD cns_err cns_tracker_code_parse(unsigned char prefix[CNS_TRACKER_CODE_PREFIX],
                                             const char *text, size_t len, cns_diag *diag);

#endif
