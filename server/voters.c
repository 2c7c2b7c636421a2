/*
 * Voter authentication and the ballots' lookups on the board server
 * (server/voters.h).
 */
#include "voters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "consulta/credential.h"
#include "server_internal.h"

struct voters {
    bool required;
    uint64_t opens, closes; /* 0: not set */
    cns_credential_list *credentials;
};

static store_value v_int(int64_t i)
{
    return (store_value){.type = STORE_INT, .i = i};
}

static store_value v_text(const char *p, size_t len)
{
    return (store_value){.type = STORE_TEXT, .p = p, .len = len};
}

static store_value v_blob(const void *p, size_t len)
{
    return (store_value){.type = STORE_BLOB, .p = p, .len = len};
}

/* A refusal of the voter's authentication: its name and status for the answer. */
static cns_err refuse(voter_auth *a, const char *name, int status, cns_diag *diag,
                      const char *message)
{
    a->refused = name;
    a->status = status;
    return cns_diag_set(diag, CNS_ERR_INVALID, "%s", message);
}

/* ---- codes ---- */

/* A login: 1 … VOTERS_LOGIN_MAX printable ASCII characters, no space, comma or quote. */
static bool login_ok(const char *p, size_t len)
{
    if (len == 0 || len > VOTERS_LOGIN_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (p[i] <= ' ' || p[i] > '~' || p[i] == ',' || p[i] == '"')
            return false;
    return true;
}

/*
 * The stored hash of a code (its 12 digits): SHA-256 of a label, the
 * election's uuid, the login and the digits, so that no two codes of any
 * election or login share a hash. CT: constant time in the digits.
 */
static void code_hash(unsigned char out[CNS_HASH_BYTES], const char *uuid, const char *login,
                      size_t login_len, const char digits[VOTERS_CODE_DIGITS])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"consulta voter code", 20);
    crypto_hash_sha256_update(&st, (const unsigned char *)uuid, strlen(uuid) + 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)login, login_len);
    crypto_hash_sha256_update(&st, (const unsigned char *)"", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)digits, VOTERS_CODE_DIGITS);
    crypto_hash_sha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/*
 * The digits of a code as typed (dashes and spaces dropped). Returns false
 * when it is not 12 digits. Branches only on the length and the separators'
 * places, not on the digits' values.
 */
static bool code_digits(char out[VOTERS_CODE_DIGITS], const char *code)
{
    size_t n = 0, len = strlen(code);
    unsigned bad = 0;
    if (len > VOTERS_CODE_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)code[i];
        if (c == '-' || c == ' ')
            continue;
        if (n == VOTERS_CODE_DIGITS)
            return false;
        bad |= (unsigned)((c - '0') & 0xff) > 9u ? 1u : 0u;
        out[n++] = (char)c;
    }
    return n == VOTERS_CODE_DIGITS && bad == 0;
}

/* ---- init ---- */

typedef struct binding_line {
    const char *login, *cred;
    size_t login_len, cred_len;
} binding_line;

/* The next line of text (CRLF or LF), advancing *at; false at the end. */
static bool next_line(const char *text, size_t len, size_t *at, const char **line, size_t *n)
{
    if (*at >= len)
        return false;
    const char *p = text + *at, *nl = memchr(p, '\n', len - *at);
    size_t l = nl ? (size_t)(nl - p) : len - *at;
    *at += l + (nl ? 1 : 0);
    *line = p;
    *n = l > 0 && p[l - 1] == '\r' ? l - 1 : l;
    return true;
}

/* Parse and check the binding against the public credentials. OUT: *lines (malloc'd), *n. */
static cns_err parse_binding(const server_voters *v, const cns_credential_list *list,
                             binding_line **lines, size_t *n, cns_diag *diag)
{
    static const char header[] = "login,public_credential";
    const cns_group *g = cns_credential_list_group(list);
    size_t count = cns_credential_list_count(list), at = 0, len = 0, line_no = 1;
    const char *line = NULL;
    bool *bound = calloc(count ? count : 1, sizeof *bound);
    binding_line *out = calloc(count ? count : 1, sizeof *out);
    cns_err err = bound && out ? CNS_OK : CNS_ERR_NOMEM;
    *lines = NULL;
    *n = 0;
    if (err == CNS_OK && (!next_line(v->binding, v->binding_len, &at, &line, &len) ||
                          len != sizeof header - 1 || memcmp(line, header, len) != 0))
        err = cns_diag_set(diag, CNS_ERR_DECODE, "voter binding: line 1: expected the header %s",
                           header);
    while (err == CNS_OK && next_line(v->binding, v->binding_len, &at, &line, &len)) {
        line_no++;
        if (len == 0 && at >= v->binding_len)
            break;
        const char *comma = memchr(line, ',', len);
        binding_line b = {line, NULL, comma ? (size_t)(comma - line) : len, 0};
        cns_elt elt;
        size_t index = 0;
        b.cred = comma ? comma + 1 : NULL;
        b.cred_len = comma ? len - b.login_len - 1 : 0;
        if (comma == NULL || !login_ok(b.login, b.login_len))
            err = cns_diag_set(diag, CNS_ERR_DECODE,
                               "voter binding: line %zu: expected LOGIN,PUBLIC_CREDENTIAL, the "
                               "login 1 to %d printable characters without space, comma or quote",
                               line_no, VOTERS_LOGIN_MAX);
        else if (cns_elt_from_text(g, &elt, b.cred, b.cred_len) != CNS_OK)
            err = cns_diag_set(diag, CNS_ERR_DECODE,
                               "voter binding: line %zu, column public_credential: not a %s "
                               "element in canonical form",
                               line_no, cns_group_name(g));
        else if (cns_credential_list_find(list, &elt, NULL, &index) != CNS_OK)
            err = cns_diag_set(diag, CNS_ERR_INVALID,
                               "voter binding: line %zu: the credential is not in "
                               "public_creds.json",
                               line_no);
        else if (bound[index])
            err = cns_diag_set(diag, CNS_ERR_INVALID,
                               "voter binding: line %zu: the credential is bound twice", line_no);
        else if (*n >= count)
            err = cns_diag_set(diag, CNS_ERR_INVALID, "voter binding: too many lines");
        if (err == CNS_OK) {
            for (size_t k = 0; k < *n && err == CNS_OK; k++)
                if (out[k].login_len == b.login_len &&
                    memcmp(out[k].login, b.login, b.login_len) == 0)
                    err = cns_diag_set(diag, CNS_ERR_INVALID,
                                       "voter binding: line %zu: login %.*s already on line %zu",
                                       line_no, (int)b.login_len, b.login, k + 2);
        }
        if (err == CNS_OK) {
            bound[index] = true;
            out[(*n)++] = b;
        }
    }
    if (err == CNS_OK && *n != count)
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "voter binding: %zu logins for %zu public credentials: every "
                           "credential must be bound to one login",
                           *n, count);
    free(bound);
    if (err != CNS_OK) {
        free(out);
        *n = 0;
        return err;
    }
    *lines = out;
    return CNS_OK;
}

/* Fresh codes for one login, stored as hashes and written "…,1234-5678-9012" to csv. */
static cns_err login_codes(store *st, const char *uuid, const binding_line *b, unsigned codes,
                           char *csv, size_t cap, size_t *at, cns_diag *diag)
{
    char digits[VOTERS_CODE_DIGITS];
    unsigned char hash[CNS_HASH_BYTES];
    char login[VOTERS_LOGIN_MAX + 1];
    cns_err err = CNS_OK;
    memcpy(login, b->login, b->login_len);
    login[b->login_len] = '\0';
    *at += (size_t)snprintf(csv + *at, cap - *at, "%s", login);
    for (unsigned k = 1; k <= codes && err == CNS_OK; k++) {
        for (size_t i = 0; i < VOTERS_CODE_DIGITS; i++)
            digits[i] = (char)('0' + randombytes_uniform(10));
        code_hash(hash, uuid, b->login, b->login_len, digits);
        store_value p[3] = {v_text(b->login, b->login_len), v_int(k), v_blob(hash, sizeof hash)};
        err = st->ops->sql(st, "INSERT INTO codes (login, n, hash, used) VALUES (?, ?, ?, NULL)", p,
                           3, NULL, NULL, NULL, diag);
        *at += (size_t)snprintf(csv + *at, cap - *at, ",%.4s-%.4s-%.4s", digits, digits + 4,
                                digits + 8);
    }
    *at += (size_t)snprintf(csv + *at, cap - *at, "\n");
    sodium_memzero(digits, sizeof digits);
    return err;
}

/* The opening and closing dates, as decimal Unix times, when set. */
static cns_err init_dates(store *st, const server_voters *v, cns_diag *diag)
{
    char text[2][24];
    cns_err err = CNS_OK;
    if (v->opens && v->closes && v->closes <= v->opens)
        return cns_diag_set(diag, CNS_ERR_INVALID, "voting must close after it opens");
    for (int k = 0; k < 2 && err == CNS_OK; k++) {
        uint64_t t = k == 0 ? v->opens : v->closes;
        if (t == 0)
            continue;
        snprintf(text[k], sizeof text[k], "%llu", (unsigned long long)t);
        store_value p[1] = {v_text(text[k], strlen(text[k]))};
        err = st->ops->sql(st,
                           k == 0 ? "INSERT INTO settings (key, value) VALUES ('opens', ?)"
                                  : "INSERT INTO settings (key, value) VALUES ('closes', ?)",
                           p, 1, NULL, NULL, NULL, diag);
    }
    return err;
}

cns_err voters_init(store *st, const cns_election *election, const char *credentials,
                    size_t credentials_len, const server_voters *v, char **codes, size_t *codes_len,
                    cns_diag *diag)
{
    cns_credential_list *list = NULL;
    binding_line *lines = NULL;
    size_t n = 0, cap = 0, at = 0;
    char *csv = NULL;
    const char *uuid = cns_election_uuid(election);
    bool on = v != NULL && v->binding != NULL;
    store_value mode[1] = {v_text(on ? "code" : "none", 4)};
    *codes = NULL;
    *codes_len = 0;
    cns_err err = st->ops->sql(st, "INSERT INTO settings (key, value) VALUES ('auth', ?)", mode, 1,
                               NULL, NULL, NULL, diag);
    if (err == CNS_OK && v != NULL)
        err = init_dates(st, v, diag);
    if (err != CNS_OK || !on)
        return err;
    if (v->codes < 1 || v->codes > VOTERS_CODES_MAX)
        return cns_diag_set(diag, CNS_ERR_INVALID, "codes per voter: 1 to %d", VOTERS_CODES_MAX);
    err = cns_credential_list_parse(&list, cns_election_group(election), credentials,
                                    credentials_len, 0, diag);
    if (err == CNS_OK)
        err = parse_binding(v, list, &lines, &n, diag);
    if (err == CNS_OK) {
        cap = 64 + 16 * (size_t)v->codes + v->binding_len + n * (16 * (size_t)v->codes + 2);
        csv = malloc(cap);
        err = csv ? CNS_OK : CNS_ERR_NOMEM;
    }
    if (err == CNS_OK) {
        at = (size_t)snprintf(csv, cap, "login");
        for (unsigned k = 1; k <= v->codes; k++)
            at += (size_t)snprintf(csv + at, cap - at, ",code%u", k);
        at += (size_t)snprintf(csv + at, cap - at, "\n");
    }
    for (size_t i = 0; i < n && err == CNS_OK; i++) {
        const binding_line *b = &lines[i];
        store_value p[2] = {v_text(b->login, b->login_len), v_text(b->cred, b->cred_len)};
        err = st->ops->sql(st, "INSERT INTO voters (login, credential) VALUES (?, ?)", p, 2, NULL,
                           NULL, NULL, diag);
        if (err == CNS_OK)
            err = login_codes(st, uuid, b, v->codes, csv, cap, &at, diag);
    }
    free(lines);
    cns_credential_list_free(list);
    if (err != CNS_OK) {
        if (csv != NULL)
            sodium_memzero(csv, cap);
        free(csv);
        return err;
    }
    *codes = csv;
    *codes_len = at;
    return CNS_OK;
}

/* ---- open ---- */

static cns_err keep_setting(void *ctx, const store_value *cols, size_t n, cns_diag *diag)
{
    struct voters *v = ctx;
    char value[24];
    if (n != 2 || cols[0].type != STORE_TEXT || cols[1].type != STORE_TEXT ||
        cols[1].len >= sizeof value)
        return cns_diag_set(diag, CNS_ERR_STORE, "a stored setting is malformed");
    memcpy(value, cols[1].p, cols[1].len);
    value[cols[1].len] = '\0';
    if (cols[0].len == 4 && memcmp(cols[0].p, "auth", 4) == 0)
        v->required = strcmp(value, "code") == 0;
    else if (cols[0].len == 5 && memcmp(cols[0].p, "opens", 5) == 0)
        v->opens = strtoull(value, NULL, 10);
    else if (cols[0].len == 6 && memcmp(cols[0].p, "closes", 6) == 0)
        v->closes = strtoull(value, NULL, 10);
    return CNS_OK;
}

/* Backfilling casts: the ballots appended by a server that kept no casts row. */
typedef struct backfill {
    store *st;
    uint64_t last;
    unsigned n;
} backfill;

static cns_err backfill_one(void *ctx, const store_ballot *b, cns_diag *diag)
{
    backfill *f = ctx;
    json_t *root = json_loadb(b->content, b->len, 0, NULL);
    const json_t *cred = json_object_get(root, "credential");
    cns_err err = CNS_OK;
    if (!json_is_string(cred)) {
        err = cns_diag_set(diag, CNS_ERR_STORE, "entry %llu: a stored ballot has no credential",
                           (unsigned long long)b->index);
    } else {
        store_value p[3] = {v_int((int64_t)b->index), v_blob(b->hash, CNS_HASH_BYTES),
                            v_text(json_string_value(cred), json_string_length(cred))};
        err = f->st->ops->sql(f->st,
                              "INSERT INTO casts (entry, hash, credential, at) VALUES (?, ?, ?, "
                              "NULL) ON CONFLICT (entry) DO NOTHING",
                              p, 3, NULL, NULL, NULL, diag);
    }
    json_decref(root);
    f->last = b->index;
    f->n++;
    return err;
}

static cns_err keep_u64(void *ctx, const store_value *cols, size_t n, cns_diag *diag)
{
    if (n != 1 || cols[0].type != STORE_INT)
        return cns_diag_set(diag, CNS_ERR_STORE, "casts: malformed count");
    *(uint64_t *)ctx = (uint64_t)cols[0].i;
    return CNS_OK;
}

/*
 * Every ballot on the board has its casts row: those appended before the
 * server kept them (an older version) get one now, without arrival time.
 */
static cns_err backfill_casts(server *srv, cns_diag *diag)
{
    cns_board_summary s;
    uint64_t rows = 0;
    cns_board_summary_get(srv->board, &s);
    cns_err err = srv->r->ops->sql(srv->r, "SELECT count(*) FROM casts", NULL, 0, keep_u64, &rows,
                                   NULL, diag);
    if (err != CNS_OK || rows >= s.ballots)
        return err;
    backfill f = {srv->w, 0, 0};
    err = srv->w->ops->begin(srv->w, diag);
    do {
        f.n = 0;
        if (err == CNS_OK)
            err = srv->w->ops->ballots(srv->w, f.last, 1000, backfill_one, &f, diag);
    } while (err == CNS_OK && f.n == 1000);
    if (err == CNS_OK)
        err = srv->w->ops->commit(srv->w, diag);
    if (err != CNS_OK)
        srv->w->ops->rollback(srv->w);
    return err;
}

cns_err voters_open(server *srv, cns_diag *diag)
{
    struct voters *v = calloc(1, sizeof *v);
    srv->voters = v;
    if (v == NULL)
        return CNS_ERR_NOMEM;
    cns_err err = cns_credential_list_parse(&v->credentials, cns_election_group(srv->election),
                                            srv->setup[2].bytes, srv->setup[2].len, 0, diag);
    if (err == CNS_OK)
        err = srv->r->ops->sql(srv->r, "SELECT key, value FROM settings", NULL, 0, keep_setting, v,
                               NULL, diag);
    if (err == CNS_OK)
        err = backfill_casts(srv, diag);
    return err;
}

void voters_free(server *srv)
{
    if (srv->voters == NULL)
        return;
    cns_credential_list_free(srv->voters->credentials);
    free(srv->voters);
    srv->voters = NULL;
}

const char *voters_mode(const server *srv)
{
    return srv->voters != NULL && srv->voters->required ? "code" : "none";
}

const char *voters_state(const server *srv, const cns_board_summary *s, uint64_t now,
                         uint64_t *opens, uint64_t *closes)
{
    const struct voters *v = srv->voters;
    *opens = v ? v->opens : 0;
    *closes = v ? v->closes : 0;
    if (s->has_result)
        return "result";
    if (s->tallied)
        return "tallied";
    if (s->ballots_closed || (*closes && now >= *closes))
        return "closed";
    if (*opens && now < *opens)
        return "scheduled";
    return "open";
}

/* A Unix time as 2026-12-05T08:00:00Z into out. */
static const char *utc(char out[32], uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "%llu", (unsigned long long)t);
    return out;
}

/* ---- casting ---- */

void voters_start(const server *srv, voter_auth *a, const char *login, const char *code)
{
    memset(a, 0, sizeof *a);
    a->login = login;
    a->code = code;
    a->group = cns_election_group(srv->election);
    a->required = srv->voters != NULL && srv->voters->required;
    a->code_n = -1;
}

/* The login's codes, compared in constant time with the one given. */
typedef struct code_match {
    unsigned char hash[CNS_HASH_BYTES];
    voter_auth *a;
    bool found, used;
} code_match;

static cns_err match_code(void *ctx, const store_value *cols, size_t n, cns_diag *diag)
{
    code_match *m = ctx;
    (void)diag;
    if (n != 4 || cols[0].type != STORE_TEXT || cols[0].len >= CNS_ELT_TEXT_MAX ||
        cols[1].type != STORE_INT || cols[2].type != STORE_BLOB || cols[2].len != CNS_HASH_BYTES)
        return cns_diag_set(diag, CNS_ERR_STORE, "a stored voter code is malformed");
    bool same = sodium_memcmp(m->hash, cols[2].p, CNS_HASH_BYTES) == 0;
    if (same) {
        m->found = true;
        m->used = cols[3].type != STORE_NULL;
        m->a->code_n = cols[1].i;
        memcpy(m->a->bound, cols[0].p, cols[0].len);
        m->a->bound[cols[0].len] = '\0';
    }
    return CNS_OK;
}

static cns_err found_row(void *ctx, const store_value *cols, size_t n, cns_diag *diag)
{
    (void)cols, (void)n, (void)diag;
    *(bool *)ctx = true;
    return CNS_OK;
}

/* Whether a->hash is on the board, cast by a's voter (by anyone when voters are not authenticated).
 */
static cns_err cast_before(store *st, const voter_auth *a, bool *found, cns_diag *diag)
{
    size_t login_len = a->login ? strlen(a->login) : 0;
    store_value p[2] = {v_blob(a->hash, sizeof a->hash), v_text(a->login, login_len)};
    *found = false;
    if (!a->required)
        return st->ops->sql(st, "SELECT entry FROM casts WHERE hash = ?", p, 1, found_row, found,
                            NULL, diag);
    return st->ops->sql(st,
                        "SELECT c.entry FROM casts c JOIN codes k ON k.used = c.entry "
                        "WHERE c.hash = ? AND k.login = ?",
                        p, 2, found_row, found, NULL, diag);
}

cns_err voters_check(server *srv, voter_auth *a, cns_diag *diag)
{
    char digits[VOTERS_CODE_DIGITS];
    code_match m = {.a = a};
    bool retry = false;
    uint64_t now = (uint64_t)time(NULL);
    char when[32];
    char message[96];
    if (srv->voters->opens && now < srv->voters->opens) {
        snprintf(message, sizeof message, "voting opens at %s", utc(when, srv->voters->opens));
        return refuse(a, "state", 409, diag, message);
    }
    if (srv->voters->closes && now >= srv->voters->closes) {
        snprintf(message, sizeof message, "voting closed at %s", utc(when, srv->voters->closes));
        return refuse(a, "state", 409, diag, message);
    }
    if (!a->required) { /* a lost answer: this ballot may be on the board already */
        pthread_mutex_lock(&srv->read_mu);
        cns_err err = cast_before(srv->r, a, &a->retry, diag);
        pthread_mutex_unlock(&srv->read_mu);
        return err;
    }
    if (a->login == NULL || a->code == NULL)
        return refuse(a, "auth", 401, diag,
                      "this election needs the voter's login and one-time code "
                      "(X-Consulta-Login, X-Consulta-Code)");
    size_t login_len = strlen(a->login);
    bool well_formed = login_ok(a->login, login_len) & code_digits(digits, a->code);
    if (well_formed)
        code_hash(m.hash, cns_election_uuid(srv->election), a->login, login_len, digits);
    sodium_memzero(digits, sizeof digits);
    if (!well_formed)
        return refuse(a, "auth", 401, diag, "unknown login or wrong code");
    store_value p[1] = {v_text(a->login, login_len)};
    pthread_mutex_lock(&srv->read_mu);
    cns_err err = srv->r->ops->sql(srv->r,
                                   "SELECT v.credential, k.n, k.hash, k.used FROM voters v JOIN "
                                   "codes k ON k.login = v.login WHERE v.login = ?",
                                   p, 1, match_code, &m, NULL, diag);
    if (err == CNS_OK && m.found) /* a lost answer: this ballot may be on the board already */
        err = cast_before(srv->r, a, &retry, diag);
    pthread_mutex_unlock(&srv->read_mu);
    sodium_memzero(m.hash, sizeof m.hash);
    if (err != CNS_OK)
        return err;
    if (!m.found)
        return refuse(a, "auth", 401, diag, "unknown login or wrong code");
    if (m.used && !retry)
        return refuse(a, "code_used", 401, diag,
                      "this code was already used: use another of your codes");
    a->retry = retry;
    return CNS_OK;
}

cns_err voters_check_credential(void *ctx, const cns_elt *credential, cns_diag *diag)
{
    voter_auth *a = ctx;
    size_t n = cns_elt_to_text(a->group, a->credential, sizeof a->credential, credential);
    if (n == 0 || n >= sizeof a->credential)
        return cns_diag_set(diag, CNS_ERR_INTERNAL, "credential text too long");
    if (a->required && strcmp(a->credential, a->bound) != 0)
        return refuse(a, "wrong_credential", 403, diag,
                      "this credential is not the one given to this login");
    return CNS_OK;
}

static cns_err keep_used(void *ctx, const store_value *cols, size_t n, cns_diag *diag)
{
    (void)diag;
    *(bool *)ctx = n == 1 && cols[0].type != STORE_NULL;
    return CNS_OK;
}

/* Record the appended ballot (data entry `entry`) and consume its code. */
static cns_err record_cast(store *st, const voter_auth *a, uint64_t entry, cns_diag *diag)
{
    uint64_t changed = 0;
    size_t login_len = a->login ? strlen(a->login) : 0;
    store_value p[4] = {v_int((int64_t)entry), v_blob(a->hash, sizeof a->hash),
                        v_text(a->credential, strlen(a->credential)), v_int((int64_t)time(NULL))};
    cns_err err =
        st->ops->sql(st, "INSERT INTO casts (entry, hash, credential, at) VALUES (?, ?, ?, ?)", p,
                     4, NULL, NULL, NULL, diag);
    if (err != CNS_OK || !a->required)
        return err;
    store_value q[3] = {v_int((int64_t)entry), v_text(a->login, login_len), v_int(a->code_n)};
    err = st->ops->sql(st, "UPDATE codes SET used = ? WHERE login = ? AND n = ? AND used IS NULL",
                       q, 3, NULL, NULL, &changed, diag);
    if (err == CNS_OK && changed != 1)
        err = cns_diag_set(diag, CNS_ERR_STORE, "the voter's code could not be consumed");
    return err;
}

cns_err voters_cast(server *srv, ballot_job *j, cns_diag *diag)
{
    voter_auth *a = j->auth;
    store *st = srv->w;
    bool found = false, used = false;
    cns_err err = cast_before(st, a, &found, diag);
    if (err == CNS_OK && found) {
        a->retry = true;
        sodium_bin2base64(j->tracker, CNS_HASH_B64_BYTES, a->hash, sizeof a->hash,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
        return CNS_OK;
    }
    if (err == CNS_OK && a->required) {
        size_t login_len = strlen(a->login);
        store_value p[2] = {v_text(a->login, login_len), v_int(a->code_n)};
        err = st->ops->sql(st, "SELECT used FROM codes WHERE login = ? AND n = ?", p, 2, keep_used,
                           &used, NULL, diag);
        if (err == CNS_OK && used)
            return refuse(a, "code_used", 401, diag,
                          "this code was already used: use another of your codes");
    }
    if (err != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_STORE, "%s", diag ? diag->text : "store");
    err = server_revotes_left(srv, cns_board_credential_ballots(srv->board, j->ballot), diag);
    if (err == CNS_OK)
        err = cns_board_cast_prepared(srv->board, j->ballot, j->tracker, diag);
    if (err != CNS_OK)
        return err;
    cns_board_summary s;
    cns_board_summary_get(srv->board, &s);
    err = record_cast(st, a, s.head.entries - 2, diag);
    return err == CNS_OK ? CNS_OK : CNS_ERR_STORE;
}

/* ---- lookups ---- */

typedef struct found_cast {
    size_t n;
    uint64_t entry;
    unsigned char hash[CNS_HASH_BYTES];
    char credential[CNS_ELT_TEXT_MAX];
} found_cast;

static cns_err keep_cast(void *ctx, const store_value *cols, size_t n, cns_diag *diag)
{
    found_cast *f = ctx;
    if (n < 2 || cols[0].type != STORE_INT || cols[1].type != STORE_BLOB ||
        cols[1].len != CNS_HASH_BYTES ||
        (n == 3 && (cols[2].type != STORE_TEXT || cols[2].len >= CNS_ELT_TEXT_MAX)))
        return cns_diag_set(diag, CNS_ERR_STORE, "a stored cast is malformed");
    if (f->n++ > 0)
        return CNS_OK;
    f->entry = (uint64_t)cols[0].i;
    memcpy(f->hash, cols[1].p, CNS_HASH_BYTES);
    if (n == 3) {
        memcpy(f->credential, cols[2].p, cols[2].len);
        f->credential[cols[2].len] = '\0';
    }
    return CNS_OK;
}

cns_err voters_find_ballot(server *srv, const unsigned char *prefix, size_t len, voters_ballot *out,
                           cns_diag *diag)
{
    found_cast f = {0}, last = {0};
    unsigned char lo[CNS_HASH_BYTES] = {0}, hi[5];
    bool top = true;
    cns_err err;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&srv->read_mu);
    if (len == CNS_HASH_BYTES) {
        store_value p[1] = {v_blob(prefix, len)};
        err = srv->r->ops->sql(srv->r, "SELECT entry, hash, credential FROM casts WHERE hash = ?",
                               p, 1, keep_cast, &f, NULL, diag);
    } else {
        memcpy(lo, prefix, len);
        memcpy(hi, prefix, len);
        for (size_t i = len; i-- > 0 && top;) /* hi = prefix + 1, unless it is all ones */
            top = ++hi[i] == 0;
        store_value p[2] = {v_blob(lo, sizeof lo), v_blob(hi, len)};
        err = srv->r->ops->sql(srv->r,
                               top ? "SELECT entry, hash, credential FROM casts WHERE hash >= ? "
                                     "ORDER BY entry LIMIT 2"
                                   : "SELECT entry, hash, credential FROM casts WHERE hash >= ? "
                                     "AND hash < ? ORDER BY entry LIMIT 2",
                               p, top ? 1 : 2, keep_cast, &f, NULL, diag);
    }
    if (err == CNS_OK && f.n == 1) {
        store_value q[1] = {v_text(f.credential, strlen(f.credential))};
        err = srv->r->ops->sql(srv->r,
                               "SELECT entry, hash FROM casts WHERE credential = ? ORDER BY "
                               "entry DESC LIMIT 1",
                               q, 1, keep_cast, &last, NULL, diag);
    }
    pthread_mutex_unlock(&srv->read_mu);
    if (err != CNS_OK)
        return err;
    if (f.n == 0)
        return cns_diag_set(diag, CNS_ERR_NOTFOUND, "no ballot on the board has this tracker");
    if (f.n > 1)
        return cns_diag_set(diag, CNS_ERR_STATE,
                            "several ballots have this short code: give the full tracker");
    out->entry = f.entry;
    memcpy(out->hash, f.hash, CNS_HASH_BYTES);
    out->counted = last.n == 1 && last.entry == f.entry;
    out->replaced = last.n == 1 && last.entry != f.entry;
    memcpy(out->replaced_by, last.hash, CNS_HASH_BYTES);
    return CNS_OK;
}

static cns_err keep_counts(void *ctx, const store_value *cols, size_t n, cns_diag *diag)
{
    uint64_t *c = ctx;
    if (n != 2 || cols[0].type != STORE_INT || cols[1].type != STORE_INT)
        return cns_diag_set(diag, CNS_ERR_STORE, "credential counts are malformed");
    c[0] = (uint64_t)cols[0].i;
    c[1] = (uint64_t)cols[1].i;
    return CNS_OK;
}

cns_err voters_credential(server *srv, const char *text, size_t len, uint64_t *ballots,
                          uint64_t *last, cns_diag *diag)
{
    const cns_group *g = cns_election_group(srv->election);
    uint64_t c[2] = {0, 0};
    cns_elt elt;
    *ballots = *last = 0;
    if (len >= CNS_ELT_TEXT_MAX || cns_elt_from_text(g, &elt, text, len) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_DECODE, "not a %s element in canonical form",
                            cns_group_name(g));
    if (cns_credential_list_find(srv->voters->credentials, &elt, NULL, NULL) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_NOTFOUND, "not a public credential of this election");
    store_value p[1] = {v_text(text, len)};
    pthread_mutex_lock(&srv->read_mu);
    cns_err err = srv->r->ops->sql(srv->r,
                                   "SELECT count(*), coalesce(max(at), 0) FROM casts WHERE "
                                   "credential = ?",
                                   p, 1, keep_counts, c, NULL, diag);
    pthread_mutex_unlock(&srv->read_mu);
    *ballots = c[0];
    *last = c[1];
    return err;
}
