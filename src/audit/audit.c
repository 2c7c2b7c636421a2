/*
 * The auditor's first pass over the board (consulta/audit.h): setup, every
 * ballot verified and checked against the board rules, and what the tally
 * phase published kept for the second pass (audit_tally.c).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/internal.h"
#include "ballot/internal.h"
#include "consulta/limits.h"
#include "record/json.h"

const pending_data *cns_audit_pending(const audit *a, const unsigned char hash[CNS_HASH_BYTES])
{
    for (size_t i = 0; i < a->n_pending; i++) {
        if (memcmp(a->pending[i].hash, hash, CNS_HASH_BYTES) == 0)
            return &a->pending[i];
    }
    return NULL;
}

static void pending_clear(audit *a)
{
    for (size_t i = 0; i < a->n_pending; i++)
        free(a->pending[i].bytes);
    a->n_pending = 0;
}

static cns_err pending_add(audit *a, const cns_archive_entry *entry)
{
    if (a->n_pending == a->cap_pending) {
        size_t cap = a->cap_pending ? 2 * a->cap_pending : 8;
        pending_data *p = realloc(a->pending, cap * sizeof *p);
        if (p == NULL)
            return CNS_ERR_NOMEM;
        a->pending = p;
        a->cap_pending = cap;
    }
    pending_data *d = &a->pending[a->n_pending];
    d->bytes = malloc(entry->len + 1);
    if (d->bytes == NULL)
        return CNS_ERR_NOMEM;
    memcpy(d->bytes, entry->content, entry->len);
    d->bytes[entry->len] = '\0';
    d->len = entry->len;
    memcpy(d->hash, entry->hash, CNS_HASH_BYTES);
    a->n_pending++;
    return CNS_OK;
}

/* Take ownership of the pending data named hash (it is left empty). */
static char *pending_take(audit *a, const unsigned char hash[CNS_HASH_BYTES], size_t *len)
{
    pending_data *d = (pending_data *)cns_audit_pending(a, hash);
    if (d == NULL)
        return NULL;
    char *bytes = d->bytes;
    *len = d->len;
    d->bytes = NULL;
    return bytes;
}

void cns_audit_elt_key(unsigned char key[CNS_KEY_BYTES], const cns_group *group, const cns_elt *e)
{
    unsigned char enc[CNS_ELT_MAX_BYTES];
    cns_elt_encode(group, enc, e);
    cns_map_key(key, enc, cns_elt_bytes(group));
}

/* No ciphertext of the ballot may repeat one already on the board. */
static cns_err check_fresh_ciphertexts(audit *a, const cns_ballot *b, uint64_t index,
                                       cns_diag *diag)
{
    const cns_election *e = a->report->election;
    unsigned char key[CNS_KEY_BYTES];
    uint64_t *seen;
    for (size_t q = 0; q < cns_election_question_count(e); q++) {
        const cns_ciphertext *c = cns_ballot_ciphertexts(b, q);
        size_t width = cns_question_width(cns_election_question(e, q));
        for (size_t j = 0; j < width; j++) {
            cns_audit_elt_key(key, cns_election_group(e), &c[j].alpha);
            if (cns_map_put(&a->alphas_seen, key, index, &seen) != CNS_OK)
                return CNS_ERR_NOMEM;
            if (seen != NULL)
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "question %zu, choice %zu: ciphertext repeats one of ballot "
                                    "%llu (replayed ballot or reused randomness)",
                                    q + 1, j + 1, (unsigned long long)*seen);
        }
    }
    return CNS_OK;
}

/*
 * The board rules for one verified ballot: not seen before, fresh
 * ciphertexts, a listed credential; it counts, and replaces the credential's
 * previous ballot, if any.
 */
static cns_err record_ballot(audit *a, const cns_ballot *b, uint64_t index, cns_diag *diag)
{
    const cns_election *e = a->report->election;
    unsigned char key[CNS_KEY_BYTES];
    uint64_t *seen;
    size_t len;
    const char *bytes = cns_ballot_bytes(b, &len);

    cns_map_key(key, bytes, len);
    if (cns_map_put(&a->ballots_seen, key, index, &seen) != CNS_OK)
        return CNS_ERR_NOMEM;
    if (seen != NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "the same ballot was already cast as ballot %llu",
                            (unsigned long long)*seen);
    cns_err err = check_fresh_ciphertexts(a, b, index, diag);
    if (err != CNS_OK)
        return err;
    cns_audit_elt_key(key, cns_election_group(e), cns_ballot_credential(b));
    uint64_t *cred = cns_map_get(&a->credentials, key);
    if (cred == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "signed by a credential that is not in the published list");
    uint64_t weight = *cred >> 32, previous = *cred & 0xffffffffULL;
    if (previous != 0) {
        unsigned char pkey[CNS_KEY_BYTES] = {0};
        memcpy(pkey, &previous, sizeof previous);
        if (cns_map_put(&a->superseded, pkey, weight, NULL) != CNS_OK)
            return CNS_ERR_NOMEM;
    } else {
        a->report->counted++;
    }
    *cred = (weight << 32) | index; /* the last ballot counts */
    return cns_tally_add(a->tally, b, weight);
}

static cns_err on_ballot(audit *a, const cns_archive_entry *entry, cns_diag *diag)
{
    const cns_election *e = a->report->election;
    cns_ballot *b = NULL;
    uint64_t index = ++a->report->ballots;
    const pending_data *d = cns_audit_pending(a, entry->event.payload);
    if (index > UINT32_MAX)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "more than %u ballots", UINT32_MAX);
    cns_err err = cns_ballot_parse(&b, e, d->bytes, d->len, diag);
    if (err == CNS_OK)
        err = cns_ballot_verify(e, b, diag);
    if (err == CNS_OK)
        err = record_ballot(a, b, index, diag);
    cns_ballot_free(b);
    if (err != CNS_OK)
        cns_diag_prefix(diag, err, "ballot %llu (event %llu): ", (unsigned long long)index,
                        (unsigned long long)entry->event.height);
    return err;
}

/* sized_encrypted_tally: keep the published tally for the second pass. */
static cns_err on_encrypted_tally(audit *a, const cns_archive_entry *entry, cns_diag *diag)
{
    static const char *const keys[] = {"num_tallied", "total_weight", "encrypted_tally"};
    const char *what = "sized encrypted tally";
    const pending_data *d = cns_audit_pending(a, entry->event.payload);
    json_t *root = NULL;
    long long num, weight;
    const char *hex;
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err = cns_jr_parse(&root, d->bytes, d->len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 3, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(root, "num_tallied", 0, INT64_MAX, &num, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(root, "total_weight", 0, INT64_MAX, &weight, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(root, "encrypted_tally", &hex, NULL, what, diag);
    if (err == CNS_OK && cns_hash_from_hex(hash, hex, strlen(hex)) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "%s: encrypted_tally is not a hash", what);
    if (err == CNS_OK) {
        a->tally_bytes = pending_take(a, hash, &a->tally_len);
        a->tally_num = (uint64_t)num;
        a->tally_weight = (uint64_t)weight;
        if (a->tally_bytes == NULL)
            err = cns_diag_set(diag, CNS_ERR_NOTFOUND, "%s: the encrypted tally is missing", what);
    }
    json_decref(root);
    return err;
}

/* owned {"owner","payload"}: keep each partial decryption for the second pass. */
static cns_err on_partial_decryption(audit *a, const cns_archive_entry *entry, cns_diag *diag)
{
    static const char *const keys[] = {"owner", "payload"};
    const char *what = "owned partial decryption";
    const pending_data *d = cns_audit_pending(a, entry->event.payload);
    json_t *root = NULL;
    long long owner;
    const char *hex;
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err = cns_jr_parse(&root, d->bytes, d->len, what, diag);
    if (err == CNS_OK)
        err = cns_jr_fields(root, keys, 2, what, diag);
    if (err == CNS_OK)
        err = cns_jr_int(root, "owner", 1, CNS_MAX_TRUSTEES, &owner, what, diag);
    if (err == CNS_OK)
        err = cns_jr_string(root, "payload", &hex, NULL, what, diag);
    if (err == CNS_OK && cns_hash_from_hex(hash, hex, strlen(hex)) != CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "%s: payload is not a hash", what);
    json_decref(root);
    if (err != CNS_OK)
        return err;
    published_partial *p = realloc(a->partials, (a->n_partials + 1) * sizeof *p);
    if (p == NULL)
        return CNS_ERR_NOMEM;
    a->partials = p;
    p = &a->partials[a->n_partials];
    p->owner = (uint64_t)owner;
    p->bytes = pending_take(a, hash, &p->len);
    if (p->bytes == NULL)
        return cns_diag_set(diag, CNS_ERR_NOTFOUND, "%s: the partial decryption is missing", what);
    a->n_partials++;
    a->report->partial_decryptions++;
    return CNS_OK;
}

static cns_err on_event(audit *a, const cns_archive_entry *entry, cns_diag *diag)
{
    switch (entry->event.type) {
    case CNS_EVENT_SETUP:
        return cns_audit_setup(a, cns_audit_pending(a, entry->event.payload), diag);
    case CNS_EVENT_BALLOT:
        return on_ballot(a, entry, diag);
    case CNS_EVENT_END_BALLOTS:
        a->report->ballots_closed = true;
        return CNS_OK;
    case CNS_EVENT_ENCRYPTED_TALLY:
        return on_encrypted_tally(a, entry, diag);
    case CNS_EVENT_PARTIAL_DECRYPTION:
        return on_partial_decryption(a, entry, diag);
    case CNS_EVENT_RESULT: {
        const pending_data *d = cns_audit_pending(a, entry->event.payload);
        a->result_bytes = pending_take(a, d->hash, &a->result_len);
        return CNS_OK;
    }
    case CNS_EVENT_SHUFFLE:
    case CNS_EVENT_END_SHUFFLES:
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "shuffles (non-homomorphic questions) are not supported");
    default:
        return cns_diag_set(diag, CNS_ERR_INTERNAL, "unknown event type");
    }
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* The first pass: every entry, in order. */
static cns_err first_pass(audit *a, cns_diag *diag)
{
    cns_archive_reader *reader = NULL;
    cns_archive_entry entry;
    uint64_t total = file_size(a->path);
    cns_err err = cns_archive_reader_open(&reader, a->path, 0, diag);
    while (err == CNS_OK) {
        err = cns_archive_reader_next(reader, &entry, diag);
        if (err != CNS_OK || entry.kind == CNS_ARCHIVE_END)
            break;
        if (entry.kind == CNS_ARCHIVE_DATA) {
            err = pending_add(a, &entry);
        } else if (entry.kind == CNS_ARCHIVE_EVENT) {
            err = on_event(a, &entry, diag);
            if (err != CNS_OK)
                cns_diag_prefix(diag, err,
                                "%s event at height %llu: ", cns_event_type_name(entry.event.type),
                                (unsigned long long)entry.event.height);
            pending_clear(a);
            if (a->progress != NULL && (entry.index & 1023) == 0)
                a->progress(a->progress_ctx, "verifying ballots", entry.offset, total);
        }
    }
    if (reader != NULL)
        cns_archive_reader_head(reader, &a->report->head);
    cns_archive_reader_free(reader);
    return err;
}

/* The second pass: take the superseded ballots back out of the tally. */
static cns_err second_pass(audit *a, cns_diag *diag)
{
    cns_archive_reader *reader = NULL;
    cns_archive_entry entry;
    uint64_t index = 0;
    if (a->superseded.count == 0)
        return CNS_OK;
    cns_err err = cns_archive_reader_open(&reader, a->path, 0, diag);
    while (err == CNS_OK) {
        err = cns_archive_reader_next(reader, &entry, diag);
        if (err != CNS_OK || entry.kind == CNS_ARCHIVE_END)
            break;
        if (entry.kind == CNS_ARCHIVE_DATA) {
            err = pending_add(a, &entry);
            continue;
        }
        if (entry.kind == CNS_ARCHIVE_EVENT && entry.event.type == CNS_EVENT_BALLOT) {
            unsigned char key[CNS_KEY_BYTES] = {0};
            index++;
            memcpy(key, &index, sizeof index);
            const uint64_t *weight = cns_map_get(&a->superseded, key);
            if (weight != NULL) {
                const pending_data *d = cns_audit_pending(a, entry.event.payload);
                cns_ballot *b = NULL;
                err = cns_ballot_parse(&b, a->report->election, d->bytes, d->len, diag);
                if (err == CNS_OK)
                    err = cns_tally_remove(a->tally, b, *weight);
                cns_ballot_free(b);
            }
        }
        pending_clear(a);
    }
    cns_archive_reader_free(reader);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "second reading of the board: ");
    return CNS_OK;
}

static void audit_free(audit *a)
{
    pending_clear(a);
    free(a->pending);
    cns_trustees_free(a->trustees);
    cns_map_free(&a->credentials);
    cns_map_free(&a->ballots_seen);
    cns_map_free(&a->alphas_seen);
    cns_map_free(&a->superseded);
    cns_tally_free(a->tally);
    free(a->tally_bytes);
    for (size_t i = 0; i < a->n_partials; i++)
        free(a->partials[i].bytes);
    free(a->partials);
    free(a->result_bytes);
}

cns_err cns_audit_record(cns_audit_report *report, const char *path, cns_progress_fn progress,
                         void *progress_ctx, cns_diag *diag)
{
    audit a = {.report = report, .path = path, .progress = progress, .progress_ctx = progress_ctx};
    memset(report, 0, sizeof *report);
    cns_map_init(&a.credentials);
    cns_map_init(&a.ballots_seen);
    cns_map_init(&a.alphas_seen);
    cns_map_init(&a.superseded);
    cns_err err = first_pass(&a, diag);
    if (err == CNS_OK && report->election == NULL)
        err = cns_diag_set(diag, CNS_ERR_INVALID, "the record has no Setup event");
    if (err == CNS_OK)
        err = second_pass(&a, diag);
    if (err == CNS_OK)
        err = cns_audit_tally(&a, diag);
    audit_free(&a);
    return err;
}

void cns_audit_report_free(cns_audit_report *report)
{
    cns_election_free(report->election);
    if (report->has_result)
        cns_result_free(&report->result);
    memset(report, 0, sizeof *report);
}
