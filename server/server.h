/*
 * consulta serve — the bulletin board server. Private to server/ and the
 * consulta command (cli/cmd_serve.c, cli/cmd_export.c, cli/cmd_verify.c).
 *
 * One server serves one board, kept in a store (store.h). Requests are
 * plain values: server_handle maps (method, path, query, authorization,
 * body) to (status, content type, body), with no socket involved, so that
 * the routes are unit-tested and fuzzed directly (tests/test_server.c,
 * fuzz/fuzz_http.c); http.c puts them behind libmicrohttpd. The API is
 * described in docs/api.md.
 *
 * Every addition to the board goes through the board's one set of rules
 * (consulta/board.h) under the store's lock: begin (lock), catch up on what
 * other processes appended, check and append, commit — and only then
 * answer. Ballots are verified before the lock, on the request's thread;
 * the ones waiting together are appended in one transaction (group commit).
 *
 * THREAD SAFETY: server_handle may be called from several threads at once.
 */
#ifndef CONSULTA_SERVER_SERVER_H
#define CONSULTA_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consulta/error.h"
#include "consulta/limits.h"

typedef struct server server;

/*
 * Largest request body: a ballot (the library's own limit, which
 * election-make checks every election's ballots fit), a trustee's partial
 * decryption (only once its token was checked from the headers), anything
 * else.
 */
#define SERVER_BALLOT_MAX CNS_MAX_BALLOT_BYTES
#define SERVER_UPLOAD_MAX (16u << 20)
#define SERVER_OTHER_MAX  (64u << 10)
/* Most ballots in one page of GET …/ballots, and its bytes (beyond one ballot). */
#define SERVER_PAGE_MAX       1000
#define SERVER_PAGE_BYTES_MAX (1u << 20)
/* Revotes (ballots after the first) one credential may cast by default; 0: no limit. */
#define SERVER_REVOTES_DEFAULT 100

/*
 * Start the board of an election in the empty store conninfo: election,
 * trustees and public credentials (each without its trailing newline) are
 * checked as a verifier would, then written with the Setup event; fresh
 * access tokens are made for the administrator and for each trustee, and
 * only their SHA-256 is stored. OUT: *tokens, lines "ROLE TOKEN\n" (admin,
 * trustee 1, …; malloc'd: the caller writes them for their holders, then
 * wipes and frees them). Errors: CNS_ERR_STATE (the store already holds a
 * board), the board's and the store's.
 */
CNS_NODISCARD cns_err server_init(const char *conninfo, const char *election, size_t election_len,
                                  const char *trustees, size_t trustees_len,
                                  const char *credentials, size_t credentials_len,
                                  uint64_t timestamp, char **tokens, size_t *tokens_len,
                                  cns_diag *diag);

/*
 * server_init, with voter authentication (server/voters.h): voters NULL or
 * without a binding for none; otherwise every public credential's login and
 * voters->codes one-time codes per login, stored as hashes. OUT: *codes, the
 * CSV "login,code1,…" for the administrator (malloc'd, NULL without a
 * binding: the caller writes, wipes and frees it). Errors: server_init's,
 * and the binding's (diag names its line).
 */
struct server_voters;
CNS_NODISCARD cns_err server_init_voters(const char *conninfo, const char *election,
                                         size_t election_len, const char *trustees,
                                         size_t trustees_len, const char *credentials,
                                         size_t credentials_len, const struct server_voters *voters,
                                         uint64_t timestamp, char **tokens, size_t *tokens_len,
                                         char **codes, size_t *codes_len, cns_diag *diag);

/*
 * Open the board kept in conninfo (read and checked with CNS_BOARD_TRUSTED:
 * every rule but ballot proofs, which were checked when cast) and its token
 * hashes. OUT: *out, freed with server_free.
 */
CNS_NODISCARD cns_err server_open(server **out, const char *conninfo, cns_diag *diag);

void server_free(server *srv);

/* The election's uuid (borrowed). */
const char *server_uuid(const server *srv);

/* A request, as the HTTP layer (or a test) hands it over; everything borrowed. */
typedef struct http_request {
    const char *method;
    const char *path;          /* without the query */
    const char *query;         /* after '?', or NULL */
    const char *authorization; /* the Authorization header, or NULL */
    const char *body;
    size_t body_len;
    const char *login, *code; /* X-Consulta-Login, X-Consulta-Code headers, or NULL */
} http_request;

typedef struct server_archive server_archive;

/* The answer: body malloc'd (JSON unless said), or a file to send (fd ≥ 0), or a shared archive. */
typedef struct http_response {
    int status;
    const char *content_type; /* static */
    char *body;
    size_t len;
    int fd;                  /* a file to send (taken), len bytes, or -1 */
    server_archive *archive; /* the exported board, len bytes (a reference: release it), or NULL */
} http_response;

/* Answer one request. OUT: *resp (free its body with http_response_clear). */
void server_handle(server *srv, const http_request *req, http_response *resp);

/* Free a response's body and close its file. */
void http_response_clear(http_response *resp);

/* Counters for the log and the benchmark. */
typedef struct server_stats {
    uint64_t accepted, refused, batches;
    uint64_t verify_ns, append_ns; /* CPU time verifying ballots, appending under the lock */
    uint64_t proofs_checked;       /* ballots whose proofs were verified */
    uint64_t refused_early;        /* refused before their proofs (replay, credential, signature) */
    uint64_t exports;              /* archives written for GET …/archive */
    uint64_t reloads;              /* boards read again whole from the store */
} server_stats;

void server_stats_get(server *srv, server_stats *out);

/*
 * The limits of a request, decided from its method, path and Authorization
 * header before any of its body is read: OUT: *body_max, the bytes it may
 * carry (a ballot; a trustee's partial decryption once its token checked;
 * small otherwise). Returns 0, or the status of a refusal made now, its
 * JSON body in *refusal (static): 401/403 for the administrator's and
 * trustees' routes without the right token.
 */
int server_gate(const server *srv, const char *method, const char *path, const char *authorization,
                size_t *body_max, const char **refusal);

/* Set the most revotes a credential may cast (0: no limit); before serving. */
void server_set_revote_limit(server *srv, unsigned revotes);

/*
 * The archive of the board as it is now (one export per chain head, shared
 * by the requests that ask for the same head; at most a few kept alive by
 * slow downloads). OUT: *out (a reference), *len. Errors: CNS_ERR_LIMIT
 * (too many versions being downloaded: retry), the store's.
 */
CNS_NODISCARD cns_err server_archive_get(server *srv, server_archive **out, uint64_t *len,
                                         cns_diag *diag);

/* Read up to max bytes at pos. Returns the count, or -1. */
long server_archive_read(server_archive *a, uint64_t pos, char *buf, size_t max);

/* Drop a reference; the last one removes the export. NULL is fine. */
void server_archive_release(server_archive *a);

/*
 * Export the board kept in conninfo (or in srv's store when srv is not
 * NULL) into dir as Belenios lays an election out: UUID.bel (its entries
 * written through the archive writer, which checks the chain as it goes),
 * election.json, trustees.json, public_creds.json. OUT: *bel_path (may be
 * NULL; malloc'd).
 */
CNS_NODISCARD cns_err server_export(server *srv, const char *conninfo, const char *dir,
                                    char **bel_path, cns_diag *diag);

/* ---- http.c: the board behind libmicrohttpd ---- */

typedef struct http_daemon http_daemon;

typedef struct http_config {
    const char *address; /* numeric IPv4 to listen on */
    unsigned port;       /* 0: any free port */
    unsigned threads;
    unsigned connection_limit, per_ip_limit; /* the first clamped to the descriptors there are */
    unsigned timeout_s;                      /* idle connections are cut after it */
    unsigned request_s;  /* a request's headers and body must arrive within it (0: 10 s) */
    unsigned min_rate;   /* …plus its declared body at this many bytes/s (0: 16 KiB/s) */
    size_t buffer_limit; /* bytes buffered over all connections (0: 256 MiB) */
    const char *web_dir; /* the booth's pages (web.h), or NULL */
} http_config;

/* Counters of the HTTP layer, for the tests and the log. */
typedef struct http_stats {
    uint64_t cut_slow;         /* connections cut for a request not received in time */
    uint64_t refused_busy;     /* requests refused for the global buffer limit */
    uint64_t log_dropped;      /* library log lines dropped by the rate limit */
    unsigned connection_limit; /* as clamped */
    size_t buffered;           /* bytes buffered now */
} http_stats;

void http_stats_get(http_daemon *daemon, http_stats *out);

/*
 * Raise the soft limit of open descriptors to the hard one; OUT: *nofile,
 * the limit now. Then a connection limit fits when it is at most
 * http_connections_fit(nofile, threads).
 */
void http_raise_nofile(unsigned long *nofile);
unsigned http_connections_fit(unsigned long nofile, unsigned threads);

/* Listen and serve srv in background threads. OUT: *out; *port, the port bound. */
CNS_NODISCARD cns_err http_start(http_daemon **out, server *srv, const http_config *config,
                                 unsigned *port, cns_diag *diag);

/* Stop listening, finish and free. NULL is fine. */
void http_stop(http_daemon *daemon);

/* ---- http_client.c: a small HTTP/1.1 client over plain sockets ---- */

typedef struct http_client http_client;

/*
 * Split http://HOST[:PORT]/PATH into its parts (host ≤ 255 bytes, path
 * borrowed from url). Errors: CNS_ERR_INVALID (not an http URL).
 */
CNS_NODISCARD cns_err http_url_parse(const char *url, char host[256], char port[8],
                                     const char **path, cns_diag *diag);

/* Connect to host:port. OUT: *out, freed with http_client_free. Errors: CNS_ERR_IO. */
CNS_NODISCARD cns_err http_client_connect(http_client **out, const char *host, const char *port,
                                          cns_diag *diag);

void http_client_free(http_client *client);

/* The connection's socket (borrowed), for tests that speak raw bytes. */
int http_client_fd(const http_client *client);

/*
 * One request on a kept-alive connection; the answer's body (at most max
 * bytes) goes to *body (malloc'd, NUL-terminated) or, when out_fd ≥ 0, is
 * written to that file. OUT: *status. Errors: CNS_ERR_IO (connection
 * failed or closed: reconnect), CNS_ERR_DECODE (not HTTP), CNS_ERR_LIMIT.
 */
CNS_NODISCARD cns_err http_client_request(http_client *client, const char *method, const char *path,
                                          const char *authorization, const char *body,
                                          size_t body_len, int *status, char **resp,
                                          size_t *resp_len, int out_fd, size_t max, cns_diag *diag);

#endif
