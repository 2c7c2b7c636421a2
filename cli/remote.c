/* Verifying a live board (remote.h): the HTTP client is the server's (server/http_client.c). */
#include "remote.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../server/server.h"
#include "consulta/archive.h"
#include "util.h"

bool cli_is_url(const char *arg)
{
    return strncmp(arg, "http://", 7) == 0;
}

/* GET path into fd. */
static cns_err download(const char *url, int fd, cns_diag *diag)
{
    char host[256], port[8], path[4096];
    const char *p;
    http_client *c = NULL;
    int status = 0;
    cns_err err = http_url_parse(url, host, port, &p, diag);
    if (err != CNS_OK)
        return err;
    size_t n = strlen(p);
    bool whole = n >= 8 && strcmp(p + n - 8, "/archive") == 0;
    snprintf(path, sizeof path, "%s%s", p, whole ? "" : "/archive");
    err = http_client_connect(&c, host, port, diag);
    if (err == CNS_OK)
        err = http_client_request(c, "GET", path, NULL, NULL, 0, &status, NULL, NULL, fd,
                                  (size_t)CNS_ARCHIVE_ENTRY_MAX << 8, diag);
    if (err == CNS_OK && status != 200)
        err = cns_diag_set(diag, CNS_ERR_NOTFOUND, "%s: the server answered %d", url, status);
    http_client_free(c);
    return err;
}

int cli_fetch_board(const char *url, char *path, size_t cap)
{
    char dir[] = "/tmp/consulta-verify-XXXXXX";
    cns_diag diag = {{0}};
    if (mkdtemp(dir) == NULL) {
        perror("consulta verify: mkdtemp");
        return EXIT_REFUSED;
    }
    snprintf(path, cap, "%s/board.bel", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    cns_err err = fd >= 0 ? download(url, fd, &diag)
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
