/*
 * consulta — error codes shared by every module.
 *
 * Every function that can fail returns cns_err; CNS_OK is 0. A new code is
 * added only when a caller would act differently on it. Detail for people
 * (what failed, where) travels separately, in a cns_diag filled by the
 * function that failed; it never contains secret material.
 *
 * THREAD SAFETY: everything here is reentrant.
 */
#ifndef CONSULTA_ERROR_H
#define CONSULTA_ERROR_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define CNS_NODISCARD __attribute__((warn_unused_result))
#else
#define CNS_NODISCARD
#endif

typedef enum cns_err {
    CNS_OK = 0,
    CNS_ERR_INVALID,  /* argument or input breaks a rule (range, shape, protocol rule) */
    CNS_ERR_DECODE,   /* bytes/text could not be parsed, or are not in canonical form */
    CNS_ERR_VERIFY,   /* a proof, signature, hash or chain link does not check */
    CNS_ERR_NOMEM,    /* allocation failed */
    CNS_ERR_LIMIT,    /* input exceeds a hard limit (size, count, depth) */
    CNS_ERR_IO,       /* reading or writing a file failed */
    CNS_ERR_STORE,    /* the storage backend failed */
    CNS_ERR_NOTFOUND, /* a referenced item is absent */
    CNS_ERR_STATE,    /* the operation does not fit the election's current phase */
    CNS_ERR_INTERNAL, /* a bug: an invariant did not hold */
} cns_err;

/* Short, static, English description of an error code; never NULL. */
const char *cns_strerror(cns_err err);

/*
 * A diagnostic: the human-readable detail of the last failure, such as
 * "ballot 17: overall_proof of question 2 does not verify". Fixed size, so it
 * can live on the stack and be filled without allocating.
 */
#define CNS_DIAG_BYTES 512
typedef struct cns_diag {
    char text[CNS_DIAG_BYTES];
} cns_diag;

/*
 * Record a printf-style message in diag (which may be NULL: then nothing is
 * recorded) and return err unchanged, so that failures read
 *     return cns_diag_set(diag, CNS_ERR_VERIFY, "ballot %zu: bad signature", i);
 * An existing message is replaced.
 */
cns_err cns_diag_set(cns_diag *diag, cns_err err, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/*
 * Put a prefix in front of the message already in diag ("record: " + "ballot
 * 3: …"), to add context while a failure travels up. Returns err unchanged.
 */
cns_err cns_diag_prefix(cns_diag *diag, cns_err err, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
