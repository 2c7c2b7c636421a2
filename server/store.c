/* The storage interface (server/store.h): choosing the backend, and the board's view of it. */
#include "store.h"

#include <string.h>

const store_ops *store_ops_for(const char *conninfo)
{
    if (strncmp(conninfo, "postgresql://", 13) == 0 || strncmp(conninfo, "postgres://", 11) == 0 ||
        strchr(conninfo, '=') != NULL)
        return &store_pg_ops;
    return &store_sqlite_ops;
}

cns_err store_open(store **out, const char *conninfo, cns_diag *diag)
{
    const store_ops *ops = store_ops_for(conninfo);
    *out = NULL;
    cns_err err = ops->open(out, conninfo, diag);
    if (err == CNS_OK)
        (*out)->ops = ops;
    return err;
}

static cns_err io_each(void *ctx, uint64_t from, cns_board_entry_fn fn, void *fn_ctx,
                       cns_diag *diag)
{
    store *s = ctx;
    return s->ops->each(s, from, fn, fn_ctx, diag);
}

static cns_err io_put(void *ctx, const cns_archive_entry *entry, cns_diag *diag)
{
    store *s = ctx;
    return s->ops->append(s, entry, diag);
}

cns_board_store store_board_io(store *s)
{
    cns_board_store io = {io_each, io_put, s};
    return io;
}
