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
#include "commands.h"
#include "util.h"

static const char serve_usage[] =
    "usage: consulta serve [--dir DIR] [--db CONNINFO] [--init [--tokens FILE]]\n"
    "                      [--listen ADDR] [--port N] [--port-file FILE] [--threads N]\n"
    "                      [--max-connections N] [--per-ip N] [--timeout SECONDS]\n"
    "\n"
    "Serve the public board of the election over HTTP (API: docs/api.md).\n"
    "The board is kept in CONNINFO: a SQLite file (default DIR/board.sqlite) or a\n"
    "PostgreSQL connection string (postgresql://… or \"host=… dbname=…\"); several\n"
    "servers on one PostgreSQL database serve one board.\n"
    "\n"
    "--init starts the board from DIR/election.json, DIR/trustees.json and\n"
    "DIR/public_creds.json (checked as a verifier would), makes an access token for\n"
    "the administrator and for each trustee, writes them to FILE (default\n"
    "DIR/tokens.txt, mode 0600: hand each to its holder) and keeps only their\n"
    "SHA-256; then exits. Without --init: listen on ADDR (default 127.0.0.1) port N\n"
    "(default 8080; 0 picks a free one, written to --port-file) until SIGINT/SIGTERM.\n";

typedef struct serve_opts {
    const char *dir, *db, *tokens, *port_file;
    bool init;
    http_config http;
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
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int opt;
    bool ok = true;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->http = (http_config){"127.0.0.1", 8080, cpus > 2 ? (unsigned)(2 * cpus) : 4, 1024, 128, 15};
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
    return EXIT_OK;
}

/* Write the tokens, mode 0600, to a new file. */
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

static int init(const serve_opts *o, const char *db)
{
    char path[4096];
    size_t le = 0, lt = 0, lc = 0, ltok = 0;
    char *e = cli_read(cli_path(path, sizeof path, o->dir, "election.json"), &le, true);
    char *t = e ? cli_read(cli_path(path, sizeof path, o->dir, "trustees.json"), &lt, true) : NULL;
    char *c =
        t ? cli_read(cli_path(path, sizeof path, o->dir, "public_creds.json"), &lc, true) : NULL;
    char *tokens = NULL;
    cns_diag diag = {{0}};
    int rc = EXIT_REFUSED;
    const char *out = o->tokens ? o->tokens : cli_path(path, sizeof path, o->dir, "tokens.txt");
    if (c != NULL && access(out, F_OK) == 0) {
        fprintf(stderr, "consulta serve: %s exists: tokens are made once\n", out);
    } else if (c != NULL) {
        cns_err err =
            server_init(db, e, le, t, lt, c, lc, (uint64_t)time(NULL), &tokens, &ltok, &diag);
        rc = err == CNS_OK ? write_tokens(out, tokens, ltok) : cli_fail("serve", err, &diag);
    }
    if (rc == EXIT_OK)
        printf("board started in %s; access tokens in %s\n", db, out);
    if (tokens != NULL)
        sodium_memzero(tokens, ltok);
    free(tokens);
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
    cns_err err = server_open(&srv, db, &diag);
    if (err == CNS_OK)
        err = http_start(&d, srv, &o->http, &port, &diag);
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
    http_stop(d);
    server_stats st;
    server_stats_get(srv, &st);
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
    serve_opts o = {.dir = "."};
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
