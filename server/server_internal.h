/* Shared by server.c, routes.c and export.c. */
#ifndef CONSULTA_SERVER_INTERNAL_H
#define CONSULTA_SERVER_INTERNAL_H

#include <pthread.h>

#include "consulta/board.h"
#include "server.h"
#include "store.h"
#include "voters.h"

#include "consulta/limits.h"

/* The administrator's token and one per trustee, as many as an election may have. */
#define SERVER_TOKENS_MAX (CNS_MAX_TRUSTEES + 1)
/* Refusals of a ballot for its credential's revotes start with this (routes.c names them). */
#define SERVER_REVOTE_REFUSAL "revote limit: "
/* Archive versions kept alive at once by downloads in progress. */
#define SERVER_ARCHIVES_MAX 4

typedef struct server_token {
    char role[32];
    unsigned char hash[CNS_HASH_BYTES]; /* SHA-256 of the token */
} server_token;

/* The route after "/elections/UUID" (exactly this election), or NULL (gate.c). */
const char *server_route(const server *srv, const char *path);

/* A credential that cast `cast` ballots may cast one more (the revote limit). */
CNS_NODISCARD cns_err server_revotes_left(const server *srv, uint64_t cast, cns_diag *diag);

typedef struct setup_text {
    char *bytes;
    size_t len;
} setup_text;

/* A ballot waiting to be appended, on its request's stack. */
typedef struct ballot_job {
    cns_board_ballot *ballot;
    cns_err err;
    cns_diag diag;
    char tracker[CNS_HASH_B64_BYTES];
    bool done;
    voter_auth *auth; /* the voter (server/voters.h) */
    struct ballot_job *next;
} ballot_job;

struct server {
    char *conninfo;
    store *w; /* the writer's connection: under board_mu */
    store *r; /* readers' connection: under read_mu */
    pthread_mutex_t board_mu, read_mu;
    cns_board *board;       /* NULL after a failure: reloaded on next use */
    cns_election *election; /* for verifying ballots outside the lock (immutable) */
    setup_text setup[3];    /* election, trustees, public credentials */
    server_token tokens[SERVER_TOKENS_MAX];
    size_t n_tokens;
    bool tokens_overflow;  /* the store held more tokens than fit: refuse to start */
    uint64_t revote_limit; /* most ballots after the first per credential; 0: none */
    /* the archive of one chain head, shared by its downloads (under archive_mu) */
    pthread_mutex_t archive_mu;
    server_archive *archive;
    unsigned live_archives;
    /* group commit (under queue_mu) */
    pthread_mutex_t queue_mu;
    pthread_cond_t queue_cv;
    ballot_job *queue, **queue_tail;
    bool leading;
    server_stats stats;
    struct voters *voters; /* voter authentication (server/voters.c) */
};

/* The role ("admin", "trustee N") whose token the Authorization header bears, or NULL. */
const char *server_authorize(const server *srv, const char *authorization);

/* (Re)load the board from the store; board_mu held. */
CNS_NODISCARD cns_err server_reload(server *srv, cns_diag *diag);

/* A change to the board, run by server_change with the store's lock held. */
typedef cns_err (*server_change_fn)(server *srv, void *ctx, cns_diag *diag);

/*
 * Lock, catch up, fn, commit — or roll back and drop the board in memory
 * when the store failed. Returns fn's error (or the store's).
 */
CNS_NODISCARD cns_err server_change(server *srv, server_change_fn fn, void *ctx, cns_diag *diag);

/* Read the board brought up to date (board_mu held during fn). */
typedef void (*server_read_fn)(const cns_board *board, void *ctx);
CNS_NODISCARD cns_err server_read_board(server *srv, server_read_fn fn, void *ctx, cns_diag *diag);

/* Verify a ballot, then append it with the others waiting (group commit). */
CNS_NODISCARD cns_err server_cast(server *srv, const char *ballot, size_t len,
                                  char tracker[CNS_HASH_B64_BYTES], cns_diag *diag);

/*
 * server_cast for a voter (a, started with voters_start): the login and code
 * checked before the ballot is verified, the credential once it is parsed,
 * the code consumed with the append. A refusal of the voter sets
 * a->refused; a safe retry sets a->retry (nothing stored).
 */
CNS_NODISCARD cns_err server_cast_voter(server *srv, const char *ballot, size_t len, voter_auth *a,
                                        char tracker[CNS_HASH_B64_BYTES], cns_diag *diag);

/*
 * Export the board (as it is now) to a fresh unlinked temporary file.
 * OUT: *fd (open for reading at offset 0), *len its length, *entries the
 * store's entries it holds.
 */
CNS_NODISCARD cns_err server_export_fd(server *srv, int *fd, uint64_t *len, uint64_t *entries,
                                       cns_diag *diag);

#endif
