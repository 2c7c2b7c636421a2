/*
 * A growable byte buffer with a hard maximum and a sticky error: writers
 * append without checking each call, then ask cns_buf_status() once.
 * Internal to the library.
 */
#ifndef CONSULTA_CORE_BUF_H
#define CONSULTA_CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "consulta/error.h"

typedef struct cns_buf {
    char *data;  /* NUL-terminated when not NULL */
    size_t len;  /* bytes written, without the NUL */
    size_t cap;  /* bytes allocated */
    size_t max;  /* hard limit on len */
    cns_err err; /* first failure (CNS_ERR_NOMEM or CNS_ERR_LIMIT), or CNS_OK */
} cns_buf;

/* An empty buffer that refuses to grow beyond max bytes. Allocates nothing yet. */
void cns_buf_init(cns_buf *buf, size_t max);

/*
 * Make room for extra more bytes at once, so that writing them never moves
 * the content (a buffer that will hold secrets reserves first: a realloc
 * would leave a copy behind). Records and returns the error, as appends do.
 */
cns_err cns_buf_reserve(cns_buf *buf, size_t extra);

/* Append len bytes (copied). On failure the buffer keeps its content and records the error. */
void cns_buf_put(cns_buf *buf, const void *bytes, size_t len);

/* Append a NUL-terminated string. */
void cns_buf_puts(cns_buf *buf, const char *s);

/* Append printf-style text. */
void cns_buf_printf(cns_buf *buf, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* CNS_OK, or the first error any append met. */
cns_err cns_buf_status(const cns_buf *buf);

/* Forget the content, keep the memory (len = 0, error cleared). */
void cns_buf_reset(cns_buf *buf);

/*
 * Hand the content to the caller, NUL-terminated (OUT: *len its length, may be
 * NULL); the caller frees it with free(). The buffer is left empty. Returns
 * NULL if an append failed (the content is then freed).
 */
char *cns_buf_take(cns_buf *buf, size_t *len);

/* Wipe and free the content. */
void cns_buf_free(cns_buf *buf);

#endif
