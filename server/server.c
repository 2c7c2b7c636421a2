/*
 * The board server's state (server/server.h): the store connections, the
 * board kept in memory and brought up to date under the store's lock, the
 * group commit of ballots, and the access tokens' hashes.
 */
#include "server_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "consulta/trustees.h"

/* CPU time of the calling thread: what verifying or appending costs, waits excluded. */
static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- tokens ---- */

static void keep_token(void *ctx, const char *role, const unsigned char hash[CNS_HASH_BYTES])
{
    server *srv = ctx;
    if (srv->n_tokens == SERVER_TOKENS_MAX) {
        srv->tokens_overflow = true;
        return;
    }
    server_token *t = &srv->tokens[srv->n_tokens++];
    snprintf(t->role, sizeof t->role, "%s", role);
    memcpy(t->hash, hash, CNS_HASH_BYTES);
}

const char *server_authorize(const server *srv, const char *authorization)
{
    static const char bearer[] = "Bearer ";
    unsigned char hash[CNS_HASH_BYTES];
    const char *role = NULL;
    if (authorization == NULL || strncmp(authorization, bearer, sizeof bearer - 1) != 0)
        return NULL;
    const char *token = authorization + sizeof bearer - 1;
    crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
    /* every stored hash is compared, in constant time, whichever matches */
    for (size_t i = 0; i < srv->n_tokens; i++) {
        bool match = sodium_memcmp(hash, srv->tokens[i].hash, CNS_HASH_BYTES) == 0;
        role = match ? srv->tokens[i].role : role;
    }
    sodium_memzero(hash, sizeof hash);
    return role;
}

/* A fresh token for role, its hash stored; the line "ROLE TOKEN\n" goes to out. */
static cns_err new_token(store *st, const char *role, char *out, size_t cap, size_t *len,
                         cns_diag *diag)
{
    unsigned char secret[32], hash[CNS_HASH_BYTES];
    char hex[2 * sizeof secret + 1];
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
    crypto_hash_sha256(hash, (const unsigned char *)hex, strlen(hex));
    cns_err err = st->ops->token_set(st, role, hash, diag);
    int n = snprintf(out + *len, cap - *len, "%s %s\n", role, hex);
    if (err == CNS_OK && (n < 0 || (size_t)n >= cap - *len))
        err = cns_diag_set(diag, CNS_ERR_LIMIT, "too many tokens");
    if (err == CNS_OK)
        *len += (size_t)n;
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(hex, sizeof hex);
    return err;
}

static cns_err new_tokens(store *st, size_t trustees, char **tokens, size_t *tokens_len,
                          cns_diag *diag)
{
    size_t cap = 128 * (trustees + 1), len = 0;
    char *out, role[32];
    if (trustees + 1 > SERVER_TOKENS_MAX)
        return cns_diag_set(diag, CNS_ERR_LIMIT,
                            "%zu trustees: the server keeps tokens for at most %d", trustees,
                            SERVER_TOKENS_MAX - 1);
    if ((out = sodium_malloc(cap)) == NULL)
        return CNS_ERR_NOMEM;
    cns_err err = new_token(st, "admin", out, cap, &len, diag);
    for (size_t i = 1; i <= trustees && err == CNS_OK; i++) {
        snprintf(role, sizeof role, "trustee %zu", i);
        err = new_token(st, role, out, cap, &len, diag);
    }
    *tokens = NULL;
    if (err == CNS_OK && (*tokens = malloc(len + 1)) == NULL)
        err = CNS_ERR_NOMEM;
    if (err == CNS_OK) {
        memcpy(*tokens, out, len);
        (*tokens)[len] = '\0';
        *tokens_len = len;
    }
    sodium_free(out);
    return err;
}

/* ---- opening ---- */

cns_err server_init(const char *conninfo, const char *election, size_t election_len,
                    const char *trustees, size_t trustees_len, const char *credentials,
                    size_t credentials_len, uint64_t timestamp, char **tokens, size_t *tokens_len,
                    cns_diag *diag)
{
    char *codes = NULL;
    size_t codes_len = 0;
    return server_init_voters(conninfo, election, election_len, trustees, trustees_len, credentials,
                              credentials_len, NULL, timestamp, tokens, tokens_len, &codes,
                              &codes_len, diag);
}

cns_err server_init_voters(const char *conninfo, const char *election, size_t election_len,
                           const char *trustees, size_t trustees_len, const char *credentials,
                           size_t credentials_len, const server_voters *voters, uint64_t timestamp,
                           char **tokens, size_t *tokens_len, char **codes, size_t *codes_len,
                           cns_diag *diag)
{
    store *st = NULL;
    cns_board *board = NULL;
    cns_trustees *t = NULL;
    uint64_t entries = 0;
    *tokens = NULL;
    *codes = NULL;
    cns_err err = store_open(&st, conninfo, diag);
    if (err == CNS_OK)
        err = st->ops->begin(st, diag);
    if (err == CNS_OK)
        err = st->ops->count(st, &entries, diag);
    if (err == CNS_OK && entries > 0)
        err = cns_diag_set(diag, CNS_ERR_STATE, "the store already holds a board");
    cns_board_store io = store_board_io(st);
    if (err == CNS_OK)
        err = cns_board_create_store(&board, &io, election, election_len, trustees, trustees_len,
                                     credentials, credentials_len, timestamp, diag);
    if (err == CNS_OK &&
        cns_election_ballot_bytes_max(cns_board_election(board)) > SERVER_BALLOT_MAX)
        err = cns_diag_set(diag, CNS_ERR_LIMIT,
                           "a ballot of this election could take %zu bytes, over the %u the "
                           "server accepts",
                           cns_election_ballot_bytes_max(cns_board_election(board)),
                           SERVER_BALLOT_MAX);
    if (err == CNS_OK)
        err = cns_trustees_parse(&t, cns_election_group(cns_board_election(board)), trustees,
                                 trustees_len, diag);
    if (err == CNS_OK)
        err = new_tokens(st, cns_trustees_count(t), tokens, tokens_len, diag);
    if (err == CNS_OK)
        err = voters_init(st, cns_board_election(board), credentials, credentials_len, voters,
                          codes, codes_len, diag);
    if (err == CNS_OK)
        err = st->ops->commit(st, diag);
    if (err != CNS_OK && st != NULL)
        st->ops->rollback(st);
    if (err != CNS_OK && *tokens != NULL) {
        sodium_memzero(*tokens, *tokens_len);
        free(*tokens);
        *tokens = NULL;
    }
    if (err != CNS_OK && *codes != NULL) {
        sodium_memzero(*codes, *codes_len);
        free(*codes);
        *codes = NULL;
    }
    cns_trustees_free(t);
    cns_board_free(board);
    if (st != NULL)
        st->ops->close(st);
    return err;
}

/* The setup's data entries (1: election, 2: trustees, 3: credentials), kept for reading. */
static cns_err keep_setup(void *ctx, const cns_archive_entry *e, cns_diag *diag)
{
    server *srv = ctx;
    if (e->kind != CNS_ARCHIVE_DATA || e->index < 1 || e->index > 3)
        return CNS_OK;
    setup_text *t = &srv->setup[e->index - 1];
    t->bytes = malloc(e->len + 1);
    if (t->bytes == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory");
    memcpy(t->bytes, e->content, e->len);
    t->bytes[e->len] = '\0';
    t->len = e->len;
    return CNS_OK;
}

cns_err server_reload(server *srv, cns_diag *diag)
{
    cns_board_store io = store_board_io(srv->w);
    cns_board_free(srv->board);
    srv->board = NULL;
    pthread_mutex_lock(&srv->queue_mu);
    srv->stats.reloads++;
    pthread_mutex_unlock(&srv->queue_mu);
    cns_err err = cns_board_open_store(&srv->board, &io, CNS_BOARD_TRUSTED, NULL, NULL, diag);
    if (err != CNS_OK) {
        cns_board_free(srv->board);
        srv->board = NULL;
    }
    return err;
}

cns_err server_open(server **out, const char *conninfo, cns_diag *diag)
{
    server *srv = calloc(1, sizeof *srv);
    *out = srv;
    if (srv == NULL)
        return CNS_ERR_NOMEM;
    pthread_mutex_init(&srv->board_mu, NULL);
    pthread_mutex_init(&srv->read_mu, NULL);
    pthread_mutex_init(&srv->queue_mu, NULL);
    pthread_mutex_init(&srv->archive_mu, NULL);
    pthread_cond_init(&srv->queue_cv, NULL);
    srv->queue_tail = &srv->queue;
    srv->revote_limit = SERVER_REVOTES_DEFAULT;
    srv->conninfo = strdup(conninfo);
    cns_err err = srv->conninfo ? store_open(&srv->w, conninfo, diag) : CNS_ERR_NOMEM;
    if (err == CNS_OK)
        err = store_open(&srv->r, conninfo, diag);
    if (err == CNS_OK)
        err = server_reload(srv, diag);
    if (err == CNS_OK)
        err = srv->r->ops->range(srv->r, 1, 4, keep_setup, srv, diag);
    if (err == CNS_OK)
        err = cns_election_parse(&srv->election, srv->setup[0].bytes, srv->setup[0].len, diag);
    if (err == CNS_OK)
        err = srv->r->ops->tokens(srv->r, keep_token, srv, diag);
    if (err == CNS_OK && srv->tokens_overflow)
        err = cns_diag_set(diag, CNS_ERR_LIMIT,
                           "the store holds more access tokens than the %d the server keeps",
                           SERVER_TOKENS_MAX);
    if (err == CNS_OK)
        err = voters_open(srv, diag);
    return err;
}

void server_set_revote_limit(server *srv, unsigned revotes)
{
    srv->revote_limit = revotes;
}

void server_free(server *srv)
{
    if (srv == NULL)
        return;
    voters_free(srv);
    server_archive_release(srv->archive);
    cns_board_free(srv->board);
    cns_election_free(srv->election);
    if (srv->w != NULL)
        srv->w->ops->close(srv->w);
    if (srv->r != NULL)
        srv->r->ops->close(srv->r);
    for (size_t i = 0; i < 3; i++)
        free(srv->setup[i].bytes);
    sodium_memzero(srv->tokens, sizeof srv->tokens);
    pthread_mutex_destroy(&srv->board_mu);
    pthread_mutex_destroy(&srv->read_mu);
    pthread_mutex_destroy(&srv->queue_mu);
    pthread_mutex_destroy(&srv->archive_mu);
    pthread_cond_destroy(&srv->queue_cv);
    free(srv->conninfo);
    free(srv);
}

const char *server_uuid(const server *srv)
{
    return cns_election_uuid(srv->election);
}

void server_stats_get(server *srv, server_stats *out)
{
    pthread_mutex_lock(&srv->queue_mu);
    *out = srv->stats;
    pthread_mutex_unlock(&srv->queue_mu);
}

/* ---- changing the board ---- */

/* Errors after which the board in memory may differ from the store: reload it. */
static bool fatal(cns_err err)
{
    return err == CNS_ERR_STORE || err == CNS_ERR_IO || err == CNS_ERR_NOMEM ||
           err == CNS_ERR_INTERNAL;
}

/*
 * After a failure, the board in memory must match the store again: back to
 * the mark when only ballots were cast since (a full disk at commit costs no
 * reading), else read again on the next use.
 */
static void recover(server *srv, bool marked)
{
    if (marked && cns_board_rewind(srv->board) == CNS_OK)
        return;
    cns_board_free(srv->board);
    srv->board = NULL; /* reloaded from the store by the next change */
}

cns_err server_change(server *srv, server_change_fn fn, void *ctx, cns_diag *diag)
{
    cns_err err = CNS_OK;
    bool began = false, marked = false, caught_up = false;
    pthread_mutex_lock(&srv->board_mu);
    if (srv->board == NULL)
        err = server_reload(srv, diag);
    if (err == CNS_OK)
        err = srv->w->ops->begin(srv->w, diag);
    began = err == CNS_OK;
    if (err == CNS_OK) {
        err = cns_board_catch_up(srv->board, diag);
        if (err != CNS_OK)
            err = CNS_ERR_STORE; /* the store changed under us: start again */
        caught_up = err == CNS_OK;
    }
    bool failed_hard = err != CNS_OK;
    if (err == CNS_OK) {
        marked = cns_board_mark(srv->board) == CNS_OK;
        err = fn(srv, ctx, diag);
        failed_hard = fatal(err);
    }
    if (err == CNS_OK || !failed_hard) {
        cns_diag tmp;
        cns_err c = srv->w->ops->commit(srv->w, &tmp);
        if (c != CNS_OK) {
            failed_hard = true;
            if (diag != NULL)
                *diag = tmp;
            err = c;
        }
    }
    if (failed_hard) {
        srv->w->ops->rollback(srv->w);
        if (began) /* the board was not touched when the transaction did not even begin */
            recover(srv, caught_up && marked);
    } else {
        cns_board_unmark(srv->board);
    }
    pthread_mutex_unlock(&srv->board_mu);
    return err;
}

cns_err server_read_board(server *srv, server_read_fn fn, void *ctx, cns_diag *diag)
{
    cns_err err = CNS_OK;
    pthread_mutex_lock(&srv->board_mu);
    if (srv->board == NULL)
        err = server_reload(srv, diag);
    else
        err = cns_board_catch_up(srv->board, diag);
    if (err != CNS_OK) {
        cns_board_free(srv->board);
        srv->board = NULL;
        err = cns_diag_set(diag, CNS_ERR_STORE, "the board could not be read from the store");
    }
    if (err == CNS_OK)
        fn(srv->board, ctx);
    pthread_mutex_unlock(&srv->board_mu);
    return err;
}

/* ---- ballots: verified on the caller's thread, appended together ---- */

cns_err server_revotes_left(const server *srv, uint64_t cast, cns_diag *diag)
{
    if (srv->revote_limit == 0 || cast <= srv->revote_limit)
        return CNS_OK;
    return cns_diag_set(diag, CNS_ERR_LIMIT,
                        SERVER_REVOTE_REFUSAL "this credential has cast %" PRIu64
                                              " ballots; at most %" PRIu64 " revotes are accepted",
                        cast, srv->revote_limit);
}

/*
 * The cheap refusals, before any proof: the rules the board in memory can
 * tell (ballot box closed, replay, credential not listed, ciphertext
 * repeated, revotes), then the signature. The board may be behind another
 * server's appends: what it misses is refused under the lock, after the
 * proofs.
 */
static cns_err screen(server *srv, cns_board_ballot *ballot, cns_diag *diag)
{
    uint64_t cast = 0;
    cns_err err = CNS_OK;
    pthread_mutex_lock(&srv->board_mu);
    if (srv->board != NULL)
        err = cns_board_ballot_screen(srv->board, ballot, &cast, diag);
    pthread_mutex_unlock(&srv->board_mu);
    if (err == CNS_OK)
        err = server_revotes_left(srv, cast, diag);
    if (err == CNS_OK)
        err = cns_board_ballot_verify_signature(ballot, diag);
    return err;
}

/* Parse, check the credential is a's, screen, then verify the proofs. OUT: *out. */
static cns_err prepare(server *srv, cns_board_ballot **out, const char *ballot, size_t len,
                       voter_auth *a, cns_diag *diag)
{
    cns_err err = cns_board_ballot_parse(out, srv->election, ballot, len, diag);
    bool early = true;
    if (err == CNS_OK)
        err = voters_check_credential(a, cns_board_ballot_credential(*out), diag);
    if (err == CNS_OK)
        err = screen(srv, *out, diag);
    if (err == CNS_OK) {
        early = false;
        err = cns_board_ballot_verify_proofs(*out, diag);
    }
    pthread_mutex_lock(&srv->queue_mu);
    srv->stats.proofs_checked += !early;
    srv->stats.refused_early += early && err != CNS_OK;
    pthread_mutex_unlock(&srv->queue_mu);
    if (err != CNS_OK) {
        cns_board_ballot_free(*out);
        *out = NULL;
    }
    return err;
}

/* Cast every job of the batch, in one transaction. */
static cns_err cast_batch(server *srv, void *ctx, cns_diag *diag)
{
    ballot_job *batch = ctx;
    for (ballot_job *j = batch; j != NULL; j = j->next) {
        j->err = voters_cast(srv, j, &j->diag);
        if (fatal(j->err)) {
            if (diag != NULL)
                *diag = j->diag;
            return j->err;
        }
    }
    return CNS_OK;
}

/* Be the leader: take the queue, append it, tell each job. */
static void lead(server *srv)
{
    ballot_job *batch = srv->queue;
    srv->queue = NULL;
    srv->queue_tail = &srv->queue;
    pthread_mutex_unlock(&srv->queue_mu);
    cns_diag diag = {{0}};
    uint64_t t0 = now_ns();
    cns_err err = server_change(srv, cast_batch, batch, &diag);
    uint64_t spent = now_ns() - t0;
    pthread_mutex_lock(&srv->queue_mu);
    srv->stats.append_ns += spent;
    srv->stats.batches++;
    for (ballot_job *j = batch; j != NULL; j = j->next) {
        if (err != CNS_OK && j->err == CNS_OK) {
            j->err = CNS_ERR_STORE; /* rolled back: not on the board */
            j->diag = diag;
        }
        if (j->err == CNS_OK)
            srv->stats.accepted++;
        else
            srv->stats.refused++;
        j->done = true;
    }
    pthread_cond_broadcast(&srv->queue_cv);
}

cns_err server_cast(server *srv, const char *ballot, size_t len, char tracker[CNS_HASH_B64_BYTES],
                    cns_diag *diag)
{
    voter_auth a;
    voters_start(srv, &a, NULL, NULL);
    return server_cast_voter(srv, ballot, len, &a, tracker, diag);
}

cns_err server_cast_voter(server *srv, const char *ballot, size_t len, voter_auth *a,
                          char tracker[CNS_HASH_B64_BYTES], cns_diag *diag)
{
    ballot_job job = {.auth = a};
    uint64_t t0 = now_ns();
    crypto_hash_sha256(a->hash, (const unsigned char *)ballot, len);
    cns_err err = voters_check(srv, a, diag);
    if (err == CNS_OK && a->retry) { /* this very ballot is on the board, cast by this voter */
        sodium_bin2base64(tracker, CNS_HASH_B64_BYTES, a->hash, sizeof a->hash,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
        return CNS_OK;
    }
    if (err == CNS_OK)
        err = prepare(srv, &job.ballot, ballot, len, a, diag);
    uint64_t spent = now_ns() - t0;
    pthread_mutex_lock(&srv->queue_mu);
    srv->stats.verify_ns += spent;
    if (err != CNS_OK) {
        srv->stats.refused++;
        pthread_mutex_unlock(&srv->queue_mu);
        return err;
    }
    *srv->queue_tail = &job;
    srv->queue_tail = &job.next;
    while (!job.done) {
        if (!srv->leading) {
            srv->leading = true;
            lead(srv);
            srv->leading = false;
            pthread_cond_broadcast(&srv->queue_cv);
        } else {
            pthread_cond_wait(&srv->queue_cv, &srv->queue_mu);
        }
    }
    pthread_mutex_unlock(&srv->queue_mu);
    cns_board_ballot_free(job.ballot);
    if (job.err == CNS_OK)
        memcpy(tracker, job.tracker, CNS_HASH_B64_BYTES);
    else if (diag != NULL)
        *diag = job.diag;
    return job.err;
}
