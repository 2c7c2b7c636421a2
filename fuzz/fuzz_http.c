/*
 * libFuzzer target: the board server's request handling (server/server.h),
 * without sockets, on a board in a SQLite store made once per process from
 * the Belenios 2.1 reference election (Ed25519, 20 voters; CNS_TESTDATA or
 * ../shared/testdata).
 *
 * Input: "METHOD PATH[?QUERY]\n", header lines "Name: value\n" (only
 * Authorization is used), an empty line, then the body. In PATH, "@" stands
 * for "/elections/UUID" so that mutations reach the routes. Invariants: every
 * request gets a status in 200..599 and a body (or the archive's file); an
 * error is JSON {"error":…,"message":…}; nothing crashes, leaks or hangs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../server/server.h"
#include "consulta/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define UUID "roEZNrAz8upuV8"

static void require(bool ok)
{
    if (!ok)
        abort();
}

/* A copy of the n bytes at p, NUL-terminated. */
static char *copy(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    require(s != NULL);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* The setup's three data entries (election, trustees, credentials) of the reference board. */
static void setup_of(const char *dir, char *out[3], size_t len[3])
{
    char path[4096];
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    snprintf(path, sizeof path, "%s/belenios-2.1-ed25519/" UUID ".bel", dir);
    require(cns_archive_reader_open(&r, path, 0, NULL) == CNS_OK);
    for (int n = 0; n < 3;) {
        require(cns_archive_reader_next(r, &e, NULL) == CNS_OK && e.kind != CNS_ARCHIVE_END);
        if (e.kind != CNS_ARCHIVE_DATA)
            continue;
        out[n] = copy(e.content, e.len);
        len[n++] = e.len;
    }
    cns_archive_reader_free(r);
}

static server *srv;
static char db[4096];

/* At exit: the server freed, its store removed. */
static void cleanup(void)
{
    char path[4096 + 8];
    server_free(srv);
    srv = NULL;
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", db, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(path);
    }
    char *slash = strrchr(db, '/');
    if (slash != NULL) {
        *slash = '\0';
        rmdir(db);
    }
}

/* The server, made on first use. */
static server *board(void)
{
    if (srv != NULL)
        return srv;
    const char *td = getenv("CNS_TESTDATA");
    char dir[] = "/tmp/cns-fuzz-http-XXXXXX", *tokens = NULL;
    size_t ltok;
    require(sodium_init() >= 0 && mkdtemp(dir) != NULL);
    td = td && *td ? td : "../shared/testdata";
    char *setup[3];
    size_t len[3];
    setup_of(td, setup, len);
    snprintf(db, sizeof db, "%s/board.sqlite", dir);
    cns_diag diag = {{0}};
    if (server_init(db, setup[0], len[0], setup[1], len[1], setup[2], len[2], 1700000000, &tokens,
                    &ltok, &diag) != CNS_OK ||
        server_open(&srv, db, &diag) != CNS_OK) {
        fprintf(stderr, "fuzz_http: cannot make the board: %s\n", diag.text);
        abort();
    }
    sodium_memzero(tokens, ltok);
    free(tokens);
    for (int i = 0; i < 3; i++)
        free(setup[i]);
    atexit(cleanup);
    return srv;
}

/* The request line's path with "@" expanded. */
static char *expand(const char *path)
{
    size_t n = strlen(path), at = 0;
    for (size_t i = 0; i < n; i++)
        at += path[i] == '@';
    char *out = malloc(n + at * 32 + 1), *o = out;
    require(out != NULL);
    for (size_t i = 0; i < n; i++)
        o = path[i] == '@' ? o + sprintf(o, "/elections/" UUID) : (*o++ = path[i], o);
    *o = '\0';
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    server *s = board();
    const uint8_t *nl = memchr(data, '\n', size), *end = data + size;
    const uint8_t *line_end = nl ? nl : end;
    char *line = copy(data, (size_t)(line_end - data)), *auth = NULL;
    const uint8_t *p = nl ? nl + 1 : end;
    while (p < end && *p != '\n') { /* headers */
        const uint8_t *e = memchr(p, '\n', (size_t)(end - p));
        e = e ? e : end;
        if ((size_t)(e - p) > 15 && memcmp(p, "Authorization: ", 15) == 0 && auth == NULL)
            auth = copy(p + 15, (size_t)(e - p - 15));
        p = e < end ? e + 1 : end;
    }
    p = p < end ? p + 1 : end;
    char *sp = strchr(line, ' '), *q;
    http_request req = {.method = line,
                        .authorization = auth,
                        .body = (const char *)p,
                        .body_len = (size_t)(end - p)};
    char *path = expand(sp ? sp + 1 : "");
    if (sp != NULL)
        *sp = '\0';
    if ((q = strchr(path, '?')) != NULL)
        *q = '\0';
    req.path = path;
    req.query = q ? q + 1 : NULL;
    http_response resp;
    server_handle(s, &req, &resp);
    require(resp.status >= 200 && resp.status <= 599);
    require(resp.fd >= 0 || resp.body != NULL || resp.archive != NULL);
    if (resp.status >= 400)
        require(resp.body != NULL && strncmp(resp.body, "{\"error\":", 9) == 0 &&
                strstr(resp.body, "\"message\":") != NULL);
    http_response_clear(&resp);
    free(path);
    free(line);
    free(auth);
    return 0;
}
