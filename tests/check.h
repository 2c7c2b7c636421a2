/*
 * The test harness: a handful of macros. Each test program is a main() that
 * calls CHECK* and ends with `return CHECK_DONE();`, which prints
 * "N passed, N failed" and returns non-zero if anything failed. Checks
 * record a failure with file and line and go on.
 */
#ifndef CONSULTA_TESTS_CHECK_H
#define CONSULTA_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

#include "consulta/error.h"

static int check_passed_, check_failed_;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

/* Expect call to return exactly err (an cns_err). */
#define CHECK_ERR(call, err)                                                                       \
    do {                                                                                           \
        cns_err got_ = (call);                                                                     \
        if (got_ == (err)) {                                                                       \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: %s returned %s (%d), expected %s\n", __FILE__, __LINE__,       \
                    #call, cns_strerror(got_), (int)got_, #err);                                   \
        }                                                                                          \
    } while (0)

#define CHECK_OK(call) CHECK_ERR(call, CNS_OK)

/* Expect the NUL-terminated string haystack to contain needle. */
#define CHECK_CONTAINS(haystack, needle)                                                           \
    do {                                                                                           \
        const char *h_ = (haystack);                                                               \
        if (h_ != NULL && strstr(h_, (needle)) != NULL) {                                          \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,         \
                    h_ ? h_ : "(null)", (needle));                                                 \
        }                                                                                          \
    } while (0)

/* Expect n bytes at a and b to be equal; dumps both in hex otherwise. */
#define CHECK_MEM(a, b, n)                                                                         \
    do {                                                                                           \
        const unsigned char *a_ = (const unsigned char *)(a), *b_ = (const unsigned char *)(b);    \
        size_t n_ = (n);                                                                           \
        if (memcmp(a_, b_, n_) == 0) {                                                             \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: memory differs: %s vs %s\n  ", __FILE__, __LINE__, #a, #b);    \
            for (size_t i_ = 0; i_ < n_; i_++)                                                     \
                fprintf(stderr, "%02x", a_[i_]);                                                   \
            fprintf(stderr, "\n  ");                                                               \
            for (size_t i_ = 0; i_ < n_; i_++)                                                     \
                fprintf(stderr, "%02x", b_[i_]);                                                   \
            fprintf(stderr, "\n");                                                                 \
        }                                                                                          \
    } while (0)

#define CHECK_DONE()                                                                               \
    (printf("%d passed, %d failed\n", check_passed_, check_failed_), check_failed_ != 0)

#endif
