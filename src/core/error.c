/* Error codes and diagnostics (consulta/error.h). */
#include "consulta/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *cns_strerror(cns_err err)
{
    switch (err) {
    case CNS_OK:
        return "success";
    case CNS_ERR_INVALID:
        return "invalid input";
    case CNS_ERR_DECODE:
        return "malformed or non-canonical encoding";
    case CNS_ERR_VERIFY:
        return "verification failed";
    case CNS_ERR_NOMEM:
        return "out of memory";
    case CNS_ERR_LIMIT:
        return "input exceeds a limit";
    case CNS_ERR_IO:
        return "input/output error";
    case CNS_ERR_STORE:
        return "storage error";
    case CNS_ERR_NOTFOUND:
        return "not found";
    case CNS_ERR_STATE:
        return "not allowed in the current phase";
    case CNS_ERR_INTERNAL:
        return "internal error";
    default:
        return "unknown error";
    }
}

cns_err cns_diag_set(cns_diag *diag, cns_err err, const char *fmt, ...)
{
    if (diag == NULL)
        return err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->text, sizeof diag->text, fmt, ap);
    va_end(ap);
    return err;
}

cns_err cns_diag_prefix(cns_diag *diag, cns_err err, const char *fmt, ...)
{
    if (diag == NULL)
        return err;
    char prefix[CNS_DIAG_BYTES];
    char old[CNS_DIAG_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, diag->text, sizeof old);
    old[sizeof old - 1] = '\0';
    size_t plen = strlen(prefix);
    size_t olen = strnlen(old, sizeof diag->text - 1 - plen);
    memcpy(diag->text, prefix, plen);
    memcpy(diag->text + plen, old, olen);
    diag->text[plen + olen] = '\0';
    return err;
}
