/*
 * The board behind libmicrohttpd 0.9.75 (Debian bookworm), after its
 * doc/examples/largepost.c: per-request state made on the first call, the
 * body gathered in a capped buffer, the state freed by the completion
 * callback on every path. The routes themselves are in routes.c.
 *
 * Against a hostile client (docs/api.md, "Limits"):
 *  - a request's limits come from its headers, before any body is read
 *    (server_gate): the administrator's and trustees' routes are refused
 *    without the right token, and only an authenticated trustee's partial
 *    decryption may be large;
 *  - the bytes buffered over all connections (bodies being received,
 *    answers being sent) are capped: past the cap, a request is refused
 *    with 503 at once;
 *  - every connection is tracked: a request must arrive whole (headers and
 *    body) within request_s plus its declared body at min_rate, counted
 *    from the connection's start or the previous answer's end; a watcher
 *    thread cuts the late ones (shutdown of their socket), and when most
 *    connection slots hold unfinished requests it cuts those older than a
 *    second, so that slow senders cannot lock others out;
 *  - epoll (no FD_SETSIZE limit), a connection limit that fits the
 *    descriptors (cli raises the soft limit), the library's log
 *    rate-limited.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "server.h"
#include "web.h"

#define CONNECTION_MEMORY (64 * 1024)
#define REQUEST_S_DEFAULT 10
#define MIN_RATE_DEFAULT  (16u << 10)
#define BUFFER_DEFAULT    ((size_t)256 << 20)
#define LOG_PER_S         10  /* library log lines per second, the rest counted */
#define WATCH_MS          200 /* the watcher's period */
#define PRESSURE_AGE_S    1.0 /* unfinished requests older than this are cut under pressure */

/* One TCP connection, tracked from its start to its close (under d->mu). */
typedef struct conn {
    struct conn *prev, *next;
    int fd;
    double start;    /* of the request being received */
    double deadline; /* by which it must have arrived */
    bool answering;  /* received whole: being answered */
    bool cut;
} conn;

struct http_daemon {
    struct MHD_Daemon *mhd;
    server *srv;
    web_files *web; /* NULL: the booth's pages are not served */
    unsigned request_s, min_rate, connection_limit;
    size_t buffer_limit;
    atomic_size_t buffered;
    atomic_ulong refused_busy;
    pthread_mutex_t mu; /* conns, n_conns, n_receiving, cut_slow, log_* */
    conn *conns;
    unsigned n_conns;
    uint64_t cut_slow;
    double log_second;
    unsigned log_count;
    uint64_t log_dropped, log_dropped_total;
    pthread_t watcher;
    pthread_cond_t stop_cv;
    bool stopping, watching;
};

/* One request being received. */
typedef struct request {
    http_daemon *d;
    char *body;
    size_t len, cap, max; /* cap is counted in d->buffered */
    bool too_large, busy;
} request;

/* A buffered answer: its bytes are counted in d->buffered until sent. */
typedef struct held {
    http_daemon *d;
    char *body;
    size_t len;
} held;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Count n more buffered bytes, unless that passes the cap. */
static bool reserve(http_daemon *d, size_t n)
{
    size_t cur = atomic_load(&d->buffered);
    do {
        if (n > d->buffer_limit || cur > d->buffer_limit - n)
            return false;
    } while (!atomic_compare_exchange_weak(&d->buffered, &cur, cur + n));
    return true;
}

static void unreserve(http_daemon *d, size_t n)
{
    atomic_fetch_sub(&d->buffered, n);
}

static void release_held(void *cls)
{
    held *h = cls;
    unreserve(h->d, h->len);
    free(h->body);
    free(h);
}

static ssize_t read_archive(void *cls, uint64_t pos, char *buf, size_t max)
{
    long n = server_archive_read(cls, pos, buf, max);
    return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void release_archive(void *cls)
{
    server_archive_release(cls);
}

/* The MHD response for an answer (whose body, file or archive it takes). */
static struct MHD_Response *response_of(http_daemon *d, http_response *resp)
{
    struct MHD_Response *r = NULL;
    if (resp->archive != NULL) {
        r = MHD_create_response_from_callback(resp->len, 64 * 1024, read_archive, resp->archive,
                                              release_archive);
        if (r == NULL)
            server_archive_release(resp->archive);
    } else if (resp->fd >= 0) {
        r = MHD_create_response_from_fd(resp->len, resp->fd);
        if (r == NULL)
            close(resp->fd);
    } else {
        held *h = malloc(sizeof *h);
        atomic_fetch_add(&d->buffered, resp->len); /* counted even past the cap: made already */
        if (h != NULL) {
            *h = (held){d, resp->body, resp->len};
            r = MHD_create_response_from_buffer_with_free_callback_cls(resp->len, resp->body,
                                                                       release_held, h);
        }
        if (r == NULL) {
            unreserve(d, resp->len);
            free(resp->body);
            free(h);
        }
    }
    resp->archive = NULL;
    resp->fd = -1;
    resp->body = NULL;
    return r;
}

static enum MHD_Result queue(http_daemon *d, struct MHD_Connection *c, http_response *resp)
{
    struct MHD_Response *r = response_of(d, resp);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result queue_text(http_daemon *d, struct MHD_Connection *c, int status,
                                  const char *json)
{
    http_response resp = {.status = status, .content_type = "application/json", .fd = -1};
    if ((resp.body = strdup(json)) == NULL)
        return MHD_NO;
    resp.len = strlen(json);
    return queue(d, c, &resp);
}

static const char too_large[] = "{\"error\":\"limit\",\"message\":\"request body too large\"}";
static const char busy[] = "{\"error\":\"busy\",\"message\":\"the server holds too many "
                           "requests' bytes now: retry later\"}";

/* Gather upload data; false once the cap (the request's or the server's) is passed. */
static bool gather(request *rq, const char *data, size_t n)
{
    if (rq->too_large || rq->busy || n > rq->max - rq->len) {
        rq->too_large = !rq->busy;
        return false;
    }
    if (rq->len + n + 1 > rq->cap) {
        size_t cap = rq->cap ? rq->cap : 4096;
        while (cap < rq->len + n + 1)
            cap *= 2;
        if (cap > rq->max + 1)
            cap = rq->max + 1;
        if (!reserve(rq->d, cap - rq->cap)) {
            rq->busy = true;
            return false;
        }
        char *p = realloc(rq->body, cap);
        if (p == NULL) {
            unreserve(rq->d, cap - rq->cap);
            rq->busy = true;
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

static enum MHD_Result respond(http_daemon *d, struct MHD_Connection *c, const char *method,
                               const char *url, request *rq)
{
    http_request req = {.method = method, .body = rq->body ? rq->body : "", .body_len = rq->len};
    http_response resp;
    query q = {.len = 0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_argument, &q);
    if (q.too_long || strlen(url) > 1024)
        return queue_text(d, c, 414, "{\"error\":\"limit\",\"message\":\"URL too long\"}");
    req.path = url;
    req.query = q.len ? q.text : NULL;
    req.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    req.login = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Consulta-Login");
    req.code = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Consulta-Code");
    server_handle(d->srv, &req, &resp);
    return queue(d, c, &resp);
}

/* The tracked connection of c (NULL if it could not be tracked). */
static conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* The request is received whole (or refused): it is no longer held to its deadline. */
static void mark_answering(http_daemon *d, struct MHD_Connection *c)
{
    conn *k = conn_of(c);
    pthread_mutex_lock(&d->mu);
    if (k != NULL)
        k->answering = true;
    pthread_mutex_unlock(&d->mu);
}

/* The headers are in: the deadline grows with the declared body. */
static void extend_deadline(http_daemon *d, struct MHD_Connection *c, uint64_t declared)
{
    conn *k = conn_of(c);
    pthread_mutex_lock(&d->mu);
    if (k != NULL)
        k->deadline = k->start + d->request_s + (double)declared / d->min_rate;
    pthread_mutex_unlock(&d->mu);
}

/* The first call, with the headers: refuse now, or make the request's state. */
static enum MHD_Result first_call(http_daemon *d, struct MHD_Connection *c, const char *url,
                                  const char *method, request **out)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *refusal = NULL;
    size_t max = 0;
    unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
    int status = server_gate(d->srv, method, url, auth, &max, &refusal);
    if (status == 0 && declared > max) {
        status = 413;
        refusal = too_large;
    }
    if (status == 0 && atomic_load(&d->buffered) >= d->buffer_limit) {
        atomic_fetch_add(&d->refused_busy, 1);
        status = 503;
        refusal = busy;
    }
    if (status != 0) {
        mark_answering(d, c);
        return queue_text(d, c, status, refusal);
    }
    request *rq = calloc(1, sizeof *rq);
    if (rq == NULL)
        return MHD_NO;
    *rq = (request){.d = d, .max = max};
    *out = rq;
    extend_deadline(d, c, declared < max ? declared : max);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    http_daemon *d = cls;
    request *rq = *con_cls;
    (void)version;
    enum MHD_Result ret;
    if (rq == NULL && web_answer(d->web, c, server_uuid(d->srv), method, url, &ret)) {
        mark_answering(d, c); /* a page: received whole, not held to the request deadline */
        return ret;
    }
    if (rq == NULL)
        return first_call(d, c, url, method, (request **)con_cls);
    if (*data_size > 0) { /* past a cap, the rest is read and dropped: nothing held */
        gather(rq, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    mark_answering(d, c);
    if (rq->busy) {
        atomic_fetch_add(&d->refused_busy, 1);
        return queue_text(d, c, 503, busy);
    }
    if (rq->too_large)
        return queue_text(d, c, 413, too_large);
    return respond(d, c, method, url, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    http_daemon *d = cls;
    request *rq = *con_cls;
    conn *k = conn_of(c);
    (void)toe;
    if (rq != NULL) {
        unreserve(d, rq->cap);
        free(rq->body);
        free(rq);
    }
    *con_cls = NULL;
    pthread_mutex_lock(&d->mu);
    if (k != NULL) { /* the next request on this connection starts now */
        k->start = now_s();
        k->deadline = k->start + d->request_s;
        k->answering = false;
    }
    pthread_mutex_unlock(&d->mu);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    http_daemon *d = cls;
    conn *k = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (info == NULL || (k = calloc(1, sizeof *k)) == NULL)
            return;
        k->fd = info->connect_fd;
        k->start = now_s();
        k->deadline = k->start + d->request_s;
        pthread_mutex_lock(&d->mu);
        k->next = d->conns;
        if (d->conns != NULL)
            d->conns->prev = k;
        d->conns = k;
        d->n_conns++;
        pthread_mutex_unlock(&d->mu);
        *socket_context = k;
        return;
    }
    if (k == NULL)
        return;
    /* called before the socket is closed: the watcher never touches a reused descriptor */
    pthread_mutex_lock(&d->mu);
    if (k->prev != NULL)
        k->prev->next = k->next;
    else
        d->conns = k->next;
    if (k->next != NULL)
        k->next->prev = k->prev;
    d->n_conns--;
    pthread_mutex_unlock(&d->mu);
    free(k);
    *socket_context = NULL;
}

/* Cut the connections whose request is late; under pressure, the slow ones too. */
static void watch_once(http_daemon *d)
{
    double t = now_s();
    unsigned receiving = 0;
    pthread_mutex_lock(&d->mu);
    for (conn *k = d->conns; k != NULL; k = k->next)
        receiving += !k->answering && !k->cut;
    bool pressure = receiving * 4 >= d->connection_limit * 3;
    for (conn *k = d->conns; k != NULL; k = k->next) {
        if (k->answering || k->cut)
            continue;
        if (t > k->deadline || (pressure && t - k->start > PRESSURE_AGE_S)) {
            shutdown(k->fd, SHUT_RDWR);
            k->cut = true;
            d->cut_slow++;
        }
    }
    pthread_mutex_unlock(&d->mu);
}

static void *watch(void *arg)
{
    http_daemon *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += WATCH_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&d->stop_cv, &d->mu, &ts);
        if (d->stopping)
            break;
        pthread_mutex_unlock(&d->mu);
        watch_once(d);
        pthread_mutex_lock(&d->mu);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

/* The library's log, at most LOG_PER_S lines a second; the others counted and told. */
static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    http_daemon *d = cls;
    double t = now_s();
    uint64_t dropped = 0;
    bool print;
    pthread_mutex_lock(&d->mu);
    if (t - d->log_second >= 1.0) {
        dropped = d->log_dropped;
        d->log_dropped = 0;
        d->log_second = t;
        d->log_count = 0;
    }
    print = d->log_count++ < LOG_PER_S;
    d->log_dropped += !print;
    d->log_dropped_total += !print;
    pthread_mutex_unlock(&d->mu);
    if (dropped > 0)
        fprintf(stderr, "consulta serve: httpd: (%" PRIu64 " more messages not shown)\n", dropped);
    if (print) {
        fputs("consulta serve: httpd: ", stderr);
        vfprintf(stderr, fmt, ap);
    }
}

void http_raise_nofile(unsigned long *nofile)
{
    struct rlimit rl;
    *nofile = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t want = rl.rlim_max;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    *nofile = rl.rlim_cur == RLIM_INFINITY ? 1048576ul : (unsigned long)rl.rlim_cur;
}

unsigned http_connections_fit(unsigned long nofile, unsigned threads)
{
    /* per thread: epoll and its wake-up pipe; then the listener, stores, exports, logs */
    unsigned long reserve = 64 + 4ul * threads;
    if (nofile <= reserve + 16)
        return 16;
    unsigned long fit = nofile - reserve;
    return fit > 65536 ? 65536 : (unsigned)fit;
}

static void daemon_free(http_daemon *d)
{
    if (d->watching) {
        pthread_mutex_lock(&d->mu);
        d->stopping = true;
        pthread_cond_signal(&d->stop_cv);
        pthread_mutex_unlock(&d->mu);
        pthread_join(d->watcher, NULL);
    }
    if (d->mhd != NULL)
        MHD_stop_daemon(d->mhd);
    web_close(d->web);
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->stop_cv);
    free(d);
}

cns_err http_start(http_daemon **out, server *srv, const http_config *cfg, unsigned *port,
                   cns_diag *diag)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    http_daemon *d = calloc(1, sizeof *d);
    *out = NULL;
    if (d == NULL)
        return CNS_ERR_NOMEM;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->stop_cv, NULL);
    if (inet_pton(AF_INET, cfg->address, &addr.sin_addr) != 1) {
        daemon_free(d);
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: not an IPv4 address", cfg->address);
    }
    d->srv = srv;
    d->request_s = cfg->request_s ? cfg->request_s : REQUEST_S_DEFAULT;
    d->min_rate = cfg->min_rate ? cfg->min_rate : MIN_RATE_DEFAULT;
    d->buffer_limit = cfg->buffer_limit ? cfg->buffer_limit : BUFFER_DEFAULT;
    d->connection_limit = cfg->connection_limit ? cfg->connection_limit : 1;
    if (cfg->web_dir != NULL && web_open(&d->web, cfg->web_dir, NULL) != CNS_OK)
        fprintf(stderr, "consulta serve: %s: no such folder: the booth's pages are not served\n",
                cfg->web_dir);
    d->mhd = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, (uint16_t)cfg->port, NULL, NULL,
        on_request, d, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, d, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, d->connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)cfg->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, d, MHD_OPTION_NOTIFY_CONNECTION, on_connection, d, MHD_OPTION_END);
    if (d->mhd == NULL) {
        daemon_free(d);
        return cns_diag_set(diag, CNS_ERR_IO, "cannot listen on %s:%u", cfg->address, cfg->port);
    }
    if (pthread_create(&d->watcher, NULL, watch, d) != 0) {
        daemon_free(d);
        return cns_diag_set(diag, CNS_ERR_NOMEM, "cannot start the connection watcher");
    }
    d->watching = true;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : cfg->port;
    *out = d;
    return CNS_OK;
}

void http_stats_get(http_daemon *d, http_stats *out)
{
    pthread_mutex_lock(&d->mu);
    *out = (http_stats){.cut_slow = d->cut_slow,
                        .log_dropped = d->log_dropped_total,
                        .connection_limit = d->connection_limit};
    pthread_mutex_unlock(&d->mu);
    out->refused_busy = atomic_load(&d->refused_busy);
    out->buffered = atomic_load(&d->buffered);
}

void http_stop(http_daemon *d)
{
    if (d != NULL)
        daemon_free(d);
}
