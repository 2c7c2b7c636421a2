/*
 * libsodium's edwards25519 points in memory: the functions libsodium 1.0.18
 * uses itself for crypto_core_ed25519_* and crypto_core_ristretto255_*
 * (private/ed25519_ref10.h of that release, with 51-bit limbs on 64-bit
 * targets and 25.5-bit limbs in WebAssembly). They are global symbols of libsodium.a but not
 * exported by libsodium.so, so consulta links libsodium statically (Makefile).
 *
 * Why: the public API takes and returns encoded points, so each addition
 * costs a decoding and an encoding (two field inversions, ~15 µs); kept in
 * memory, an addition costs 0.13 µs and a scalar multiplication loses its
 * two conversions. libdecaf (Debian's libdecaf-dev 1.0.2) has a public
 * in-memory API for ristretto255 only, and measured slower here (addition
 * 0.20 µs, g^s·a^c 45 µs against 39 µs), and nothing for Ed25519.
 *
 * This is a private interface of one release: the build refuses any other
 * libsodium version, and tests/test_group.c checks these functions against
 * the public API. No field arithmetic is written here or elsewhere in
 * consulta: only these libsodium functions touch coordinates.
 */
#ifndef CONSULTA_GE25519_H
#define CONSULTA_GE25519_H

#include <stdint.h>

#include <sodium.h>

#if SODIUM_LIBRARY_VERSION_MAJOR != 10 || SODIUM_LIBRARY_VERSION_MINOR != 3
#error "src/group/ge25519.h declares libsodium 1.0.18's internal point functions"
#endif
#if defined(__EMSCRIPTEN__)
/* libsodium 1.0.18's configure refuses 128-bit arithmetic under emscripten:
 * its WebAssembly build uses ten 25.5-bit limbs (fe_25_5). */
typedef int32_t fe25519[10];
#elif defined(__SIZEOF_INT128__)
typedef uint64_t fe25519[5];
#else
#error "libsodium uses 51-bit limbs (fe_51) only where the compiler has 128-bit integers"
#endif

/* (X:Y:Z) with x = X/Z, y = Y/Z */
typedef struct {
    fe25519 X, Y, Z;
} ge25519_p2;

/* extended (X:Y:Z:T) with xy = T/Z */
typedef struct {
    fe25519 X, Y, Z, T;
} ge25519_p3;

/* completed ((X:Z),(Y:T)) */
typedef struct {
    fe25519 X, Y, Z, T;
} ge25519_p1p1;

/* (Y+X, Y−X, Z, 2dT), the second operand of an addition */
typedef struct {
    fe25519 YplusX, YminusX, Z, T2d;
} ge25519_cached;

void ge25519_add(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void ge25519_sub(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void ge25519_p3_to_cached(ge25519_cached *r, const ge25519_p3 *p);
void ge25519_p1p1_to_p2(ge25519_p2 *r, const ge25519_p1p1 *p);
void ge25519_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p);

/* RFC 8032 encodings; frombytes returns 0 on success (no subgroup check). */
int ge25519_frombytes(ge25519_p3 *h, const unsigned char *s);
void ge25519_p3_tobytes(unsigned char *s, const ge25519_p3 *h);
void ge25519_tobytes(unsigned char *s, const ge25519_p2 *h);
int ge25519_is_canonical(const unsigned char *s);
int ge25519_has_small_order(const unsigned char *s);
int ge25519_is_on_curve(const ge25519_p3 *p);
int ge25519_is_on_main_subgroup(const ge25519_p3 *p);

/* RFC 9496 encodings; frombytes returns 0 on success (full validation). */
int ristretto255_frombytes(ge25519_p3 *h, const unsigned char *s);
void ristretto255_p3_tobytes(unsigned char *s, const ge25519_p3 *h);

/* h = a·p (a[31] ≤ 127), constant time in a. */
void ge25519_scalarmult(ge25519_p3 *h, const unsigned char *a, const ge25519_p3 *p);
/* h = a·B for the Ed25519 base point B (a[31] ≤ 127), constant time in a. */
void ge25519_scalarmult_base(ge25519_p3 *h, const unsigned char *a);
/* r = a·A + b·B (a[31], b[31] ≤ 127), variable time. */
void ge25519_double_scalarmult_vartime(ge25519_p2 *r, const unsigned char *a, const ge25519_p3 *A,
                                       const unsigned char *b);

#endif
