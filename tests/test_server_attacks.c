/*
 * The board server under attack, on loopback (issue 10, items 1-9): a real
 * server (SQLite store, libmicrohttpd) in this process, attacked over raw
 * sockets; every attack is bounded in time and its refusal asserted by its
 * status, its error and the server's counters. The PostgreSQL restart and
 * the descriptor limits, which need a database server or a process of
 * their own, are in tests/server_attacks.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../server/server.h"
#include "../server/server_internal.h"
#include "../server/store.h"
#include "check.h"
#include "whole_election.h"

#define VOTERS 8
#define UUID   "Hard3nedServXr"

static const char TEMPLATE[] =
    "{\"description\":\"d\",\"name\":\"n\",\"questions\":["
    "{\"answers\":[\"Yes\",\"No\"],\"blank\":true,\"min\":1,\"max\":1,\"question\":\"q1\"}]}";
static const char *const CHOICES[] = {"[[0,1,0]]", "[[0,0,1]]", "[[1,0,0]]"};

static unsigned port;
static char prefix[64]; /* /elections/UUID */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connection to the server from source address src (127.0.0.x), or -1. */
static int dial(const char *src)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct sockaddr_in from = {.sin_family = AF_INET};
    struct timeval tv = {.tv_sec = 30};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    inet_pton(AF_INET, src, &from.sin_addr);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* The answer on fd until it closes (at most 8 MiB): its status, its body in *body (malloc'd). */
static int read_answer(int fd, char **body)
{
    size_t cap = 8u << 20, len = 0;
    char *buf = malloc(cap + 1);
    ssize_t r;
    int status = 0;
    while (buf != NULL && len < cap && (r = recv(fd, buf + len, cap - len, 0)) > 0)
        len += (size_t)r;
    if (buf == NULL)
        return 0;
    buf[len] = '\0';
    sscanf(buf, "HTTP/1.%*d %d", &status);
    char *b = strstr(buf, "\r\n\r\n");
    if (body != NULL)
        *body = strdup(b ? b + 4 : "");
    free(buf);
    return status;
}

/* Request head: METHOD PATH, optional token, a declared length; Connection: close. */
static void head(char *out, size_t cap, const char *method, const char *path, const char *token,
                 size_t declared)
{
    char auth[160] = "";
    if (token != NULL)
        snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    snprintf(out, cap,
             "%s %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
             method, path, auth, declared);
}

/* One whole request from 127.0.0.1; the status, the body in *resp (malloc'd, may be NULL). */
static int request(const char *method, const char *route, const char *token, const char *body,
                   size_t len, char **resp)
{
    char h[512], path[256];
    snprintf(path, sizeof path, "%s%s", prefix, route);
    head(h, sizeof h, method, path, token, len);
    int fd = dial("127.0.0.1");
    if (fd < 0)
        return 0;
    int status = 0;
    if (send_all(fd, h, strlen(h)) && (len == 0 || send_all(fd, body, len)))
        status = read_answer(fd, resp);
    close(fd);
    return status;
}

/* A request must get this status and a body containing needle. */
static void expect(const char *method, const char *route, const char *token, const char *body,
                   size_t len, int want, const char *needle)
{
    char *resp = NULL;
    int got = request(method, route, token, body, len, &resp);
    CHECK(got == want);
    CHECK_CONTAINS(resp, needle);
    if (got != want || resp == NULL || strstr(resp, needle) == NULL)
        fprintf(stderr, "  %s %s: %d %s (expected %d, %s)\n", method, route, got, resp ? resp : "",
                want, needle);
    free(resp);
}

/* The line "ROLE TOKEN" of tokens. */
static void token_of(const char *tokens, const char *role, char out[128])
{
    char needle[64];
    snprintf(needle, sizeof needle, "%s ", role);
    const char *p = tokens;
    out[0] = '\0';
    while (p != NULL && *p) {
        if (strncmp(p, needle, strlen(needle)) == 0) {
            sscanf(p + strlen(needle), "%127s", out);
            return;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
}

/* ---- the server ---------------------------------------------------------------------------- */

typedef struct rig {
    whole_election f;
    char db[160];
    char *tokens;
    size_t tokens_len;
    server *srv;
    http_daemon *d;
    char admin[128], trustee[128];
} rig;

static void rig_start(rig *r, const http_config *cfg, const char *template_json)
{
    cns_diag diag = {{0}};
    whole_setup(&r->f, cns_group_by_name("ristretto255"), template_json, UUID, VOTERS, NULL);
    snprintf(r->db, sizeof r->db, "%s/board.sqlite", r->f.dir);
    CHECK_OK(server_init(r->db, r->f.election, r->f.election_len, r->f.trustees, r->f.trustees_len,
                         r->f.credentials, r->f.credentials_len, 1795909443, &r->tokens,
                         &r->tokens_len, &diag));
    CHECK_OK(server_open(&r->srv, r->db, &diag));
    server_set_revote_limit(r->srv, 2);
    CHECK_OK(http_start(&r->d, r->srv, cfg, &port, &diag));
    snprintf(prefix, sizeof prefix, "/elections/%s", UUID);
    token_of(r->tokens, "admin", r->admin);
    token_of(r->tokens, "trustee 1", r->trustee);
}

static void rig_stop(rig *r)
{
    http_stop(r->d);
    server_free(r->srv);
    sodium_memzero(r->tokens, r->tokens_len);
    free(r->tokens);
    whole_free(&r->f);
}

/* ---- 1. bodies: authenticated from the headers, capped per route and in all ------------------ */

/* Send only the head of a request and read the answer that comes before any body. */
static int head_only(const char *method, const char *path, const char *token, size_t declared,
                     char **resp)
{
    char h[512];
    head(h, sizeof h, method, path, token, declared);
    int fd = dial("127.0.0.1");
    int status = 0;
    if (fd >= 0 && send_all(fd, h, strlen(h)))
        status = read_answer(fd, resp);
    if (fd >= 0)
        close(fd);
    return status;
}

static void bodies(rig *r)
{
    char path[256], *resp = NULL;
    http_stats hs;
    double t0 = now_s();
    /* 40 unauthenticated 16 MiB uploads: each refused from its headers, nothing buffered */
    int refused = 0;
    snprintf(path, sizeof path, "%s/partial_decryptions", prefix);
    for (int i = 0; i < 40; i++) {
        if (head_only("POST", path, NULL, 16u << 20, &resp) == 401 && resp &&
            strstr(resp, "\"error\":\"unauthorized\""))
            refused++;
        free(resp);
        resp = NULL;
    }
    CHECK(refused == 40);
    CHECK(now_s() - t0 < 20);
    http_stats_get(r->d, &hs);
    CHECK(hs.buffered < 64 * 1024);
    /* the administrator's token is not a trustee's: 403 before the body */
    CHECK(head_only("POST", path, r->admin, 16u << 20, &resp) == 403);
    CHECK_CONTAINS(resp, "only a trustee uploads");
    free(resp);
    /* a trustee's: the large cap, but not more */
    CHECK(head_only("POST", path, r->trustee, (16u << 20) + 1, &resp) == 413);
    CHECK_CONTAINS(resp, "request body too large");
    free(resp);
    /* the large cap is for that exact route only */
    snprintf(path, sizeof path, "%s/ballots/partial_decryptions", prefix);
    CHECK(head_only("POST", path, r->trustee, 8u << 20, &resp) == 413);
    free(resp);
    snprintf(path, sizeof path, "%s/ballots?x=/partial_decryptions", prefix);
    CHECK(head_only("POST", path, r->trustee, CNS_MAX_BALLOT_BYTES + 1, &resp) == 413);
    free(resp);
    snprintf(path, sizeof path, "%s/close", prefix);
    CHECK(head_only("POST", path, NULL, 10, &resp) == 401);
    free(resp);
    CHECK(head_only("POST", path, r->trustee, 10, &resp) == 403);
    CHECK_CONTAINS(resp, "only the administrator");
    free(resp);
}

/* Two uploads hold most of the server's 10 MiB; a third is refused at once (503), not buffered. */
static void global_cap(rig *r)
{
    char h[512], path[256], *resp = NULL;
    size_t declared = CNS_MAX_BALLOT_BYTES, part = 3u << 20;
    char *junk = malloc(declared);
    int held[2] = {-1, -1};
    http_stats hs;
    memset(junk, 'x', declared);
    snprintf(path, sizeof path, "%s/ballots", prefix);
    head(h, sizeof h, "POST", path, NULL, declared);
    for (int i = 0; i < 2; i++) {
        held[i] = dial("127.0.0.1");
        CHECK(held[i] >= 0 && send_all(held[i], h, strlen(h)) && send_all(held[i], junk, part));
    }
    usleep(300000);
    http_stats_get(r->d, &hs);
    CHECK(hs.buffered >= 2 * part);
    int fd = dial("127.0.0.1");
    double t0 = now_s();
    CHECK(fd >= 0 && send_all(fd, h, strlen(h)));
    send_all(fd, junk, declared); /* may fail once the server answered and closed */
    CHECK(read_answer(fd, &resp) == 503);
    CHECK_CONTAINS(resp, "\"error\":\"busy\"");
    CHECK(now_s() - t0 < 10);
    free(resp);
    close(fd);
    http_stats_get(r->d, &hs);
    CHECK(hs.buffered <= (10u << 20) + 64 * 1024);
    CHECK(hs.refused_busy >= 1);
    for (int i = 0; i < 2; i++) { /* finished: not a ballot */
        CHECK(send_all(held[i], junk, declared - part));
        CHECK(read_answer(held[i], NULL) == 400);
        close(held[i]);
    }
    usleep(200000);
    http_stats_get(r->d, &hs);
    CHECK(hs.buffered < 64 * 1024);
    free(junk);
}

/* ---- 3. slow senders ----------------------------------------------------------------------- */

typedef struct drip {
    const char *src;
    int n;
    bool reconnect;
    atomic_bool stop;
    atomic_int cut;
    double max_life; /* longest a connection lived */
    pthread_t th;
} drip;

/* n connections sending one header byte every 200 ms; counts how many the server cuts. */
static void *dripping(void *arg)
{
    drip *dp = arg;
    int fds[64];
    double born[64];
    static const char line[] = "GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    size_t pos[64] = {0};
    for (int i = 0; i < dp->n; i++) {
        fds[i] = dial(dp->src);
        born[i] = now_s();
    }
    while (!atomic_load(&dp->stop)) {
        for (int i = 0; i < dp->n; i++) {
            char c;
            if (fds[i] < 0) {
                if (dp->reconnect) {
                    fds[i] = dial(dp->src);
                    born[i] = now_s();
                    pos[i] = 0;
                }
                continue;
            }
            bool dead = recv(fds[i], &c, 1, MSG_DONTWAIT) == 0 ||
                        send(fds[i], line + pos[i] % (sizeof line - 1), 1, MSG_NOSIGNAL) <= 0;
            pos[i]++;
            if (dead) {
                double life = now_s() - born[i];
                dp->max_life = life > dp->max_life ? life : dp->max_life;
                atomic_fetch_add(&dp->cut, 1);
                close(fds[i]);
                fds[i] = -1;
            }
        }
        usleep(200000);
    }
    for (int i = 0; i < dp->n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return NULL;
}

static void drip_start(drip *dp, const char *src, int n, bool reconnect)
{
    *dp = (drip){.src = src, .n = n, .reconnect = reconnect};
    pthread_create(&dp->th, NULL, dripping, dp);
}

static void drip_stop(drip *dp)
{
    atomic_store(&dp->stop, true);
    pthread_join(dp->th, NULL);
}

/* A GET /head from src: its status and how long it took. */
static int voter_get(const char *src, double *took)
{
    char h[512], path[256];
    double t0 = now_s();
    snprintf(path, sizeof path, "%s/head", prefix);
    head(h, sizeof h, "GET", path, NULL, 0);
    int fd = dial(src), status = 0;
    if (fd >= 0 && send_all(fd, h, strlen(h)))
        status = read_answer(fd, NULL);
    if (fd >= 0)
        close(fd);
    *took = now_s() - t0;
    return status;
}

static void slowloris(rig *r)
{
    drip a, b;
    double took;
    http_stats before, after;
    http_stats_get(r->d, &before);
    /* one address's worth (the per-address limit, 16) of drippers: another address is served */
    drip_start(&a, "127.0.0.1", 16, false);
    usleep(500000);
    CHECK(voter_get("127.0.0.2", &took) == 200);
    CHECK(took < 5);
    sleep(6); /* request timeout 2 s: every one cut by now, even on a loaded machine */
    drip_stop(&a);
    CHECK(atomic_load(&a.cut) == 16);
    CHECK(a.max_life < 2 + 3); /* the request timeout, and time for a loaded machine */
    /* every slot (32) held by drippers that reconnect at once: a voter still gets in */
    drip_start(&a, "127.0.0.1", 16, true);
    drip_start(&b, "127.0.0.3", 16, true);
    usleep(800000);
    int ok = 0;
    double worst = 0;
    for (int i = 0; i < 3; i++) {
        ok += voter_get("127.0.0.2", &took) == 200;
        worst = took > worst ? took : worst;
    }
    drip_stop(&a);
    drip_stop(&b);
    CHECK(ok == 3);
    CHECK(worst < 10);
    http_stats_get(r->d, &after);
    CHECK(after.cut_slow >= before.cut_slow + 32);
    printf("   slowloris: %d drip connections cut; a voter served within %.2f s at worst\n",
           (int)(after.cut_slow - before.cut_slow), worst);
}

/* ---- 4 and 8. ballots: cheap refusals first, revotes limited -------------------------------- */

typedef struct replay {
    const char *ballot;
    size_t len;
    atomic_int retried;
} replay;

static void *replaying(void *arg)
{
    replay *rp = arg;
    for (int i = 0; i < 5; i++) {
        char *resp = NULL;
        /* a resent ballot is a safe retry: its tracker again, nothing stored, no proof checked */
        if (request("POST", "/ballots", NULL, rp->ballot, rp->len, &resp) == 200 && resp &&
            strstr(resp, "\"tracker\":"))
            atomic_fetch_add(&rp->retried, 1);
        free(resp);
    }
    return NULL;
}

static void ballots(rig *r)
{
    size_t len, len2;
    server_stats s0, s1;
    char *b0 = whole_ballot(&r->f, 0, CHOICES[0], &len);
    expect("POST", "/ballots", NULL, b0, len, 200, "\"tracker\":");
    server_stats_get(r->srv, &s0);
    /* 8 connections replaying it, 5 times each, while a fresh voter casts */
    replay rp = {.ballot = b0, .len = len};
    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, replaying, &rp);
    char *b1 = whole_ballot(&r->f, 1, CHOICES[1], &len2);
    double t0 = now_s();
    expect("POST", "/ballots", NULL, b1, len2, 200, "\"tracker\":");
    double took = now_s() - t0;
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    server_stats_get(r->srv, &s1);
    CHECK(atomic_load(&rp.retried) == 40);
    CHECK(s1.proofs_checked == s0.proofs_checked + 1); /* the fresh voter's only */
    CHECK(s1.refused_early == s0.refused_early);
    printf(
        "   40 replays answered as retries before any proof; a fresh voter's ballot took %.2f s\n",
        took);
    /* a forged signature: voter 3's credential on voter 2's (fresh) ballot */
    char *b2 = whole_ballot(&r->f, 2, CHOICES[2], &len2),
         *b3 = whole_ballot(&r->f, 3, CHOICES[0], &len);
    char *forged = strdup(b2);
    const char *c2 = strstr(forged, "\"credential\":\""), *c3 = strstr(b3, "\"credential\":\"");
    size_t n = strcspn(c2 + 14, "\"");
    CHECK(n == strcspn(c3 + 14, "\""));
    memcpy((char *)c2 + 14, c3 + 14, n);
    expect("POST", "/ballots", NULL, forged, len2, 422,
           "\"error\":\"verify\",\"message\":\"signature: ");
    /* a credential not in the list */
    cns_scalar s;
    cns_choices ch;
    cns_diag diag = {{0}};
    char *stranger = NULL;
    size_t len3;
    cns_scalar_random(cns_election_group(r->f.parsed), &s);
    CHECK_OK(cns_choices_parse(&ch, r->f.parsed, CHOICES[0], strlen(CHOICES[0]), &diag));
    CHECK_OK(cns_ballot_make(&stranger, &len3, r->f.parsed, &s, &ch, &diag));
    cns_choices_free(&ch);
    expect("POST", "/ballots", NULL, stranger, len3, 422, "not in the published list");
    server_stats_get(r->srv, &s0);
    CHECK(s0.proofs_checked == s1.proofs_checked);
    CHECK(s0.refused_early == s1.refused_early + 2);
    /* revotes: 2 allowed, the third refused by name */
    for (int k = 0; k < 3; k++) {
        char *again = whole_ballot(&r->f, 1, CHOICES[k % 3], &len2);
        if (k < 2)
            expect("POST", "/ballots", NULL, again, len2, 200, "\"tracker\":");
        else
            expect("POST", "/ballots", NULL, again, len2, 429,
                   "\"error\":\"revote_limit\",\"message\":\"revote limit: this credential has "
                   "cast 3 ballots; at most 2 revotes are accepted\"");
        free(again);
    }
    free(b0);
    free(b1);
    free(b2);
    free(b3);
    free(forged);
    free(stranger);
}

/* ---- 9. pages and the archive ------------------------------------------------------------- */

static void pages_and_archive(rig *r)
{
    char *resp = NULL;
    server_stats s0, s1;
    expect("GET", "/ballots?after=9223372036854775806", NULL, NULL, 0, 200,
           "{\"ballots\":[],\"next\":null}");
    expect("GET", "/ballots?after=9223372036854775807", NULL, NULL, 0, 200,
           "{\"ballots\":[],\"next\":null}");
    expect("GET", "/ballots?after=18446744073709551615", NULL, NULL, 0, 200,
           "{\"ballots\":[],\"next\":null}");
    expect("GET", "/ballots?after=18446744073709551616", NULL, NULL, 0, 400, "expected after=N");
    expect("GET", "/ballots?after=0", NULL, NULL, 0, 200, "{\"ballots\":[{\"entry\":");
    /* two downloads of one chain head: one export, shared */
    server_stats_get(r->srv, &s0);
    CHECK(request("GET", "/archive", NULL, NULL, 0, &resp) == 200);
    free(resp);
    CHECK(request("GET", "/archive", NULL, NULL, 0, &resp) == 200);
    free(resp);
    server_stats_get(r->srv, &s1);
    CHECK(s1.exports == s0.exports + 1);
    /* versions kept alive by slow downloads are bounded */
    server_archive *held[SERVER_ARCHIVES_MAX + 1] = {0};
    uint64_t len = 0;
    cns_diag diag = {{0}};
    size_t blen;
    int got = 0;
    for (size_t v = 0; v <= SERVER_ARCHIVES_MAX; v++) {
        char tracker[CNS_HASH_B64_BYTES];
        char *b = whole_ballot(&r->f, 3 + v, CHOICES[v % 3], &blen);
        CHECK_OK(server_cast(r->srv, b, blen, tracker, &diag));
        free(b);
        got += server_archive_get(r->srv, &held[v], &len, &diag) == CNS_OK;
    }
    /* one version per head, held by its download: the fifth is refused until one ends */
    CHECK(got == SERVER_ARCHIVES_MAX);
    CHECK(held[SERVER_ARCHIVES_MAX] == NULL);
    CHECK_CONTAINS(diag.text, "versions of the archive are being downloaded");
    expect("GET", "/archive", NULL, NULL, 0, 503, "\"error\":\"busy\"");
    for (size_t v = 0; v <= SERVER_ARCHIVES_MAX; v++)
        server_archive_release(held[v]);
    CHECK(request("GET", "/archive", NULL, NULL, 0, &resp) == 200);
    free(resp);
}

/* ---- 6. 64 trustees: 65 tokens, every one honoured ------------------------------------------- */

static void many_trustees(void)
{
    const cns_group *g = cns_group_by_name("ristretto255");
    char *pubs = NULL, *trustees = NULL, *election = NULL, *creds = NULL, *tokens = NULL;
    size_t pubs_len = 0, trustees_len = 0, election_len = 0, creds_len = 0, tokens_len = 0;
    cns_diag diag = {{0}};
    cns_trustees *t = NULL;
    cns_credential_batch *voters = NULL;
    server *srv = NULL;
    char dir[] = "/tmp/cns-trustees-XXXXXX", db[96], cmd[128];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(db, sizeof db, "%s/board.sqlite", dir);
    for (int i = 0; i < CNS_MAX_TRUSTEES; i++) {
        char *priv = NULL, *pub = NULL, id[CNS_KEY_ID_BYTES];
        size_t priv_len, pub_len;
        CHECK_OK(cns_trustee_keygen(&priv, &priv_len, &pub, &pub_len, id, g));
        pubs = realloc(pubs, pubs_len + pub_len + 1);
        memcpy(pubs + pubs_len, pub, pub_len);
        pubs_len += pub_len;
        pubs[pubs_len++] = '\n';
        sodium_memzero(priv, priv_len);
        free(priv);
        free(pub);
    }
    CHECK_OK(cns_trustees_make(&trustees, &trustees_len, g, pubs, pubs_len, NULL, 0, &diag));
    CHECK_OK(cns_trustees_parse(&t, g, trustees, trustees_len, &diag));
    CHECK(cns_trustees_count(t) == CNS_MAX_TRUSTEES);
    CHECK_OK(cns_election_make(&election, &election_len, TEMPLATE, sizeof TEMPLATE - 1, UUID, g,
                               cns_trustees_public_key(t), &diag));
    CHECK_OK(cns_credential_batch_generate(&voters, g, UUID, strlen(UUID), 2, NULL, NULL, &diag));
    CHECK_OK(cns_credential_list_to_json(cns_credential_batch_public(voters), &creds, &creds_len,
                                         &diag));
    CHECK_OK(server_init(db, election, election_len, trustees, trustees_len, creds, creds_len,
                         1795909443, &tokens, &tokens_len, &diag));
    CHECK_OK(server_open(&srv, db, &diag));
    int honoured = 0;
    for (int i = 0; i <= CNS_MAX_TRUSTEES; i++) {
        char role[32], tok[128], auth[160];
        if (i == 0)
            snprintf(role, sizeof role, "admin");
        else
            snprintf(role, sizeof role, "trustee %d", i);
        token_of(tokens, role, tok);
        snprintf(auth, sizeof auth, "Bearer %s", tok);
        const char *got = srv ? server_authorize(srv, auth) : NULL;
        honoured += got != NULL && strcmp(got, role) == 0;
    }
    CHECK(honoured == CNS_MAX_TRUSTEES + 1);
    server_free(srv);
    srv = NULL;
    /* one token more than fit: the server refuses to start, loudly */
    store *st = NULL;
    unsigned char hash[CNS_HASH_BYTES] = {1};
    CHECK_OK(store_open(&st, db, &diag));
    CHECK_OK(st->ops->token_set(st, "trustee 65", hash, &diag));
    st->ops->close(st);
    CHECK_ERR(server_open(&srv, db, &diag), CNS_ERR_LIMIT);
    CHECK_CONTAINS(diag.text, "more access tokens than the 65");
    server_free(srv);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    sodium_memzero(tokens, tokens_len);
    free(tokens);
    free(pubs);
    free(trustees);
    free(election);
    free(creds);
    cns_trustees_free(t);
    cns_credential_batch_free(voters);
}

/* ---- 7. ballots past 1 MiB: made, accepted, paged; elections whose ballots cannot fit refused
 * ---- */

/* A template of n questions with 256 answers each (one chosen at most); malloc'd. */
static char *wide_template(size_t n)
{
    size_t cap = 64 + n * (256 * 8 + 96), len = 0;
    char *t = malloc(cap);
    len += (size_t)snprintf(t + len, cap - len,
                            "{\"description\":\"d\",\"name\":\"n\",\"questions\":[");
    for (size_t q = 0; q < n; q++) {
        len += (size_t)snprintf(t + len, cap - len, "%s{\"answers\":[", q ? "," : "");
        for (int a = 0; a < 256; a++)
            len += (size_t)snprintf(t + len, cap - len, "%s\"a%d\"", a ? "," : "", a);
        len += (size_t)snprintf(t + len, cap - len, "],\"min\":0,\"max\":1,\"question\":\"q\"}");
    }
    snprintf(t + len, cap - len, "]}");
    return t;
}

/* The choices of n such questions: answer k of each chosen. */
static char *wide_choices(size_t n, int k)
{
    size_t cap = n * (256 * 2 + 8) + 16, len = 0;
    char *c = malloc(cap);
    len += (size_t)snprintf(c + len, cap - len, "[");
    for (size_t q = 0; q < n; q++) {
        len += (size_t)snprintf(c + len, cap - len, "%s[", q ? "," : "");
        for (int a = 0; a < 256; a++)
            len += (size_t)snprintf(c + len, cap - len, "%s%d", a ? "," : "", a == k);
        len += (size_t)snprintf(c + len, cap - len, "]");
    }
    snprintf(c + len, cap - len, "]");
    return c;
}

static void big_ballots(const http_config *cfg)
{
    const cns_group *g = cns_group_by_name("ristretto255");
    char *too_wide = wide_template(64), *json = NULL, *resp = NULL;
    size_t len;
    cns_elt y;
    cns_diag diag = {{0}};
    cns_group_generator(g, &y);
    CHECK_ERR(cns_election_make(&json, &len, too_wide, strlen(too_wide), UUID, g, &y, &diag),
              CNS_ERR_LIMIT);
    CHECK_CONTAINS(diag.text, "template: a ballot could take");
    free(too_wide);
    rig r = {0};
    char *wide = wide_template(9);
    rig_start(&r, cfg, wide);
    free(wide);
    if (r.d == NULL) {
        rig_stop(&r);
        return;
    }
    CHECK(cns_election_ballot_bytes_max(r.f.parsed) <= CNS_MAX_BALLOT_BYTES);
    for (int v = 0; v < 2; v++) {
        char *choices = wide_choices(9, v);
        char *b = whole_ballot(&r.f, (size_t)v, choices, &len);
        CHECK(len > (1u << 20));
        CHECK(len <= cns_election_ballot_bytes_max(r.f.parsed));
        expect("POST", "/ballots", NULL, b, len, 200, "\"tracker\":");
        free(b);
        free(choices);
    }
    /* a page holds what fits in 1 MiB, and at least one ballot */
    CHECK(request("GET", "/ballots?limit=1000", NULL, NULL, 0, &resp) == 200);
    const char *first = resp ? strstr(resp, "{\"entry\":") : NULL;
    CHECK(first != NULL && strstr(first + 1, "{\"entry\":") == NULL);
    CHECK_CONTAINS(resp, "],\"next\":");
    CHECK(resp != NULL && strstr(resp, "\"next\":null") == NULL);
    free(resp);
    rig_stop(&r);
}

/* ---- 9. a full disk at commit: refused, and recovered without reading the board again ------- */

static void summary_of(const cns_board *board, void *ctx)
{
    cns_board_summary_get(board, ctx);
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

static void full_disk(const http_config *cfg)
{
    rig r = {0};
    char wal[200], *b[4] = {0}, out[160];
    size_t len[4];
    server_stats s0, s1;
    cns_diag diag = {{0}};
    rig_start(&r, cfg, TEMPLATE);
    if (r.d == NULL) {
        rig_stop(&r);
        return;
    }
    for (int v = 0; v < 4; v++)
        b[v] = whole_ballot(&r.f, (size_t)v, CHOICES[v % 3], &len[v]);
    expect("POST", "/ballots", NULL, b[0], len[0], 200, "\"tracker\":");
    expect("POST", "/ballots", NULL, b[1], len[1], 200, "\"tracker\":");
    /* the files may not grow: the next commit cannot write its pages */
    snprintf(wal, sizeof wal, "%s-wal", r.db);
    off_t room = size_of(wal) > size_of(r.db) ? size_of(wal) : size_of(r.db);
    struct rlimit old, full = {.rlim_cur = (rlim_t)room, .rlim_max = RLIM_INFINITY};
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old);
    server_stats_get(r.srv, &s0);
    CHECK(setrlimit(RLIMIT_FSIZE, &full) == 0);
    expect("POST", "/ballots", NULL, b[2], len[2], 503, "\"error\":\"store\"");
    expect("POST", "/ballots", NULL, b[3], len[3], 503, "\"error\":\"store\"");
    expect("GET", "/head", NULL, NULL, 0, 200, "\"ballots\":2,");
    CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
    /* room again: the refused ballots were not kept, in the store or in memory */
    expect("POST", "/ballots", NULL, b[2], len[2], 200, "\"tracker\":");
    expect("POST", "/ballots", NULL, b[3], len[3], 200, "\"tracker\":");
    expect("GET", "/head", NULL, NULL, 0, 200, "\"ballots\":4,");
    server_stats_get(r.srv, &s1);
    CHECK(s1.reloads == s0.reloads); /* no reading of the whole board */
    /* the board in memory is the one in the store: a fresh server reads the same head */
    server *again = NULL;
    cns_board_summary mine = {0}, theirs = {0};
    CHECK_OK(server_read_board(r.srv, summary_of, &mine, &diag));
    CHECK_OK(server_open(&again, r.db, &diag));
    if (again != NULL)
        CHECK_OK(server_read_board(again, summary_of, &theirs, &diag));
    server_free(again);
    CHECK(mine.ballots == 4 && theirs.ballots == 4 && mine.counted == theirs.counted);
    CHECK(mine.head.entries == theirs.head.entries && mine.head.height == theirs.head.height);
    CHECK(memcmp(mine.head.hash, theirs.head.hash, CNS_HASH_BYTES) == 0);
    /* and the board exported verifies whole */
    char *bel = NULL;
    cns_board *check = NULL;
    snprintf(out, sizeof out, "%s/export", r.f.dir);
    CHECK(mkdir(out, 0700) == 0);
    CHECK_OK(server_export(r.srv, NULL, out, &bel, &diag));
    CHECK_OK(cns_board_open(&check, bel, 0, NULL, NULL, &diag));
    cns_board_free(check);
    free(bel);
    printf("   full disk at commit: 2 ballots refused (503), the board kept without reloading\n");
    for (int v = 0; v < 4; v++)
        free(b[v]);
    rig_stop(&r);
}

int main(void)
{
    rig r = {0};
    http_config cfg = {.address = "127.0.0.1",
                       .threads = 2,
                       .connection_limit = 32,
                       .per_ip_limit = 16,
                       .timeout_s = 15,
                       .request_s = 2,
                       .buffer_limit = 10u << 20};
    if (sodium_init() < 0)
        return 1;
    rig_start(&r, &cfg, TEMPLATE);
    if (r.d != NULL) {
        bodies(&r);
        global_cap(&r);
        slowloris(&r);
        ballots(&r);
        pages_and_archive(&r);
    }
    rig_stop(&r);
    many_trustees();
    big_ballots(&cfg);
    full_disk(&cfg);
    return CHECK_DONE();
}
