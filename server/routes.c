/*
 * The routes of the board's HTTP API (docs/api.md): plain functions from a
 * request to a response, without sockets.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "consulta/tally.h"
#include "consulta/tracker.h"
#include "server_internal.h"

/* ---- building answers ---- */

/* A growing answer body; after a failed allocation it stays failed. */
typedef struct out {
    char *p;
    size_t len, cap;
    bool failed;
} out;

static void out_put(out *o, const void *bytes, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->len + n + 1)
            cap *= 2;
        char *p = realloc(o->p, cap);
        if (p == NULL) {
            o->failed = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, bytes, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void out_str(out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

static void out_printf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(out *o, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        o->failed = true;
    else
        out_put(o, buf, (size_t)n);
}

/* A JSON string (quoted, escaped; control bytes as \u00XX). */
static void out_json_string(out *o, const char *s)
{
    out_put(o, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            out_printf(o, "\\%c", c);
        else if (c < 0x20)
            out_printf(o, "\\u%04x", c);
        else
            out_put(o, s, 1);
    }
    out_put(o, "\"", 1);
}

/* Hand the body over to the response. */
static void answer(http_response *resp, int status, out *o)
{
    http_response_clear(resp);
    if (o->failed) {
        free(o->p);
        resp->status = 503;
        resp->body = strdup("{\"error\":\"nomem\",\"message\":\"out of memory\"}");
        resp->len = resp->body ? strlen(resp->body) : 0;
        return;
    }
    resp->status = status;
    resp->body = o->p;
    resp->len = o->len;
}

static void answer_bytes(http_response *resp, int status, const char *bytes, size_t len)
{
    out o = {0};
    out_put(&o, bytes, len);
    answer(resp, status, &o);
}

static const char *err_name(cns_err err)
{
    switch (err) {
    case CNS_ERR_INVALID:
        return "invalid";
    case CNS_ERR_DECODE:
        return "decode";
    case CNS_ERR_VERIFY:
        return "verify";
    case CNS_ERR_NOMEM:
        return "nomem";
    case CNS_ERR_LIMIT:
        return "limit";
    case CNS_ERR_IO:
        return "io";
    case CNS_ERR_STORE:
        return "store";
    case CNS_ERR_NOTFOUND:
        return "notfound";
    case CNS_ERR_STATE:
        return "state";
    default:
        return "internal";
    }
}

static int err_status(cns_err err)
{
    switch (err) {
    case CNS_ERR_DECODE:
        return 400;
    case CNS_ERR_INVALID:
    case CNS_ERR_VERIFY:
        return 422;
    case CNS_ERR_LIMIT:
        return 413;
    case CNS_ERR_NOTFOUND:
        return 404;
    case CNS_ERR_STATE:
        return 409;
    case CNS_ERR_STORE:
    case CNS_ERR_IO:
    case CNS_ERR_NOMEM:
        return 503;
    default:
        return 500;
    }
}

/* {"error": name, "message": text} with this status. */
static void answer_error(http_response *resp, int status, const char *name, const char *message)
{
    out o = {0};
    out_str(&o, "{\"error\":");
    out_json_string(&o, name);
    out_str(&o, ",\"message\":");
    out_json_string(&o, message);
    out_str(&o, "}");
    answer(resp, status, &o);
}

static void answer_err(http_response *resp, cns_err err, const cns_diag *diag)
{
    const char *text = diag != NULL && diag->text[0] ? diag->text : cns_strerror(err);
    answer_error(resp, err_status(err), err_name(err), text);
}

void http_response_clear(http_response *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
    if (resp->fd >= 0)
        close(resp->fd);
    resp->fd = -1;
    server_archive_release(resp->archive);
    resp->archive = NULL;
    resp->content_type = "application/json";
}

/* ---- reading the board ---- */

/* The head's answer and the server whose dates it tells. */
typedef struct head_ctx {
    out o;
    const server *srv;
} head_ctx;

static void head_json(const cns_board *board, void *ctx)
{
    out *o = &((head_ctx *)ctx)->o;
    cns_board_summary s;
    uint64_t opens, closes;
    char hex[CNS_HASH_HEX_BYTES];
    cns_board_summary_get(board, &s);
    cns_hash_to_hex(hex, s.head.hash);
    out_printf(o,
               "{\"uuid\":\"%s\",\"timestamp\":%" PRIu64 ",\"entries\":%" PRIu64
               ",\"bytes\":%" PRIu64 ",\"height\":%" PRIu64 ",\"hash\":\"%s\",",
               cns_election_uuid(cns_board_election(board)), s.head.timestamp, s.head.entries,
               s.head.bytes, s.head.height, hex);
    out_printf(o,
               "\"type\":\"%s\",\"credentials\":%" PRIu64 ",\"ballots\":%" PRIu64
               ",\"counted\":%" PRIu64 ",",
               s.head.has_event ? cns_event_type_name(s.head.type) : "", s.credentials, s.ballots,
               s.counted);
    out_printf(o,
               "\"ballots_closed\":%s,\"tallied\":%s,\"partial_decryptions\":%" PRIu64
               ",\"has_result\":%s,",
               s.ballots_closed ? "true" : "false", s.tallied ? "true" : "false",
               s.partial_decryptions, s.has_result ? "true" : "false");
    out_printf(o, "\"state\":\"%s\"",
               voters_state(((head_ctx *)ctx)->srv, &s, (uint64_t)time(NULL), &opens, &closes));
    if (opens)
        out_printf(o, ",\"opens\":%" PRIu64, opens);
    if (closes)
        out_printf(o, ",\"closes\":%" PRIu64, closes);
}

static void get_head(server *srv, http_response *resp)
{
    head_ctx h = {.srv = srv};
    cns_diag diag = {{0}};
    cns_err err = server_read_board(srv, head_json, &h, &diag);
    if (err != CNS_OK) {
        free(h.o.p);
        answer_err(resp, err, &diag);
        return;
    }
    out_printf(&h.o, ",\"auth\":\"%s\"}", voters_mode(srv));
    answer(resp, 200, &h.o);
}

/* Parse the query "after=N&limit=M" (both optional, nothing else). */
static bool page_query(const char *query, uint64_t *after, unsigned *limit)
{
    *after = 0;
    *limit = 100;
    while (query != NULL && *query != '\0') {
        const char *amp = strchr(query, '&'), *end = amp ? amp : query + strlen(query);
        uint64_t v = 0;
        const char *eq = memchr(query, '=', (size_t)(end - query)), *d;
        if (eq == NULL || eq + 1 == end || end - (eq + 1) > 20)
            return false;
        for (d = eq + 1; d < end; d++) {
            if (*d < '0' || *d > '9' || v > (UINT64_MAX - (uint64_t)(*d - '0')) / 10)
                return false; /* not a number, or past 2^64 - 1 */
            v = v * 10 + (uint64_t)(*d - '0');
        }
        if (eq - query == 5 && memcmp(query, "after", 5) == 0)
            *after = v;
        else if (eq - query == 5 && memcmp(query, "limit", 5) == 0 && v >= 1 &&
                 v <= SERVER_PAGE_MAX)
            *limit = (unsigned)v;
        else
            return false;
        query = amp ? amp + 1 : end;
    }
    return true;
}

typedef struct page {
    out o;
    unsigned n;
    uint64_t last;
    bool full;
} page;

static cns_err page_ballot(void *ctx, const store_ballot *b, cns_diag *diag)
{
    page *p = ctx;
    char tracker[CNS_HASH_B64_BYTES];
    (void)diag;
    if (p->n > 0 && p->o.len + b->len > SERVER_PAGE_BYTES_MAX) {
        p->full = true; /* the page is bounded in bytes too: the rest on the next */
        return CNS_ERR_LIMIT;
    }
    sodium_bin2base64(tracker, sizeof tracker, b->hash, CNS_HASH_BYTES,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    out_printf(&p->o, "%s{\"entry\":%" PRIu64 ",\"tracker\":\"%s\",\"ballot\":", p->n ? "," : "",
               b->index, tracker);
    out_put(&p->o, b->content, b->len);
    out_str(&p->o, "}");
    p->n++;
    p->last = b->index;
    return CNS_OK;
}

static void get_ballots(server *srv, const http_request *req, http_response *resp)
{
    uint64_t after;
    unsigned limit;
    page p = {0};
    cns_diag diag = {{0}};
    if (!page_query(req->query, &after, &limit)) {
        answer_error(resp, 400, "decode",
                     "query: expected after=N and/or limit=M (1 to "
                     "1000"
                     ")");
        return;
    }
    out_str(&p.o, "{\"ballots\":[");
    cns_err err = CNS_OK;
    if (after < INT64_MAX) { /* no entry comes after; the stores count in int64 */
        pthread_mutex_lock(&srv->read_mu);
        err = srv->r->ops->ballots(srv->r, after, limit, page_ballot, &p, &diag);
        pthread_mutex_unlock(&srv->read_mu);
    }
    if (err == CNS_ERR_LIMIT && p.full)
        err = CNS_OK;
    if (err != CNS_OK) {
        free(p.o.p);
        answer_err(resp, err, &diag);
        return;
    }
    if (p.n == limit || p.full)
        out_printf(&p.o, "],\"next\":%" PRIu64 "}", p.last);
    else
        out_str(&p.o, "],\"next\":null}");
    answer(resp, 200, &p.o);
}

/* The data entries before events of one type, collected. */
typedef struct collected {
    out o;
    unsigned n;
} collected;

static cns_err collect(void *ctx, const cns_archive_entry *e, cns_diag *diag)
{
    collected *c = ctx;
    (void)diag;
    out_put(&c->o, c->n ? "\n" : "", c->n ? 1 : 0);
    out_put(&c->o, e->content, e->len);
    c->n++;
    return CNS_OK;
}

/* The bytes `back` entries before each event of this type; 404 when none. */
static void get_before(server *srv, cns_event_type type, unsigned back, const char *missing,
                       http_response *resp)
{
    collected c = {0};
    cns_diag diag = {{0}};
    pthread_mutex_lock(&srv->read_mu);
    cns_err err = srv->r->ops->before_event(srv->r, type, back, collect, &c, &diag);
    pthread_mutex_unlock(&srv->read_mu);
    if (err == CNS_OK && c.n == 0)
        err = cns_diag_set(&diag, CNS_ERR_NOTFOUND, "%s", missing);
    if (err != CNS_OK) {
        free(c.o.p);
        answer_err(resp, err, &diag);
        return;
    }
    answer(resp, 200, &c.o);
}

/* [{"owner":N,"partial_decryption":…}, …] from the owned wrappers and the payloads. */
static void get_partials(server *srv, http_response *resp)
{
    collected owned = {0}, partials = {0};
    cns_diag diag = {{0}};
    out o = {0};
    pthread_mutex_lock(&srv->read_mu);
    cns_err err =
        srv->r->ops->before_event(srv->r, CNS_EVENT_PARTIAL_DECRYPTION, 1, collect, &owned, &diag);
    if (err == CNS_OK)
        err = srv->r->ops->before_event(srv->r, CNS_EVENT_PARTIAL_DECRYPTION, 2, collect, &partials,
                                        &diag);
    pthread_mutex_unlock(&srv->read_mu);
    out_str(&o, "[");
    char *os = owned.o.p, *ps = partials.o.p;
    for (unsigned i = 0; err == CNS_OK && i < owned.n && i < partials.n; i++) {
        char *on = strchr(os, '\n'), *pn = strchr(ps, '\n');
        unsigned long long owner = 0;
        if (on != NULL)
            *on = '\0';
        if (pn != NULL)
            *pn = '\0';
        if (sscanf(os, "{\"owner\":%llu,", &owner) != 1)
            err = cns_diag_set(&diag, CNS_ERR_STORE, "a stored owned wrapper is malformed");
        out_printf(&o, "%s{\"owner\":%llu,\"partial_decryption\":", i ? "," : "", owner);
        out_str(&o, ps);
        out_str(&o, "}");
        os = on ? on + 1 : os + strlen(os);
        ps = pn ? pn + 1 : ps + strlen(ps);
    }
    out_str(&o, "]");
    free(owned.o.p);
    free(partials.o.p);
    if (err != CNS_OK) {
        free(o.p);
        answer_err(resp, err, &diag);
        return;
    }
    answer(resp, 200, &o);
}

static void get_archive(server *srv, http_response *resp)
{
    cns_diag diag = {{0}};
    server_archive *a = NULL;
    uint64_t len = 0;
    cns_err err = server_archive_get(srv, &a, &len, &diag);
    if (err == CNS_ERR_LIMIT) {
        answer_error(resp, 503, "busy", diag.text);
        return;
    }
    if (err != CNS_OK) {
        answer_err(resp, err, &diag);
        return;
    }
    http_response_clear(resp);
    resp->status = 200;
    resp->content_type = "application/x-tar";
    resp->archive = a;
    resp->len = (size_t)len;
}

/* ---- changing the board ---- */

/* {"tracker","code"} of a ballot cast (or found again by a safe retry). */
static void answer_cast(http_response *resp, const unsigned char hash[CNS_HASH_BYTES])
{
    char tracker[CNS_HASH_B64_BYTES], code[CNS_TRACKER_CODE_BYTES];
    out o = {0};
    sodium_bin2base64(tracker, sizeof tracker, hash, CNS_HASH_BYTES,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    cns_tracker_code(code, hash);
    out_printf(&o, "{\"tracker\":\"%s\",\"code\":\"%s\"}", tracker, code);
    answer(resp, 200, &o);
}

static void post_ballot(server *srv, const http_request *req, http_response *resp)
{
    char tracker[CNS_HASH_B64_BYTES];
    cns_diag diag = {{0}};
    voter_auth a;
    size_t len = req->body_len;
    if (req->body_len > SERVER_BALLOT_MAX) {
        answer_error(resp, 413, "limit", "a ballot is at most 4 MiB");
        return;
    }
    if (len > 0 && req->body[len - 1] == '\n') /* as consulta ballot prints it */
        len--;
    voters_start(srv, &a, req->login, req->code);
    cns_err err = server_cast_voter(srv, req->body, len, &a, tracker, &diag);
    if (err != CNS_OK && a.refused != NULL)
        answer_error(resp, a.status, a.refused, diag.text);
    else if (err == CNS_ERR_LIMIT &&
             strncmp(diag.text, SERVER_REVOTE_REFUSAL, sizeof SERVER_REVOTE_REFUSAL - 1) == 0)
        answer_error(resp, 429, "revote_limit", diag.text);
    else if (err != CNS_OK)
        answer_err(resp, err, &diag);
    else
        answer_cast(resp, a.hash);
}

/* An administrator's action, with the request body (borrowed). */
typedef struct action {
    const char *what;
    const http_request *req;
    uint64_t owner; /* a trustee's upload: its number */
} action;

static cns_err do_close(server *srv, void *ctx, cns_diag *diag)
{
    (void)ctx;
    return cns_board_end_ballots(srv->board, diag);
}

static cns_err do_tally(server *srv, void *ctx, cns_diag *diag)
{
    (void)ctx;
    return cns_board_publish_tally(srv->board, NULL, 0, NULL, 0, diag);
}

static cns_err do_result(server *srv, void *ctx, cns_diag *diag)
{
    (void)ctx;
    return cns_board_publish_result(srv->board, NULL, 0, diag);
}

/* The body is the partial decryption, maybe followed by a newline and its owned wrapper. */
static cns_err do_partial(server *srv, void *ctx, cns_diag *diag)
{
    const action *a = ctx;
    const char *body = a->req->body, *nl = memchr(body, '\n', a->req->body_len);
    size_t len = nl ? (size_t)(nl - body) : a->req->body_len;
    const char *owned = nl ? nl + 1 : NULL;
    size_t owned_len = nl ? a->req->body_len - len - 1 : 0;
    unsigned long long named = 0;
    char head[32];
    if (owned != NULL && owned_len > 0 && owned[owned_len - 1] == '\n')
        owned_len--;
    if (owned != NULL) {
        size_t n = owned_len < sizeof head - 1 ? owned_len : sizeof head - 1;
        memcpy(head, owned, n);
        head[n] = '\0';
        if (sscanf(head, "{\"owner\":%llu,", &named) != 1 || named != a->owner)
            return cns_diag_set(
                diag, CNS_ERR_INVALID,
                "the owned wrapper names another trustee than the token's (%" PRIu64 ")", a->owner);
    }
    return cns_board_add_partial(srv->board, body, len, owned, owned_len, a->owner, NULL, diag);
}

static void admin(server *srv, const http_request *req, server_change_fn fn, const char *done,
                  http_response *resp)
{
    const char *role = server_authorize(srv, req->authorization);
    action a = {.req = req};
    cns_diag diag = {{0}};
    if (role == NULL) {
        answer_error(resp, 401, "unauthorized",
                     "a valid token is needed (Authorization: Bearer …)");
        return;
    }
    if (fn == do_partial) {
        unsigned long long n = 0;
        if (sscanf(role, "trustee %llu", &n) != 1) {
            answer_error(resp, 403, "forbidden", "only a trustee uploads a partial decryption");
            return;
        }
        a.owner = n;
    } else if (strcmp(role, "admin") != 0) {
        answer_error(resp, 403, "forbidden", "only the administrator does this");
        return;
    }
    cns_err err = server_change(srv, fn, &a, &diag);
    if (err != CNS_OK) {
        answer_err(resp, err, &diag);
        return;
    }
    out o = {0};
    out_printf(&o, "{\"done\":\"%s\"}", done);
    answer(resp, 200, &o);
}

/* ---- a voter's lookups ---- */

/* GET …/ballots/TRACKER: the full tracker or its short code. */
static void get_ballot(server *srv, const char *key, http_response *resp)
{
    unsigned char prefix[CNS_HASH_BYTES];
    size_t len = strlen(key), n = len == 43 ? CNS_HASH_BYTES : CNS_TRACKER_CODE_PREFIX;
    voters_ballot b;
    cns_diag diag = {{0}};
    char tracker[CNS_HASH_B64_BYTES], code[CNS_TRACKER_CODE_BYTES];
    cns_err err = n == CNS_HASH_BYTES ? cns_tracker_parse(prefix, key, len, &diag)
                                      : cns_tracker_code_parse(prefix, key, len, &diag);
    if (err != CNS_OK) {
        answer_error(resp, 400, "decode", diag.text);
        return;
    }
    err = voters_find_ballot(srv, prefix, n, &b, &diag);
    if (err == CNS_ERR_STATE) {
        answer_error(resp, 409, "ambiguous", diag.text);
        return;
    }
    if (err != CNS_OK) {
        answer_err(resp, err, &diag);
        return;
    }
    out o = {0};
    sodium_bin2base64(tracker, sizeof tracker, b.hash, CNS_HASH_BYTES,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    cns_tracker_code(code, b.hash);
    out_printf(&o, "{\"tracker\":\"%s\",\"code\":\"%s\",\"entry\":%" PRIu64 ",", tracker, code,
               b.entry);
    sodium_bin2base64(tracker, sizeof tracker, b.replaced_by, CNS_HASH_BYTES,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    out_printf(&o, "\"counted\":%s,\"replaced_by\":", b.counted ? "true" : "false");
    out_printf(&o, b.replaced ? "\"%s\"}" : "null}", tracker);
    answer(resp, 200, &o);
}

/* GET …/credentials/PUBCRED: how many ballots this public credential has, the last when. */
static void get_credential(server *srv, const char *cred, http_response *resp)
{
    uint64_t ballots = 0, last = 0;
    cns_diag diag = {{0}};
    cns_err err = voters_credential(srv, cred, strlen(cred), &ballots, &last, &diag);
    if (err != CNS_OK) {
        answer_err(resp, err, &diag);
        return;
    }
    out o = {0};
    out_printf(&o, "{\"ballots\":%" PRIu64 ",\"last\":", ballots);
    if (ballots > 0 && last > 0)
        out_printf(&o, "%" PRIu64 "}", last);
    else
        out_str(&o, "null}");
    answer(resp, 200, &o);
}

/* ---- dispatch ---- */

static void get(server *srv, const http_request *req, const char *r, http_response *resp)
{
    if (strcmp(r, "") == 0 || strcmp(r, "/election") == 0)
        answer_bytes(resp, 200, srv->setup[0].bytes, srv->setup[0].len);
    else if (strcmp(r, "/trustees") == 0)
        answer_bytes(resp, 200, srv->setup[1].bytes, srv->setup[1].len);
    else if (strcmp(r, "/public_creds") == 0)
        answer_bytes(resp, 200, srv->setup[2].bytes, srv->setup[2].len);
    else if (strcmp(r, "/ballots") == 0)
        get_ballots(srv, req, resp);
    else if (strcmp(r, "/head") == 0)
        get_head(srv, resp);
    else if (strcmp(r, "/encrypted_tally") == 0)
        get_before(srv, CNS_EVENT_ENCRYPTED_TALLY, 2, "the tally is not published yet", resp);
    else if (strcmp(r, "/partial_decryptions") == 0)
        get_partials(srv, resp);
    else if (strcmp(r, "/result") == 0)
        get_before(srv, CNS_EVENT_RESULT, 1, "the result is not published yet", resp);
    else if (strcmp(r, "/archive") == 0)
        get_archive(srv, resp);
    else if (strncmp(r, "/ballots/", 9) == 0)
        get_ballot(srv, r + 9, resp);
    else if (strncmp(r, "/credentials/", 13) == 0)
        get_credential(srv, r + 13, resp);
    else
        answer_error(resp, 404, "notfound", "no such resource");
}

static void post(server *srv, const http_request *req, const char *r, http_response *resp)
{
    if (strcmp(r, "/ballots") == 0)
        post_ballot(srv, req, resp);
    else if (strcmp(r, "/close") == 0)
        admin(srv, req, do_close, "ballot box closed", resp);
    else if (strcmp(r, "/tally") == 0)
        admin(srv, req, do_tally, "encrypted tally published", resp);
    else if (strcmp(r, "/partial_decryptions") == 0)
        admin(srv, req, do_partial, "partial decryption added", resp);
    else if (strcmp(r, "/result") == 0)
        admin(srv, req, do_result, "result published", resp);
    else
        answer_error(resp, 404, "notfound", "no such resource");
}

void server_handle(server *srv, const http_request *req, http_response *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->fd = -1;
    resp->content_type = "application/json";
    const char *r = server_route(srv, req->path);
    bool is_get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (strcmp(req->path, "/elections") == 0 && is_get) {
        out o = {0};
        out_printf(&o, "[\"%s\"]", server_uuid(srv));
        answer(resp, 200, &o);
    } else if (r == NULL) {
        answer_error(resp, 404, "notfound", "no such election or resource");
    } else if (is_get) {
        get(srv, req, r, resp);
    } else if (strcmp(req->method, "POST") == 0) {
        post(srv, req, r, resp);
    } else {
        answer_error(resp, 405, "method", "only GET and POST");
    }
}
