/*
 * The command line's HTTP client (libcurl), for consulta verify URL and
 * consulta cast --url: http:// and https:// only, TLS with the system's
 * certificate checks (or --cacert), IPv4 and IPv6, an overall deadline, a
 * minimum rate, a size cap on every answer, and no redirect unless asked.
 */
#ifndef CONSULTA_CLI_HTTP_H
#define CONSULTA_CLI_HTTP_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consulta/error.h"

/* What the command line may set; cli_http_defaults fills the rest. */
typedef struct cli_http_opts {
    uint64_t max_bytes; /* --max-size: the largest answer accepted */
    long timeout_s;     /* --timeout: the whole transfer's deadline */
    long min_rate;      /* --min-rate: bytes/s below which ... */
    long stall_s;       /* --stall: ... for this long, the transfer is cut */
    bool follow;        /* --follow-redirects */
    const char *cacert; /* --cacert: the CA bundle for https (NULL: the system's) */
} cli_http_opts;

/* Default answer cap: 4 GiB (about a million ballots of an 8-question election). */
#define CLI_HTTP_MAX_DEFAULT ((uint64_t)4 << 30)

/* Fill o with the defaults (4 GiB, 3600 s, 1024 bytes/s over 30 s, no redirect). */
void cli_http_defaults(cli_http_opts *o);

/* The getopt_long entries of the options above (values 0x100..0x105). */
/* clang-format off */
#define CLI_HTTP_OPTIONS                                  \
    {"max-size", required_argument, NULL, 0x100},         \
    {"timeout", required_argument, NULL, 0x101},          \
    {"min-rate", required_argument, NULL, 0x102},         \
    {"stall", required_argument, NULL, 0x103},            \
    {"follow-redirects", no_argument, NULL, 0x104},       \
    {"cacert", required_argument, NULL, 0x105}
/* clang-format on */

/* Their help text, for a usage message. */
extern const char cli_http_usage[];

/*
 * If opt is one of CLI_HTTP_OPTIONS, apply it (arg: its argument) to o and
 * return 0 (or EXIT_USAGE after printing why, naming cmd); else return -1.
 */
int cli_http_option(const char *cmd, int opt, const char *arg, cli_http_opts *o);

/*
 * Called with each piece of an answer's body as it arrives (len bytes,
 * borrowed); returns CNS_OK to go on, or an error (with diag) to cut the
 * transfer.
 */
typedef cns_err (*cli_http_sink)(void *ctx, const void *data, size_t len, cns_diag *diag);

/* A client: one connection kept alive across requests. */
typedef struct cli_http cli_http;

/* A new client, or NULL (out of memory, or libcurl failed to start) after printing why. */
cli_http *cli_http_new(const cli_http_opts *o);

/* Free a client (NULL is fine). */
void cli_http_free(cli_http *h);

/*
 * One request: method "GET" or "POST"; body (len bytes, borrowed) for a POST;
 * headers: NULL or a NULL-terminated list of "Name: value" lines (borrowed).
 * The answer's body goes to sink as it arrives; OUT: *status, the HTTP status.
 * Every bound of the options is enforced; a 3xx answer is an error unless
 * --follow-redirects. Errors (diag names the URL and what happened):
 *   CNS_ERR_IO     cannot connect, TLS or certificate failure, connection cut,
 *                  a redirect not followed
 *   CNS_ERR_LIMIT  the answer is larger than the cap, or the deadline or the
 *                  minimum rate was missed
 *   whatever sink returned.
 */
CNS_NODISCARD cns_err cli_http_request(cli_http *h, const char *method, const char *url,
                                       const char *const *headers, const void *body, size_t len,
                                       cli_http_sink sink, void *ctx, long *status, cns_diag *diag);

/*
 * The body of the last answer when its status was not 2xx (at most 16 KiB,
 * NUL-terminated; "" if none). Untrusted text: escape it to print it.
 */
const char *cli_http_error_body(const cli_http *h);

/* Whether arg is an http:// or https:// URL. */
bool cli_http_is_url(const char *arg);

#endif
