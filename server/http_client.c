/*
 * A small HTTP/1.1 client over plain sockets, for `consulta verify URL`, the
 * load tests and the benchmark.
 *
 * Why not libcurl: Debian's libcurl4-openssl-dev is not among our packages,
 * and what is needed is small — GET and POST on a kept-alive connection to
 * our own server, whose answers always carry Content-Length (libmicrohttpd
 * sends it for buffers and files). Nothing here needs TLS: the board is
 * public and every byte of it is verified end to end (hash chain, proofs)
 * whatever carried it; a deployment puts TLS in a reverse proxy, and an
 * auditor can fetch the archive with any tool and verify the file.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "server.h"

#define HEAD_MAX  16384
#define TIMEOUT_S 120

struct http_client {
    int fd;
    char buf[HEAD_MAX]; /* bytes received and not used yet */
    size_t have;
};

cns_err http_url_parse(const char *url, char host[256], char port[8], const char **path,
                       cns_diag *diag)
{
    static const char scheme[] = "http://";
    if (strncmp(url, scheme, sizeof scheme - 1) != 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: not an http:// URL", url);
    const char *h = url + sizeof scheme - 1, *slash = strchr(h, '/');
    const char *end = slash ? slash : h + strlen(h), *colon = memchr(h, ':', (size_t)(end - h));
    const char *hend = colon ? colon : end;
    if (hend == h || (size_t)(hend - h) > 255 ||
        (colon && (end - colon - 1 < 1 || end - colon - 1 > 5)))
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: bad host or port", url);
    memcpy(host, h, (size_t)(hend - h));
    host[hend - h] = '\0';
    if (colon) {
        memcpy(port, colon + 1, (size_t)(end - colon - 1));
        port[end - colon - 1] = '\0';
    } else {
        strcpy(port, "80");
    }
    *path = slash ? slash : "/";
    return CNS_OK;
}

cns_err http_client_connect(http_client **out, const char *host, const char *port, cns_diag *diag)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    struct timeval tv = {.tv_sec = TIMEOUT_S};
    int fd = -1, rc = getaddrinfo(host, port, &hints, &res);
    *out = NULL;
    if (rc != 0)
        return cns_diag_set(diag, CNS_ERR_IO, "%s: %s", host, gai_strerror(rc));
    for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return cns_diag_set(diag, CNS_ERR_IO, "%s:%s: cannot connect: %s", host, port,
                            strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    http_client *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        return CNS_ERR_NOMEM;
    }
    c->fd = fd;
    *out = c;
    return CNS_OK;
}

void http_client_free(http_client *c)
{
    if (c == NULL)
        return;
    close(c->fd);
    free(c);
}

int http_client_fd(const http_client *c)
{
    return c->fd;
}

static cns_err send_all(http_client *c, const char *p, size_t n, cns_diag *diag)
{
    while (n > 0) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return cns_diag_set(diag, CNS_ERR_IO, "send: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
    }
    return CNS_OK;
}

/* Receive into c->buf; false at end of stream or error. */
static bool receive(http_client *c)
{
    ssize_t r;
    do
        r = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return false;
    c->have += (size_t)r;
    return true;
}

/* Read the status line and headers. OUT: *status, *length (SIZE_MAX: none). */
static cns_err read_head(http_client *c, int *status, size_t *length, cns_diag *diag)
{
    char *end;
    while ((end = memmem(c->buf, c->have, "\r\n\r\n", 4)) == NULL) {
        if (c->have == sizeof c->buf)
            return cns_diag_set(diag, CNS_ERR_LIMIT, "answer headers too long");
        if (!receive(c))
            return cns_diag_set(diag, CNS_ERR_IO, "connection closed before an answer");
    }
    *end = '\0';
    if (sscanf(c->buf, "HTTP/1.%*[01] %d", status) != 1)
        return cns_diag_set(diag, CNS_ERR_DECODE, "not an HTTP answer");
    *length = SIZE_MAX;
    for (char *line = strstr(c->buf, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
        unsigned long long n;
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0 &&
            sscanf(line + 17, " %llu", &n) == 1)
            *length = (size_t)n;
    }
    size_t used = (size_t)(end + 4 - c->buf);
    memmove(c->buf, c->buf + used, c->have - used);
    c->have -= used;
    return CNS_OK;
}

/* Hand n body bytes from c->buf to memory or the file. */
static cns_err take(http_client *c, size_t n, char *mem, size_t *got, int fd, cns_diag *diag)
{
    if (fd >= 0) {
        for (size_t off = 0; off < n;) {
            ssize_t w = write(fd, c->buf + off, n - off);
            if (w <= 0)
                return cns_diag_set(diag, CNS_ERR_IO, "write: %s", strerror(errno));
            off += (size_t)w;
        }
    } else {
        memcpy(mem + *got, c->buf, n);
    }
    *got += n;
    memmove(c->buf, c->buf + n, c->have - n);
    c->have -= n;
    return CNS_OK;
}

static cns_err read_body(http_client *c, size_t length, char **resp, size_t *resp_len, int fd,
                         size_t max, cns_diag *diag)
{
    size_t got = 0;
    char *mem = NULL;
    if (length == SIZE_MAX)
        return cns_diag_set(diag, CNS_ERR_DECODE, "answer without Content-Length");
    if (length > max)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "answer of %zu bytes, more than %zu", length, max);
    if (fd < 0 && (mem = malloc(length + 1)) == NULL)
        return CNS_ERR_NOMEM;
    cns_err err = CNS_OK;
    while (err == CNS_OK && got < length) {
        if (c->have == 0 && !receive(c)) {
            err = cns_diag_set(diag, CNS_ERR_IO, "connection closed in the answer's body");
            break;
        }
        size_t n = c->have < length - got ? c->have : length - got;
        err = take(c, n, mem, &got, fd, diag);
    }
    if (err != CNS_OK) {
        free(mem);
        return err;
    }
    if (mem != NULL)
        mem[length] = '\0';
    if (resp != NULL)
        *resp = mem;
    else
        free(mem);
    if (resp_len != NULL)
        *resp_len = length;
    return CNS_OK;
}

cns_err http_client_request(http_client *c, const char *method, const char *path,
                            const char *authorization, const char *body, size_t body_len,
                            int *status, char **resp, size_t *resp_len, int out_fd, size_t max,
                            cns_diag *diag)
{
    char head[2048];
    size_t length = SIZE_MAX;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: consulta\r\nContent-Length: %zu\r\n%s%s%s\r\n",
                     method, path, body_len, authorization ? "Authorization: " : "",
                     authorization ? authorization : "", authorization ? "\r\n" : "");
    if (resp != NULL)
        *resp = NULL;
    if (n < 0 || (size_t)n >= sizeof head)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "request line too long");
    cns_err err = send_all(c, head, (size_t)n, diag);
    if (err == CNS_OK && body_len > 0)
        err = send_all(c, body, body_len, diag);
    if (err == CNS_OK || c->have == 0) /* a server may answer (413) before the body is sent */
        err = read_head(c, status, &length, diag);
    if (err == CNS_OK)
        err = read_body(c, length, resp, resp_len, out_fd, max, diag);
    return err;
}
