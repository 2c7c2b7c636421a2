/*
 * Opening a board: read the record event by event, applying the same rules
 * an append is held to (consulta/board.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "board/internal.h"
#include "consulta/limits.h"
#include "consulta/mixnet.h"
#include "record/json.h"

void cns_board_elt_key(unsigned char key[CNS_KEY_BYTES], const cns_group *group, const cns_elt *e)
{
    unsigned char enc[CNS_ELT_MAX_BYTES];
    cns_elt_encode(group, enc, e);
    cns_map_key(key, enc, cns_elt_bytes(group));
}

const pending_data *cns_board_pending(const cns_board *b, const unsigned char *hash)
{
    for (size_t i = 0; i < b->n_pending; i++) {
        if (memcmp(b->pending[i].hash, hash, CNS_HASH_BYTES) == 0)
            return &b->pending[i];
    }
    return NULL;
}

static void pending_clear(cns_board *b)
{
    for (size_t i = 0; i < b->n_pending; i++)
        free(b->pending[i].bytes);
    b->n_pending = 0;
}

static cns_err pending_add(cns_board *b, const cns_archive_entry *entry)
{
    if (b->n_pending == b->cap_pending) {
        size_t cap = b->cap_pending ? 2 * b->cap_pending : 8;
        pending_data *p = realloc(b->pending, cap * sizeof *p);
        if (p == NULL)
            return CNS_ERR_NOMEM;
        b->pending = p;
        b->cap_pending = cap;
    }
    pending_data *d = &b->pending[b->n_pending];
    d->bytes = malloc(entry->len + 1);
    if (d->bytes == NULL)
        return CNS_ERR_NOMEM;
    memcpy(d->bytes, entry->content, entry->len);
    d->bytes[entry->len] = '\0';
    d->len = entry->len;
    memcpy(d->hash, entry->hash, CNS_HASH_BYTES);
    b->n_pending++;
    return CNS_OK;
}

/* The data entry that a wrapper (setup_data, sized tally, owned) names under key. */
static cns_err named(const cns_board *b, const json_t *wrapper, const char *key, const char *what,
                     const pending_data **out, cns_diag *diag)
{
    const char *hex;
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err = cns_jr_string(wrapper, key, &hex, NULL, what, diag);
    if (err == CNS_OK && cns_hash_from_hex(hash, hex, strlen(hex)) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "%s: \"%s\" is not a hash", what, key);
    if (err == CNS_OK && (*out = cns_board_pending(b, hash)) == NULL)
        err = cns_diag_set(diag, CNS_ERR_NOTFOUND, "%s: the %s entry is missing", what, key);
    return err;
}

/* Parse a wrapper's JSON with exactly these fields. OUT: *root (caller decrefs). */
static cns_err wrapper(json_t **root, const pending_data *d, const char *const *keys, size_t n,
                       const char *what, cns_diag *diag)
{
    cns_err err = cns_jr_parse(root, d->bytes, d->len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(*root, keys, n, what, diag);
    return err;
}

static cns_err on_setup(cns_board *b, const pending_data *d, cns_diag *diag)
{
    static const char *const keys[] = {"election", "trustees", "credentials"};
    const pending_data *e, *t, *c;
    json_t *root = NULL;
    cns_err err = wrapper(&root, d, keys, 3, "setup_data", diag);
    if (err == CNS_OK)
        err = named(b, root, "election", "setup_data", &e, diag);
    if (err == CNS_OK)
        err = named(b, root, "trustees", "setup_data", &t, diag);
    if (err == CNS_OK)
        err = named(b, root, "credentials", "setup_data", &c, diag);
    json_decref(root);
    if (err == CNS_OK)
        err = cns_board_setup(b, e->bytes, e->len, t->bytes, t->len, c->bytes, c->len, diag);
    return err;
}

/* Whether the election has a non-homomorphic question. */
bool cns_board_has_nh(const cns_election *e)
{
    for (size_t q = 0; q < cns_election_question_count(e); q++) {
        if (cns_election_question(e, q)->kind == CNS_QUESTION_NONHOMOMORPHIC)
            return true;
    }
    return false;
}

static cns_err on_encrypted_tally(cns_board *b, const pending_data *d, cns_diag *diag)
{
    static const char *const keys[] = {"num_tallied", "total_weight", "encrypted_tally"};
    const char *what = "sized encrypted tally";
    const pending_data *tally;
    json_t *root = NULL;
    long long num;
    uint64_t weight = 0;
    cns_err err = wrapper(&root, d, keys, 3, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(root, "num_tallied", 0, INT64_MAX, &num, what, diag);
    if (err == CNS_OK)
        err = cns_jr_weight_value(json_object_get(root, "total_weight"), INT64_MAX, &weight,
                                  "sized encrypted tally: total_weight", diag);
    if (err == CNS_OK)
        err = named(b, root, "encrypted_tally", what, &tally, diag);
    json_decref(root);
    if (err == CNS_OK)
        err = cns_board_check_tally(b, tally->bytes, tally->len, (uint64_t)num, weight, diag);
    if (err == CNS_OK && cns_board_has_nh(b->election)) /* the first shuffle's input */
        err = cns_tally_write_nh(b->tally, &b->mix_cts, &b->mix_len);
    b->summary.tallied = err == CNS_OK;
    return err;
}

cns_err cns_board_check_shuffle(const cns_board *b, uint64_t owner, const char *shuffle, size_t len,
                                char **next, size_t *next_len, cns_diag *diag)
{
    size_t elen, n = cns_trustees_count(b->trustees);
    const char *election = cns_election_bytes(b->election, &elen);

    *next = NULL;
    if (!cns_board_has_nh(b->election))
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "a shuffle, but the election has no non-homomorphic question");
    if (!b->summary.tallied || b->mix_cts == NULL)
        return cns_diag_set(diag, CNS_ERR_STATE, "a shuffle before the encrypted tally");
    if (b->shuffles_ended)
        return cns_diag_set(diag, CNS_ERR_STATE, "a shuffle after EndShuffles");
    if (owner == 0 || owner > n)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "shuffle by %llu, who is not one of the %zu trustees",
                            (unsigned long long)owner, n);
    if (owner != b->n_shuffles + 1)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "shuffle by trustee %llu, but trustee %llu shuffles next (each "
                            "trustee shuffles once, in turn)",
                            (unsigned long long)owner, (unsigned long long)(b->n_shuffles + 1));
    cns_err err = cns_mixnet_verify(election, elen, b->mix_cts, b->mix_len, shuffle, len, next,
                                    next_len, diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "shuffle by trustee %llu: ", (unsigned long long)owner);
    return CNS_OK;
}

void cns_board_keep_shuffle(cns_board *b, char *next, size_t next_len)
{
    free(b->mix_cts);
    b->mix_cts = next;
    b->mix_len = next_len;
    b->n_shuffles++;
}

/* A trustee's Shuffle event (cns_board_check_shuffle's rules). */
static cns_err on_shuffle(cns_board *b, const pending_data *d, cns_diag *diag)
{
    static const char *const keys[] = {"owner", "payload"};
    const char *what = "owned shuffle";
    const pending_data *payload = NULL;
    json_t *root = NULL;
    long long owner = 0;
    char *next = NULL;
    size_t next_len = 0;

    cns_err err = wrapper(&root, d, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(root, "owner", 1, CNS_MAX_TRUSTEES, &owner, what, diag);
    if (err == CNS_OK)
        err = named(b, root, "payload", what, &payload, diag);
    json_decref(root);
    if (err == CNS_OK)
        err = cns_board_check_shuffle(b, (uint64_t)owner, payload->bytes, payload->len, &next,
                                      &next_len, diag);
    if (err == CNS_OK)
        cns_board_keep_shuffle(b, next, next_len);
    return err;
}

cns_err cns_board_check_end_shuffles(const cns_board *b, cns_diag *diag)
{
    size_t n = cns_trustees_count(b->trustees);
    if (!cns_board_has_nh(b->election))
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "EndShuffles, but the election has no non-homomorphic question");
    if (!b->summary.tallied || b->shuffles_ended)
        return cns_diag_set(diag, CNS_ERR_STATE, "EndShuffles out of place");
    if (b->n_shuffles != n)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "EndShuffles after %llu shuffles: each of the %zu trustees shuffles "
                            "(trustee %llu's is missing)",
                            (unsigned long long)b->n_shuffles, n,
                            (unsigned long long)(b->n_shuffles + 1));
    return CNS_OK;
}

static cns_err on_end_shuffles(cns_board *b, cns_diag *diag)
{
    cns_err err = cns_board_check_end_shuffles(b, diag);
    if (err == CNS_OK)
        b->shuffles_ended = true;
    return err;
}

cns_err cns_board_check_decryption(const cns_board *b, cns_diag *diag)
{
    if (cns_board_has_nh(b->election) && !b->shuffles_ended)
        return cns_diag_set(diag, CNS_ERR_STATE,
                            "a partial decryption before the shuffles are over (%llu of %zu "
                            "trustees have shuffled, no EndShuffles)",
                            (unsigned long long)b->n_shuffles, cns_trustees_count(b->trustees));
    if (cns_board_has_nh(b->election))
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "the decryption of shuffled ciphertexts is not followed on the board "
                            "yet (the shuffles are verified)");
    return CNS_OK;
}

static cns_err on_partial_decryption(cns_board *b, const pending_data *d, cns_diag *diag)
{
    cns_err check = cns_board_check_decryption(b, diag);
    if (check != CNS_OK)
        return check;
    static const char *const keys[] = {"owner", "payload"};
    const char *what = "owned partial decryption";
    const pending_data *payload;
    json_t *root = NULL;
    long long owner;
    cns_partial *partial = NULL;
    uint64_t found;
    cns_err err = wrapper(&root, d, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(root, "owner", 1, CNS_MAX_TRUSTEES, &owner, what, diag);
    if (err == CNS_OK)
        err = named(b, root, "payload", what, &payload, diag);
    json_decref(root);
    if (err == CNS_OK)
        err = cns_board_check_partial(b, payload->bytes, payload->len, (uint64_t)owner, &partial,
                                      &found, diag);
    if (err == CNS_OK)
        err = cns_board_keep_partial(b, partial, found);
    return err;
}

static cns_err on_result(cns_board *b, const pending_data *d, cns_diag *diag)
{
    cns_err err = cns_board_compute_result(b, diag);
    if (err == CNS_OK)
        err = cns_board_check_result(b, d->bytes, d->len, diag);
    b->summary.has_result = err == CNS_OK;
    return err;
}

static cns_err on_event(cns_board *b, const cns_archive_entry *entry, cns_diag *diag)
{
    const pending_data *d =
        entry->event.has_payload ? cns_board_pending(b, entry->event.payload) : NULL;
    if (entry->event.type != CNS_EVENT_SETUP && b->election == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID, "the record has no setup");
    switch (entry->event.type) {
    case CNS_EVENT_SETUP:
        return on_setup(b, d, diag);
    case CNS_EVENT_BALLOT:
        return cns_board_batch_add(b, entry, (pending_data *)d, diag);
    case CNS_EVENT_END_BALLOTS:
        b->summary.ballots_closed = true;
        return CNS_OK;
    case CNS_EVENT_ENCRYPTED_TALLY:
        return on_encrypted_tally(b, d, diag);
    case CNS_EVENT_PARTIAL_DECRYPTION:
        return on_partial_decryption(b, d, diag);
    case CNS_EVENT_RESULT:
        return on_result(b, d, diag);
    case CNS_EVENT_SHUFFLE:
        return on_shuffle(b, d, diag);
    case CNS_EVENT_END_SHUFFLES:
        return on_end_shuffles(b, diag);
    default:
        return cns_diag_set(diag, CNS_ERR_INTERNAL, "unknown event type");
    }
}

/* One entry read from the file or the store: data waits for its event. */
static cns_err apply_entry(cns_board *b, const cns_archive_entry *entry, cns_diag *diag)
{
    cns_err err = CNS_OK;
    if (entry->kind == CNS_ARCHIVE_DATA) {
        err = pending_add(b, entry);
    } else if (entry->kind == CNS_ARCHIVE_EVENT && entry->event.type == CNS_EVENT_BALLOT) {
        err = on_event(b, entry, diag); /* queued: its failure is named when the queue is applied */
        pending_clear(b);
    } else if (entry->kind == CNS_ARCHIVE_EVENT) {
        err = cns_board_batch_flush(b, diag); /* the ballots before this event come first */
        if (err == CNS_OK) {
            err = on_event(b, entry, diag);
            if (err != CNS_OK)
                cns_diag_prefix(diag, err,
                                "%s event at height %llu: ", cns_event_type_name(entry->event.type),
                                (unsigned long long)entry->event.height);
        }
        pending_clear(b);
    }
    return err;
}

/*
 * The queued ballots come before whatever ended the reading (the end, or a
 * failure further on): apply them; their failure, if any, is the one to report.
 */
static cns_err flush_before(cns_board *b, cns_err err, cns_diag *diag)
{
    cns_diag earlier = {{0}};
    cns_err first = cns_board_batch_flush(b, &earlier);
    if (first == CNS_OK)
        return err;
    if (diag != NULL)
        *diag = earlier;
    return first;
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Read every entry of the record, in order. */
static cns_err read_record(cns_board *b, cns_diag *diag)
{
    cns_archive_reader *reader = NULL;
    cns_archive_entry entry;
    uint64_t total = file_size(b->path);
    cns_err err = cns_archive_reader_open(&reader, b->path, 0, diag);
    while (err == CNS_OK) {
        err = cns_archive_reader_next(reader, &entry, diag);
        if (err != CNS_OK || entry.kind == CNS_ARCHIVE_END)
            break;
        err = apply_entry(b, &entry, diag);
        if (entry.kind == CNS_ARCHIVE_EVENT && b->progress != NULL) /* the CLI throttles */
            b->progress(b->progress_ctx, "reading the board", entry.offset, total);
    }
    err = flush_before(b, err, diag);
    if (reader != NULL)
        cns_archive_reader_head(reader, &b->summary.head);
    cns_archive_reader_free(reader);
    if (err == CNS_OK && b->progress != NULL)
        b->progress(b->progress_ctx, "reading the board", total, total);
    if (err == CNS_OK && b->election == NULL)
        err = cns_diag_set(diag, CNS_ERR_INVALID, "the record has no Setup event");
    return err;
}

/* ---- boards kept in a store ---- */

/* The sink of a store board's writer. */
static cns_err store_put(void *ctx, const cns_archive_entry *entry, cns_diag *diag)
{
    cns_board *b = ctx;
    return b->store.put(b->store.ctx, entry, diag);
}

cns_err cns_board_store_writer(cns_board *b, const cns_board_store *store, cns_diag *diag)
{
    b->has_store = true;
    b->store = *store;
    return cns_archive_writer_new_sink(&b->writer, store_put, b, diag);
}

/* An entry of the store: checked as the reader checks it, then held to the rules. */
static cns_err follow(void *ctx, const cns_archive_entry *entry, cns_diag *diag)
{
    cns_board *b = ctx;
    cns_archive_entry e = *entry;
    cns_err err = cns_archive_writer_follow(b->writer, entry, &e.event, diag);
    if (err == CNS_OK)
        err = apply_entry(b, &e, diag);
    if (err == CNS_OK && e.kind == CNS_ARCHIVE_EVENT && b->progress != NULL &&
        (e.index & 1023) == 0)
        b->progress(b->progress_ctx, "reading the board", e.index, 0);
    return err;
}

cns_err cns_board_open_store(cns_board **out, const cns_board_store *store, unsigned flags,
                             cns_progress_fn progress, void *progress_ctx, cns_diag *diag)
{
    cns_err err = cns_board_new(out, NULL);
    cns_board *b = *out;
    if (err != CNS_OK)
        return err;
    b->progress = progress;
    b->progress_ctx = progress_ctx;
    b->trusted = (flags & CNS_BOARD_TRUSTED) != 0;
    err = cns_board_store_writer(b, store, diag);
    if (err == CNS_OK)
        err = flush_before(b, store->each(store->ctx, 0, follow, b, diag), diag);
    if (err == CNS_OK && b->n_pending > 0)
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "the board ends with %zu data entries not followed by an event",
                           b->n_pending);
    if (err == CNS_OK && b->election == NULL)
        err = cns_diag_set(diag, CNS_ERR_INVALID, "the record has no Setup event");
    if (err == CNS_OK)
        cns_archive_writer_head(b->writer, &b->summary.head);
    return err;
}

cns_err cns_board_catch_up(cns_board *b, cns_diag *diag)
{
    cns_archive_head head;
    if (!b->has_store)
        return cns_diag_set(diag, CNS_ERR_STATE, "not a board kept in a store");
    cns_archive_writer_head(b->writer, &head);
    cns_err err = flush_before(b, b->store.each(b->store.ctx, head.entries, follow, b, diag), diag);
    if (err == CNS_OK && b->n_pending > 0)
        err = cns_diag_set(diag, CNS_ERR_INVALID,
                           "the board ends with %zu data entries not followed by an event",
                           b->n_pending);
    return err;
}

/* Reading a file board's entries again, for cns_board_each. */
static cns_err each_in_file(cns_board *b, cns_board_entry_fn fn, void *ctx, cns_diag *diag)
{
    cns_archive_reader *reader = NULL;
    cns_archive_entry entry;
    cns_err err = cns_archive_reader_open(&reader, b->path, 0, diag);
    while (err == CNS_OK) {
        err = cns_archive_reader_next(reader, &entry, diag);
        if (err != CNS_OK || entry.kind == CNS_ARCHIVE_END)
            break;
        err = fn(ctx, &entry, diag);
    }
    cns_archive_reader_free(reader);
    return err;
}

/* A store's entry passed on with its event parsed, as the reader gives it. */
typedef struct parsed_each {
    cns_board_entry_fn fn;
    void *ctx;
} parsed_each;

static cns_err with_event(void *ctx, const cns_archive_entry *entry, cns_diag *diag)
{
    const parsed_each *p = ctx;
    cns_archive_entry e = *entry;
    cns_err err = CNS_OK;
    if (e.kind == CNS_ARCHIVE_EVENT)
        err = cns_archive_event_parse(&e.event, e.content, e.len, diag);
    return err == CNS_OK ? p->fn(p->ctx, &e, diag) : err;
}

cns_err cns_board_each(cns_board *b, cns_board_entry_fn fn, void *ctx, cns_diag *diag)
{
    parsed_each p = {fn, ctx};
    if (b->has_store)
        return b->store.each(b->store.ctx, 0, with_event, &p, diag);
    return each_in_file(b, fn, ctx, diag);
}

cns_err cns_board_new(cns_board **out, const char *path)
{
    cns_board *b = calloc(1, sizeof *b);
    *out = b;
    if (b == NULL)
        return CNS_ERR_NOMEM;
    cns_map_init(&b->credentials);
    cns_map_init(&b->ballots_seen);
    cns_map_init(&b->alphas_seen);
    cns_map_init(&b->superseded);
    cns_map_init(&b->revotes);
    if (path == NULL)
        return CNS_OK;
    b->path = strdup(path);
    return b->path ? CNS_OK : CNS_ERR_NOMEM;
}

cns_err cns_board_open(cns_board **out, const char *path, unsigned flags, cns_progress_fn progress,
                       void *progress_ctx, cns_diag *diag)
{
    cns_err err = cns_board_new(out, path);
    if (err != CNS_OK)
        return err;
    cns_board *b = *out;
    b->progress = progress;
    b->progress_ctx = progress_ctx;
    b->trusted = (flags & CNS_BOARD_TRUSTED) != 0;
    if (flags & CNS_BOARD_APPEND)
        err = cns_archive_writer_open(&b->writer, path, diag);
    if (err == CNS_OK)
        err = read_record(b, diag);
    return err;
}

void cns_board_free(cns_board *b)
{
    if (b == NULL)
        return;
    cns_board_mark_free(b);
    cns_archive_writer_free(b->writer);
    cns_board_batch_free(b);
    pending_clear(b);
    free(b->pending);
    cns_election_free(b->election);
    cns_trustees_free(b->trustees);
    cns_map_free(&b->credentials);
    cns_map_free(&b->ballots_seen);
    cns_map_free(&b->alphas_seen);
    cns_map_free(&b->superseded);
    cns_map_free(&b->revotes);
    cns_tally_free(b->tally);
    free(b->mix_cts);
    for (size_t i = 0; i < b->n_partials; i++)
        cns_partial_free(b->partials[i].partial);
    free(b->partials);
    if (b->result.counts != NULL)
        cns_result_free(&b->result);
    free(b->path);
    free(b);
}

cns_err cns_board_close(cns_board *b, cns_diag *diag)
{
    cns_err err = CNS_OK;
    if (b == NULL)
        return CNS_OK;
    if (b->writer != NULL)
        err = cns_archive_writer_close(b->writer, diag);
    b->writer = NULL;
    cns_board_free(b);
    return err;
}

const cns_election *cns_board_election(const cns_board *b)
{
    return b->election;
}

void cns_board_summary_get(const cns_board *b, cns_board_summary *out)
{
    *out = b->summary;
    if (b->writer != NULL)
        cns_archive_writer_head(b->writer, &out->head);
}

const cns_tally *cns_board_tally(const cns_board *b)
{
    return b->summary.tallied ? b->tally : NULL;
}

const cns_result *cns_board_result(const cns_board *b)
{
    return b->summary.has_result ? &b->result : NULL;
}
