/* consulta serve: the bulletin board server; consulta export: its board as Belenios files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../server/server.h"
#include "../server/voters.h"
#include "commands.h"
#include "util.h"

static const char serve_usage[] =
    "usage: consulta serve [--dir DIR] [--db CONNINFO]\n"
    "                      [--init [--tokens FILE] (--voters FILE [--codes N] [--codes-file FILE]\n"
    "                              | --no-voter-auth) [--opens TIME] [--closes TIME]]\n"
    "                      [--listen ADDR] [--port N] [--port-file FILE] [--threads N]\n"
    "                      [--max-connections N] [--per-ip N] [--timeout SECONDS]\n"
    "                      [--web DIR]\n"
    "                      [--request-timeout SECONDS] [--buffer-limit MIB] [--max-revotes N]\n"
    "\n"
    "Serve the public board of the election over HTTP (API: docs/api.md).\n"
    "The board is kept in CONNINFO: a SQLite file (default DIR/board.sqlite) or a\n"
    "PostgreSQL connection string (postgresql://… or \"host=… dbname=…\"); several\n"
    "servers on one PostgreSQL database serve one board. Keep the password out of\n"
    "CONNINFO (it would show in ps): put it in a PGPASSFILE (default ~/.pgpass,\n"
    "mode 0600; see libpq's documentation); consulta prints a password as ***.\n"
    "\n"
    "--init starts the board from DIR/election.json, DIR/trustees.json and\n"
    "DIR/public_creds.json (checked as a verifier would), makes an access token for\n"
    "the administrator and for each trustee, writes them to FILE (default\n"
    "DIR/tokens.txt, mode 0600: hand each to its holder) and keeps only their\n"
    "SHA-256; then exits. Without --init: listen on ADDR (default 127.0.0.1) port N\n"
    "(default 8080; 0 picks a free one, written to --port-file) until SIGINT/SIGTERM.\n"
    "\n"
    "Voter authentication (--init): --voters FILE is the credential authority's\n"
    "binding of each public credential to a login (DIR/bindings.csv of consulta\n"
    "credentials --voters); the server keeps it privately and makes N one-time\n"
    "codes per login (default 3), written to the codes file (default\n"
    "DIR/codes.csv, mode 0600: \"login,code1,…\" for printed slips or an SMS\n"
    "gateway), keeping only their hashes. A ballot is then accepted only with a\n"
    "login, one of its unused codes and the credential bound to it. With\n"
    "--no-voter-auth the credential alone suffices: whoever holds the credentials\n"
    "(the credential authority) can vote for any voter.\n"
    "\n"
    "--opens, --closes TIME (UTC, 2026-12-06T08:00:00Z or 2026-12-06T08:00Z, or Unix\n"
    "seconds): ballots are refused before and after (the administrator still closes\n"
    "the ballot box with POST …/close).\n"
    "\n"
    "The voting booth's pages (make web) are served from --web DIR (default: the\n"
    "folder web next to the consulta executable, i.e. build/web): /elections/UUID/,\n"
    "/elections/UUID/vote, /elections/UUID/find and /web/….\n"
    "\n"
    "Limits (docs/api.md): --timeout cuts idle connections (default 15 s);\n"
    "--request-timeout is the time a request's headers and body have to arrive\n"
    "(default 10 s, plus its declared body at 16 KiB/s); --buffer-limit caps the\n"
    "bytes buffered over all connections (default 256 MiB); --max-revotes is the\n"
    "most ballots one credential may cast after its first (default 100; 0: no\n"
    "limit). The soft limit of open files is raised to the hard one, and\n"
    "--max-connections (default 1024) lowered to what it allows.\n";

typedef struct serve_opts {
    const char *dir, *db, *tokens, *port_file;
    const char *voters, *codes_file;
    unsigned codes;
    uint64_t opens, closes;
    char web[4096]; /* the default web folder */
    bool init, no_voter_auth;
    http_config http;
    unsigned revotes, buffer_mib;
} serve_opts;

/* A numeric option in [min, max]; false after printing why. */
static bool number(const char *arg, uint64_t min, uint64_t max, unsigned *out)
{
    uint64_t v;
    if (!cli_parse_u64(arg, min, max, &v)) {
        cli_usage("serve", "%s: expected a number from %llu to %llu", arg, (unsigned long long)min,
                  (unsigned long long)max);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

/* The folder web next to the executable, or NULL when /proc/self/exe cannot be read. */
static const char *default_web(char *buf, size_t cap)
{
    ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash == NULL || (size_t)(slash - buf) + sizeof "/web" > cap)
        return NULL;
    strcpy(slash, "/web");
    return buf;
}

/* A date: 2026-12-06T08:00[:00]Z (UTC) or Unix seconds; false after printing why. */
static bool date(const char *arg, uint64_t *out)
{
    struct tm tm = {0};
    const char *end = strptime(arg, "%Y-%m-%dT%H:%M", &tm);
    if (end != NULL && *end == ':')
        end = strptime(end, ":%S", &tm);
    if (end != NULL && strcmp(end, "Z") == 0 && tm.tm_year >= 70) {
        *out = (uint64_t)timegm(&tm);
        return true;
    }
    if (cli_parse_u64(arg, 1, 253402300799u, out))
        return true;
    cli_usage("serve", "%s: expected a UTC date 2026-12-06T08:00:00Z or Unix seconds", arg);
    return false;
}

static int parse(int argc, char **argv, serve_opts *o)
{
    static const struct option options[] = {{"dir", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"init", no_argument, NULL, 'i'},
                                            {"tokens", required_argument, NULL, 'k'},
                                            {"listen", required_argument, NULL, 'l'},
                                            {"port", required_argument, NULL, 'p'},
                                            {"port-file", required_argument, NULL, 'f'},
                                            {"threads", required_argument, NULL, 't'},
                                            {"max-connections", required_argument, NULL, 'm'},
                                            {"per-ip", required_argument, NULL, 'a'},
                                            {"timeout", required_argument, NULL, 'o'},
                                            {"web", required_argument, NULL, 'w'},
                                            {"voters", required_argument, NULL, 'V'},
                                            {"codes", required_argument, NULL, 'C'},
                                            {"codes-file", required_argument, NULL, 'F'},
                                            {"no-voter-auth", no_argument, NULL, 'N'},
                                            {"request-timeout", required_argument, NULL, 'r'},
                                            {"buffer-limit", required_argument, NULL, 'u'},
                                            {"max-revotes", required_argument, NULL, 'v'},
                                            {"opens", required_argument, NULL, 'O'},
                                            {"closes", required_argument, NULL, 'L'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int opt;
    bool ok = true;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->http = (http_config){.address = "127.0.0.1",
                            .port = 8080,
                            .threads = cpus > 2 ? (unsigned)(2 * cpus) : 4,
                            .connection_limit = 1024,
                            .per_ip_limit = 128,
                            .timeout_s = 15,
                            .request_s = 10,
                            .min_rate = 16u << 10};
    while (ok && (opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd':
            o->dir = optarg;
            break;
        case 'b':
            o->db = optarg;
            break;
        case 'i':
            o->init = true;
            break;
        case 'k':
            o->tokens = optarg;
            break;
        case 'l':
            o->http.address = optarg;
            break;
        case 'p':
            ok = number(optarg, 0, 65535, &o->http.port);
            break;
        case 'f':
            o->port_file = optarg;
            break;
        case 't':
            ok = number(optarg, 1, 256, &o->http.threads);
            break;
        case 'm':
            ok = number(optarg, 1, 65536, &o->http.connection_limit);
            break;
        case 'a':
            ok = number(optarg, 1, 65536, &o->http.per_ip_limit);
            break;
        case 'o':
            ok = number(optarg, 1, 3600, &o->http.timeout_s);
            break;
        case 'w':
            o->http.web_dir = optarg;
            break;
        case 'V':
            o->voters = optarg;
            break;
        case 'C':
            ok = number(optarg, 1, VOTERS_CODES_MAX, &o->codes);
            break;
        case 'F':
            o->codes_file = optarg;
            break;
        case 'N':
            o->no_voter_auth = true;
            break;
        case 'r':
            ok = number(optarg, 1, 3600, &o->http.request_s);
            break;
        case 'u':
            ok = number(optarg, 1, 1u << 20, &o->buffer_mib);
            break;
        case 'v':
            ok = number(optarg, 0, 1000000, &o->revotes);
            break;
        case 'O':
        case 'L':
            ok = date(optarg, opt == 'O' ? &o->opens : &o->closes);
            break;
        case 'h':
            fputs(serve_usage, stdout);
            return -1;
        default:
            return cli_usage("serve", "unknown option");
        }
    }
    if (!ok)
        return EXIT_USAGE;
    if (optind != argc)
        return cli_usage("serve", "unexpected argument %s", argv[optind]);
    bool voter_opts = o->voters || o->codes || o->codes_file;
    if (!o->init && (o->opens || o->closes))
        return cli_usage("serve", "--opens and --closes go with --init");
    if (!o->init && (voter_opts || o->no_voter_auth))
        return cli_usage("serve", "--voters, --codes, --codes-file and --no-voter-auth go with "
                                  "--init");
    if (o->init && o->no_voter_auth == (o->voters != NULL))
        return cli_usage("serve", "--init needs --voters FILE (voters authenticated with one-time "
                                  "codes) or --no-voter-auth (the credential alone), not both");
    if (o->no_voter_auth && voter_opts)
        return cli_usage("serve", "--codes and --codes-file go with --voters");
    if (o->http.web_dir == NULL)
        o->http.web_dir = default_web(o->web, sizeof o->web);
    return EXIT_OK;
}

/* Write secrets (tokens, codes), mode 0600, to a new file. */
static int write_tokens(const char *path, const char *tokens, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, tokens, len) == (ssize_t)len;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (!ok)
        fprintf(stderr, "consulta serve: cannot write %s: %s\n", path, strerror(errno));
    return ok ? EXIT_OK : EXIT_REFUSED;
}

static const char no_auth_warning[] =
    "WARNING: voters are NOT authenticated (--no-voter-auth): a ballot needs only its\n"
    "credential, so whoever holds the private credentials (the credential authority,\n"
    "or anyone who copied them) can vote in any voter's place. Use --voters FILE to\n"
    "require each voter's login and one-time code as well.\n";

/*
 * Print a connection string without its password: the value of a password=
 * keyword (key/value form or URI query), and the password of a URI's
 * user:password@ part, become "***". Use PGPASSFILE (~/.pgpass) rather than a
 * password in CONNINFO: then there is none to print, in ps or anywhere.
 */
static void print_redacted(FILE *f, const char *db)
{
    bool uri = strncmp(db, "postgres://", 11) == 0 || strncmp(db, "postgresql://", 13) == 0;
    const char *p = db, *auth = uri ? strstr(db, "://") + 3 : NULL;
    size_t auth_len = auth ? strcspn(auth, "/?") : 0;
    const char *at = NULL, *colon = NULL;
    for (size_t i = 0; i < auth_len; i++) /* user:password@host: the last @ of the authority */
        at = auth[i] == '@' ? auth + i : at;
    for (const char *c = auth; at != NULL && c < at && colon == NULL; c++)
        colon = *c == ':' ? c : NULL;
    if (colon != NULL) {
        fwrite(db, 1, (size_t)(colon + 1 - db), f);
        fputs("***", f);
        p = at;
    }
    while (*p != '\0') {
        const char *key = strstr(p, "password");
        if (key == NULL || (key > db && strchr(" \t?&", key[-1]) == NULL)) {
            size_t n = key ? (size_t)(key - p) + 8 : strlen(p);
            fwrite(p, 1, n, f);
            p += n;
            continue;
        }
        const char *v = key + 8;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v != '=') {
            fwrite(p, 1, (size_t)(v - p), f);
            p = v;
            continue;
        }
        for (v++; *v == ' ' || *v == '\t'; v++)
            ;
        fwrite(p, 1, (size_t)(v - p), f);
        fputs("***", f);
        if (*v == '\'') /* a quoted value, with \' and \\ inside */
            for (v++; *v != '\0' && *v != '\''; v++)
                v += v[0] == '\\' && v[1] != '\0';
        else
            v += uri ? strcspn(v, "&") : strcspn(v, " \t");
        p = *v == '\'' ? v + 1 : v;
    }
}

static int init(const serve_opts *o, const char *db)
{
    char path[4096], codes_path[4096];
    size_t le = 0, lt = 0, lc = 0, ltok = 0, lv = 0, lcodes = 0;
    char *voters = NULL, *codes = NULL;
    char *e = cli_read(cli_path(path, sizeof path, o->dir, "election.json"), &le, true);
    char *t = e ? cli_read(cli_path(path, sizeof path, o->dir, "trustees.json"), &lt, true) : NULL;
    char *c =
        t ? cli_read(cli_path(path, sizeof path, o->dir, "public_creds.json"), &lc, true) : NULL;
    char *tokens = NULL;
    cns_diag diag = {{0}};
    int rc = EXIT_REFUSED;
    const char *out = o->tokens ? o->tokens : cli_path(path, sizeof path, o->dir, "tokens.txt");
    const char *codes_out = o->codes_file
                                ? o->codes_file
                                : cli_path(codes_path, sizeof codes_path, o->dir, "codes.csv");
    server_voters sv = {NULL, 0, o->codes ? o->codes : VOTERS_CODES_DEFAULT, o->opens, o->closes};
    if (c != NULL && o->voters != NULL) {
        voters = cli_read(o->voters, &lv, false); /* NULL: cli_read said why */
        sv.binding = voters;
        sv.binding_len = lv;
    }
    bool ready = c != NULL && (o->voters == NULL || voters != NULL);
    if (ready && access(out, F_OK) == 0) {
        fprintf(stderr, "consulta serve: %s exists: tokens are made once\n", out);
    } else if (ready && voters != NULL && access(codes_out, F_OK) == 0) {
        fprintf(stderr, "consulta serve: %s exists: codes are made once\n", codes_out);
    } else if (ready) {
        cns_err err = server_init_voters(db, e, le, t, lt, c, lc, &sv, (uint64_t)time(NULL),
                                         &tokens, &ltok, &codes, &lcodes, &diag);
        rc = err == CNS_OK ? write_tokens(out, tokens, ltok) : cli_fail("serve", err, &diag);
        if (rc == EXIT_OK && codes != NULL)
            rc = write_tokens(codes_out, codes, lcodes);
    }
    if (rc == EXIT_OK)
        fputs("board started in ", stdout), print_redacted(stdout, db),
            printf("; access tokens in %s\n", out);
    if (rc == EXIT_OK && codes != NULL)
        printf("voters authenticated: one-time codes (%u per login) in %s; give each voter "
               "theirs apart from the credential\n",
               sv.codes, codes_out);
    if (rc == EXIT_OK && voters == NULL)
        fputs(no_auth_warning, stderr);
    if (tokens != NULL)
        sodium_memzero(tokens, ltok);
    free(tokens);
    if (codes != NULL)
        sodium_memzero(codes, lcodes);
    free(codes);
    free(voters);
    free(e);
    free(t);
    free(c);
    return rc;
}

static int run(const serve_opts *o, const char *db)
{
    server *srv = NULL;
    http_daemon *d = NULL;
    cns_diag diag = {{0}};
    sigset_t set;
    unsigned port = 0;
    int sig = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    http_config http = o->http;
    unsigned long nofile = 0;
    http_raise_nofile(&nofile);
    unsigned fit = http_connections_fit(nofile, http.threads);
    if (http.connection_limit > fit) {
        fprintf(stderr, "consulta serve: %lu open files allowed: at most %u connections (not %u)\n",
                nofile, fit, http.connection_limit);
        http.connection_limit = fit;
    }
    if (http.per_ip_limit > http.connection_limit)
        http.per_ip_limit = http.connection_limit;
    http.buffer_limit = (size_t)o->buffer_mib << 20;
    cns_err err = server_open(&srv, db, &diag);
    if (err == CNS_OK) {
        server_set_revote_limit(srv, o->revotes);
        err = http_start(&d, srv, &http, &port, &diag);
    }
    if (err != CNS_OK) {
        server_free(srv);
        return cli_fail("serve", err, &diag);
    }
    if (o->port_file != NULL) {
        FILE *f = fopen(o->port_file, "w");
        if (f != NULL)
            fprintf(f, "%u\n", port), fclose(f);
    }
    printf("serving http://%s:%u/elections/%s\n", o->http.address, port, server_uuid(srv));
    fflush(stdout);
    sigwait(&set, &sig);
    http_stats hs;
    http_stats_get(d, &hs);
    http_stop(d);
    server_stats st;
    server_stats_get(srv, &st);
    fprintf(stderr,
            "consulta serve: %llu slow requests cut, %llu refused for the buffer limit, %llu "
            "library log lines not shown; %llu ballots refused before their proofs, %llu "
            "archives exported, %llu board reloads\n",
            (unsigned long long)hs.cut_slow, (unsigned long long)hs.refused_busy,
            (unsigned long long)hs.log_dropped, (unsigned long long)st.refused_early,
            (unsigned long long)st.exports, (unsigned long long)st.reloads);
    fprintf(stderr,
            "consulta serve: stopped: %llu ballots accepted, %llu refused, %llu commits; "
            "%.3f s CPU verifying ballots, %.3f s CPU appending under the lock\n",
            (unsigned long long)st.accepted, (unsigned long long)st.refused,
            (unsigned long long)st.batches, (double)st.verify_ns / 1e9, (double)st.append_ns / 1e9);
    server_free(srv);
    return EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
    serve_opts o = {.dir = ".", .revotes = SERVER_REVOTES_DEFAULT, .buffer_mib = 256};
    char path[4096];
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    const char *db = o.db ? o.db : cli_path(path, sizeof path, o.dir, "board.sqlite");
    return o.init ? init(&o, db) : run(&o, db);
}

static const char export_usage[] =
    "usage: consulta export [--dir DIR] [--db CONNINFO] --out OUTDIR\n"
    "\n"
    "Write the board kept in CONNINFO (default DIR/board.sqlite) as Belenios lays\n"
    "out an election: OUTDIR/UUID.bel, election.json, trustees.json and\n"
    "public_creds.json, which belenios-tool and consulta verify.\n";

/* mkdir -p path. Returns EXIT_OK, or EXIT_REFUSED after saying why. */
static int make_folder(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        bool last = *p == '\0';
        if (*p == '/' || last) {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                fprintf(stderr, "consulta export: cannot make %s: %s\n", buf, strerror(errno));
                return EXIT_REFUSED;
            }
            if (last)
                return EXIT_OK;
            *p = '/';
        }
    }
}

int cmd_export(int argc, char **argv)
{
    static const struct option options[] = {{"dir", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"out", required_argument, NULL, 'o'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *dir = ".", *db = NULL, *out = NULL;
    char path[4096];
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'd')
            dir = optarg;
        else if (opt == 'b')
            db = optarg;
        else if (opt == 'o')
            out = optarg;
        else if (opt == 'h')
            return fputs(export_usage, stdout), EXIT_OK;
        else
            return cli_usage("export", "unknown option");
    }
    if (optind != argc || out == NULL)
        return cli_usage("export", "expected --out OUTDIR and nothing else");
    if (make_folder(out) != EXIT_OK)
        return EXIT_REFUSED;
    char *bel = NULL;
    cns_diag diag = {{0}};
    cns_err err = server_export(NULL, db ? db : cli_path(path, sizeof path, dir, "board.sqlite"),
                                out, &bel, &diag);
    if (err != CNS_OK)
        return cli_fail("export", err, &diag);
    printf("%s: exported\n", bel);
    free(bel);
    return EXIT_OK;
}
