/*
 * ATTACKS.md, row by row: a record built to exploit each flaw, which the
 * board (and so `consulta verify`) must refuse with the specific error.
 *
 * A clean election is made first through the library (ristretto255, one
 * trustee, a few voters, to the result). Each attack rewrites that record
 * with the archive writer — so the hash chain is intact and only the
 * protocol content is wrong — and checks the refusal. Rows 3 and 4 use the
 * belenios-tool 2.0 (BELENIOS-2048) and Belenios 2.1 (Ed25519) references.
 */
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "ballot/internal.h"
#include "check.h"
#include "consulta/archive.h"
#include "consulta/board.h"
#include "consulta/credential.h"
#include "consulta/mixnet.h"
#include "consulta/trustees.h"
#include "core/hash.h"
#include "util.h"
#include "whole_election.h"

#define VOTERS 4

/* ---- randomness that can be replayed (row 12) ---------------------------------------- */

static int replaying;           /* while set, randomness comes from a fixed stream */
static uint64_t replay_counter; /* position in that stream */
static unsigned char replay_seed[32];

static void replay_buf(void *buf, size_t size)
{
    if (!replaying) {
        randombytes_sysrandom_implementation.buf(buf, size);
        return;
    }
    unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
    memcpy(nonce, &replay_counter, sizeof replay_counter);
    crypto_stream_chacha20(buf, size, nonce, replay_seed);
    replay_counter++;
}

static uint32_t replay_random(void)
{
    uint32_t v;
    replay_buf(&v, sizeof v);
    return v;
}

static const char *replay_name(void)
{
    return "test-replayable";
}

static randombytes_implementation replay_impl = {
    .implementation_name = replay_name, .random = replay_random, .buf = replay_buf};

/* Start the same stream of randomness again. */
static void replay_from_start(void)
{
    replaying = 1;
    replay_counter = 0;
}

/* ---- a clean election ------------------------------------------------------------------ */

static const char questions[] =
    "{\"description\":\"d\",\"name\":\"Attacks\",\"questions\":["
    "{\"answers\":[\"Sí\",\"No\"],\"blank\":true,\"min\":1,\"max\":1,\"question\":\"¿Aprueba?\"},"
    "{\"answers\":[\"A\",\"B\",\"C\"],\"min\":1,\"max\":1,\"question\":\"¿Cuál?\"}]}";

static const char *const votes[VOTERS] = {"[[0,1,0],[1,0,0]]", "[[0,0,1],[0,1,0]]",
                                          "[[1,0,0],[0,0,1]]", "[[0,1,0],[0,1,0]]"};

/* Every voter votes, then voter 0 votes again: cast k is voter k mod VOTERS's. */
static const char *plan(size_t k, size_t *voter)
{
    *voter = k % VOTERS;
    return votes[(k + 1) % VOTERS];
}

/* A clean record, taken to its result; ballot k (1-based) is voter (k-1) mod VOTERS's. */
static void make_election(whole_election *f, const uint64_t *weights)
{
    whole_setup(f, cns_group_by_name("ristretto255"), questions, "Att4cksE1ectiXn", VOTERS,
                weights);
    whole_run(f, VOTERS + 1, plan);
}

/* ---- rewriting a record ------------------------------------------------------------------ */

/* One event with the data entries before it, as a hook sees (and may change) it. */
typedef struct group_of_entries {
    cns_event_type type;
    size_t n_data;
    char *data[4];
    size_t len[4];
    int drop; /* set by a hook: leave this event (and its data) out */
} group_of_entries;

typedef void (*hook_fn)(group_of_entries *g, size_t ballot_index, void *ctx);

/* Replace data[i] by a copy of text. */
static void set_data(group_of_entries *g, size_t i, const char *text, size_t len)
{
    free(g->data[i]);
    g->data[i] = malloc(len + 1);
    memcpy(g->data[i], text, len);
    g->data[i][len] = '\0';
    g->len[i] = len;
}

/* Write group g; the wrappers that name other data are rebuilt with the new hashes. */
static cns_err write_group(cns_archive_writer *w, group_of_entries *g, cns_diag *diag)
{
    unsigned char hash[CNS_HASH_BYTES];
    char hex[4][CNS_HASH_HEX_BYTES], wrapper[512];
    size_t last = g->n_data ? g->n_data - 1 : 0;
    cns_err err = CNS_OK;
    for (size_t i = 0; i < last && err == CNS_OK; i++) {
        err = cns_archive_writer_add_data(w, g->data[i], g->len[i], hash, diag);
        cns_hash_to_hex(hex[i], hash);
    }
    if (err == CNS_OK && g->type == CNS_EVENT_SETUP)
        snprintf(wrapper, sizeof wrapper,
                 "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}", hex[0], hex[1],
                 hex[2]);
    else if (err == CNS_OK && g->type == CNS_EVENT_ENCRYPTED_TALLY)
        snprintf(wrapper, sizeof wrapper, "%.*s\"%s\"}",
                 (int)(strstr(g->data[1], "\"encrypted_tally\":") - g->data[1] + 18), g->data[1],
                 hex[0]);
    else if (err == CNS_OK && g->type == CNS_EVENT_PARTIAL_DECRYPTION)
        snprintf(wrapper, sizeof wrapper, "%.*s\"%s\"}",
                 (int)(strstr(g->data[1], "\"payload\":") - g->data[1] + 10), g->data[1], hex[0]);
    if (err == CNS_OK && last > 0)
        set_data(g, last, wrapper, strlen(wrapper));
    if (err == CNS_OK && g->n_data > 0)
        err = cns_archive_writer_add_data(w, g->data[last], g->len[last], hash, diag);
    if (err == CNS_OK)
        err = cns_archive_writer_add_event(w, g->type, g->n_data ? hash : NULL, NULL, diag);
    return err;
}

/* Copy the record at src to dst, letting hook change each event's group. */
static void rewrite(const char *src, const char *dst, hook_fn hook, void *ctx)
{
    cns_archive_reader *r = NULL;
    cns_archive_writer *w = NULL;
    cns_archive_entry e;
    cns_archive_head head;
    cns_diag diag = {{0}};
    group_of_entries g = {0};
    size_t ballot = 0;
    unlink(dst);
    CHECK_OK(cns_archive_reader_open(&r, src, 0, &diag));
    CHECK_OK(cns_archive_head_of_file(&head, src, &diag));
    CHECK_OK(cns_archive_writer_create(&w, dst, head.timestamp, &diag));
    while (cns_archive_reader_next(r, &e, &diag) == CNS_OK && e.kind != CNS_ARCHIVE_END) {
        if (e.kind == CNS_ARCHIVE_DATA) {
            g.data[g.n_data] = NULL;
            set_data(&g, g.n_data, (const char *)e.content, e.len);
            g.n_data++;
        } else if (e.kind == CNS_ARCHIVE_EVENT) {
            g.type = e.event.type;
            if (hook != NULL)
                hook(&g, g.type == CNS_EVENT_BALLOT ? ++ballot : 0, ctx);
            if (!g.drop)
                CHECK_OK(write_group(w, &g, &diag));
            for (size_t i = 0; i < g.n_data; i++)
                free(g.data[i]);
            memset(&g, 0, sizeof g);
        }
    }
    CHECK_OK(cns_archive_writer_close(w, &diag));
    cns_archive_reader_free(r);
}

/* Open the record at path: it must be refused with err and a message containing needle. */
static void expect_refused(const char *path, cns_err expected, const char *needle)
{
    cns_board *b = NULL;
    cns_diag diag = {{0}};
    CHECK_ERR(cns_board_open(&b, path, 0, NULL, NULL, &diag), expected);
    CHECK_CONTAINS(diag.text, needle);
    cns_board_free(b);
}

static void expect_verified(const char *path)
{
    cns_board *b = NULL;
    cns_diag diag = {{0}};
    cns_err err = cns_board_open(&b, path, 0, NULL, NULL, &diag);
    CHECK_OK(err);
    if (err != CNS_OK)
        fprintf(stderr, "%s: %s\n", path, diag.text);
    cns_board_free(b);
}

/* ---- the attacks ------------------------------------------------------------------------- */

typedef struct attack {
    whole_election *f;
    size_t target; /* the ballot (1-based) or item the hook changes */
    const char *from, *to;
    char *saved; /* a ballot kept by one hook call for a later one */
    size_t saved_len;
} attack;

/* Re-sign ballot bytes with voter's credential after a change to its content. */
static char *resigned(const whole_election *f, const char *bytes, size_t len, size_t voter,
                      size_t *out_len)
{
    cns_ballot *b = NULL;
    cns_scalar s;
    cns_buf buf;
    cns_fs fs;
    cns_diag diag = {{0}};
    char *copy = strndup(bytes, len);
    /* the copy is parsed without its signature being checked; content may be forged */
    CHECK_OK(cns_ballot_parse(&b, f->parsed, copy, len, &diag));
    free(copy);
    if (b == NULL)
        return NULL;
    whole_secret(f, voter, &s);
    cns_buf_init(&buf, 1 << 24);
    cns_ballot_write(&buf, f->parsed, b, false);
    cns_hash_b64(b->signature_hash, buf.data, buf.len);
    cns_fs_init(&fs, "sig|");
    cns_fs_str(&fs, b->signature_hash);
    cns_fs_str(&fs, "|");
    cns_schnorr_prove(cns_election_group(f->parsed), &b->signature, &s, &fs);
    cns_buf_reset(&buf);
    cns_ballot_write(&buf, f->parsed, b, true);
    cns_ballot_free(b);
    return cns_buf_take(&buf, out_len);
}

/* Replace the text `from` by `to` in the target ballot, then re-sign it. */
static void hook_edit_ballot(group_of_entries *g, size_t ballot, void *ctx)
{
    attack *a = ctx;
    if (ballot != a->target)
        return;
    char *at = strstr(g->data[0], a->from);
    CHECK(at != NULL);
    if (at == NULL)
        return;
    size_t head = (size_t)(at - g->data[0]), n = g->len[0] - strlen(a->from) + strlen(a->to);
    char *edited = malloc(n + 1);
    memcpy(edited, g->data[0], head);
    strcpy(edited + head, a->to);
    strcat(edited, at + strlen(a->from));
    size_t len;
    /* ballot k (1-based) of the clean record is voter (k-1) mod VOTERS's */
    char *signed_ballot = resigned(a->f, edited, n, (ballot - 1) % VOTERS, &len);
    if (signed_ballot != NULL)
        set_data(g, 0, signed_ballot, len);
    free(edited);
    free(signed_ballot);
}

/* The proofs of ballot 1's first answer in ballot 2's place (both re-signed). */
static void hook_move_proof(group_of_entries *g, size_t ballot, void *ctx)
{
    attack *a = ctx;
    const char *key = "\"individual_proofs\":[[";
    if (ballot == 1) {
        const char *p = strstr(g->data[0], key);
        a->saved = strndup(p, strcspn(p + strlen(key), "]") + strlen(key));
        return;
    }
    if (ballot != 2 || a->saved == NULL)
        return;
    const char *p = strstr(g->data[0], key);
    a->from = strndup(p, strcspn(p + strlen(key), "]") + strlen(key));
    a->to = a->saved;
    a->target = 2;
    hook_edit_ballot(g, ballot, a);
    free((char *)a->from);
}

/* Ballot `target` cast again, right after itself. */
static void hook_replay(group_of_entries *g, size_t ballot, void *ctx)
{
    attack *a = ctx;
    if (ballot == a->target) {
        a->saved = strndup(g->data[0], g->len[0]);
        a->saved_len = g->len[0];
    } else if (ballot == a->target + 1) {
        set_data(g, 0, a->saved, a->saved_len);
    }
}

/* Keep the partial decryption's text in a->saved. */
static void hook_save_partial(group_of_entries *g, size_t ballot, void *ctx)
{
    attack *a = ctx;
    (void)ballot;
    if (g->type == CNS_EVENT_PARTIAL_DECRYPTION)
        a->saved = strndup(g->data[0], g->len[0]);
}

/* Ballot `target` left out (the ballots after it shift down). */
static void hook_drop(group_of_entries *g, size_t ballot, void *ctx)
{
    const attack *a = ctx;
    g->drop = ballot == a->target;
}

/* Ballot 1's answers in ballot 2, re-signed by ballot 2's voter. */
static void hook_copy_answers(group_of_entries *g, size_t ballot, void *ctx)
{
    attack *a = ctx;
    const char *key = "\"answers\":";
    if (ballot == 1) {
        const char *p = strstr(g->data[0], key);
        a->saved = strndup(p, (size_t)(strstr(p, ",\"signature\"") - p));
        return;
    }
    if (ballot != 2 || a->saved == NULL)
        return;
    const char *p = strstr(g->data[0], key);
    char *from = strndup(p, (size_t)(strstr(p, ",\"signature\"") - p));
    a->from = from;
    a->to = a->saved;
    a->target = 2;
    hook_edit_ballot(g, ballot, a);
    free(from);
}

/* OUT: the head of the record at path as it was after the event at height. */
static void head_at(const char *path, uint64_t height, cns_archive_head *head)
{
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    cns_diag diag = {{0}};
    CHECK_OK(cns_archive_head_of_file(head, path, &diag));
    CHECK_OK(cns_archive_reader_open(&r, path, 0, &diag));
    while (cns_archive_reader_next(r, &e, &diag) == CNS_OK && e.kind != CNS_ARCHIVE_END) {
        if (e.kind == CNS_ARCHIVE_EVENT && e.event.height == height) {
            crypto_hash_sha256(head->hash, e.content, e.len);
            head->height = height;
            head->type = e.event.type;
            break;
        }
    }
    cns_archive_reader_free(r);
}

/* Ballot `target` replaced by one from a credential outside the list. */
static void hook_stuff(group_of_entries *g, size_t ballot, void *ctx)
{
    attack *a = ctx;
    if (ballot != a->target)
        return;
    cns_choices choices;
    cns_scalar s;
    cns_diag diag = {{0}};
    char *json = NULL;
    size_t len;
    cns_scalar_random(cns_election_group(a->f->parsed), &s);
    CHECK_OK(cns_choices_parse(&choices, a->f->parsed, votes[0], strlen(votes[0]), &diag));
    CHECK_OK(cns_ballot_make(&json, &len, a->f->parsed, &s, &choices, &diag));
    set_data(g, 0, json, len);
    cns_choices_free(&choices);
    free(json);
}

/* Replace text in the data entry `target` of the first event of type `to`'s kind. */
typedef struct edit {
    cns_event_type type;
    size_t index;
    const char *from, *to;
    size_t applied; /* how many entries were changed */
} edit;

static void hook_edit_data(group_of_entries *g, size_t ballot, void *ctx)
{
    edit *e = ctx;
    (void)ballot;
    if (g->type != e->type || e->applied > 0)
        return;
    char *at = strstr(g->data[e->index], e->from);
    if (at == NULL)
        return;
    e->applied++;
    size_t head = (size_t)(at - g->data[e->index]);
    size_t n = g->len[e->index] - strlen(e->from) + strlen(e->to);
    char *edited = malloc(n + 1);
    memcpy(edited, g->data[e->index], head);
    strcpy(edited + head, e->to);
    strcat(edited, at + strlen(e->from));
    set_data(g, e->index, edited, n);
    free(edited);
}

/* A ballot with the encrypted tally of all but the last ballot (a chosen subset). */
static void hook_subset_tally(group_of_entries *g, size_t ballot, void *ctx)
{
    attack *a = ctx;
    (void)ballot;
    if (g->type != CNS_EVENT_ENCRYPTED_TALLY)
        return;
    set_data(g, 0, a->saved, a->saved_len);
}

static char *path_in(const whole_election *f, const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", f->dir, name);
    return buf;
}

static void attack_rows(whole_election *f)
{
    char path[256];
    attack a = {.f = f};

    /* the clean record verifies, and so does its copy through the rewriter */
    expect_verified(f->board);
    rewrite(f->board, path_in(f, "copy.bel", path, sizeof path), NULL, NULL);
    expect_verified(path);

    /* #1 a proof moved from another ballot (another statement) does not verify */
    rewrite(f->board, path_in(f, "1.bel", path, sizeof path), hook_move_proof, &a);
    expect_refused(path, CNS_ERR_VERIFY,
                   "ballot 2: question 1, choice 1: individual proof does not verify");
    free(a.saved);

    /* #2 only the named groups: a record in another group is refused */
    edit group = {CNS_EVENT_SETUP, 0, "\"group\":\"ristretto255\"", "\"group\":\"RFC-3526-4096\"",
                  0};
    rewrite(f->board, path_in(f, "2.bel", path, sizeof path), hook_edit_data, &group);
    CHECK(group.applied == 1);
    expect_refused(path, CNS_ERR_INVALID, "election: unknown group \"RFC-3526-4096\"");

    /* #4 non-canonical encodings: a scalar with a leading zero, a space, a duplicate key */
    edit zero = {CNS_EVENT_BALLOT, 0, "\"challenge\":\"", "\"challenge\":\"0", 0};
    rewrite(f->board, path_in(f, "4b.bel", path, sizeof path), hook_edit_data, &zero);
    CHECK(zero.applied == 1);
    expect_refused(path, CNS_ERR_DECODE, "not a canonical decimal integer");
    edit space = {CNS_EVENT_BALLOT, 0, "{\"election_uuid\"", "{ \"election_uuid\"", 0};
    rewrite(f->board, path_in(f, "4c.bel", path, sizeof path), hook_edit_data, &space);
    CHECK(space.applied == 1);
    expect_refused(path, CNS_ERR_DECODE, "ballot 1: ballot: not in canonical form");

    /* #6 a ballot replayed: the same ballot cast twice */
    a = (attack){.f = f, .target = 2};
    rewrite(f->board, path_in(f, "6.bel", path, sizeof path), hook_replay, &a);
    expect_refused(path, CNS_ERR_INVALID, "ballot 3: the same ballot was already cast as ballot 2");
    free(a.saved);

    /* #6 a ballot's answers copied under another credential, re-signed: the proofs are
       bound to the credential they were made with */
    a = (attack){.f = f};
    rewrite(f->board, path_in(f, "6b.bel", path, sizeof path), hook_copy_answers, &a);
    expect_refused(path, CNS_ERR_VERIFY,
                   "ballot 2: question 1, choice 1: individual proof does not verify");
    free(a.saved);

    /* #7 clash: the same public credential listed twice */
    {
        const char *first = strchr(f->credentials, '"');
        size_t n = strcspn(first + 1, "\"") + 2;
        char dup[256];
        snprintf(dup, sizeof dup, "[%.*s,", (int)n, first);
        edit clash = {CNS_EVENT_SETUP, 2, "[", dup, 0};
        rewrite(f->board, path_in(f, "7.bel", path, sizeof path), hook_edit_data, &clash);
        CHECK(clash.applied == 1);
        expect_refused(path, CNS_ERR_INVALID, "are the same");
    }

    /* #8 stuffing: a ballot signed by a credential that is not on the list */
    a = (attack){.f = f, .target = 2};
    rewrite(f->board, path_in(f, "8.bel", path, sizeof path), hook_stuff, &a);
    expect_refused(path, CNS_ERR_INVALID,
                   "ballot 2: signed by a credential that is not in the published list");

    /* #9 tally of a chosen subset: the published tally leaves out one ballot */
    {
        cns_board *b = NULL;
        cns_tally *t = NULL;
        cns_ballot *ballot = NULL;
        cns_diag diag = {{0}};
        size_t len;
        char *json = whole_ballot(f, 1, votes[0], &len);
        CHECK_OK(cns_tally_new(&t, f->parsed));
        CHECK_OK(cns_ballot_parse(&ballot, f->parsed, json, len, &diag));
        CHECK_OK(cns_tally_add(t, ballot, 1));
        a = (attack){.f = f};
        CHECK_OK(cns_tally_write(t, &a.saved, &a.saved_len));
        rewrite(f->board, path_in(f, "9.bel", path, sizeof path), hook_subset_tally, &a);
        expect_refused(path, CNS_ERR_VERIFY,
                       "encrypted tally: not the product of the ballots counted on the board");
        edit count = {CNS_EVENT_ENCRYPTED_TALLY, 1, "\"num_tallied\":4", "\"num_tallied\":3", 0};
        rewrite(f->board, path_in(f, "9b.bel", path, sizeof path), hook_edit_data, &count);
        CHECK(count.applied == 1);
        expect_refused(path, CNS_ERR_VERIFY, "encrypted tally: it claims 3 ballots");
        free(a.saved);
        free(json);
        cns_ballot_free(ballot);
        cns_tally_free(t);
        cns_board_free(b);
    }

    /* #10 a ballot removed: the new board does not extend the auditor's old head */
    {
        cns_archive_head old, now;
        cns_diag diag = {{0}};
        head_at(f->board, 3, &old);
        rewrite(f->board, path_in(f, "10.bel", path, sizeof path), NULL, NULL);
        CHECK_OK(cns_archive_check_extends(path, &old, &now, &diag));
        a = (attack){.f = f, .target = 2};
        rewrite(f->board, path_in(f, "10b.bel", path, sizeof path), hook_drop, &a);
        CHECK_ERR(cns_archive_check_extends(path, &old, &now, &diag), CNS_ERR_VERIFY);
    }

    /* #11 a partial decryption whose proof does not verify names its trustee */
    {
        char from[128], to[128];
        a = (attack){.f = f};
        rewrite(f->board, path_in(f, "11a.bel", path, sizeof path), hook_save_partial, &a);
        const char *c = strstr(a.saved, "{\"challenge\":\"") + 14;
        size_t n = strcspn(c, "\"");
        snprintf(from, sizeof from, "{\"challenge\":\"%.*s\"", (int)n, c);
        snprintf(to, sizeof to, "{\"challenge\":\"%.*s%c\"", (int)n - 1, c,
                 c[n - 1] == '1' ? '2' : '1');
        edit proof = {CNS_EVENT_PARTIAL_DECRYPTION, 0, from, to, 0};
        rewrite(f->board, path_in(f, "11.bel", path, sizeof path), hook_edit_data, &proof);
        CHECK(proof.applied == 1);
        expect_refused(path, CNS_ERR_VERIFY,
                       "partial decryption of trustee 1: question 1, answer 1: decryption proof "
                       "does not verify");
        free(a.saved);
    }

    /* #15 every choice appears in the result: a result missing one is refused */
    {
        cns_board *b = NULL;
        cns_diag diag = {{0}};
        char *json = NULL;
        size_t len;
        CHECK_OK(cns_board_open(&b, f->board, 0, NULL, NULL, &diag));
        CHECK_OK(cns_result_write(cns_board_result(b), &json, &len));
        /* drop the last count of the last question */
        char *cut = strrchr(json, ',');
        char shorter[512];
        snprintf(shorter, sizeof shorter, "%.*s]]}", (int)(cut - json), json);
        edit missing = {CNS_EVENT_RESULT, 0, json, shorter, 0};
        rewrite(f->board, path_in(f, "15.bel", path, sizeof path), hook_edit_data, &missing);
        CHECK(missing.applied == 1);
        expect_refused(path, CNS_ERR_INVALID, "result: question 2 needs 3 counts");
        /* and a result that is not the decryption */
        char other[512];
        snprintf(other, sizeof other, "%s", json);
        other[strlen("{\"result\":[[")] = other[strlen("{\"result\":[[")] == '9' ? '8' : '9';
        edit wrong = {CNS_EVENT_RESULT, 0, json, other, 0};
        rewrite(f->board, path_in(f, "15b.bel", path, sizeof path), hook_edit_data, &wrong);
        CHECK(wrong.applied == 1);
        expect_refused(path, CNS_ERR_VERIFY,
                       "result: the published result is not the decryption of the tally");
        free(json);
        cns_board_free(b);
    }
}

/* #12 predictable randomness: two ballots made from the same random stream. */
static void attack_reused_randomness(whole_election *f)
{
    cns_board *b = NULL;
    cns_diag diag = {{0}};
    char path[256], *first, *second;
    size_t len1, len2;
    path_in(f, "12.bel", path, sizeof path);
    CHECK_OK(cns_board_create(&b, path, f->election, f->election_len, f->trustees, f->trustees_len,
                              f->credentials, f->credentials_len, 1795909443, &diag));
    replay_from_start();
    first = whole_ballot(f, 0, votes[0], &len1);
    replay_from_start();
    second = whole_ballot(f, 1, votes[0], &len2);
    replaying = 0;
    CHECK_OK(cns_board_cast(b, first, len1, NULL, &diag));
    CHECK_ERR(cns_board_cast(b, second, len2, NULL, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "question 1, choice 1: ciphertext repeats one of ballot 1");
    /* nothing was written: the board still holds one ballot and verifies */
    cns_board_summary s;
    cns_board_summary_get(b, &s);
    CHECK(s.ballots == 1);
    CHECK_OK(cns_board_close(b, &diag));
    expect_verified(path);
    free(first);
    free(second);
}

/* #3 elements outside the prime-order subgroup, in the reference records. */
static void attack_subgroup(void)
{
    static const struct {
        const char *bel;
        const char *from_prefix; /* the start of the first alpha of ballot 1 */
        const char *element;     /* a non-subgroup element */
        const char *message;
    } cases[] = {
        {"belenios-2.0-ff/ejrMrFDogJEHkZ.bel", "\"alpha\":\"", "2",
         "not an element of the BELENIOS-2048 subgroup"},
        /* a point of order 2 (y = -1) on edwards25519 */
        {"belenios-2.1-ed25519/roEZNrAz8upuV8.bel", "\"alpha\":\"",
         "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec",
         "not an element of the Ed25519 subgroup"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[1024], dst[256], from[700], to[700];
        snprintf(src, sizeof src, "%s/%s", testdata_dir(), cases[i].bel);
        snprintf(dst, sizeof dst, "/tmp/cns-attack-3-%zu-%d.bel", i, (int)getpid());
        /* the first alpha of the first ballot */
        cns_archive_reader *r = NULL;
        cns_archive_entry e;
        cns_diag diag = {{0}};
        size_t seen = 0;
        CHECK_OK(cns_archive_reader_open(&r, src, 0, &diag));
        while (cns_archive_reader_next(r, &e, &diag) == CNS_OK && e.kind != CNS_ARCHIVE_END) {
            if (e.kind == CNS_ARCHIVE_DATA && ++seen == 5) {
                const char *at = strstr((const char *)e.content, cases[i].from_prefix);
                size_t n = strlen(cases[i].from_prefix) + strcspn(at + 9, "\"") + 1;
                snprintf(from, sizeof from, "%.*s", (int)n, at);
                break;
            }
        }
        cns_archive_reader_free(r);
        snprintf(to, sizeof to, "%s%s\"", cases[i].from_prefix, cases[i].element);
        edit bad = {CNS_EVENT_BALLOT, 0, from, to, 0};
        rewrite(src, dst, hook_edit_data, &bad);
        CHECK(bad.applied == 1);
        expect_refused(dst, CNS_ERR_INVALID, cases[i].message);
        unlink(dst);
    }
}

/* #8 weights are the list's: a weighted election counts them; another weight is refused. */
static void attack_weights(void)
{
    static const uint64_t weights[VOTERS] = {1, 2, 3, 5};
    whole_election f = {0};
    cns_board *b = NULL;
    cns_diag diag = {{0}};
    char *json = NULL, path[256];
    size_t len;
    make_election(&f, weights);
    CHECK_OK(cns_board_open(&b, f.board, 0, NULL, NULL, &diag));
    cns_board_summary s;
    cns_board_summary_get(b, &s);
    CHECK(s.total_weight == 11);
    CHECK_OK(cns_result_write(cns_board_result(b), &json, &len));
    /* last ballots: voter 0 (weight 1) votes[1], 1 (2) votes[2], 2 (3) votes[3], 3 (5) votes[0] */
    CHECK(json != NULL && strcmp(json, "{\"result\":[[2,8,1],[5,4,2]]}") == 0);
    cns_board_free(b);
    free(json);
    /* the list says voter 4 weighs 5: claim 1 instead, and the published tally no longer fits */
    const cns_group *g = cns_election_group(f.parsed);
    cns_elt c;
    char text[CNS_ELT_TEXT_MAX], from[CNS_ELT_TEXT_MAX + 8], to[CNS_ELT_TEXT_MAX + 8];
    const char *cred = cns_credential_batch_secret(f.voters, 3), *uuid = f.uuid;
    CHECK_OK(cns_credential_public(g, uuid, strlen(uuid), cred, strlen(cred), &c, &diag));
    cns_elt_to_text(g, text, sizeof text, &c);
    snprintf(from, sizeof from, "%s,5\"", text);
    snprintf(to, sizeof to, "%s,1\"", text);
    edit lighter = {CNS_EVENT_SETUP, 2, from, to, 0};
    rewrite(f.board, path_in(&f, "8w.bel", path, sizeof path), hook_edit_data, &lighter);
    CHECK(lighter.applied == 1);
    expect_refused(path, CNS_ERR_VERIFY,
                   "encrypted tally: it claims 4 ballots of total weight 11, "
                   "the board counts 4 of weight 7");
    whole_free(&f);
}

/* ---- rows 5 and 16: the trustees' mixnet (consulta/mixnet.h) ------------------------------ */

/* Replace the first occurrence of from (after skip bytes) by to; the result is malloc'd. */
static char *str_edit(const char *s, size_t skip, const char *from, const char *to)
{
    const char *at = strstr(s + skip, from);
    size_t n = strlen(s), a = at ? (size_t)(at - s) : 0, f = strlen(from), t = strlen(to);
    char *out = malloc(n - f + t + 1);
    CHECK(at != NULL);
    if (at == NULL || out == NULL) {
        free(out);
        return strdup(s);
    }
    memcpy(out, s, a);
    memcpy(out + a, to, t);
    memcpy(out + a + t, at + f, n - a - f + 1);
    return out;
}

/* A mix step's verification must fail with err and a message containing needle. */
static void expect_mix_refused(const char *election, size_t elen, const char *cts,
                               const char *shuffle, cns_err err, const char *needle)
{
    cns_diag diag = {{0}};
    CHECK_ERR(cns_mixnet_verify(election, elen, cts, strlen(cts), shuffle, strlen(shuffle), NULL,
                                NULL, &diag),
              err);
    CHECK_CONTAINS(diag.text, needle);
}

/*
 * #16: a mix server that swaps, replaces or drops ciphertexts, or changes a
 * proof value, is refused; #5: the generators are not in the shuffle file
 * at all (a shuffle carrying "generators" is not a shuffle). Shuffles of
 * ristretto255 ciphertexts of a consulta election (RFC-3526-2048 and
 * belenios-tool's: tests/cross_shuffle.sh).
 */
static void attack_mixnet(const whole_election *f)
{
    const char *election = f->election;
    size_t elen = f->election_len;
    const cns_group *G = cns_election_group(f->parsed);
    char *cts = NULL, *shuffle = NULL, *next = NULL, *bad, *bad2, text[CNS_ELT_TEXT_MAX];
    size_t len, next_len;
    cns_buf b;
    cns_diag diag = {{0}};
    cns_ciphertext c;
    cns_scalar r, m;

    /* the input: one non-homomorphic column of VOTERS + 2 encryptions under the election key */
    cns_buf_init(&b, 1 << 20);
    cns_buf_puts(&b, "[[");
    for (size_t i = 0; i < VOTERS + 2; i++) {
        cns_scalar_random(G, &r);
        cns_scalar_from_u64(G, &m, i);
        cns_elgamal_encrypt(G, &c, cns_election_public_key(f->parsed), &r, &m);
        cns_elt_to_text(G, text, sizeof text, &c.alpha);
        cns_buf_printf(&b, "%s{\"alpha\":\"%s\"", i ? "," : "", text);
        cns_elt_to_text(G, text, sizeof text, &c.beta);
        cns_buf_printf(&b, ",\"beta\":\"%s\"}", text);
    }
    cns_buf_puts(&b, "]]");
    cts = cns_buf_take(&b, &len);
    CHECK_OK(cns_mixnet_shuffle(election, elen, cts, len, &shuffle, &len, &diag));
    if (shuffle == NULL)
        goto done;
    CHECK_OK(
        cns_mixnet_verify(election, elen, cts, strlen(cts), shuffle, len, &next, &next_len, &diag));
    /* output ciphertexts swapped */
    {
        const char *c0 = strstr(shuffle, "[[{") + 2, *c1 = strstr(c0 + 1, "{\"alpha\"");
        size_t n0 = (size_t)(strchr(c0, '}') - c0 + 1), n1 = (size_t)(strchr(c1, '}') - c1 + 1);
        char first[512], second[512];
        memcpy(first, c0, n0), first[n0] = 0;
        memcpy(second, c1, n1), second[n1] = 0;
        bad = str_edit(shuffle, 0, first, second);
        bad2 = str_edit(bad, (size_t)(c1 - shuffle), second, first);
        expect_mix_refused(election, elen, cts, bad2, CNS_ERR_VERIFY,
                           "question 1: proof of shuffle does not verify (t1)");
        free(bad);
        free(bad2);
    }
    /* an output ciphertext replaced by an input one */
    {
        const char *in0 = strstr(cts, "{\"alpha\":"), *out0 = strstr(shuffle, "{\"alpha\":");
        char a[512], o[512];
        size_t na = (size_t)(strchr(in0, '}') - in0 + 1),
               no = (size_t)(strchr(out0, '}') - out0 + 1);
        memcpy(a, in0, na), a[na] = 0;
        memcpy(o, out0, no), o[no] = 0;
        bad = str_edit(shuffle, 0, o, a);
        expect_mix_refused(election, elen, cts, bad, CNS_ERR_VERIFY,
                           "question 1: proof of shuffle does not verify (t1)");
        free(bad);
    }
    /* a proof value changed: the last response s'_N */
    {
        /* "]],[" closes t̂ first, then s′ (…"s′_N"]],["c_1"…) */
        char *end = strstr(shuffle, "]],[\""), *q;
        if (end != NULL)
            end = strstr(end + 1, "]],[\"");
        CHECK(end != NULL);
        if (end != NULL) {
            bad = strdup(shuffle);
            q = bad + (end - shuffle) - 2; /* last digit of s'_N */
            *q = *q == '1' ? '2' : '1';
            expect_mix_refused(election, elen, cts, bad, CNS_ERR_VERIFY,
                               "question 1: proof of shuffle does not verify (t3)");
            free(bad);
        }
    }
    /* #5: generators offered by the record are not a field of a shuffle */
    bad = str_edit(shuffle, 0, "{\"ciphertexts\"", "{\"generators\":[],\"ciphertexts\"");
    expect_mix_refused(election, elen, cts, bad, CNS_ERR_DECODE,
                       "shuffle: unknown field \"generators\"");
    free(bad);
    /* the proof of another input (a ciphertext substituted before mixing) */
    CHECK_ERR(cns_mixnet_verify(election, elen, next, next_len, shuffle, len, NULL, NULL, &diag),
              CNS_ERR_VERIFY);
    CHECK_CONTAINS(diag.text, "question 1: proof of shuffle does not verify (t1)");
done:
    free(cts);
    free(shuffle);
    free(next);
}

int main(void)
{
    whole_election f = {0};
    randombytes_set_implementation(&replay_impl);
    if (sodium_init() < 0)
        return 1;
    randombytes_buf(replay_seed, sizeof replay_seed);
    make_election(&f, NULL);
    attack_rows(&f);
    attack_reused_randomness(&f);
    attack_mixnet(&f);
    attack_subgroup();
    whole_free(&f);
    attack_weights();
    return CHECK_DONE();
}
