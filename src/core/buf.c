/* Growable buffer with a hard maximum (buf.h). */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

void cns_buf_init(cns_buf *buf, size_t max)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
    buf->err = CNS_OK;
}

/* Make room for extra more bytes plus a NUL; records the error on failure. */
static bool reserve(cns_buf *buf, size_t extra)
{
    if (buf->err != CNS_OK)
        return false;
    if (extra > buf->max - buf->len) {
        buf->err = CNS_ERR_LIMIT;
        return false;
    }
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return true;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *data = realloc(buf->data, cap);
    if (data == NULL) {
        buf->err = CNS_ERR_NOMEM;
        return false;
    }
    buf->data = data;
    buf->cap = cap;
    return true;
}

cns_err cns_buf_reserve(cns_buf *buf, size_t extra)
{
    reserve(buf, extra);
    return buf->err;
}

void cns_buf_put(cns_buf *buf, const void *bytes, size_t len)
{
    if (!reserve(buf, len))
        return;
    if (len > 0)
        memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void cns_buf_puts(cns_buf *buf, const char *s)
{
    cns_buf_put(buf, s, strlen(s));
}

void cns_buf_printf(cns_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf->err = buf->err ? buf->err : CNS_ERR_INTERNAL;
        return;
    }
    if (!reserve(buf, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
}

cns_err cns_buf_status(const cns_buf *buf)
{
    return buf->err;
}

void cns_buf_reset(cns_buf *buf)
{
    buf->len = 0;
    buf->err = CNS_OK;
    if (buf->data != NULL)
        buf->data[0] = '\0';
}

char *cns_buf_take(cns_buf *buf, size_t *len)
{
    char *data = buf->data;
    if (buf->err != CNS_OK) {
        cns_buf_free(buf);
        return NULL;
    }
    if (data == NULL)
        data = calloc(1, 1);
    if (len != NULL)
        *len = buf->len;
    cns_buf_init(buf, buf->max);
    return data;
}

void cns_buf_free(cns_buf *buf)
{
    if (buf->data != NULL) {
        sodium_memzero(buf->data, buf->cap);
        free(buf->data);
    }
    cns_buf_init(buf, buf->max);
}
