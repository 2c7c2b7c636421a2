/*
 * consulta — Base58 as Belenios uses it (spec 2.0 §4.2, footnote 1): the
 * alphabet without 0, O, I and l, each character a digit 0…57 in this order.
 * Election UUIDs are strings of at least 14 Base58 characters; private
 * credentials (consulta/credential.h) are Base58 too.
 *
 * Randomness comes from libsodium's CSPRNG only (ATTACKS.md #12).
 *
 * THREAD SAFETY: everything here is reentrant (libsodium must have been
 * initialised, which the functions below do themselves).
 */
#ifndef CONSULTA_BASE58_H
#define CONSULTA_BASE58_H

#include <stddef.h>

#include "consulta/error.h"

/* The 58 digits, digit 0 first. */
#define CNS_BASE58_ALPHABET "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

/* Length of a UUID made by cns_base58_uuid_new (as belenios-tool makes them). */
#define CNS_UUID_LEN 14
/* Shortest UUID accepted (spec 2.0 §4.2). */
#define CNS_UUID_MIN_LEN 14
/* Longest UUID accepted: a hard limit of ours, Belenios has none. */
#define CNS_UUID_MAX_LEN 64

/*
 * The value (0…57) of Base58 digit c, or -1 if c is not a Base58 character.
 * CT: constant time in c (no table lookup, no branch), so that it may be used
 * on secret credentials.
 */
int cns_base58_digit(char c);

/*
 * The character of digit d (0 ≤ d < 58; anything else gives '\0').
 * CT: constant time in d.
 */
char cns_base58_char(unsigned d);

/*
 * OUT: n uniformly random Base58 characters in out[0…n-1], then a NUL at
 * out[n] (so out has room for n+1 bytes). Each digit is drawn by rejection
 * sampling from libsodium's CSPRNG: no modulo bias.
 * Errors: CNS_ERR_INTERNAL if libsodium cannot be initialised.
 * CT: the characters are produced without secret-dependent branches or
 * indexing (rejection only depends on discarded random bytes).
 */
CNS_NODISCARD cns_err cns_base58_random(char *out, size_t n);

/*
 * OUT: a fresh election UUID: CNS_UUID_LEN random Base58 characters and a NUL.
 * Errors: as cns_base58_random.
 */
CNS_NODISCARD cns_err cns_base58_uuid_new(char out[CNS_UUID_LEN + 1]);

/*
 * Check that text (len bytes, no NUL needed; borrowed) is a UUID: between
 * CNS_UUID_MIN_LEN and CNS_UUID_MAX_LEN Base58 characters.
 * Errors: CNS_ERR_DECODE (wrong length or a non-Base58 character, with its
 * position in diag), CNS_ERR_LIMIT (longer than CNS_UUID_MAX_LEN).
 */
CNS_NODISCARD cns_err cns_base58_uuid_check(const char *text, size_t len, cns_diag *diag);

#endif
