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

typedef struct server server;

/* Largest request body: a ballot, or a trustee's partial decryption. */
#define SERVER_BALLOT_MAX (1u << 20)
#define SERVER_UPLOAD_MAX (16u << 20)
/* Most ballots in one page of GET …/ballots. */
#define SERVER_PAGE_MAX 1000

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

/* The answer: body malloc'd (JSON unless said), or a file to send (fd ≥ 0). */
typedef struct http_response {
    int status;
    const char *content_type; /* static */
    char *body;
    size_t len;
    int fd; /* the exported archive (unlinked), len bytes, or -1 */
} http_response;

/* Answer one request. OUT: *resp (free its body with http_response_clear). */
void server_handle(server *srv, const http_request *req, http_response *resp);

/* Free a response's body and close its file. */
void http_response_clear(http_response *resp);

/* Counters for the log and the benchmark. */
typedef struct server_stats {
    uint64_t accepted, refused, batches;
    uint64_t verify_ns, append_ns; /* CPU time verifying ballots, appending under the lock */
} server_stats;

void server_stats_get(server *srv, server_stats *out);

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

typedef struct http_config {
    const char *address; /* numeric IPv4 to listen on */
    unsigned port;       /* 0: any free port */
    unsigned threads;
    unsigned connection_limit, per_ip_limit;
    unsigned timeout_s;  /* idle connections are cut after it */
    const char *web_dir; /* the booth's pages (web.h), or NULL */
} http_config;

typedef struct http_daemon http_daemon;

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
