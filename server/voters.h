/*
 * Voter authentication on the board server (issue 8 item 4; ATTACKS.md #18),
 * and what the server remembers of each ballot for the voter's lookups.
 *
 * As in Belenios, the credential authority binds each public credential to
 * a voter's login (consulta credentials --voters); the server receives only
 * that binding, never a private credential. At --init the server makes N
 * one-time codes per login, keeps only their salted SHA-256, and hands the
 * codes to the administrator (who delivers them by another channel than the
 * credential: a printed slip, an SMS). A ballot is then accepted only with a
 * login, one of its unused codes, and the credential bound to that login;
 * the code is consumed in the same transaction that appends the ballot, so
 * neither the server alone (no private credential) nor the credential
 * authority alone (no code) can vote for someone.
 *
 * All of it lives in the store's private tables (settings, voters, codes,
 * casts), never in the board's entries: logins and codes appear in no
 * archive and no public route. An election may do without (auth "none"):
 * the credential alone then suffices, as in plain Belenios.
 *
 * casts keeps, for every ballot appended by this server, its entry, hash
 * and credential and when it arrived: the tracker and credential lookups
 * and the safe retry read it. A board whose ballots lack their rows (appended
 * by an older server) gets them back when a server opens it.
 */
#ifndef CONSULTA_SERVER_VOTERS_H
#define CONSULTA_SERVER_VOTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "consulta/board.h"
#include "consulta/group.h"
#include "store.h"

typedef struct server server;
typedef struct ballot_job ballot_job;

/* Default and largest number of one-time codes per login. */
#define VOTERS_CODES_DEFAULT 3
#define VOTERS_CODES_MAX     100
/* Longest login (bytes) and code as typed (bytes, dashes and spaces included). */
#define VOTERS_LOGIN_MAX 255
#define VOTERS_CODE_MAX  64
/* A code: 12 decimal digits, printed 1234-5678-9012. */
#define VOTERS_CODE_DIGITS 12

/* What server_init is told about voters. */
typedef struct server_voters {
    const char *binding; /* the binding file's text (CSV "login,public_credential"), or NULL */
    size_t binding_len;
    unsigned codes;         /* codes per login (1 … VOTERS_CODES_MAX) */
    uint64_t opens, closes; /* Unix times voting opens and closes (0: not set) */
} server_voters;

/* One ballot's voter: the request's headers, then what the checks found. */
typedef struct voter_auth {
    const char *login, *code; /* X-Consulta-Login, X-Consulta-Code (borrowed), or NULL */
    const cns_group *group;
    bool required;                     /* the election authenticates voters */
    char bound[CNS_ELT_TEXT_MAX];      /* the credential bound to login */
    char credential[CNS_ELT_TEXT_MAX]; /* the ballot's */
    int64_t code_n;                    /* which of login's codes was given */
    unsigned char hash[32];            /* the ballot's SHA-256 */
    const char *refused;               /* refused: the error's name ("auth", …) */
    int status;                        /* and its HTTP status */
    bool retry;                        /* already on the board, cast by this voter */
} voter_auth;

/*
 * Inside server_init's transaction: record the authentication mode and,
 * when binding is given, each login's credential (every public credential
 * of credentials, bound exactly once) and fresh codes. OUT: *codes, the CSV
 * "login,code1,…" for the administrator (malloc'd; the caller wipes and
 * frees it), NULL without a binding. Errors: CNS_ERR_DECODE, CNS_ERR_INVALID
 * (diag names the binding's line), the store's.
 */
CNS_NODISCARD cns_err voters_init(store *st, const cns_election *election, const char *credentials,
                                  size_t credentials_len, const server_voters *voters, char **codes,
                                  size_t *codes_len, cns_diag *diag);

/* At server_open: read the mode and the public credentials. */
CNS_NODISCARD cns_err voters_open(server *srv, cns_diag *diag);
void voters_free(server *srv);

/* "code" or "none". */
const char *voters_mode(const server *srv);

/*
 * The election's phase at Unix time now for the board summary s:
 * "scheduled" (before its opening date), "open", "closed" (EndBallots, or
 * past its closing date), "tallied", "result". OUT: *opens, *closes (0 when
 * not set).
 */
const char *voters_state(const server *srv, const cns_board_summary *s, uint64_t now,
                         uint64_t *opens, uint64_t *closes);

/* Start a ballot's voter_auth from the request's headers. */
void voters_start(const server *srv, voter_auth *a, const char *login, const char *code);

/*
 * Before the ballot is verified (no lock): the dates ("state", 409), then
 * the login and code when the election requires them. Refusals set
 * a->refused and return CNS_ERR_INVALID.
 */
CNS_NODISCARD cns_err voters_check(server *srv, voter_auth *a, cns_diag *diag);

/* The prepared ballot's credential must be the one bound to the login (a
 * cns_board_ballot_check_fn). */
cns_err voters_check_credential(void *ctx, const cns_elt *credential, cns_diag *diag);

/*
 * Under the board's lock, in the batch's transaction: a safe retry (nothing
 * stored, a->retry), a used code (refused), or the ballot appended with its
 * casts row and its code consumed. Errors: the board's (the ballot
 * refused), CNS_ERR_INVALID with a->refused, CNS_ERR_STORE.
 */
CNS_NODISCARD cns_err voters_cast(server *srv, ballot_job *job, cns_diag *diag);

/* A ballot found on the board by tracker or short code. */
typedef struct voters_ballot {
    uint64_t entry;
    unsigned char hash[32];
    bool counted;
    bool replaced;
    unsigned char replaced_by[32];
} voters_ballot;

/*
 * Look a ballot up by the first len bytes of its hash (32: the tracker; 5:
 * a short code). Errors: CNS_ERR_NOTFOUND, CNS_ERR_STATE (several ballots
 * share the short code), CNS_ERR_STORE.
 */
CNS_NODISCARD cns_err voters_find_ballot(server *srv, const unsigned char *prefix, size_t len,
                                         voters_ballot *out, cns_diag *diag);

/*
 * A public credential's ballots (text: len bytes, borrowed). OUT: *ballots,
 * *last (Unix time of the last one; 0 when none or unknown).
 * Errors: CNS_ERR_DECODE (not an element), CNS_ERR_NOTFOUND (not a public
 * credential of the election), CNS_ERR_STORE.
 */
CNS_NODISCARD cns_err voters_credential(server *srv, const char *text, size_t len,
                                        uint64_t *ballots, uint64_t *last, cns_diag *diag);

#endif
