/*
 * The booth's static files (web.h). Names are checked before the file
 * system is touched: only the three pages and well-formed /web/ names are
 * looked up, one folder at a time from the web folder's descriptor, with
 * O_NOFOLLOW, so that neither ".." nor a symbolic link leads outside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web.h"

struct web_files {
    int dirfd;
};

/* What every answer from the web folder carries (ATTACKS.md #13). */
static const char csp[] = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; "
                          "worker-src 'self'; connect-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                          "frame-ancestors 'none'";

cns_err web_open(web_files **out, const char *dir, cns_diag *diag)
{
    *out = NULL;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return cns_diag_set(diag, CNS_ERR_IO, "%s: %s", dir, strerror(errno));
    web_files *w = malloc(sizeof *w);
    if (w == NULL) {
        close(fd);
        return CNS_ERR_NOMEM;
    }
    w->dirfd = fd;
    *out = w;
    return CNS_OK;
}

void web_close(web_files *w)
{
    if (w == NULL)
        return;
    close(w->dirfd);
    free(w);
}

static const struct {
    const char *ext, *mime;
} mimes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

const char *web_mime(const char *rel)
{
    const char *dot = strrchr(rel, '.');
    if (dot == NULL || strchr(dot, '/') != NULL)
        return NULL;
    for (size_t i = 0; i < sizeof mimes / sizeof mimes[0]; i++)
        if (strcmp(dot, mimes[i].ext) == 0)
            return mimes[i].mime;
    return NULL;
}

/* A well-formed relative name: see web_resolve. */
static bool well_formed(const char *rel)
{
    size_t len = strlen(rel), seg = 0, depth = 1;
    if (len == 0 || len > WEB_PATH_MAX)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char ch = rel[i];
        if (ch == '/' || ch == '\0') {
            if (seg == 0 || ++depth > WEB_DEPTH_MAX + 1)
                return false;
            seg = 0;
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || (ch == '.' && seg > 0)) {
            seg++;
        } else {
            return false;
        }
    }
    return web_mime(rel) != NULL;
}

static bool copy(char *rel, size_t cap, const char *name)
{
    size_t n = strlen(name);
    if (n >= cap)
        return false;
    memcpy(rel, name, n + 1);
    return true;
}

bool web_resolve(const char *uuid, const char *path, char *rel, size_t cap)
{
    static const char elections[] = "/elections/", web[] = "/web/";
    size_t n = strlen(uuid);
    if (strncmp(path, web, sizeof web - 1) == 0)
        return well_formed(path + sizeof web - 1) && copy(rel, cap, path + sizeof web - 1);
    if (strncmp(path, elections, sizeof elections - 1) != 0)
        return false;
    path += sizeof elections - 1;
    if (n == 0 || strncmp(path, uuid, n) != 0)
        return false;
    path += n;
    if (strcmp(path, "/") == 0)
        return copy(rel, cap, "booth/index.html");
    if (strcmp(path, "/vote") == 0)
        return copy(rel, cap, "booth/vote.html");
    if (strcmp(path, "/find") == 0)
        return copy(rel, cap, "booth/find.html");
    return false;
}

/* Open rel under dirfd one folder at a time, never following a link; -1 if not a regular file. */
static int open_beneath(int dirfd, const char *rel, struct stat *st)
{
    char name[WEB_PATH_MAX + 4];
    int fd = dirfd, next = -1;
    if (strlen(rel) >= sizeof name)
        return -1;
    strcpy(name, rel);
    for (char *seg = name, *slash; seg != NULL; seg = slash ? slash + 1 : NULL) {
        slash = strchr(seg, '/');
        if (slash != NULL)
            *slash = '\0';
        next =
            openat(fd, seg, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (slash ? O_DIRECTORY : O_NONBLOCK));
        if (fd != dirfd)
            close(fd);
        if (next < 0)
            return -1;
        fd = next;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || (uint64_t)st->st_size > WEB_FILE_MAX) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Does the client take gzip? (Accept-Encoding lists it, with a weight above 0 if any.) */
static bool takes_gzip(struct MHD_Connection *c)
{
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    while (ae != NULL && *ae != '\0') {
        size_t len = strcspn(ae, ",");
        const char *p = ae + strspn(ae, " \t");
        if (strncmp(p, "gzip", 4) == 0 && (size_t)(p + 4 - ae) <= len) {
            const char *q = p + 4 + strspn(p + 4, " \t");
            if (*q == ',' || *q == '\0')
                return true;
            if (*q == ';') {
                q += 1 + strspn(q + 1, " \t");
                return strncmp(q, "q=", 2) == 0 && strtod(q + 2, NULL) > 0;
            }
        }
        ae = ae[len] == ',' ? ae + len + 1 : NULL;
    }
    return false;
}

static void add_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
}

static enum MHD_Result plain(struct MHD_Connection *c, unsigned status, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    add_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The file (or 304), with its headers; fd is taken. */
static enum MHD_Result send_file(struct MHD_Connection *c, int fd, const struct stat *st,
                                 const char *mime, bool gz)
{
    char etag[96];
    snprintf(etag, sizeof etag, "\"%" PRIx64 "-%" PRIx64 "-%" PRIx64 "%s\"", (uint64_t)st->st_ino,
             (uint64_t)st->st_size,
             (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec,
             gz ? "-gz" : "");
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    bool fresh = inm != NULL && (strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL);
    struct MHD_Response *r;
    if (fresh) {
        close(fd);
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    } else {
        r = MHD_create_response_from_fd((size_t)st->st_size, fd);
        if (r == NULL)
            close(fd);
    }
    if (r == NULL)
        return MHD_NO;
    add_headers(r);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    MHD_add_response_header(r, "ETag", etag);
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (gz && !fresh)
        MHD_add_response_header(r, "Content-Encoding", "gzip");
    enum MHD_Result ret = MHD_queue_response(c, fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

bool web_answer(const web_files *w, struct MHD_Connection *c, const char *uuid, const char *method,
                const char *path, enum MHD_Result *ret)
{
    char rel[WEB_PATH_MAX + 8];
    struct stat st;
    int fd = -1;
    bool gz = false;
    if (!web_resolve(uuid, path, rel, WEB_PATH_MAX + 1))
        return false;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        *ret = plain(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        return true;
    }
    if (w == NULL) {
        *ret = plain(c, MHD_HTTP_NOT_FOUND, "the booth's pages are not served here (make web)\n");
        return true;
    }
    const char *mime = web_mime(rel);
    if (takes_gzip(c)) {
        strcat(rel, ".gz");
        fd = open_beneath(w->dirfd, rel, &st);
        gz = fd >= 0;
        rel[strlen(rel) - 3] = '\0';
    }
    if (fd < 0)
        fd = open_beneath(w->dirfd, rel, &st);
    if (fd < 0)
        *ret = plain(c, MHD_HTTP_NOT_FOUND, "no such file\n");
    else
        *ret = send_file(c, fd, &st, mime, gz);
    return true;
}
