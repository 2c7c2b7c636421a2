/*
 * Exporting the board: the store's entries written through the archive
 * writer (which checks the chain as it writes), giving exactly the file
 * belenios-tool would have written, and the election's files beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "server_internal.h"

typedef struct exporter {
    cns_archive_writer *writer;
    uint64_t timestamp;
    setup_text setup[3]; /* NULL bytes when not wanted */
    bool want_setup;
} exporter;

static cns_err read_header(void *ctx, const cns_archive_entry *e, cns_diag *diag)
{
    exporter *x = ctx;
    unsigned long long t = 0;
    char text[CNS_ARCHIVE_HEADER_MAX + 1];
    if (e->kind != CNS_ARCHIVE_HEADER || e->len > CNS_ARCHIVE_HEADER_MAX)
        return cns_diag_set(diag, CNS_ERR_STORE, "entry 0 is not the BELENIOS entry");
    memcpy(text, e->content, e->len);
    text[e->len] = '\0';
    if (sscanf(text, "{\"version\":1,\"timestamp\":\"%llu\"}", &t) != 1)
        return cns_diag_set(diag, CNS_ERR_STORE, "entry 0: no timestamp");
    x->timestamp = t;
    return CNS_OK;
}

/* Keep a copy of the entry in setup[index - 1]. */
static cns_err keep_setup(exporter *x, const cns_archive_entry *e)
{
    setup_text *t = &x->setup[e->index - 1];
    if ((t->bytes = malloc(e->len + 1)) == NULL)
        return CNS_ERR_NOMEM;
    memcpy(t->bytes, e->content, e->len);
    t->len = e->len;
    return CNS_OK;
}

static cns_err keep_election(void *ctx, const cns_archive_entry *e, cns_diag *diag)
{
    (void)diag;
    return e->index == 1 ? keep_setup(ctx, e) : CNS_OK;
}

static cns_err put(void *ctx, const cns_archive_entry *e, cns_diag *diag)
{
    exporter *x = ctx;
    cns_err err = CNS_OK;
    if (x->want_setup && e->index >= 1 && e->index <= 3)
        err = keep_setup(x, e);
    if (err == CNS_OK)
        err = cns_archive_writer_put(x->writer, e, diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "entry %" PRIu64 ": ", e->index);
    return CNS_OK;
}

/* The store's entries [0, count) into a new archive at path. OUT: *entries (may be NULL), count. */
static cns_err export_to(store *st, const char *path, exporter *x, uint64_t *entries,
                         cns_diag *diag)
{
    uint64_t count = 0;
    cns_err err = st->ops->count(st, &count, diag);
    if (err == CNS_OK && count == 0)
        err = cns_diag_set(diag, CNS_ERR_NOTFOUND, "the store holds no board");
    if (err == CNS_OK)
        err = st->ops->range(st, 0, 1, read_header, x, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_create(&x->writer, path, x->timestamp, diag);
    if (err == CNS_OK)
        err = st->ops->range(st, 1, count, put, x, diag);
    cns_err closed = cns_archive_writer_close(x->writer, err == CNS_OK ? diag : NULL);
    x->writer = NULL;
    if (entries != NULL)
        *entries = count;
    return err != CNS_OK ? err : closed;
}

cns_err server_export_fd(server *srv, int *fd, uint64_t *len, uint64_t *entries, cns_diag *diag)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    unsigned char rnd[8];
    store *st = NULL;
    exporter x = {0};
    struct stat sb;
    *fd = -1;
    randombytes_buf(rnd, sizeof rnd);
    snprintf(path, sizeof path, "%s/consulta-export-%02x%02x%02x%02x%02x%02x%02x%02x.bel",
             tmp && *tmp ? tmp : "/tmp", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
             rnd[7]);
    cns_err err = store_open(&st, srv->conninfo, diag);
    if (err == CNS_OK)
        err = export_to(st, path, &x, entries, diag);
    if (err == CNS_OK && ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(*fd, &sb) != 0))
        err = cns_diag_set(diag, CNS_ERR_IO, "%s: %s", path, strerror(errno));
    if (err == CNS_OK)
        *len = (uint64_t)sb.st_size;
    unlink(path);
    if (err != CNS_OK && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    if (st != NULL)
        st->ops->close(st);
    return err;
}

/* ---- the archive served by GET …/archive: one export per chain head ---- */

struct server_archive {
    server *srv;
    int fd;           /* the export, unlinked */
    uint64_t len;     /* its bytes */
    uint64_t entries; /* the store's entries it holds: the chain head it ends at */
    unsigned refs;    /* under srv->archive_mu */
};

static void entries_of(const cns_board *board, void *ctx)
{
    cns_board_summary s;
    cns_board_summary_get(board, &s);
    *(uint64_t *)ctx = s.head.entries;
}

/* A new export of the board, with one reference; archive_mu held. */
static cns_err archive_new(server *srv, server_archive **out, cns_diag *diag)
{
    server_archive *a = calloc(1, sizeof *a);
    if (a == NULL)
        return CNS_ERR_NOMEM;
    *a = (server_archive){.srv = srv, .fd = -1, .refs = 1};
    cns_err err = server_export_fd(srv, &a->fd, &a->len, &a->entries, diag);
    if (err != CNS_OK) {
        free(a);
        return err;
    }
    srv->live_archives++;
    pthread_mutex_lock(&srv->queue_mu);
    srv->stats.exports++;
    pthread_mutex_unlock(&srv->queue_mu);
    *out = a;
    return CNS_OK;
}

/* Drop a reference; archive_mu held. */
static void archive_unref(server_archive *a)
{
    if (a == NULL || --a->refs > 0)
        return;
    close(a->fd);
    a->srv->live_archives--;
    free(a);
}

cns_err server_archive_get(server *srv, server_archive **out, uint64_t *len, cns_diag *diag)
{
    uint64_t entries = 0;
    cns_err err = server_read_board(srv, entries_of, &entries, diag);
    *out = NULL;
    if (err != CNS_OK)
        return err;
    pthread_mutex_lock(&srv->archive_mu);
    server_archive *a = srv->archive;
    if (a == NULL || a->entries < entries) {
        a = NULL;
        if (srv->live_archives >= SERVER_ARCHIVES_MAX)
            err = cns_diag_set(diag, CNS_ERR_LIMIT,
                               "%d versions of the archive are being downloaded: retry later",
                               SERVER_ARCHIVES_MAX);
        if (err == CNS_OK)
            err = archive_new(srv, &a, diag);
        if (err == CNS_OK) {
            archive_unref(srv->archive);
            srv->archive = a; /* the cache's reference */
        }
    }
    if (a != NULL) {
        a->refs++;
        *out = a;
        *len = a->len;
    }
    pthread_mutex_unlock(&srv->archive_mu);
    return err;
}

long server_archive_read(server_archive *a, uint64_t pos, char *buf, size_t max)
{
    if (pos >= a->len)
        return -1;
    if (max > a->len - pos)
        max = (size_t)(a->len - pos);
    ssize_t n = pread(a->fd, buf, max, (off_t)pos);
    return n > 0 ? (long)n : -1;
}

void server_archive_release(server_archive *a)
{
    if (a == NULL)
        return;
    server *srv = a->srv;
    pthread_mutex_lock(&srv->archive_mu);
    archive_unref(a);
    pthread_mutex_unlock(&srv->archive_mu);
}

/* dir/name ← bytes and a newline, as Belenios writes its files. */
static cns_err write_file(const char *dir, const char *name, const setup_text *t, cns_diag *diag)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wx");
    if (f == NULL)
        return cns_diag_set(diag, CNS_ERR_IO, "%s: %s", path, strerror(errno));
    bool ok = fwrite(t->bytes, 1, t->len, f) == t->len && fputc('\n', f) != EOF;
    if (fclose(f) != 0 || !ok)
        return cns_diag_set(diag, CNS_ERR_IO, "%s: write failed", path);
    return CNS_OK;
}

cns_err server_export(server *srv, const char *conninfo, const char *dir, char **bel_path,
                      cns_diag *diag)
{
    static const char *const names[3] = {"election.json", "trustees.json", "public_creds.json"};
    store *st = NULL;
    exporter x = {.want_setup = true};
    cns_election *election = NULL;
    char path[4096];
    cns_err err = store_open(&st, srv != NULL ? srv->conninfo : conninfo, diag);
    if (err == CNS_OK)
        err = st->ops->range(st, 1, 2, keep_election, &x, diag);
    if (err == CNS_OK && x.setup[0].bytes == NULL)
        err = cns_diag_set(diag, CNS_ERR_NOTFOUND, "the store holds no election");
    if (err == CNS_OK)
        err = cns_election_parse(&election, x.setup[0].bytes, x.setup[0].len, diag);
    if (err == CNS_OK) {
        snprintf(path, sizeof path, "%s/%s.bel", dir, cns_election_uuid(election));
        free(x.setup[0].bytes);
        x.setup[0].bytes = NULL;
        err = export_to(st, path, &x, NULL, diag);
    }
    for (size_t i = 0; i < 3 && err == CNS_OK; i++)
        err = write_file(dir, names[i], &x.setup[i], diag);
    if (err == CNS_OK && bel_path != NULL && (*bel_path = strdup(path)) == NULL)
        err = CNS_ERR_NOMEM;
    for (size_t i = 0; i < 3; i++)
        free(x.setup[i].bytes);
    cns_election_free(election);
    if (st != NULL)
        st->ops->close(st);
    return err;
}
