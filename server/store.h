/*
 * The board server's storage: one interface, two implementations chosen at
 * run time from the connection string (STYLE.md §2.2) — SQLite (a file
 * path; the default, one file beside the election) and PostgreSQL
 * ("postgresql://…" or "host=… dbname=…").
 *
 * A store holds exactly the Belenios archive's entries, one row each:
 * index (0 = BELENIOS, then 1, 2, …), kind, SHA-256 hash, content, and for
 * an event its type. Rows are only ever appended, inside a write
 * transaction that first takes the board's lock (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: SELECT … FOR UPDATE on the one head row), so that several
 * server processes on one database append one chain: each catches up on the
 * rows the others appended before it checks and appends its own. The chain
 * head is the Belenios chain head, and exporting the board is writing the
 * rows through the archive writer. It also keeps the SHA-256 of the access
 * tokens (never the tokens).
 *
 * A store connection is used by one thread at a time.
 */
#ifndef CONSULTA_SERVER_STORE_H
#define CONSULTA_SERVER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "consulta/archive.h"
#include "consulta/board.h"
#include "consulta/error.h"

typedef struct store store;

/* A stored ballot, for the paged listing. */
typedef struct store_ballot {
    uint64_t index; /* its data entry's index */
    unsigned char hash[CNS_HASH_BYTES];
    const char *content; /* borrowed for the callback */
    size_t len;
} store_ballot;

typedef cns_err (*store_ballot_fn)(void *ctx, const store_ballot *ballot, cns_diag *diag);

/* A parameter or a column of store_ops.sql. */
typedef enum store_type { STORE_NULL, STORE_INT, STORE_TEXT, STORE_BLOB } store_type;

typedef struct store_value {
    store_type type;
    int64_t i;     /* STORE_INT */
    const void *p; /* STORE_TEXT, STORE_BLOB: len bytes (borrowed; a column's, for the call) */
    size_t len;
} store_value;

/* Called with each row of a query (ncols values). */
typedef cns_err (*store_row_fn)(void *ctx, const store_value *cols, size_t ncols, cns_diag *diag);

typedef struct store_ops {
    const char *name;
    /* Connect (creating the schema if missing). OUT: *out. */
    cns_err (*open)(store **out, const char *conninfo, cns_diag *diag);
    void (*close)(store *s);
    /* Start a write transaction holding the board's lock; then commit or roll back. */
    cns_err (*begin)(store *s, cns_diag *diag);
    cns_err (*commit)(store *s, cns_diag *diag);
    void (*rollback)(store *s);
    /* Append one entry (inside a write transaction). */
    cns_err (*append)(store *s, const cns_archive_entry *entry, cns_diag *diag);
    /* Call fn on each entry with index ≥ from, in order (fetched in batches). */
    cns_err (*each)(store *s, uint64_t from, cns_board_entry_fn fn, void *ctx, cns_diag *diag);
    /* Like each, but stop before index `to` (exclusive). */
    cns_err (*range)(store *s, uint64_t from, uint64_t to, cns_board_entry_fn fn, void *ctx,
                     cns_diag *diag);
    /* OUT: the number of entries. */
    cns_err (*count)(store *s, uint64_t *entries, cns_diag *diag);
    /* Up to limit ballots whose data entry index is > after, in order. */
    cns_err (*ballots)(store *s, uint64_t after, unsigned limit, store_ballot_fn fn, void *ctx,
                       cns_diag *diag);
    /*
     * For each event of this type, in order: fn on the data entry `back`
     * places before it (back = 1: the entry right before the event).
     */
    cns_err (*before_event)(store *s, cns_event_type type, unsigned back, cns_board_entry_fn fn,
                            void *ctx, cns_diag *diag);
    /* Set (replace) the SHA-256 of a role's token ("admin", "trustee 3"). */
    cns_err (*token_set)(store *s, const char *role, const unsigned char hash[CNS_HASH_BYTES],
                         cns_diag *diag);
    /* Call fn(ctx, role, hash) for each stored token hash. */
    cns_err (*tokens)(store *s,
                      void (*fn)(void *ctx, const char *role,
                                 const unsigned char hash[CNS_HASH_BYTES]),
                      void *ctx, cns_diag *diag);
    /*
     * One statement on the server's private tables (voters, codes, casts,
     * settings; never the board's entries), with '?' for each of the n
     * params (at most 8), in SQL both backends read. fn (may be NULL) is
     * called on each row. OUT: *changes, the rows changed (may be NULL).
     */
    cns_err (*sql)(store *s, const char *sql, const store_value *params, size_t n, store_row_fn fn,
                   void *ctx, uint64_t *changes, cns_diag *diag);
} store_ops;

struct store {
    const store_ops *ops;
};

extern const store_ops store_sqlite_ops;
extern const store_ops store_pg_ops;

/* The implementation for conninfo: PostgreSQL for a URI or key=value string, else SQLite. */
const store_ops *store_ops_for(const char *conninfo);

/* Open the store conninfo names. OUT: *out (NULL on failure). */
CNS_NODISCARD cns_err store_open(store **out, const char *conninfo, cns_diag *diag);

/* The board interface (consulta/board.h) over a store: each and put. */
cns_board_store store_board_io(store *s);

#endif
