/*
 * The board behind libmicrohttpd 0.9.75 (Debian bookworm), after its
 * doc/examples/largepost.c: per-request state made on the first call, the
 * body gathered in a capped buffer, the state freed by the completion
 * callback on every path. Connection memory, total and per-IP connection
 * limits and an idle timeout are always set, so that slow or oversized
 * requests are cut off without holding up the others. The routes
 * themselves are in routes.c.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "server.h"
#include "web.h"

#define CONNECTION_MEMORY (64 * 1024)

struct http_daemon {
    struct MHD_Daemon *mhd;
    server *srv;
    web_files *web; /* NULL: the booth's pages are not served */
};

/* One request being received. */
typedef struct request {
    char *body;
    size_t len, cap, max;
    bool too_large;
} request;

static enum MHD_Result queue(struct MHD_Connection *c, int status, const char *content_type,
                             char *body, size_t len, int fd)
{
    struct MHD_Response *r;
    if (fd >= 0)
        r = MHD_create_response_from_fd(len, fd);
    else
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        if (fd >= 0)
            close(fd);
        else
            free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result queue_text(struct MHD_Connection *c, int status, const char *json)
{
    char *body = strdup(json);
    return body ? queue(c, status, "application/json", body, strlen(body), -1) : MHD_NO;
}

/* The body's cap for this request: ballots small, trustees' uploads larger. */
static size_t body_max(const char *url)
{
    return strstr(url, "/partial_decryptions") ? SERVER_UPLOAD_MAX : SERVER_BALLOT_MAX;
}

/* Gather upload data; returns false once the cap is passed. */
static bool gather(request *rq, const char *data, size_t n)
{
    if (rq->too_large || n > rq->max - rq->len) {
        rq->too_large = true;
        return false;
    }
    if (rq->len + n + 1 > rq->cap) {
        size_t cap = rq->cap ? rq->cap : 4096;
        while (cap < rq->len + n + 1)
            cap *= 2;
        char *p = realloc(rq->body, cap);
        if (p == NULL) {
            rq->too_large = true;
            return false;
        }
        rq->body = p;
        rq->cap = cap;
    }
    memcpy(rq->body + rq->len, data, n);
    rq->len += n;
    rq->body[rq->len] = '\0';
    return true;
}

/* libmicrohttpd takes the query off the URL: put its arguments back together. */
typedef struct query {
    char text[512];
    size_t len;
    bool too_long;
} query;

static enum MHD_Result add_argument(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    query *q = cls;
    (void)kind;
    int n = snprintf(q->text + q->len, sizeof q->text - q->len, "%s%s=%s", q->len ? "&" : "", key,
                     value ? value : "");
    if (n < 0 || (size_t)n >= sizeof q->text - q->len)
        q->too_long = true;
    else
        q->len += (size_t)n;
    return q->too_long ? MHD_NO : MHD_YES;
}

static enum MHD_Result respond(struct MHD_Connection *c, server *srv, const char *method,
                               const char *url, request *rq)
{
    http_request req = {.method = method, .body = rq->body ? rq->body : "", .body_len = rq->len};
    http_response resp;
    query q = {.len = 0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_argument, &q);
    if (q.too_long || strlen(url) > 1024)
        return queue_text(c, 414, "{\"error\":\"limit\",\"message\":\"URL too long\"}");
    req.path = url;
    req.query = q.len ? q.text : NULL;
    req.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    req.login = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Consulta-Login");
    req.code = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Consulta-Code");
    server_handle(srv, &req, &resp);
    enum MHD_Result ret = queue(c, resp.status, resp.content_type, resp.body, resp.len, resp.fd);
    resp.body = NULL;
    resp.fd = -1;
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    http_daemon *d = cls;
    request *rq = *con_cls;
    (void)version;
    enum MHD_Result ret;
    if (rq == NULL && web_answer(d->web, c, server_uuid(d->srv), method, url, &ret))
        return ret;
    if (rq == NULL) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        size_t max = body_max(url);
        if (cl != NULL && strtoull(cl, NULL, 10) > max)
            return queue_text(c, 413,
                              "{\"error\":\"limit\",\"message\":\"request body too large\"}");
        if ((rq = calloc(1, sizeof *rq)) == NULL)
            return MHD_NO;
        rq->max = max;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*data_size > 0) {
        gather(rq, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    if (rq->too_large)
        return queue_text(c, 413, "{\"error\":\"limit\",\"message\":\"request body too large\"}");
    return respond(c, d->srv, method, url, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    request *rq = *con_cls;
    (void)cls, (void)c, (void)toe;
    if (rq != NULL) {
        free(rq->body);
        free(rq);
    }
    *con_cls = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("consulta serve: httpd: ", stderr);
    vfprintf(stderr, fmt, ap);
}

cns_err http_start(http_daemon **out, server *srv, const http_config *cfg, unsigned *port,
                   cns_diag *diag)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    http_daemon *d = calloc(1, sizeof *d);
    *out = NULL;
    if (d == NULL)
        return CNS_ERR_NOMEM;
    if (inet_pton(AF_INET, cfg->address, &addr.sin_addr) != 1) {
        free(d);
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: not an IPv4 address", cfg->address);
    }
    d->srv = srv;
    if (cfg->web_dir != NULL && web_open(&d->web, cfg->web_dir, NULL) != CNS_OK)
        fprintf(stderr, "consulta serve: %s: no such folder: the booth's pages are not served\n",
                cfg->web_dir);
    d->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t)cfg->port, NULL, NULL,
        on_request, d, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, d, MHD_OPTION_END);
    if (d->mhd == NULL) {
        web_close(d->web);
        free(d);
        return cns_diag_set(diag, CNS_ERR_IO, "cannot listen on %s:%u", cfg->address, cfg->port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : cfg->port;
    *out = d;
    return CNS_OK;
}

void http_stop(http_daemon *d)
{
    if (d == NULL)
        return;
    MHD_stop_daemon(d->mhd);
    web_close(d->web);
    free(d);
}
