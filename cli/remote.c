/*
 * A live board (remote.h): consulta verify URL downloads its archive, checking
 * each tar header as it arrives; consulta cast --url posts ballots to it. The
 * HTTP client is libcurl (http.c).
 */
#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "consulta/archive.h"
#include "consulta/election.h"
#include "http.h"
#include "text.h"
#include "util.h"

bool cli_is_url(const char *arg)
{
    return cli_http_is_url(arg);
}

/* ---- the archive as it streams ---- */

/* Where the download is in the tar stream. */
typedef struct board_stream {
    int fd;
    uint64_t offset; /* bytes received */
    uint64_t index;  /* the entry whose header comes next */
    uint64_t timestamp;
    uint64_t skip; /* body and padding bytes still to come */
    unsigned char block[CNS_ARCHIVE_BLOCK];
    size_t have; /* bytes of the next header block received */
} board_stream;

/* Write all of data to fd. */
static cns_err write_all(int fd, const unsigned char *data, size_t len, cns_diag *diag)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return cns_diag_set(diag, CNS_ERR_IO, "cannot write the downloaded board: %s",
                                strerror(errno));
        data += n;
        len -= (size_t)n;
    }
    return CNS_OK;
}

/* cli_http_sink: store the bytes, check each tar header as soon as it is whole. */
static cns_err on_board_bytes(void *ctx, const void *data, size_t len, cns_diag *diag)
{
    board_stream *s = ctx;
    const unsigned char *p = data;
    cns_err err = write_all(s->fd, p, len, diag);
    while (err == CNS_OK && len > 0) {
        size_t n;
        if (s->skip > 0) {
            n = s->skip < len ? (size_t)s->skip : len;
            s->skip -= n;
        } else {
            n = CNS_ARCHIVE_BLOCK - s->have < len ? CNS_ARCHIVE_BLOCK - s->have : len;
            memcpy(s->block + s->have, p, n);
            s->have += n;
        }
        p += n;
        len -= n;
        s->offset += n;
        if (s->have == CNS_ARCHIVE_BLOCK) {
            uint64_t size = 0;
            err = cns_archive_header_check(s->block, s->index, &s->timestamp, &size, diag);
            if (err != CNS_OK)
                cns_diag_prefix(diag, err, "not a board archive: at byte %" PRIu64 ": ",
                                s->offset - CNS_ARCHIVE_BLOCK);
            s->skip = (size + CNS_ARCHIVE_BLOCK - 1) / CNS_ARCHIVE_BLOCK * CNS_ARCHIVE_BLOCK;
            s->have = 0;
            s->index++;
        }
    }
    return err;
}

/* The archive's URL: url itself if it ends in /archive, else url/archive. */
static char *archive_url(const char *url)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    bool whole = n >= 8 && memcmp(url + n - 8, "/archive", 8) == 0;
    char *out = malloc(n + 9);
    if (out != NULL)
        snprintf(out, n + 9, "%.*s%s", (int)n, url, whole ? "" : "/archive");
    return out;
}

/* GET the board's archive into fd. */
static cns_err download(const char *url, const cli_http_opts *opts, int fd, cns_diag *diag)
{
    board_stream s = {.fd = fd};
    long status = 0;
    char *where = archive_url(url);
    cli_http *h = where ? cli_http_new(opts) : NULL;
    cns_err err =
        h ? cli_http_request(h, "GET", where, NULL, NULL, 0, on_board_bytes, &s, &status, diag)
          : cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory");
    if (err == CNS_OK && status != 200)
        err = cns_diag_set(diag, CNS_ERR_NOTFOUND, "%s: the server answered %ld", where, status);
    else if (err != CNS_OK && strncmp(diag->text, "not a board", 11) == 0)
        cns_diag_prefix(diag, err, "%s: ", where);
    cli_http_free(h);
    free(where);
    return err;
}

/* ---- the temporary copy, removed on SIGINT, SIGTERM and SIGHUP too ---- */

static char tmp_file[4200], tmp_dir[4096];
static volatile sig_atomic_t tmp_armed;

static void on_signal(int sig)
{
    if (tmp_armed) {
        unlink(tmp_file);
        rmdir(tmp_dir);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int cli_fetch_board(const char *url, const cli_http_opts *opts, char *path, size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    cns_diag diag = {{0}};
    snprintf(tmp_dir, sizeof tmp_dir, "%.4000s/consulta-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    catch_signals();
    if (mkdtemp(tmp_dir) == NULL) {
        fprintf(stderr, "consulta verify: cannot make a temporary folder in %s: %s\n",
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return EXIT_REFUSED;
    }
    snprintf(tmp_file, sizeof tmp_file, "%s/board.bel", tmp_dir);
    tmp_armed = 1;
    snprintf(path, cap, "%s", tmp_file);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    cns_err err = fd >= 0 ? download(url, opts, fd, &diag)
                          : cns_diag_set(&diag, CNS_ERR_IO, "cannot create %s", path);
    if (fd >= 0 && close(fd) != 0 && err == CNS_OK)
        err = cns_diag_set(&diag, CNS_ERR_IO, "cannot write %s", path);
    if (err != CNS_OK) {
        cli_fetch_cleanup(path);
        return cli_fail("verify", err, &diag);
    }
    return EXIT_OK;
}

void cli_fetch_cleanup(const char *path)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    unlink(path);
    rmdir(dirname(copy));
    tmp_armed = 0;
}

int cli_check_since(const char *path, const char *since)
{
    cns_archive_head old = {0}, now;
    cns_diag diag = {{0}};
    unsigned long long height;
    int used = 0;
    if (sscanf(since, "%llu:%n", &height, &used) != 1 || used == 0 ||
        cns_hash_from_hex(old.hash, since + used, strlen(since + used)) != CNS_OK)
        return cli_usage("verify", "--since: expected HEIGHT:HASH (64 hex digits)");
    cns_err err = cns_archive_head_of_file(&now, path, &diag);
    old.has_event = true;
    old.height = height;
    old.timestamp = now.timestamp; /* the hash chain is what binds the board */
    if (err == CNS_OK)
        err = cns_archive_check_extends(path, &old, NULL, &diag);
    if (err != CNS_OK) {
        fprintf(stderr, "consulta verify: the board does not extend the recorded head\n");
        return cli_fail("verify", err, &diag);
    }
    printf("extends the recorded head %s (height %llu)\n", since + used, height);
    return EXIT_OK;
}

int cli_board_path(const char *arg, const cli_http_opts *opts, char *path, size_t cap,
                   bool *fetched)
{
    struct stat st;
    *fetched = cli_is_url(arg);
    if (*fetched)
        return cli_fetch_board(arg, opts, path, cap) != 0 ? EXIT_REFUSED : 0;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_find_board(path, cap, arg) != 0 ? EXIT_REFUSED : 0;
    snprintf(path, cap, "%s", arg);
    return 0;
}
