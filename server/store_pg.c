/*
 * The PostgreSQL store (server/store.h), through libpq, for several server
 * processes on one database.
 *
 * The board's lock is a transaction-scoped advisory lock taken right after
 * BEGIN (released by COMMIT or ROLLBACK, also when a process dies), so
 * appends from every process form one chain; READ COMMITTED then lets the
 * lock holder see every row committed before it, and it catches up on them
 * before it appends. The entries' primary key (idx) would refuse a second
 * row at an index even if the lock were somehow bypassed. A ballot is
 * acknowledged only after COMMIT returned.
 *
 * Parameters and results travel in binary: hashes and contents are bytea.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store.h"

#define BATCH 256 /* rows per query; the SQL below says it too */
/* The advisory lock key of "the board" (one board per database). */
#define BOARD_LOCK "SELECT pg_advisory_xact_lock(7365031872)"

typedef struct pg_store {
    store base;
    PGconn *conn;
    bool in_tx; /* between begin and commit or rollback: never retried */
} pg_store;

static const char schema[] =
    "SET client_min_messages = warning;"
    "CREATE TABLE IF NOT EXISTS entries (idx bigint PRIMARY KEY, kind smallint NOT NULL,"
    " hash bytea NOT NULL, type smallint, content bytea NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entries_type ON entries(type, idx) WHERE type IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS tokens (role text PRIMARY KEY, hash bytea NOT NULL);"
    /* private to the server (server/voters.c): never in the archive */
    "CREATE TABLE IF NOT EXISTS settings (key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE IF NOT EXISTS voters (login text PRIMARY KEY, credential text NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS codes (login text NOT NULL, n bigint NOT NULL,"
    " hash bytea NOT NULL, used bigint, PRIMARY KEY (login, n));"
    "CREATE TABLE IF NOT EXISTS casts (entry bigint PRIMARY KEY, hash bytea NOT NULL,"
    " credential text NOT NULL, at bigint);"
    "CREATE INDEX IF NOT EXISTS casts_hash ON casts(hash);"
    "CREATE INDEX IF NOT EXISTS casts_credential ON casts(credential, entry);";

/* One value in network order, for binary parameters. */
typedef struct be64 {
    unsigned char b[8];
} be64;

static be64 to_be64(uint64_t v)
{
    be64 out;
    for (int i = 7; i >= 0; i--, v >>= 8)
        out.b[i] = (unsigned char)v;
    return out;
}

static uint64_t from_be(const char *p, int len)
{
    uint64_t v = 0;
    for (int i = 0; i < len; i++)
        v = v << 8 | (unsigned char)p[i];
    return v;
}

static cns_err fail(pg_store *s, PGresult *res, cns_diag *diag, const char *what)
{
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    cns_err err = cns_diag_set(diag, CNS_ERR_STORE, "postgresql: %s: %.*s", what, (int)n, msg);
    PQclear(res);
    return err;
}

/*
 * The connection died (the database restarted) while no transaction was
 * open on it: connect again, so that the statement can be tried once more.
 * Inside a transaction the caller's work is lost: it fails, rolls back and
 * its next begin comes here.
 */
static bool reconnected(pg_store *s, bool was_idle)
{
    if (!was_idle || PQstatus(s->conn) != CONNECTION_BAD)
        return false;
    PQreset(s->conn);
    return PQstatus(s->conn) == CONNECTION_OK;
}

/* No transaction of ours is open on the connection. */
static bool idle(const pg_store *s)
{
    return !s->in_tx;
}

/* A statement without parameters or rows. */
static cns_err exec(pg_store *s, const char *sql, cns_diag *diag)
{
    bool was_idle = idle(s);
    PGresult *res = PQexec(s->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && reconnected(s, was_idle)) {
        PQclear(res);
        res = PQexec(s->conn, sql);
        st = PQresultStatus(res);
    }
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return fail(s, res, diag, sql);
    PQclear(res);
    return CNS_OK;
}

/* A query with binary parameters and binary results. OUT: *res (caller clears). */
static cns_err query(pg_store *s, PGresult **res, const char *sql, int n, const char *const *values,
                     const int *lengths, cns_diag *diag)
{
    int formats[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    bool was_idle = idle(s);
    *res = PQexecParams(s->conn, sql, n, NULL, values, lengths, formats, 1);
    ExecStatusType st = PQresultStatus(*res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && reconnected(s, was_idle)) {
        PQclear(*res);
        *res = PQexecParams(s->conn, sql, n, NULL, values, lengths, formats, 1);
        st = PQresultStatus(*res);
    }
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return CNS_OK;
    cns_err err = fail(s, *res, diag, "query");
    *res = NULL;
    return err;
}

static void pg_close(store *base)
{
    pg_store *s = (pg_store *)base;
    if (s == NULL)
        return;
    PQfinish(s->conn);
    free(s);
}

static cns_err pg_open(store **out, const char *conninfo, cns_diag *diag)
{
    pg_store *s = calloc(1, sizeof *s);
    cns_err err = CNS_OK;
    *out = NULL;
    if (s == NULL)
        return CNS_ERR_NOMEM;
    s->conn = PQconnectdb(conninfo);
    if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK)
        err = fail(s, NULL, diag, "connect");
    if (err == CNS_OK) /* one process creates the schema at a time */
        err = exec(s, "BEGIN", diag);
    if (err == CNS_OK)
        err = exec(s, BOARD_LOCK, diag);
    if (err == CNS_OK)
        err = exec(s, schema, diag);
    if (err == CNS_OK)
        err = exec(s, "COMMIT", diag);
    if (err != CNS_OK) {
        pg_close(&s->base);
        return err;
    }
    *out = &s->base;
    return CNS_OK;
}

static void pg_rollback(store *base);

static cns_err pg_begin(store *base, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    cns_err err = exec(s, "BEGIN", diag);
    s->in_tx = err == CNS_OK;
    if (err == CNS_OK)
        err = exec(s, BOARD_LOCK, diag);
    if (err != CNS_OK)
        pg_rollback(base);
    return err;
}

static cns_err pg_commit(store *base, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    cns_err err = exec(s, "COMMIT", diag);
    s->in_tx = err != CNS_OK && PQtransactionStatus(s->conn) != PQTRANS_IDLE &&
               PQstatus(s->conn) == CONNECTION_OK;
    return err;
}

static void pg_rollback(store *base)
{
    pg_store *s = (pg_store *)base;
    if (s->in_tx && PQstatus(s->conn) == CONNECTION_OK &&
        PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        (void)exec(s, "ROLLBACK", NULL);
    s->in_tx = false;
}

static cns_err pg_append(store *base, const cns_archive_entry *e, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    be64 idx = to_be64(e->index);
    unsigned char kind[2] = {0, (unsigned char)e->kind};
    unsigned char type[2] = {0, (unsigned char)e->event.type};
    const char *values[5] = {(const char *)idx.b, (const char *)kind, (const char *)e->hash,
                             e->kind == CNS_ARCHIVE_EVENT ? (const char *)type : NULL,
                             e->len ? (const char *)e->content : ""};
    int lengths[5] = {8, 2, CNS_HASH_BYTES, 2, (int)e->len};
    PGresult *res = NULL;
    if (e->len > INT32_MAX)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "entry too long for the store");
    cns_err err = query(s, &res,
                        "INSERT INTO entries (idx, kind, hash, type, content) "
                        "VALUES ($1::bigint, $2::smallint, $3, $4::smallint, $5)",
                        5, values, lengths, diag);
    PQclear(res);
    return err;
}

/* The entry in row i (columns idx, kind, hash, content). */
static cns_err row_entry(PGresult *res, int i, cns_archive_entry *e, cns_diag *diag)
{
    memset(e, 0, sizeof e[0]);
    e->index = from_be(PQgetvalue(res, i, 0), PQgetlength(res, i, 0));
    e->kind = (cns_archive_kind)from_be(PQgetvalue(res, i, 1), PQgetlength(res, i, 1));
    if (PQgetlength(res, i, 2) != CNS_HASH_BYTES)
        return cns_diag_set(diag, CNS_ERR_STORE, "entry %llu: stored hash is not 32 bytes",
                            (unsigned long long)e->index);
    memcpy(e->hash, PQgetvalue(res, i, 2), CNS_HASH_BYTES);
    e->content = (const unsigned char *)PQgetvalue(res, i, 3);
    e->len = (size_t)PQgetlength(res, i, 3);
    return CNS_OK;
}

static cns_err pg_range(store *base, uint64_t from, uint64_t to, cns_board_entry_fn fn, void *ctx,
                        cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    cns_err err = CNS_OK;
    for (bool more = true; more && err == CNS_OK && from < to;) {
        be64 a = to_be64(from), b = to_be64(to > INT64_MAX ? INT64_MAX : to);
        const char *values[2] = {(const char *)a.b, (const char *)b.b};
        int lengths[2] = {8, 8};
        PGresult *res = NULL;
        err = query(s, &res,
                    "SELECT idx, kind::bigint, hash, content FROM entries WHERE idx >= "
                    "$1::bigint AND idx < $2::bigint ORDER BY idx LIMIT 256",
                    2, values, lengths, diag);
        int rows = err == CNS_OK ? PQntuples(res) : 0;
        for (int i = 0; i < rows && err == CNS_OK; i++) {
            cns_archive_entry e;
            err = row_entry(res, i, &e, diag);
            if (err == CNS_OK)
                err = fn(ctx, &e, diag);
            from = e.index + 1;
        }
        PQclear(res);
        more = rows == BATCH;
    }
    return err;
}

static cns_err pg_each(store *base, uint64_t from, cns_board_entry_fn fn, void *ctx, cns_diag *diag)
{
    return pg_range(base, from, UINT64_MAX, fn, ctx, diag);
}

static cns_err pg_count(store *base, uint64_t *entries, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    PGresult *res = NULL;
    cns_err err = query(s, &res, "SELECT coalesce(max(idx) + 1, 0)::bigint FROM entries", 0, NULL,
                        NULL, diag);
    if (err == CNS_OK)
        *entries = from_be(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0));
    PQclear(res);
    return err;
}

static cns_err pg_ballots(store *base, uint64_t after, unsigned limit, store_ballot_fn fn,
                          void *ctx, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    be64 a = to_be64(after + 1), l = to_be64(limit);
    unsigned char type[2] = {0, CNS_EVENT_BALLOT};
    const char *values[3] = {(const char *)type, (const char *)a.b, (const char *)l.b};
    int lengths[3] = {2, 8, 8};
    PGresult *res = NULL;
    cns_err err = query(s, &res,
                        "SELECT d.idx, d.hash, d.content FROM entries e JOIN entries d ON d.idx = "
                        "e.idx - 1 WHERE e.type = $1::smallint AND e.idx > $2::bigint ORDER BY "
                        "e.idx LIMIT $3::bigint",
                        3, values, lengths, diag);
    for (int i = 0; err == CNS_OK && i < PQntuples(res); i++) {
        store_ballot b = {.index = from_be(PQgetvalue(res, i, 0), PQgetlength(res, i, 0))};
        if (PQgetlength(res, i, 1) != CNS_HASH_BYTES) {
            err = cns_diag_set(diag, CNS_ERR_STORE, "ballot hash is not 32 bytes");
            break;
        }
        memcpy(b.hash, PQgetvalue(res, i, 1), CNS_HASH_BYTES);
        b.content = PQgetvalue(res, i, 2);
        b.len = (size_t)PQgetlength(res, i, 2);
        err = fn(ctx, &b, diag);
    }
    PQclear(res);
    return err;
}

static cns_err pg_before_event(store *base, cns_event_type type, unsigned back,
                               cns_board_entry_fn fn, void *ctx, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    be64 b = to_be64(back);
    unsigned char t[2] = {0, (unsigned char)type};
    const char *values[2] = {(const char *)b.b, (const char *)t};
    int lengths[2] = {8, 2};
    PGresult *res = NULL;
    cns_err err = query(s, &res,
                        "SELECT d.idx, d.kind::bigint, d.hash, d.content FROM entries e JOIN "
                        "entries d ON d.idx = e.idx - $1::bigint WHERE e.type = $2::smallint "
                        "ORDER BY e.idx",
                        2, values, lengths, diag);
    for (int i = 0; err == CNS_OK && i < PQntuples(res); i++) {
        cns_archive_entry e;
        err = row_entry(res, i, &e, diag);
        if (err == CNS_OK)
            err = fn(ctx, &e, diag);
    }
    PQclear(res);
    return err;
}

static cns_err pg_token_set(store *base, const char *role, const unsigned char hash[CNS_HASH_BYTES],
                            cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    const char *values[2] = {role, (const char *)hash};
    int lengths[2] = {(int)strlen(role), CNS_HASH_BYTES};
    PGresult *res = NULL;
    cns_err err = query(s, &res,
                        "INSERT INTO tokens (role, hash) VALUES ($1::text, $2) ON CONFLICT (role) "
                        "DO UPDATE SET hash = EXCLUDED.hash",
                        2, values, lengths, diag);
    PQclear(res);
    return err;
}

static cns_err pg_tokens(store *base,
                         void (*fn)(void *ctx, const char *role,
                                    const unsigned char hash[CNS_HASH_BYTES]),
                         void *ctx, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    PGresult *res = NULL;
    char role[128];
    cns_err err =
        query(s, &res, "SELECT role, hash FROM tokens ORDER BY role", 0, NULL, NULL, diag);
    for (int i = 0; err == CNS_OK && i < PQntuples(res); i++) {
        int n = PQgetlength(res, i, 0);
        if (n >= (int)sizeof role || PQgetlength(res, i, 1) != CNS_HASH_BYTES)
            continue;
        memcpy(role, PQgetvalue(res, i, 0), (size_t)n);
        role[n] = '\0';
        fn(ctx, role, (const unsigned char *)PQgetvalue(res, i, 1));
    }
    PQclear(res);
    return err;
}

/* Type OIDs (pg_type.h) of the parameters and columns store_ops.sql uses. */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25 };

/* sql with '?' as $1, $2, … into out (cap bytes). */
static bool numbered(char *out, size_t cap, const char *sql)
{
    size_t at = 0, k = 0;
    for (; *sql != '\0'; sql++) {
        int n = *sql == '?' ? snprintf(out + at, cap - at, "$%zu", ++k)
                            : snprintf(out + at, cap - at, "%c", *sql);
        if (n < 0 || (size_t)n >= cap - at)
            return false;
        at += (size_t)n;
    }
    return true;
}

static store_value pg_column(PGresult *res, int row, int k)
{
    store_value v = {.type = STORE_NULL};
    if (PQgetisnull(res, row, k))
        return v;
    const char *p = PQgetvalue(res, row, k);
    int len = PQgetlength(res, row, k);
    switch (PQftype(res, k)) {
    case OID_INT8:
    case OID_INT4:
    case OID_INT2:
    case OID_BOOL:
        v.type = STORE_INT;
        v.i = (int64_t)from_be(p, len);
        if (len < 8 && len > 0 && (p[0] & 0x80) && PQftype(res, k) != OID_BOOL)
            v.i -= (int64_t)1 << (8 * len); /* sign of a narrower integer */
        break;
    case OID_BYTEA:
        v.type = STORE_BLOB;
        break;
    default:
        v.type = STORE_TEXT;
        break;
    }
    if (v.type != STORE_INT) {
        v.p = p;
        v.len = (size_t)len;
    }
    return v;
}

static cns_err pg_sql(store *base, const char *sql, const store_value *params, size_t n,
                      store_row_fn fn, void *ctx, uint64_t *changes, cns_diag *diag)
{
    pg_store *s = (pg_store *)base;
    char text[2048];
    const char *values[8];
    int lengths[8], formats[8];
    unsigned types[8];
    be64 ints[8];
    store_value cols[8];
    if (n > 8 || !numbered(text, sizeof text, sql))
        return cns_diag_set(diag, CNS_ERR_INTERNAL, "postgresql: statement too long");
    for (size_t k = 0; k < n; k++) {
        const store_value *v = &params[k];
        formats[k] = 1;
        types[k] = v->type == STORE_INT ? OID_INT8 : v->type == STORE_BLOB ? OID_BYTEA : OID_TEXT;
        ints[k] = to_be64((uint64_t)v->i);
        values[k] = v->type == STORE_INT    ? (const char *)ints[k].b
                    : v->type == STORE_NULL ? NULL
                                            : (v->len ? v->p : "");
        lengths[k] = v->type == STORE_INT ? 8 : (int)v->len;
    }
    PGresult *res = PQexecParams(s->conn, text, (int)n, types, values, lengths, formats, 1);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return fail(s, res, diag, "query");
    cns_err err = CNS_OK;
    int ncols = PQnfields(res);
    if (ncols > 8)
        err = cns_diag_set(diag, CNS_ERR_INTERNAL, "postgresql: too many columns");
    for (int row = 0; err == CNS_OK && fn != NULL && row < PQntuples(res); row++) {
        for (int k = 0; k < ncols; k++)
            cols[k] = pg_column(res, row, k);
        err = fn(ctx, cols, (size_t)ncols, diag);
    }
    if (err == CNS_OK && changes != NULL)
        *changes = strtoull(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return err;
}

const store_ops store_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .append = pg_append,
    .each = pg_each,
    .range = pg_range,
    .count = pg_count,
    .ballots = pg_ballots,
    .before_event = pg_before_event,
    .token_set = pg_token_set,
    .tokens = pg_tokens,
    .sql = pg_sql,
};
