/*
 * The SQLite store (server/store.h): one database file beside the election.
 *
 * WAL journal, so that readers (ballot listings, archive downloads) never
 * block the writer, and synchronous=FULL: every commit is fsynced before
 * the server acknowledges, so an acknowledged ballot survives a crash of the
 * process and of the machine. (NORMAL would survive only a process crash;
 * the ballots are batched per commit, so the fsync is paid once per batch.)
 * The board's lock is BEGIN IMMEDIATE: one writer at a time across every
 * process using the file; the others wait up to the busy timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

#define BUSY_TIMEOUT_MS 30000
#define BATCH           256

typedef struct sqlite_store {
    store base;
    sqlite3 *db;
} sqlite_store;

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
    " hash BLOB NOT NULL, type INTEGER, content BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entries_type ON entries(type, idx) WHERE type IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS tokens (role TEXT PRIMARY KEY, hash BLOB NOT NULL);"
    /* private to the server (server/voters.c): never in the archive */
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS voters (login TEXT PRIMARY KEY, credential TEXT NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS codes (login TEXT NOT NULL, n INTEGER NOT NULL,"
    " hash BLOB NOT NULL, used INTEGER, PRIMARY KEY (login, n));"
    "CREATE TABLE IF NOT EXISTS casts (entry INTEGER PRIMARY KEY, hash BLOB NOT NULL,"
    " credential TEXT NOT NULL, at INTEGER);"
    "CREATE INDEX IF NOT EXISTS casts_hash ON casts(hash);"
    "CREATE INDEX IF NOT EXISTS casts_credential ON casts(credential, entry);";

static cns_err fail(sqlite_store *s, cns_diag *diag, const char *what)
{
    return cns_diag_set(diag, CNS_ERR_STORE, "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
}

static cns_err exec(sqlite_store *s, const char *sql, cns_diag *diag)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return CNS_OK;
    cns_err err = cns_diag_set(diag, CNS_ERR_STORE, "sqlite: %s", msg ? msg : "error");
    sqlite3_free(msg);
    return err;
}

static void sq_close(store *base)
{
    sqlite_store *s = (sqlite_store *)base;
    if (s == NULL)
        return;
    sqlite3_close(s->db);
    free(s);
}

static cns_err sq_open(store **out, const char *path, cns_diag *diag)
{
    sqlite_store *s = calloc(1, sizeof *s);
    cns_err err = CNS_OK;
    *out = NULL;
    if (s == NULL)
        return CNS_ERR_NOMEM;
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        err = cns_diag_set(diag, CNS_ERR_STORE, "sqlite: %s: %s", path,
                           s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto done;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    err = exec(s, schema, diag);
done:
    if (err != CNS_OK) {
        sq_close(&s->base);
        return err;
    }
    *out = &s->base;
    return CNS_OK;
}

static cns_err sq_begin(store *base, cns_diag *diag)
{
    return exec((sqlite_store *)base, "BEGIN IMMEDIATE", diag);
}

static cns_err sq_commit(store *base, cns_diag *diag)
{
    return exec((sqlite_store *)base, "COMMIT", diag);
}

static void sq_rollback(store *base)
{
    sqlite_store *s = (sqlite_store *)base;
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static cns_err sq_append(store *base, const cns_archive_entry *e, cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    cns_err err = CNS_OK;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO entries (idx, kind, hash, type, content) "
                           "VALUES (?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, diag, "insert");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)e->index);
    sqlite3_bind_int(st, 2, (int)e->kind);
    sqlite3_bind_blob(st, 3, e->hash, CNS_HASH_BYTES, SQLITE_STATIC);
    if (e->kind == CNS_ARCHIVE_EVENT)
        sqlite3_bind_int(st, 4, (int)e->event.type);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_blob64(st, 5, e->len ? (const void *)e->content : "", e->len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        err = fail(s, diag, "insert");
    sqlite3_finalize(st);
    return err;
}

/* The entry in the current row (columns idx, kind, hash, content). */
static cns_err row_entry(sqlite3_stmt *st, cns_archive_entry *e, cns_diag *diag)
{
    memset(e, 0, sizeof e[0]);
    e->index = (uint64_t)sqlite3_column_int64(st, 0);
    e->kind = (cns_archive_kind)sqlite3_column_int(st, 1);
    if (sqlite3_column_bytes(st, 2) != CNS_HASH_BYTES)
        return cns_diag_set(diag, CNS_ERR_STORE, "entry %llu: stored hash is not 32 bytes",
                            (unsigned long long)e->index);
    memcpy(e->hash, sqlite3_column_blob(st, 2), CNS_HASH_BYTES);
    e->content = sqlite3_column_blob(st, 3);
    e->len = (size_t)sqlite3_column_bytes(st, 3);
    if (e->content == NULL)
        e->content = (const unsigned char *)"";
    return CNS_OK;
}

static cns_err sq_range(store *base, uint64_t from, uint64_t to, cns_board_entry_fn fn, void *ctx,
                        cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    cns_err err = CNS_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT idx, kind, hash, content FROM entries WHERE idx >= ? AND "
                           "idx < ? ORDER BY idx LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, diag, "select");
    for (bool more = true; more && err == CNS_OK && from < to;) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
        sqlite3_bind_int64(st, 2, to > INT64_MAX ? INT64_MAX : (sqlite3_int64)to);
        sqlite3_bind_int(st, 3, BATCH);
        int rc = SQLITE_DONE, rows = 0;
        while (err == CNS_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            cns_archive_entry e;
            err = row_entry(st, &e, diag);
            if (err == CNS_OK)
                err = fn(ctx, &e, diag);
            from = e.index + 1;
            rows++;
        }
        if (err == CNS_OK && rc != SQLITE_DONE)
            err = fail(s, diag, "select");
        more = rows == BATCH;
    }
    sqlite3_finalize(st);
    return err;
}

static cns_err sq_each(store *base, uint64_t from, cns_board_entry_fn fn, void *ctx, cns_diag *diag)
{
    return sq_range(base, from, UINT64_MAX, fn, ctx, diag);
}

static cns_err sq_count(store *base, uint64_t *entries, cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    cns_err err = CNS_OK;
    if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(idx) + 1, 0) FROM entries", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(s, diag, "count");
    if (sqlite3_step(st) == SQLITE_ROW)
        *entries = (uint64_t)sqlite3_column_int64(st, 0);
    else
        err = fail(s, diag, "count");
    sqlite3_finalize(st);
    return err;
}

static cns_err sq_ballots(store *base, uint64_t after, unsigned limit, store_ballot_fn fn,
                          void *ctx, cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    cns_err err = CNS_OK;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT d.idx, d.hash, d.content FROM entries e JOIN entries d ON "
                           "d.idx = e.idx - 1 WHERE e.type = ? AND e.idx > ? ORDER BY e.idx "
                           "LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, diag, "ballots");
    sqlite3_bind_int(st, 1, CNS_EVENT_BALLOT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)(after + 1));
    sqlite3_bind_int(st, 3, (int)limit);
    while (err == CNS_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_ballot b = {.index = (uint64_t)sqlite3_column_int64(st, 0)};
        if (sqlite3_column_bytes(st, 1) != CNS_HASH_BYTES) {
            err = cns_diag_set(diag, CNS_ERR_STORE, "ballot hash is not 32 bytes");
            break;
        }
        memcpy(b.hash, sqlite3_column_blob(st, 1), CNS_HASH_BYTES);
        b.content = sqlite3_column_blob(st, 2);
        b.len = (size_t)sqlite3_column_bytes(st, 2);
        err = fn(ctx, &b, diag);
    }
    if (err == CNS_OK && rc != SQLITE_DONE)
        err = fail(s, diag, "ballots");
    sqlite3_finalize(st);
    return err;
}

static cns_err sq_before_event(store *base, cns_event_type type, unsigned back,
                               cns_board_entry_fn fn, void *ctx, cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    cns_err err = CNS_OK;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT d.idx, d.kind, d.hash, d.content FROM entries e JOIN entries "
                           "d ON d.idx = e.idx - ? WHERE e.type = ? ORDER BY e.idx",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, diag, "select");
    sqlite3_bind_int(st, 1, (int)back);
    sqlite3_bind_int(st, 2, (int)type);
    while (err == CNS_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        cns_archive_entry e;
        err = row_entry(st, &e, diag);
        if (err == CNS_OK)
            err = fn(ctx, &e, diag);
    }
    if (err == CNS_OK && rc != SQLITE_DONE)
        err = fail(s, diag, "select");
    sqlite3_finalize(st);
    return err;
}

static cns_err sq_token_set(store *base, const char *role, const unsigned char hash[CNS_HASH_BYTES],
                            cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    cns_err err = CNS_OK;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO tokens (role, hash) VALUES (?, ?)", -1,
                           &st, NULL) != SQLITE_OK)
        return fail(s, diag, "token");
    sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, hash, CNS_HASH_BYTES, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        err = fail(s, diag, "token");
    sqlite3_finalize(st);
    return err;
}

static cns_err sq_tokens(store *base,
                         void (*fn)(void *ctx, const char *role,
                                    const unsigned char hash[CNS_HASH_BYTES]),
                         void *ctx, cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(s->db, "SELECT role, hash FROM tokens ORDER BY role", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(s, diag, "tokens");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 1) == CNS_HASH_BYTES)
            fn(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_blob(st, 1));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CNS_OK : fail(s, diag, "tokens");
}

static void bind_value(sqlite3_stmt *st, int k, const store_value *v)
{
    if (v->type == STORE_INT)
        sqlite3_bind_int64(st, k, (sqlite3_int64)v->i);
    else if (v->type == STORE_TEXT)
        sqlite3_bind_text64(st, k, v->p, v->len, SQLITE_STATIC, SQLITE_UTF8);
    else if (v->type == STORE_BLOB)
        sqlite3_bind_blob64(st, k, v->len ? v->p : "", v->len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, k);
}

static store_value column_value(sqlite3_stmt *st, int k)
{
    store_value v = {.type = STORE_NULL};
    switch (sqlite3_column_type(st, k)) {
    case SQLITE_INTEGER:
        v.type = STORE_INT;
        v.i = sqlite3_column_int64(st, k);
        break;
    case SQLITE_TEXT:
        v.type = STORE_TEXT;
        v.p = sqlite3_column_text(st, k);
        v.len = (size_t)sqlite3_column_bytes(st, k);
        break;
    case SQLITE_BLOB:
        v.type = STORE_BLOB;
        v.p = sqlite3_column_blob(st, k);
        v.len = (size_t)sqlite3_column_bytes(st, k);
        break;
    default:
        break;
    }
    return v;
}

static cns_err sq_sql(store *base, const char *sql, const store_value *params, size_t n,
                      store_row_fn fn, void *ctx, uint64_t *changes, cns_diag *diag)
{
    sqlite_store *s = (sqlite_store *)base;
    sqlite3_stmt *st = NULL;
    store_value cols[8];
    cns_err err = CNS_OK;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(s, diag, "prepare");
    for (size_t k = 0; k < n; k++)
        bind_value(st, (int)k + 1, &params[k]);
    size_t ncols = (size_t)sqlite3_column_count(st);
    while (err == CNS_OK && ncols <= 8 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t k = 0; k < ncols; k++)
            cols[k] = column_value(st, (int)k);
        if (fn != NULL)
            err = fn(ctx, cols, ncols, diag);
    }
    if (err == CNS_OK && (ncols > 8 || rc != SQLITE_DONE))
        err = fail(s, diag, "query");
    if (err == CNS_OK && changes != NULL)
        *changes = (uint64_t)sqlite3_changes(s->db);
    sqlite3_finalize(st);
    return err;
}

const store_ops store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .append = sq_append,
    .each = sq_each,
    .range = sq_range,
    .count = sq_count,
    .ballots = sq_ballots,
    .before_event = sq_before_event,
    .token_set = sq_token_set,
    .tokens = sq_tokens,
    .sql = sq_sql,
};
