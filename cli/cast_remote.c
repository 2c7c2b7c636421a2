/*
 * consulta cast --url URL [--login L --code C]: post ballots, one per line as
 * consulta ballot prints them, to a live board (remote.h), printing each
 * smart ballot tracker. The tracker the server answers must be the ballot's
 * own (Base64 SHA-256 of its bytes): a server that answers another one is
 * caught.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "consulta/election.h"
#include "http.h"
#include "remote.h"
#include "text.h"
#include "util.h"

static const char usage_text[] =
    "usage: consulta cast --url URL [--login LOGIN --code CODE] [options] < BALLOTS\n"
    "\n"
    "Post ballots (one per line, as consulta ballot prints them) to the live\n"
    "board at URL, http[s]://HOST:PORT/elections/UUID (consulta serve); prints\n"
    "each smart ballot tracker. When the election authenticates voters, give the\n"
    "voter's LOGIN and one-time CODE (sent as X-Consulta-Login and\n"
    "X-Consulta-Code). The first ballot refused ends the run; the error names\n"
    "its line and the server's reason. Options of the transfer (for cast,\n"
    "--max-size defaults to 1 MiB and --timeout to 120 s, per ballot):\n";

/* The command line of a remote cast. */
typedef struct cast_opts {
    const char *url, *login, *code;
    cli_http_opts http;
} cast_opts;

bool cli_cast_is_remote(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--url") == 0 || strncmp(argv[i], "--url=", 6) == 0)
            return true;
    return false;
}

/* Whether a header value is safe: printable, no CR/LF (no header injection). */
static bool header_safe(const char *v)
{
    return *v != '\0' && strlen(v) <= 256 && !cli_has_control(v, strlen(v));
}

static int parse(int argc, char **argv, cast_opts *o)
{
    static const struct option options[] = {{"url", required_argument, NULL, 'u'},
                                            {"login", required_argument, NULL, 'l'},
                                            {"code", required_argument, NULL, 'c'},
                                            {"help", no_argument, NULL, 'h'},
                                            CLI_HTTP_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt, http;
    cli_http_defaults(&o->http);
    o->http.max_bytes = 1 << 20; /* an answer is a tracker or an error */
    o->http.timeout_s = 120;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'u')
            o->url = optarg;
        else if (opt == 'l')
            o->login = optarg;
        else if (opt == 'c')
            o->code = optarg;
        else if (opt == 'h')
            return fputs(usage_text, stdout), fputs(cli_http_usage, stdout), -1;
        else if ((http = cli_http_option("cast", opt, optarg, &o->http)) >= 0) {
            if (http != 0)
                return http;
        } else
            return cli_usage("cast", "unknown option");
    }
    if (optind != argc)
        return cli_usage("cast", "unexpected argument %s", argv[optind]);
    if (o->url == NULL || !cli_http_is_url(o->url))
        return cli_usage("cast", "--url must be an http:// or https:// URL");
    if ((o->login == NULL) != (o->code == NULL))
        return cli_usage("cast", "--login and --code go together");
    if (o->login != NULL && (!header_safe(o->login) || !header_safe(o->code)))
        return cli_usage("cast", "--login and --code must be 1 to 256 printable characters");
    return EXIT_OK;
}

/* cli_http_sink: keep a short answer (at most 64 KiB) in a buffer. */
typedef struct answer {
    char text[65536];
    size_t len;
} answer;

static cns_err on_answer(void *ctx, const void *data, size_t len, cns_diag *diag)
{
    answer *a = ctx;
    if (len >= sizeof a->text - a->len)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "the server's answer is longer than 64 KiB");
    memcpy(a->text + a->len, data, len);
    a->len += len;
    a->text[a->len] = '\0';
    return CNS_OK;
}

/* The string member key of the JSON object text, or NULL. */
static const char *member(json_t *doc, const char *key)
{
    return json_string_value(json_object_get(doc, key));
}

/* Print why the server refused the ballot of line n (status, its error name and message). */
static int refused(size_t n, long status, const char *body)
{
    json_t *doc = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
    const char *name = member(doc, "error"), *message = member(doc, "message");
    fprintf(stderr, "consulta cast: ballot on line %zu: the server refused it (HTTP %ld", n,
            status);
    if (name != NULL)
        fputs(", ", stderr), cli_put(stderr, name);
    fputs(")", stderr);
    if (message != NULL)
        fputs(": ", stderr), cli_put(stderr, message);
    fputc('\n', stderr);
    json_decref(doc);
    return EXIT_REFUSED;
}

/* Check the server's answer to the ballot (len bytes) of line n; print its tracker. */
static int accepted(size_t n, const char *ballot, size_t len, const answer *a)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    char mine[CNS_HASH_B64_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)ballot, len);
    sodium_bin2base64(mine, sizeof mine, hash, sizeof hash,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    json_t *doc = json_loadb(a->text, a->len, JSON_REJECT_DUPLICATES, NULL);
    const char *tracker = member(doc, "tracker");
    int rc = EXIT_OK;
    if (tracker == NULL) {
        fprintf(stderr, "consulta cast: ballot on line %zu: the server's answer has no tracker\n",
                n);
        rc = EXIT_REFUSED;
    } else if (strcmp(tracker, mine) != 0) {
        fprintf(stderr, "consulta cast: ballot on line %zu: the server answered tracker ", n);
        cli_put(stderr, tracker);
        fprintf(stderr, ", not the ballot's own %s\n", mine);
        rc = EXIT_REFUSED;
    } else {
        printf("%s\n", mine);
        fflush(stdout);
    }
    json_decref(doc);
    return rc;
}

/* Post one ballot (line n, len bytes). */
static int post_one(cli_http *h, const char *url, const char *const *headers, size_t n,
                    const char *ballot, size_t len)
{
    static answer a;
    cns_diag diag = {{0}};
    long status = 0;
    a.len = 0;
    a.text[0] = '\0';
    cns_err err =
        cli_http_request(h, "POST", url, headers, ballot, len, on_answer, &a, &status, &diag);
    if (err != CNS_OK) {
        cns_diag_prefix(&diag, err, "ballot on line %zu: ", n);
        return cli_fail("cast", err, &diag);
    }
    if (status != 200)
        return refused(n, status, cli_http_error_body(h));
    return accepted(n, ballot, len, &a);
}

/* Post every line of in. */
static int post_lines(cli_http *h, const char *url, const char *const *headers, FILE *in)
{
    size_t line_no = 0, cast = 0, cap = 0;
    char *line = NULL;
    ssize_t got;
    int rc = EXIT_OK;
    while (rc == EXIT_OK && (got = getline(&line, &cap, in)) > 0) {
        size_t len = (size_t)got - (line[got - 1] == '\n');
        line_no++;
        if (len == 0)
            continue;
        rc = post_one(h, url, headers, line_no, line, len);
        cast += rc == EXIT_OK;
    }
    free(line);
    if (rc == EXIT_OK && cast == 0)
        rc = cli_usage("cast", "no ballot on standard input");
    return rc;
}

int cli_cast_remote(int argc, char **argv)
{
    cast_opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    size_t n = strlen(o.url);
    while (n > 0 && o.url[n - 1] == '/')
        n--;
    char *url = malloc(n + 9), login[300], code[300];
    const char *headers[3] = {NULL, NULL, NULL};
    if (o.login != NULL) {
        snprintf(login, sizeof login, "X-Consulta-Login: %s", o.login);
        snprintf(code, sizeof code, "X-Consulta-Code: %s", o.code);
        headers[0] = login;
        headers[1] = code;
    }
    cli_http *h = url ? cli_http_new(&o.http) : NULL;
    if (h != NULL) {
        snprintf(url, n + 9, "%.*s/ballots", (int)n, o.url);
        rc = post_lines(h, url, headers, stdin);
    } else {
        rc = EXIT_REFUSED;
    }
    sodium_memzero(code, sizeof code);
    cli_http_free(h);
    free(url);
    return rc;
}
