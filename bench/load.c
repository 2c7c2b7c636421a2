/*
 * Load client for the board server: the reliability tests
 * (tests/server_*.sh) and the benchmark (bench/server.sh).
 *
 *   load cast URLS BALLOTS CONNECTIONS ACKED
 *       POST every ballot of the file BALLOTS (one per line) to the
 *       servers URLS (comma-separated http://HOST:PORT/elections/UUID, the
 *       connections spread over them) on CONNECTIONS concurrent kept-alive
 *       connections. A ballot whose connection fails (the server was
 *       killed) is sent again, on a new connection, until a server answers:
 *       200 is an acknowledgement (its tracker goes to the file ACKED), a
 *       refusal "already cast" means an earlier try was recorded before the
 *       connection failed. Prints one line of counts and the rate.
 *   load check URL ACKED
 *       Page through GET URL/ballots: every tracker in ACKED must be on the
 *       board, and no tracker twice. Prints "N passed, N failed".
 *   load req METHOD URL BODYFILE|- TOKEN|-
 *       One request (the tests' curl); prints the status and the body.
 *   load get URL FILE
 *       Download (the archive) into FILE.
 *   load slow URL N SECONDS
 *       N connections that send headers and a truncated body, then stall;
 *       prints how many the server cut off within SECONDS.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../server/server.h"
#include "consulta/election.h"

#define RETRY_FOR_S 120
#define MAX_SERVERS 8

typedef struct target {
    char host[256], port[8];
    char path[512]; /* …/ballots */
} target;

typedef struct job {
    char **ballots;
    size_t *lens;
    size_t n;
    atomic_size_t next;
    target targets[MAX_SERVERS];
    size_t n_targets;
    char (*trackers)[CNS_HASH_B64_BYTES]; /* "" unless acknowledged */
    atomic_ulong accepted, refused, already, reconnects, failed;
} job;

typedef struct worker {
    job *j;
    const target *t;
} worker;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The tracker in {"tracker":"…"}. */
static bool tracker_of(const char *resp, char out[CNS_HASH_B64_BYTES])
{
    const char *p = strstr(resp, "\"tracker\":\"");
    if (p == NULL)
        return false;
    p += 11;
    size_t n = strcspn(p, "\"");
    if (n == 0 || n >= CNS_HASH_B64_BYTES)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* Send ballot i until some answer comes; false if none came in RETRY_FOR_S. */
static bool send_ballot(worker *w, http_client **c, size_t i)
{
    job *j = w->j;
    double start = now();
    for (;;) {
        int status = 0;
        char *resp = NULL;
        cns_err err = *c ? CNS_OK : http_client_connect(c, w->t->host, w->t->port, NULL);
        if (err == CNS_OK)
            err = http_client_request(*c, "POST", w->t->path, NULL, j->ballots[i], j->lens[i],
                                      &status, &resp, NULL, -1, 1 << 20, NULL);
        if (err == CNS_OK) {
            if (status == 200 && tracker_of(resp, j->trackers[i]))
                atomic_fetch_add(&j->accepted, 1);
            else if (strstr(resp, "already cast") != NULL)
                atomic_fetch_add(&j->already, 1);
            else
                atomic_fetch_add(&j->refused, 1);
            free(resp);
            return true;
        }
        http_client_free(*c);
        *c = NULL;
        atomic_fetch_add(&j->reconnects, 1);
        if (now() - start > RETRY_FOR_S)
            return false;
        usleep(20000);
    }
}

static void *work(void *arg)
{
    worker *w = arg;
    http_client *c = NULL;
    size_t i;
    while ((i = atomic_fetch_add(&w->j->next, 1)) < w->j->n) {
        if (!send_ballot(w, &c, i))
            atomic_fetch_add(&w->j->failed, 1);
    }
    http_client_free(c);
    return NULL;
}

static bool parse_target(const char *url, target *t)
{
    const char *path;
    if (http_url_parse(url, t->host, t->port, &path, NULL) != CNS_OK)
        return false;
    return snprintf(t->path, sizeof t->path, "%s/ballots", path) < (int)sizeof t->path;
}

/* Lines of the file, each without its newline. */
static size_t read_lines(const char *path, char ***lines, size_t **lens)
{
    FILE *f = fopen(path, "r");
    size_t n = 0, cap = 0, len = 0;
    char *line = NULL;
    ssize_t got;
    *lines = NULL;
    *lens = NULL;
    while (f != NULL && (got = getline(&line, &len, f)) > 0) {
        if (line[got - 1] == '\n')
            line[--got] = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            *lines = realloc(*lines, cap * sizeof **lines);
            *lens = realloc(*lens, cap * sizeof **lens);
            if (*lines == NULL || *lens == NULL)
                exit(2);
        }
        (*lines)[n] = strdup(line);
        (*lens)[n++] = (size_t)got;
    }
    free(line);
    if (f != NULL)
        fclose(f);
    return n;
}

static int cast(const char *urls, const char *ballots, unsigned conns, const char *acked)
{
    static job j;
    char *list = strdup(urls), *save = NULL;
    for (char *u = strtok_r(list, ",", &save); u && j.n_targets < MAX_SERVERS;
         u = strtok_r(NULL, ",", &save)) {
        if (!parse_target(u, &j.targets[j.n_targets++])) {
            fprintf(stderr, "load: %s: not http://HOST:PORT/PATH\n", u);
            return 2;
        }
    }
    free(list);
    j.n = read_lines(ballots, &j.ballots, &j.lens);
    j.trackers = calloc(j.n ? j.n : 1, sizeof *j.trackers);
    pthread_t *threads = calloc(conns, sizeof *threads);
    worker *workers = calloc(conns, sizeof *workers);
    double t0 = now();
    for (unsigned k = 0; k < conns; k++) {
        workers[k] = (worker){&j, &j.targets[k % j.n_targets]};
        pthread_create(&threads[k], NULL, work, &workers[k]);
    }
    for (unsigned k = 0; k < conns; k++)
        pthread_join(threads[k], NULL);
    double secs = now() - t0;
    FILE *out = fopen(acked, "w");
    for (size_t i = 0; out != NULL && i < j.n; i++) {
        if (j.trackers[i][0] != '\0')
            fprintf(out, "%s\n", j.trackers[i]);
    }
    if (out == NULL || fclose(out) != 0)
        return 2;
    printf("sent %zu ballots on %u connections: %lu accepted, %lu already cast before a lost "
           "answer, %lu refused, %lu unanswered, %lu reconnections; %.2f s, %.1f ballots/s\n",
           j.n, conns, (unsigned long)j.accepted, (unsigned long)j.already,
           (unsigned long)j.refused, (unsigned long)j.failed, (unsigned long)j.reconnects, secs,
           (double)j.accepted / secs);
    for (size_t i = 0; i < j.n; i++)
        free(j.ballots[i]);
    free(j.ballots);
    free(j.lens);
    free(j.trackers);
    free(threads);
    free(workers);
    return j.failed ? 1 : 0;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the trackers of one page to *all; OUT: *next (0 at the end). */
static bool page(http_client *c, const char *path, uint64_t after, char ***all, size_t *n,
                 size_t *cap, uint64_t *next)
{
    char req[1024], *resp = NULL;
    int status = 0;
    snprintf(req, sizeof req, "%s/ballots?after=%llu&limit=1000", path, (unsigned long long)after);
    if (http_client_request(c, "GET", req, NULL, NULL, 0, &status, &resp, NULL, -1, 1u << 30,
                            NULL) != CNS_OK ||
        status != 200)
        return false;
    for (const char *p = strstr(resp, "\"tracker\":\""); p; p = strstr(p, "\"tracker\":\"")) {
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 1024;
            *all = realloc(*all, *cap * sizeof **all);
        }
        p += 11;
        (*all)[(*n)++] = strndup(p, strcspn(p, "\""));
    }
    const char *nx = strstr(resp, "\"next\":");
    *next = nx ? strtoull(nx + 7, NULL, 10) : 0;
    *next = *next > after ? *next : 0;
    free(resp);
    return true;
}

static int check(const char *url, const char *acked)
{
    char host[256], port[8], **acks = NULL, **board = NULL;
    const char *path;
    size_t *lens = NULL, n_board = 0, cap = 0, n_acks = read_lines(acked, &acks, &lens);
    int passed = 0, failed = 0;
    http_client *c = NULL;
    uint64_t after = 0;
    if (http_url_parse(url, host, port, &path, NULL) != CNS_OK ||
        http_client_connect(&c, host, port, NULL) != CNS_OK)
        return 2;
    do {
        if (!page(c, path, after, &board, &n_board, &cap, &after)) {
            fprintf(stderr, "load check: cannot read the ballots\n");
            return 2;
        }
    } while (after != 0);
    http_client_free(c);
    qsort(board, n_board, sizeof *board, compare);
    size_t dups = 0, missing = 0;
    for (size_t i = 1; i < n_board; i++)
        dups += strcmp(board[i - 1], board[i]) == 0;
    for (size_t i = 0; i < n_acks; i++)
        missing += bsearch(&acks[i], board, n_board, sizeof *board, compare) == NULL;
    printf("board: %zu ballots; acknowledged: %zu; acknowledged but missing: %zu; duplicated: "
           "%zu\n",
           n_board, n_acks, missing, dups);
    *(missing == 0 ? &passed : &failed) += 1;
    *(dups == 0 ? &passed : &failed) += 1;
    *(n_acks > 0 ? &passed : &failed) += 1;
    printf("%d passed, %d failed\n", passed, failed);
    for (size_t i = 0; i < n_board; i++)
        free(board[i]);
    for (size_t i = 0; i < n_acks; i++)
        free(acks[i]);
    free(board);
    free(acks);
    free(lens);
    return failed != 0;
}

/* One request; prints "STATUS BODY". body: a file, or "-" for none; token: "-" for none. */
static int request(const char *method, const char *url, const char *body_file, const char *token)
{
    char host[256], port[8], auth[256], **lines = NULL, *resp = NULL, *body = NULL;
    const char *path;
    size_t *lens = NULL, len = 0;
    int status = 0;
    http_client *c = NULL;
    if (strcmp(body_file, "-") != 0) {
        FILE *f = fopen(body_file, "rb");
        if (f == NULL)
            return 2;
        body = malloc(64u << 20);
        len = fread(body, 1, 64u << 20, f);
        fclose(f);
    }
    snprintf(auth, sizeof auth, "Bearer %s", token);
    if (http_url_parse(url, host, port, &path, NULL) != CNS_OK ||
        http_client_connect(&c, host, port, NULL) != CNS_OK ||
        http_client_request(c, method, path, strcmp(token, "-") ? auth : NULL, body, len, &status,
                            &resp, NULL, -1, 1u << 30, NULL) != CNS_OK) {
        printf("0 no answer\n");
        return 1;
    }
    printf("%d %s\n", status, resp);
    free(resp);
    free(body);
    free(lines);
    free(lens);
    http_client_free(c);
    return 0;
}

/*
 * Slow and truncated requests: n connections each send a request's headers
 * and part of its body, then nothing. Prints how many the server cut off
 * within hold_s seconds.
 */
static int slow(const char *url, int n, int hold_s)
{
    char host[256], port[8], head[512];
    const char *path;
    int cut = 0;
    if (http_url_parse(url, host, port, &path, NULL) != CNS_OK || n > 256)
        return 2;
    int fds[256];
    snprintf(head, sizeof head,
             "POST %s/ballots HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{\"elec", path);
    for (int i = 0; i < n; i++) {
        http_client *c = NULL;
        fds[i] = -1;
        if (http_client_connect(&c, host, port, NULL) != CNS_OK)
            continue;
        fds[i] = dup(http_client_fd(c));
        http_client_free(c);
        if (write(fds[i], head, strlen(head)) < 0)
            continue;
        struct timeval tv = {.tv_sec = hold_s};
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    for (int i = 0; i < n; i++) {
        char buf[256];
        if (fds[i] >= 0 && recv(fds[i], buf, sizeof buf, 0) >= 0)
            cut++; /* closed (0) or answered: not left hanging */
        if (fds[i] >= 0)
            close(fds[i]);
    }
    printf("%d of %d slow connections cut off\n", cut, n);
    return 0;
}

/* GET url into the file out; prints the status. */
static int get(const char *url, const char *out)
{
    char host[256], port[8];
    const char *path;
    int status = 0, fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    http_client *c = NULL;
    cns_err err = fd >= 0 ? http_url_parse(url, host, port, &path, NULL) : CNS_ERR_IO;
    if (err == CNS_OK)
        err = http_client_connect(&c, host, port, NULL);
    if (err == CNS_OK)
        err = http_client_request(c, "GET", path, NULL, NULL, 0, &status, NULL, NULL, fd,
                                  (size_t)1 << 40, NULL);
    http_client_free(c);
    if (fd >= 0)
        close(fd);
    printf("%d\n", status);
    return err == CNS_OK && status == 200 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "get") == 0)
        return get(argv[2], argv[3]);
    if (argc == 6 && strcmp(argv[1], "req") == 0)
        return request(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 5 && strcmp(argv[1], "slow") == 0)
        return slow(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc == 6 && strcmp(argv[1], "cast") == 0)
        return cast(argv[2], argv[3], (unsigned)atoi(argv[4]), argv[5]);
    if (argc == 4 && strcmp(argv[1], "check") == 0)
        return check(argv[2], argv[3]);
    fprintf(stderr, "usage: load cast URLS BALLOTS CONNECTIONS ACKED | load check URL ACKED |\n"
                    "       load req METHOD URL BODYFILE|- TOKEN|- | load slow URL N SECONDS\n");
    return 2;
}
