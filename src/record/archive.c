/*
 * The Belenios public board, UUID.bel (consulta/archive.h): a streaming
 * reader that checks everything structural as it goes, and a writer that
 * emits exactly belenios-tool's bytes. Both drive the same chain state
 * machine (struct chain), so the writer cannot produce what the reader
 * refuses.
 */
#include "consulta/archive.h"
#include "record/writer_state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#define BLOCK       CNS_ARCHIVE_BLOCK
#define HEADER_NAME "BELENIOS"
/* The most data entries any event takes (Setup: four). */
#define MAX_PENDING 4
/* Longest canonical event text, with its NUL. */
#define EVENT_TEXT_MAX 256
/* Longest name of an entry: 64 hex digits + ".event.json" + NUL. */
#define NAME_MAX_LEN 80
/* How much of an untrusted string goes into a diagnostic. */
#define DIAG_SNIPPET 40

static const char *const type_names[] = {
    [CNS_EVENT_SETUP] = "Setup",
    [CNS_EVENT_BALLOT] = "Ballot",
    [CNS_EVENT_END_BALLOTS] = "EndBallots",
    [CNS_EVENT_ENCRYPTED_TALLY] = "EncryptedTally",
    [CNS_EVENT_SHUFFLE] = "Shuffle",
    [CNS_EVENT_END_SHUFFLES] = "EndShuffles",
    [CNS_EVENT_PARTIAL_DECRYPTION] = "PartialDecryption",
    [CNS_EVENT_RESULT] = "Result",
};
#define N_TYPES (sizeof type_names / sizeof type_names[0])

/* Where the board is in the election: which events may come next. */
enum phase {
    PH_START,      /* no event yet */
    PH_BALLOTS,    /* after Setup or Ballot */
    PH_ENDED,      /* after EndBallots */
    PH_TALLIED,    /* after EncryptedTally */
    PH_SHUFFLING,  /* after Shuffle */
    PH_SHUFFLED,   /* after EndShuffles */
    PH_DECRYPTING, /* after PartialDecryption */
    PH_DONE,       /* after Result: nothing more */
};

#define BIT(t) (1u << (t))
static const unsigned allowed_next[] = {
    [PH_START] = BIT(CNS_EVENT_SETUP),
    [PH_BALLOTS] = BIT(CNS_EVENT_BALLOT) | BIT(CNS_EVENT_END_BALLOTS),
    [PH_ENDED] = BIT(CNS_EVENT_ENCRYPTED_TALLY),
    [PH_TALLIED] =
        BIT(CNS_EVENT_SHUFFLE) | BIT(CNS_EVENT_END_SHUFFLES) | BIT(CNS_EVENT_PARTIAL_DECRYPTION),
    [PH_SHUFFLING] = BIT(CNS_EVENT_SHUFFLE) | BIT(CNS_EVENT_END_SHUFFLES),
    [PH_SHUFFLED] = BIT(CNS_EVENT_PARTIAL_DECRYPTION),
    [PH_DECRYPTING] = BIT(CNS_EVENT_PARTIAL_DECRYPTION) | BIT(CNS_EVENT_RESULT),
    [PH_DONE] = 0,
};

static const enum phase phase_after[] = {
    [CNS_EVENT_SETUP] = PH_BALLOTS,
    [CNS_EVENT_BALLOT] = PH_BALLOTS,
    [CNS_EVENT_END_BALLOTS] = PH_ENDED,
    [CNS_EVENT_ENCRYPTED_TALLY] = PH_TALLIED,
    [CNS_EVENT_SHUFFLE] = PH_SHUFFLING,
    [CNS_EVENT_END_SHUFFLES] = PH_SHUFFLED,
    [CNS_EVENT_PARTIAL_DECRYPTION] = PH_DECRYPTING,
    [CNS_EVENT_RESULT] = PH_DONE,
};

/* How many data entries come right before an event of each type. */
static const size_t data_before[] = {
    [CNS_EVENT_SETUP] = 4,
    [CNS_EVENT_BALLOT] = 1,
    [CNS_EVENT_END_BALLOTS] = 0,
    [CNS_EVENT_ENCRYPTED_TALLY] = 2,
    [CNS_EVENT_SHUFFLE] = 2,
    [CNS_EVENT_END_SHUFFLES] = 0,
    [CNS_EVENT_PARTIAL_DECRYPTION] = 2,
    [CNS_EVENT_RESULT] = 1,
};

/* The state shared by reader and writer: enough to check the next entry. */
typedef struct chain {
    bool started; /* the BELENIOS entry was seen */
    uint64_t timestamp;
    uint64_t entries, bytes; /* entries and bytes accepted so far */
    bool has_event;
    uint64_t height;
    unsigned char head[CNS_HASH_BYTES];
    cns_event_type type;
    enum phase phase;
    /* data entries since the last event, oldest first */
    size_t n_pending;
    unsigned char pending[MAX_PENDING][CNS_HASH_BYTES];
    /* a copy of the last data entry, if it is short enough to be a wrapper */
    bool wrapper_ok;
    size_t wrapper_len;
    unsigned char wrapper[CNS_ARCHIVE_WRAPPER_MAX];
} chain;

/* ---- small helpers ---------------------------------------------------------------- */

const char *cns_event_type_name(cns_event_type type)
{
    if ((unsigned)type >= N_TYPES)
        return NULL;
    return type_names[type];
}

cns_err cns_event_type_from_name(cns_event_type *out, const char *name, size_t len)
{
    for (size_t i = 0; i < N_TYPES; i++) {
        if (strlen(type_names[i]) == len && memcmp(type_names[i], name, len) == 0) {
            *out = (cns_event_type)i;
            return CNS_OK;
        }
    }
    return CNS_ERR_DECODE;
}

void cns_hash_to_hex(char out[CNS_HASH_HEX_BYTES], const unsigned char hash[CNS_HASH_BYTES])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < CNS_HASH_BYTES; i++) {
        out[2 * i] = digits[hash[i] >> 4];
        out[2 * i + 1] = digits[hash[i] & 15];
    }
    out[2 * CNS_HASH_BYTES] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

cns_err cns_hash_from_hex(unsigned char hash[CNS_HASH_BYTES], const char *text, size_t len)
{
    if (len != 2 * CNS_HASH_BYTES)
        return CNS_ERR_DECODE;
    for (size_t i = 0; i < CNS_HASH_BYTES; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return CNS_ERR_DECODE;
        hash[i] = (unsigned char)(hi << 4 | lo);
    }
    return CNS_OK;
}

static void sha256(unsigned char out[CNS_HASH_BYTES], const unsigned char *p, size_t len)
{
    crypto_hash_sha256(out, p, len);
}

/* Short hex prefix of a hash for diagnostics ("3f9d431b…"). */
typedef struct {
    char s[CNS_HASH_HEX_BYTES];
} hexbuf;

static hexbuf hex_of(const unsigned char hash[CNS_HASH_BYTES])
{
    hexbuf h;
    cns_hash_to_hex(h.s, hash);
    return h;
}

/* Untrusted text made printable and short, for a diagnostic. */
typedef struct {
    char s[DIAG_SNIPPET + 4];
} snippet;

static snippet snip(const char *text, size_t len)
{
    snippet out;
    size_t n = len < DIAG_SNIPPET ? len : DIAG_SNIPPET, i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        out.s[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (len > n) {
        memcpy(out.s + i, "...", 3);
        i += 3;
    }
    out.s[i] = '\0';
    return out;
}

static uint64_t padded(uint64_t len)
{
    return (len + BLOCK - 1) / BLOCK * BLOCK;
}

/* ---- canonical texts ---------------------------------------------------------- */

/* The BELENIOS entry's content; returns its length. */
static size_t header_text(char out[CNS_ARCHIVE_HEADER_MAX], uint64_t timestamp)
{
    int n = snprintf(out, CNS_ARCHIVE_HEADER_MAX, "{\"version\":1,\"timestamp\":\"%" PRIu64 "\"}",
                     timestamp);
    return (size_t)n;
}

/* An event's canonical text, field order parent, height, type, payload; returns its length. */
static size_t event_text(char out[EVENT_TEXT_MAX], const cns_archive_event *ev)
{
    size_t n = 0;
    n += (size_t)snprintf(out + n, EVENT_TEXT_MAX - n, "{");
    if (ev->has_parent)
        n += (size_t)snprintf(out + n, EVENT_TEXT_MAX - n, "\"parent\":\"%s\",",
                              hex_of(ev->parent).s);
    n += (size_t)snprintf(out + n, EVENT_TEXT_MAX - n, "\"height\":%" PRIu64 ",\"type\":\"%s\"",
                          ev->height, type_names[ev->type]);
    if (ev->has_payload)
        n += (size_t)snprintf(out + n, EVENT_TEXT_MAX - n, ",\"payload\":\"%s\"",
                              hex_of(ev->payload).s);
    n += (size_t)snprintf(out + n, EVENT_TEXT_MAX - n, "}");
    return n;
}

/* A tar header block exactly as belenios-tool writes it. */
static void header_block(unsigned char b[BLOCK], const char *name, uint64_t size, uint64_t mtime)
{
    char field[32];
    unsigned sum = 0;
    memset(b, 0, BLOCK);
    memcpy(b, name, strlen(name));
    memcpy(b + 100, "0000644", 7);
    memcpy(b + 108, "0000000", 7);
    memcpy(b + 116, "0000000", 7);
    snprintf(field, sizeof field, "%011" PRIo64, size);
    memcpy(b + 124, field, 11);
    snprintf(field, sizeof field, "%011" PRIo64, mtime);
    memcpy(b + 136, field, 11);
    memset(b + 148, ' ', 8);
    b[156] = '0';
    for (size_t i = 0; i < BLOCK; i++)
        sum += b[i];
    snprintf(field, sizeof field, "%06o", sum);
    memcpy(b + 148, field, 6);
    b[154] = '\0';
    b[155] = ' ';
}

static void entry_name(char out[NAME_MAX_LEN], const unsigned char hash[CNS_HASH_BYTES], bool event)
{
    snprintf(out, NAME_MAX_LEN, "%s.%s.json", hex_of(hash).s, event ? "event" : "data");
}

/* ---- JSON of the BELENIOS entry, of events and of wrappers ------------------------------ */

static cns_err load_json(json_t **out, const unsigned char *p, size_t len, const char *what,
                         cns_diag *diag)
{
    json_error_t jerr;
    *out = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &jerr);
    if (*out == NULL)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: invalid JSON: %s (byte %d)", what, jerr.text,
                            jerr.position);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: not a JSON object", what);
    }
    return CNS_OK;
}

/* Refuse any key of obj not in keys (a NULL-terminated list). */
static cns_err only_keys(json_t *obj, const char *const *keys, const char *what, cns_diag *diag)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        bool known = false;
        for (size_t i = 0; keys[i] != NULL; i++)
            known = known || strcmp(key, keys[i]) == 0;
        if (!known)
            return cns_diag_set(diag, CNS_ERR_DECODE, "%s: unknown field \"%s\"", what,
                                snip(key, strlen(key)).s);
    }
    return CNS_OK;
}

/* A hash field: present (unless optional), a string of 64 lowercase hex digits. */
static cns_err hash_field(json_t *obj, const char *key, bool optional, bool *present,
                          unsigned char out[CNS_HASH_BYTES], const char *what, cns_diag *diag)
{
    json_t *v = json_object_get(obj, key);
    if (present != NULL)
        *present = v != NULL;
    if (v == NULL)
        return optional ? CNS_OK
                        : cns_diag_set(diag, CNS_ERR_DECODE, "%s: missing field \"%s\"", what, key);
    if (!json_is_string(v) ||
        cns_hash_from_hex(out, json_string_value(v), json_string_length(v)) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_DECODE, "%s: field \"%s\" is not a SHA-256 hex hash",
                            what, key);
    return CNS_OK;
}

/* Canonical decimal of a value ≤ CNS_ARCHIVE_TIMESTAMP_MAX. */
static bool parse_timestamp(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 11 || (len > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return v <= CNS_ARCHIVE_TIMESTAMP_MAX;
}

static cns_err parse_belenios(const unsigned char *p, size_t len, uint64_t *timestamp,
                              cns_diag *diag)
{
    static const char *const keys[] = {"version", "timestamp", NULL};
    char canon[CNS_ARCHIVE_HEADER_MAX];
    json_t *root = NULL, *v;
    cns_err err = load_json(&root, p, len, "BELENIOS entry", diag);
    if (err != CNS_OK)
        goto done;
    if ((err = only_keys(root, keys, "BELENIOS entry", diag)) != CNS_OK)
        goto done;
    v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) != 1) {
        err = cns_diag_set(diag, CNS_ERR_DECODE, "BELENIOS entry: version is not 1");
        goto done;
    }
    v = json_object_get(root, "timestamp");
    if (!json_is_string(v) ||
        !parse_timestamp(json_string_value(v), json_string_length(v), timestamp)) {
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           "BELENIOS entry: timestamp is not a decimal string up to %llu",
                           (unsigned long long)CNS_ARCHIVE_TIMESTAMP_MAX);
        goto done;
    }
    if (header_text(canon, *timestamp) != len || memcmp(canon, p, len) != 0)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "BELENIOS entry is not in canonical form");
done:
    json_decref(root);
    return err;
}

static cns_err event_type_field(json_t *root, cns_event_type *type, cns_diag *diag)
{
    json_t *v = json_object_get(root, "type");
    if (!json_is_string(v))
        return cns_diag_set(diag, CNS_ERR_DECODE, "event: \"type\" missing or not a string");
    if (cns_event_type_from_name(type, json_string_value(v), json_string_length(v)) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_DECODE, "event: unknown event type \"%s\"",
                            snip(json_string_value(v), json_string_length(v)).s);
    return CNS_OK;
}

static cns_err parse_event(const unsigned char *p, size_t len, cns_archive_event *ev,
                           cns_diag *diag)
{
    static const char *const keys[] = {"parent", "height", "type", "payload", NULL};
    char canon[EVENT_TEXT_MAX];
    json_t *root = NULL, *v;
    cns_err err = load_json(&root, p, len, "event", diag);
    if (err != CNS_OK)
        goto done;
    if ((err = only_keys(root, keys, "event", diag)) != CNS_OK)
        goto done;
    v = json_object_get(root, "height");
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        err = cns_diag_set(diag, CNS_ERR_DECODE, "event: \"height\" missing or not an integer ≥ 0");
        goto done;
    }
    ev->height = (uint64_t)json_integer_value(v);
    if ((err = event_type_field(root, &ev->type, diag)) != CNS_OK)
        goto done;
    err = hash_field(root, "parent", true, &ev->has_parent, ev->parent, "event", diag);
    if (err == CNS_OK)
        err = hash_field(root, "payload", true, &ev->has_payload, ev->payload, "event", diag);
    if (err != CNS_OK)
        goto done;
    if (event_text(canon, ev) != len || memcmp(canon, p, len) != 0)
        err = cns_diag_set(diag, CNS_ERR_DECODE,
                           "event is not in canonical form (compact JSON, fields in the order "
                           "parent, height, type, payload)");
done:
    json_decref(root);
    return err;
}

/*
 * The hashes a wrapper names, in the order of the data entries before it:
 * setup_data names three, a sized tally and an owned wrapper one each.
 */
static cns_err parse_setup_data(const unsigned char *p, size_t len,
                                unsigned char refs[3][CNS_HASH_BYTES], cns_diag *diag)
{
    static const char *const keys[] = {"election", "trustees", "credentials", NULL};
    char canon[256];
    json_t *root = NULL;
    cns_err err = load_json(&root, p, len, "setup_data", diag);
    if (err != CNS_OK)
        goto done;
    if ((err = only_keys(root, keys, "setup_data", diag)) != CNS_OK)
        goto done;
    for (size_t i = 0; i < 3 && err == CNS_OK; i++)
        err = hash_field(root, keys[i], false, NULL, refs[i], "setup_data", diag);
    if (err != CNS_OK)
        goto done;
    int n = snprintf(canon, sizeof canon,
                     "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}",
                     hex_of(refs[0]).s, hex_of(refs[1]).s, hex_of(refs[2]).s);
    if ((size_t)n != len || memcmp(canon, p, len) != 0)
        err = cns_diag_set(diag, CNS_ERR_DECODE, "setup_data is not in canonical form");
done:
    json_decref(root);
    return err;
}

static cns_err parse_wrapper(const unsigned char *p, size_t len, cns_event_type type,
                             unsigned char ref[CNS_HASH_BYTES], cns_diag *diag)
{
    static const char *const tally_keys[] = {"num_tallied", "total_weight", "encrypted_tally",
                                             NULL};
    static const char *const owned_keys[] = {"owner", "payload", NULL};
    bool tally = type == CNS_EVENT_ENCRYPTED_TALLY;
    const char *what = tally ? "sized encrypted tally" : "owned wrapper";
    json_t *root = NULL;
    cns_err err = load_json(&root, p, len, what, diag);
    if (err != CNS_OK)
        goto done;
    if ((err = only_keys(root, tally ? tally_keys : owned_keys, what, diag)) != CNS_OK)
        goto done;
    err = hash_field(root, tally ? "encrypted_tally" : "payload", false, NULL, ref, what, diag);
done:
    json_decref(root);
    return err;
}

/* ---- the chain state machine ------------------------------------------------------- */

static void chain_start(chain *c, uint64_t timestamp)
{
    memset(c, 0, sizeof *c);
    c->started = true;
    c->timestamp = timestamp;
    c->phase = PH_START;
}

/* A data entry arrives (content NULL if its body was skipped). */
static cns_err chain_data(chain *c, const unsigned char hash[CNS_HASH_BYTES],
                          const unsigned char *content, size_t len, cns_diag *diag)
{
    if (c->phase == PH_DONE)
        return cns_diag_set(diag, CNS_ERR_INVALID, "data entry after the Result event");
    if (c->n_pending == MAX_PENDING)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "more than %d data entries in a row (no event takes more)",
                            MAX_PENDING);
    memcpy(c->pending[c->n_pending++], hash, CNS_HASH_BYTES);
    c->wrapper_ok = content != NULL && len <= CNS_ARCHIVE_WRAPPER_MAX;
    c->wrapper_len = c->wrapper_ok ? len : 0;
    if (c->wrapper_ok && len > 0)
        memcpy(c->wrapper, content, len);
    return CNS_OK;
}

static bool is_pending(const chain *c, const unsigned char hash[CNS_HASH_BYTES])
{
    for (size_t i = 0; i < c->n_pending; i++) {
        if (memcmp(c->pending[i], hash, CNS_HASH_BYTES) == 0)
            return true;
    }
    return false;
}

/* Check that a hash named by the event or a wrapper is pending data entry number pos. */
static cns_err check_ref(const chain *c, const unsigned char hash[CNS_HASH_BYTES], size_t pos,
                         const char *what, cns_diag *diag)
{
    if (!is_pending(c, hash))
        return cns_diag_set(diag, CNS_ERR_NOTFOUND,
                            "%s %s is not among the data entries right before the event", what,
                            hex_of(hash).s);
    if (memcmp(c->pending[pos], hash, CNS_HASH_BYTES) != 0)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s %s is not data entry %zu of the %zu before the event (wrong "
                            "order)",
                            what, hex_of(hash).s, pos + 1, c->n_pending);
    return CNS_OK;
}

static cns_err check_link(const chain *c, const cns_archive_event *ev, cns_diag *diag)
{
    uint64_t expected = c->has_event ? c->height + 1 : 0;
    if (ev->height != expected)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "event height %" PRIu64 ", expected %" PRIu64,
                            ev->height, expected);
    if (!c->has_event && ev->has_parent)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "the first event has a parent");
    if (c->has_event && !ev->has_parent)
        return cns_diag_set(diag, CNS_ERR_VERIFY, "event at height %" PRIu64 " has no parent",
                            ev->height);
    if (c->has_event && memcmp(ev->parent, c->head, CNS_HASH_BYTES) != 0)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "broken chain: parent %s is not the previous event %s",
                            hex_of(ev->parent).s, hex_of(c->head).s);
    return CNS_OK;
}

static cns_err check_phase(const chain *c, const cns_archive_event *ev, cns_diag *diag)
{
    const char *name = type_names[ev->type];
    if ((allowed_next[c->phase] & BIT(ev->type)) == 0) {
        if (!c->has_event)
            return cns_diag_set(diag, CNS_ERR_INVALID, "the first event is %s, not Setup", name);
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s event not allowed after %s", name,
                            type_names[c->type]);
    }
    bool wants_payload = data_before[ev->type] > 0;
    if (wants_payload && !ev->has_payload)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s event without payload", name);
    if (!wants_payload && ev->has_payload)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s event with a payload", name);
    return CNS_OK;
}

/* The references inside the wrapper that is the event's payload. */
static cns_err check_wrapper(const chain *c, const cns_archive_event *ev, cns_diag *diag)
{
    static const char *const setup_what[] = {"setup_data: election", "setup_data: trustees",
                                             "setup_data: credentials"};
    unsigned char refs[3][CNS_HASH_BYTES];
    cns_err err;
    if (!c->wrapper_ok)
        return cns_diag_set(diag, CNS_ERR_LIMIT,
                            "the payload of the %s event is longer than %d bytes",
                            type_names[ev->type], CNS_ARCHIVE_WRAPPER_MAX);
    if (ev->type == CNS_EVENT_SETUP) {
        if ((err = parse_setup_data(c->wrapper, c->wrapper_len, refs, diag)) != CNS_OK)
            return err;
        for (size_t i = 0; i < 3; i++) {
            if ((err = check_ref(c, refs[i], i, setup_what[i], diag)) != CNS_OK)
                return err;
        }
        return CNS_OK;
    }
    if ((err = parse_wrapper(c->wrapper, c->wrapper_len, ev->type, refs[0], diag)) != CNS_OK)
        return err;
    return check_ref(c, refs[0], 0,
                     ev->type == CNS_EVENT_ENCRYPTED_TALLY ? "encrypted tally" : "owned payload",
                     diag);
}

static cns_err check_data_before(const chain *c, const cns_archive_event *ev, cns_diag *diag)
{
    size_t want = data_before[ev->type];
    cns_err err;
    if (ev->has_payload && !is_pending(c, ev->payload))
        return cns_diag_set(diag, CNS_ERR_NOTFOUND,
                            "payload %s is not among the data entries right before the event",
                            hex_of(ev->payload).s);
    if (c->n_pending != want)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s event must come right after %zu data entries, found %zu",
                            type_names[ev->type], want, c->n_pending);
    if (want == 0)
        return CNS_OK;
    if ((err = check_ref(c, ev->payload, want - 1, "payload", diag)) != CNS_OK)
        return err;
    if (want == 1)
        return CNS_OK;
    return check_wrapper(c, ev, diag);
}

/* An event arrives; on success the chain moves on, on failure it is unchanged. */
static cns_err chain_event(chain *c, const cns_archive_event *ev,
                           const unsigned char hash[CNS_HASH_BYTES], cns_diag *diag)
{
    cns_err err = check_link(c, ev, diag);
    if (err == CNS_OK)
        err = check_phase(c, ev, diag);
    if (err == CNS_OK)
        err = check_data_before(c, ev, diag);
    if (err != CNS_OK)
        return err;
    c->has_event = true;
    c->height = ev->height;
    memcpy(c->head, hash, CNS_HASH_BYTES);
    c->type = ev->type;
    c->phase = phase_after[ev->type];
    c->n_pending = 0;
    c->wrapper_ok = false;
    return CNS_OK;
}

/* The archive ends here: nothing may be left hanging. */
static cns_err chain_end(const chain *c, cns_diag *diag)
{
    if (!c->started)
        return cns_diag_set(diag, CNS_ERR_DECODE, "empty archive: no BELENIOS entry");
    if (c->n_pending > 0)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "the archive ends with %zu data entries not followed by an event",
                            c->n_pending);
    return CNS_OK;
}

static void chain_head(const chain *c, cns_archive_head *head)
{
    memset(head, 0, sizeof *head);
    head->timestamp = c->timestamp;
    head->entries = c->entries;
    head->bytes = c->bytes;
    head->has_event = c->has_event;
    head->height = c->height;
    memcpy(head->hash, c->head, CNS_HASH_BYTES);
    head->type = c->type;
}

/* ---- tar header blocks ------------------------------------------------------------ */

/* What a header block says. */
typedef struct hdr {
    cns_archive_kind kind;
    unsigned char hash[CNS_HASH_BYTES];
    uint64_t size, mtime;
} hdr;

static bool parse_octal(const unsigned char *p, size_t digits, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < digits; i++) {
        if (p[i] < '0' || p[i] > '7')
            return false;
        v = v * 8 + (uint64_t)(p[i] - '0');
    }
    *out = v;
    return true;
}

static const char *field_at(size_t offset)
{
    static const struct {
        size_t end;
        const char *name;
    } fields[] = {{100, "name"},     {108, "mode"},         {116, "uid"},      {124, "gid"},
                  {136, "size"},     {148, "mtime"},        {156, "checksum"}, {157, "typeflag"},
                  {257, "linkname"}, {BLOCK, "magic/ustar"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (offset < fields[i].end)
            return fields[i].name;
    }
    return "?";
}

static cns_err check_checksum(const unsigned char b[BLOCK], cns_diag *diag)
{
    uint64_t stated;
    unsigned sum = 0;
    bool zero = true;
    for (size_t i = 0; i < BLOCK; i++)
        zero = zero && b[i] == 0;
    if (zero)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "zero block (tar end marker): a Belenios archive has none");
    if (!parse_octal(b + 148, 6, &stated) || b[154] != '\0' || b[155] != ' ')
        return cns_diag_set(diag, CNS_ERR_DECODE, "tar header: malformed checksum field");
    for (size_t i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : b[i];
    if (stated != sum)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "tar header checksum %06" PRIo64 " does not match the header (%06o)",
                            stated, sum);
    return CNS_OK;
}

static cns_err classify_name(const unsigned char b[BLOCK], uint64_t index, hdr *h, cns_diag *diag)
{
    const char *name = (const char *)b;
    size_t n = strnlen(name, 100);
    if (n == 100)
        return cns_diag_set(diag, CNS_ERR_DECODE, "tar header: name not NUL-terminated");
    if (index == 0) {
        if (strcmp(name, HEADER_NAME) != 0)
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "the archive does not start with a BELENIOS entry (found \"%s\")",
                                snip(name, n).s);
        h->kind = CNS_ARCHIVE_HEADER;
        return CNS_OK;
    }
    if (n == 64 + strlen(".data.json") && strcmp(name + 64, ".data.json") == 0)
        h->kind = CNS_ARCHIVE_DATA;
    else if (n == 64 + strlen(".event.json") && strcmp(name + 64, ".event.json") == 0)
        h->kind = CNS_ARCHIVE_EVENT;
    else
        h->kind = CNS_ARCHIVE_END;
    if (h->kind == CNS_ARCHIVE_END || cns_hash_from_hex(h->hash, name, 64) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "bad entry name \"%s\" (want <sha256-hex>.data.json or .event.json)",
                            snip(name, n).s);
    return CNS_OK;
}

static cns_err check_size_limit(const hdr *h, cns_diag *diag)
{
    uint64_t max = h->kind == CNS_ARCHIVE_HEADER  ? CNS_ARCHIVE_HEADER_MAX
                   : h->kind == CNS_ARCHIVE_EVENT ? CNS_ARCHIVE_EVENT_MAX
                                                  : CNS_ARCHIVE_ENTRY_MAX;
    if (h->size > max)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "entry of %" PRIu64 " bytes, at most %" PRIu64,
                            h->size, max);
    return CNS_OK;
}

/* Check a header block completely, except the mtime of entry 0 (not known yet). */
static cns_err parse_header_block(const unsigned char b[BLOCK], const chain *c, uint64_t index,
                                  hdr *h, cns_diag *diag)
{
    unsigned char canon[BLOCK];
    char name[NAME_MAX_LEN];
    cns_err err = check_checksum(b, diag);
    if (err == CNS_OK)
        err = classify_name(b, index, h, diag);
    if (err != CNS_OK)
        return err;
    if (!parse_octal(b + 124, 11, &h->size) || !parse_octal(b + 136, 11, &h->mtime))
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "tar header: size or mtime is not 11 octal digits");
    if ((err = check_size_limit(h, diag)) != CNS_OK)
        return err;
    if (h->kind == CNS_ARCHIVE_HEADER)
        snprintf(name, sizeof name, "%s", HEADER_NAME);
    else
        entry_name(name, h->hash, h->kind == CNS_ARCHIVE_EVENT);
    header_block(canon, name, h->size, h->mtime);
    /* Name a differing field, the checksum last since it follows from the others. */
    for (size_t k = 0; k < BLOCK; k++) {
        size_t i = (k + 156) % BLOCK;
        if (canon[i] != b[i])
            return cns_diag_set(diag, CNS_ERR_DECODE,
                                "tar header: field %s is not as belenios-tool writes it (byte %zu)",
                                field_at(i), i);
    }
    if (index > 0 && h->mtime != c->timestamp)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "tar header: mtime %" PRIu64
                            " differs from the archive timestamp %" PRIu64,
                            h->mtime, c->timestamp);
    return CNS_OK;
}

cns_err cns_archive_header_check(const unsigned char block[CNS_ARCHIVE_BLOCK], uint64_t index,
                                 uint64_t *timestamp, uint64_t *size, cns_diag *diag)
{
    chain c = {0};
    hdr h = {0};
    c.timestamp = *timestamp;
    cns_err err = parse_header_block(block, &c, index, &h, diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "entry %" PRIu64 ": ", index);
    if (index == 0)
        *timestamp = h.mtime;
    *size = h.size;
    return CNS_OK;
}

/* ---- the reader ------------------------------------------------------------------ */

struct cns_archive_reader {
    FILE *file;               /* file source, or NULL */
    const unsigned char *mem; /* memory source */
    uint64_t size, pos;       /* source length (at open) and position */
    unsigned flags;
    unsigned char *buf; /* body buffer (file source) */
    size_t cap;
    unsigned char block[BLOCK];
    chain chain;
    bool ended;
    cns_err failed; /* sticky error */
    cns_diag failure;
};

static cns_err reader_new(cns_archive_reader **out, unsigned flags, cns_diag *diag)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "archive reader: out of memory");
    (*out)->flags = flags;
    return CNS_OK;
}

cns_err cns_archive_reader_open(cns_archive_reader **out, const char *path, unsigned flags,
                                cns_diag *diag)
{
    struct stat st;
    cns_archive_reader *r = NULL;
    cns_err err = reader_new(&r, flags, diag);
    if (err != CNS_OK)
        goto done;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        err = cns_diag_set(diag, CNS_ERR_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
        (r->file = fdopen(fd, "rb")) == NULL) {
        close(fd);
        err = cns_diag_set(diag, CNS_ERR_IO, "%s: not a regular file", path);
        goto done;
    }
    r->size = (uint64_t)st.st_size;
done:
    if (err != CNS_OK) {
        cns_archive_reader_free(r);
        r = NULL;
    }
    *out = r;
    return err;
}

cns_err cns_archive_reader_open_mem(cns_archive_reader **out, const unsigned char *buf, size_t len,
                                    unsigned flags, cns_diag *diag)
{
    cns_err err = reader_new(out, flags, diag);
    if (err != CNS_OK)
        return err;
    (*out)->mem = buf;
    (*out)->size = len;
    return CNS_OK;
}

void cns_archive_reader_free(cns_archive_reader *reader)
{
    if (reader == NULL)
        return;
    if (reader->file != NULL)
        fclose(reader->file);
    free(reader->buf);
    free(reader);
}

void cns_archive_reader_head(const cns_archive_reader *reader, cns_archive_head *head)
{
    chain_head(&reader->chain, head);
}

/* Copy n bytes from the source at the current position (n ≤ what remains). */
static cns_err source_read(cns_archive_reader *r, unsigned char *dst, size_t n, cns_diag *diag)
{
    if (r->mem != NULL)
        memcpy(dst, r->mem + r->pos, n);
    else if (n > 0 && fread(dst, 1, n, r->file) != n)
        return cns_diag_set(diag, CNS_ERR_IO, "read error (file shrank?)");
    r->pos += n;
    return CNS_OK;
}

static cns_err source_skip(cns_archive_reader *r, uint64_t n, cns_diag *diag)
{
    if (r->file != NULL && fseeko(r->file, (off_t)(r->pos + n), SEEK_SET) != 0)
        return cns_diag_set(diag, CNS_ERR_IO, "seek error: %s", strerror(errno));
    r->pos += n;
    return CNS_OK;
}

static cns_err grow_buffer(cns_archive_reader *r, size_t len, cns_diag *diag)
{
    if (len <= r->cap)
        return CNS_OK;
    unsigned char *p = realloc(r->buf, len);
    if (p == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory for an entry of %zu bytes", len);
    r->buf = p;
    r->cap = len;
    return CNS_OK;
}

/* The body of len bytes and its padding; *content borrowed (NULL if skipped). */
static cns_err read_body(cns_archive_reader *r, uint64_t len, bool skip,
                         const unsigned char **content, cns_diag *diag)
{
    uint64_t total = padded(len), remaining = r->size - r->pos;
    size_t pad = (size_t)(total - len);
    cns_err err;
    *content = NULL;
    if (total > remaining)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "truncated archive: body of %" PRIu64 " bytes (%" PRIu64
                            " with padding), only %" PRIu64 " left",
                            len, total, remaining);
    if (skip)
        return source_skip(r, total, diag);
    if (r->mem != NULL) {
        *content = r->mem + r->pos;
        r->pos += len;
    } else {
        if ((err = grow_buffer(r, len > 0 ? (size_t)len : 1, diag)) != CNS_OK)
            return err;
        if ((err = source_read(r, r->buf, (size_t)len, diag)) != CNS_OK)
            return err;
        *content = r->buf;
    }
    if ((err = source_read(r, r->block, pad, diag)) != CNS_OK)
        return err;
    for (size_t i = 0; i < pad; i++) {
        if (r->block[i] != 0)
            return cns_diag_set(diag, CNS_ERR_DECODE, "non-zero byte in the padding of the body");
    }
    return CNS_OK;
}

static cns_err read_header_entry(cns_archive_reader *r, const hdr *h, cns_archive_entry *e,
                                 cns_diag *diag)
{
    uint64_t timestamp = 0;
    cns_err err = read_body(r, h->size, false, &e->content, diag);
    if (err == CNS_OK)
        err = parse_belenios(e->content, e->len, &timestamp, diag);
    if (err != CNS_OK)
        return err;
    if (h->mtime != timestamp)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "tar header: mtime %" PRIu64
                            " differs from the archive timestamp %" PRIu64,
                            h->mtime, timestamp);
    chain_start(&r->chain, timestamp);
    return CNS_OK;
}

static cns_err read_hashed_entry(cns_archive_reader *r, const hdr *h, cns_archive_entry *e,
                                 cns_diag *diag)
{
    bool skip = (r->flags & CNS_ARCHIVE_SKIP_DATA) != 0 && h->kind == CNS_ARCHIVE_DATA &&
                h->size > CNS_ARCHIVE_WRAPPER_MAX;
    cns_err err = read_body(r, h->size, skip, &e->content, diag);
    if (err != CNS_OK)
        return err;
    memcpy(e->hash, h->hash, CNS_HASH_BYTES);
    if (!skip) {
        sha256(e->hash, e->content, e->len);
        if (memcmp(e->hash, h->hash, CNS_HASH_BYTES) != 0)
            return cns_diag_set(diag, CNS_ERR_VERIFY,
                                "content hash %s does not match the entry name %s",
                                hex_of(e->hash).s, hex_of(h->hash).s);
    }
    if (h->kind == CNS_ARCHIVE_DATA)
        return chain_data(&r->chain, e->hash, e->content, e->len, diag);
    if ((err = parse_event(e->content, e->len, &e->event, diag)) != CNS_OK)
        return err;
    return chain_event(&r->chain, &e->event, e->hash, diag);
}

static cns_err read_entry(cns_archive_reader *r, cns_archive_entry *e, cns_diag *diag)
{
    uint64_t remaining = r->size - r->pos, index = r->chain.entries;
    hdr h;
    cns_err err;
    if (remaining == 0) {
        if ((err = chain_end(&r->chain, diag)) != CNS_OK)
            return err;
        r->ended = true;
        e->kind = CNS_ARCHIVE_END;
        return CNS_OK;
    }
    if (remaining < BLOCK)
        return cns_diag_set(diag, CNS_ERR_DECODE,
                            "truncated archive: header block of %" PRIu64 " bytes, not %d",
                            remaining, BLOCK);
    if ((err = source_read(r, r->block, BLOCK, diag)) != CNS_OK)
        return err;
    if ((err = parse_header_block(r->block, &r->chain, index, &h, diag)) != CNS_OK)
        return err;
    e->kind = h.kind;
    e->len = (size_t)h.size;
    if (h.kind == CNS_ARCHIVE_HEADER)
        err = read_header_entry(r, &h, e, diag);
    else
        err = read_hashed_entry(r, &h, e, diag);
    if (err != CNS_OK)
        return err;
    r->chain.entries++;
    r->chain.bytes = r->pos;
    return CNS_OK;
}

cns_err cns_archive_reader_next(cns_archive_reader *reader, cns_archive_entry *entry,
                                cns_diag *diag)
{
    memset(entry, 0, sizeof *entry);
    if (reader->failed == CNS_OK && reader->ended) {
        entry->kind = CNS_ARCHIVE_END;
        return CNS_OK;
    }
    if (reader->failed == CNS_OK) {
        uint64_t index = reader->chain.entries, offset = reader->pos;
        entry->index = index;
        entry->offset = offset;
        cns_err err = read_entry(reader, entry, &reader->failure);
        if (err != CNS_OK) {
            reader->failed = cns_diag_prefix(
                &reader->failure, err, "entry %" PRIu64 " (offset %" PRIu64 "): ", index, offset);
            memset(entry, 0, sizeof *entry);
        }
    }
    if (reader->failed != CNS_OK && diag != NULL)
        *diag = reader->failure;
    return reader->failed;
}

static cns_err read_through(const char *path, cns_archive_head *head, const cns_archive_head *old,
                            cns_diag *diag)
{
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    bool found = old == NULL || !old->has_event;
    cns_err err = cns_archive_reader_open(&r, path, 0, diag);
    memset(head, 0, sizeof *head);
    if (err != CNS_OK)
        goto done;
    while ((err = cns_archive_reader_next(r, &e, diag)) == CNS_OK && e.kind != CNS_ARCHIVE_END) {
        if (old == NULL || !old->has_event || e.kind != CNS_ARCHIVE_EVENT ||
            e.event.height != old->height)
            continue;
        if (memcmp(e.hash, old->hash, CNS_HASH_BYTES) != 0) {
            err = cns_diag_set(diag, CNS_ERR_VERIFY,
                               "fork: the event at height %" PRIu64 " is %s, not the recorded %s",
                               old->height, hex_of(e.hash).s, hex_of(old->hash).s);
            goto done;
        }
        found = true;
    }
    if (err != CNS_OK)
        goto done;
    cns_archive_reader_head(r, head);
    if (old != NULL && old->timestamp != head->timestamp)
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "archive timestamp %" PRIu64 " is not the recorded %" PRIu64,
                           head->timestamp, old->timestamp);
    else if (!found)
        err = cns_diag_set(diag, CNS_ERR_NOTFOUND,
                           "the archive has no event at the recorded height %" PRIu64
                           " (it ends at %s)",
                           old->height, head->has_event ? "a lower height" : "no event");
done:
    if (r != NULL)
        cns_archive_reader_head(r, head);
    cns_archive_reader_free(r);
    return err;
}

cns_err cns_archive_head_of_file(cns_archive_head *head, const char *path, cns_diag *diag)
{
    return read_through(path, head, NULL, diag);
}

cns_err cns_archive_check_extends(const char *path, const cns_archive_head *old,
                                  cns_archive_head *now, cns_diag *diag)
{
    cns_archive_head tmp;
    return read_through(path, now != NULL ? now : &tmp, old, diag);
}

/* ---- the writer ------------------------------------------------------------------ */

typedef struct queued {
    unsigned char *content;
    size_t len;
    unsigned char hash[CNS_HASH_BYTES];
} queued;

struct cns_archive_writer {
    int fd;                   /* file writer, or -1 */
    cns_archive_sink_fn sink; /* sink writer, or NULL */
    void *sink_ctx;
    chain chain;
    size_t n_queued;
    queued queue[MAX_PENDING];
    bool failed;
};

static void drop_queue(cns_archive_writer *w)
{
    for (size_t i = 0; i < w->n_queued; i++)
        free(w->queue[i].content);
    w->n_queued = 0;
}

static cns_err writer_new(cns_archive_writer **out, cns_diag *diag)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "archive writer: out of memory");
    (*out)->fd = -1;
    return CNS_OK;
}

static cns_err lock_file(int fd, const char *path, cns_diag *diag)
{
    if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        return cns_diag_set(diag, CNS_ERR_IO, "%s: cannot lock (another writer?): %s", path,
                            strerror(errno));
    return CNS_OK;
}

/* Write every iovec completely; iov is modified. */
static bool write_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t done = writev(fd, iov, n);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return false;
        while (n > 0 && (size_t)done >= iov->iov_len) {
            done -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + done;
            iov->iov_len -= (size_t)done;
        }
    }
    return true;
}

/* One entry = header block, content, padding: three iovecs. */
static void entry_iov(struct iovec iov[3], unsigned char block[BLOCK], const char *name,
                      const void *content, size_t len, uint64_t timestamp)
{
    static const unsigned char zeros[BLOCK];
    header_block(block, name, len, timestamp);
    iov[0] = (struct iovec){block, BLOCK};
    iov[1] = (struct iovec){(void *)content, len};
    iov[2] = (struct iovec){(void *)zeros, (size_t)(padded(len) - len)};
}

/* Append entries at the end; on failure cut the file back and fail for good. */
static cns_err append(cns_archive_writer *w, struct iovec *iov, int n, cns_diag *diag)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (write_all(w->fd, iov, n)) {
        w->chain.bytes += total;
        return CNS_OK;
    }
    int saved = errno;
    w->failed = true;
    if (ftruncate(w->fd, (off_t)w->chain.bytes) != 0 ||
        lseek(w->fd, (off_t)w->chain.bytes, SEEK_SET) < 0)
        return cns_diag_set(diag, CNS_ERR_IO,
                            "write failed (%s), and cutting the archive back to %" PRIu64
                            " bytes failed too",
                            strerror(saved), w->chain.bytes);
    return cns_diag_set(diag, CNS_ERR_IO, "write failed: %s", strerror(saved));
}

cns_err cns_archive_writer_create(cns_archive_writer **out, const char *path, uint64_t timestamp,
                                  cns_diag *diag)
{
    cns_archive_writer *w = NULL;
    unsigned char block[BLOCK];
    char text[CNS_ARCHIVE_HEADER_MAX];
    struct iovec iov[3];
    bool created = false;
    cns_err err = CNS_OK;
    if (timestamp > CNS_ARCHIVE_TIMESTAMP_MAX) {
        err = cns_diag_set(diag, CNS_ERR_INVALID, "timestamp %" PRIu64 " exceeds %llu", timestamp,
                           (unsigned long long)CNS_ARCHIVE_TIMESTAMP_MAX);
        goto done;
    }
    if ((err = writer_new(&w, diag)) != CNS_OK)
        goto done;
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        err = cns_diag_set(diag, CNS_ERR_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    created = true;
    if ((err = lock_file(w->fd, path, diag)) != CNS_OK)
        goto done;
    chain_start(&w->chain, timestamp);
    entry_iov(iov, block, HEADER_NAME, text, header_text(text, timestamp), timestamp);
    if ((err = append(w, iov, 3, diag)) != CNS_OK)
        goto done;
    w->chain.entries = 1;
done:
    if (err != CNS_OK) {
        if (created)
            unlink(path);
        cns_archive_writer_free(w);
        w = NULL;
    }
    *out = w;
    return err;
}

/* Read the existing archive through (data bodies skipped) to continue its chain. */
static cns_err load_chain(cns_archive_writer *w, const char *path, cns_diag *diag)
{
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    struct stat st;
    cns_err err = cns_archive_reader_open(&r, path, CNS_ARCHIVE_SKIP_DATA, diag);
    if (err != CNS_OK)
        goto done;
    while ((err = cns_archive_reader_next(r, &e, diag)) == CNS_OK && e.kind != CNS_ARCHIVE_END)
        ;
    if (err != CNS_OK)
        goto done;
    w->chain = r->chain;
    if (fstat(w->fd, &st) != 0 || (uint64_t)st.st_size != w->chain.bytes ||
        lseek(w->fd, 0, SEEK_END) != (off_t)w->chain.bytes)
        err = cns_diag_set(diag, CNS_ERR_IO, "%s: the file changed while it was read", path);
done:
    cns_archive_reader_free(r);
    return err;
}

cns_err cns_archive_writer_open(cns_archive_writer **out, const char *path, cns_diag *diag)
{
    cns_archive_writer *w = NULL;
    cns_err err = writer_new(&w, diag);
    if (err != CNS_OK)
        goto done;
    struct stat st;
    w->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC); /* a FIFO must not block */
    if (w->fd < 0) {
        err = cns_diag_set(diag, CNS_ERR_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (fstat(w->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        err = cns_diag_set(diag, CNS_ERR_IO, "%s: not a regular file", path);
        goto done;
    }
    if ((err = lock_file(w->fd, path, diag)) != CNS_OK)
        goto done;
    err = load_chain(w, path, diag);
done:
    if (err != CNS_OK) {
        cns_archive_writer_free(w);
        w = NULL;
    }
    *out = w;
    return err;
}

cns_err cns_archive_writer_add_data(cns_archive_writer *writer, const void *content, size_t len,
                                    unsigned char *hash, cns_diag *diag)
{
    unsigned char h[CNS_HASH_BYTES];
    queued *q;
    cns_err err;
    if (writer->failed)
        return cns_diag_set(diag, CNS_ERR_STATE, "archive writer: an earlier write failed");
    if (len > CNS_ARCHIVE_ENTRY_MAX)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "data entry of %zu bytes, at most %" PRIu64, len,
                            (uint64_t)CNS_ARCHIVE_ENTRY_MAX);
    sha256(h, content, len);
    if ((err = chain_data(&writer->chain, h, content, len, diag)) != CNS_OK)
        return err;
    q = &writer->queue[writer->n_queued];
    memcpy(q->hash, h, CNS_HASH_BYTES);
    q->content = malloc(len > 0 ? len : 1);
    if (q->content == NULL) {
        writer->chain.n_pending--;
        writer->chain.wrapper_ok = false;
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory for a data entry of %zu bytes",
                            len);
    }
    if (len > 0)
        memcpy(q->content, content, len);
    q->len = len;
    writer->n_queued++;
    if (hash != NULL)
        memcpy(hash, q->hash, CNS_HASH_BYTES);
    return CNS_OK;
}

/* Hand one entry to the sink; counts its bytes as a file would hold them. */
static cns_err emit_one(cns_archive_writer *w, cns_archive_entry *e, uint64_t index, cns_diag *diag)
{
    e->index = index;
    e->offset = w->chain.bytes;
    cns_err err = w->sink(w->sink_ctx, e, diag);
    if (err != CNS_OK) {
        w->failed = true;
        return err;
    }
    w->chain.bytes += BLOCK + padded(e->len);
    return CNS_OK;
}

/* The queued data entries then the event, to the sink; a failure fails the writer. */
static cns_err emit(cns_archive_writer *w, const cns_archive_event *ev,
                    const unsigned char ev_hash[CNS_HASH_BYTES], const char *text, size_t len,
                    cns_diag *diag)
{
    cns_archive_entry e;
    cns_err err = CNS_OK;
    for (size_t i = 0; i < w->n_queued && err == CNS_OK; i++) {
        memset(&e, 0, sizeof e);
        e.kind = CNS_ARCHIVE_DATA;
        memcpy(e.hash, w->queue[i].hash, CNS_HASH_BYTES);
        e.content = w->queue[i].content;
        e.len = w->queue[i].len;
        err = emit_one(w, &e, w->chain.entries + i, diag);
    }
    if (err != CNS_OK)
        return err;
    memset(&e, 0, sizeof e);
    e.kind = CNS_ARCHIVE_EVENT;
    memcpy(e.hash, ev_hash, CNS_HASH_BYTES);
    e.content = (const unsigned char *)text;
    e.len = len;
    e.event = *ev;
    return emit_one(w, &e, w->chain.entries + w->n_queued, diag);
}

static void build_event(const chain *c, cns_archive_event *ev, cns_event_type type,
                        const unsigned char *payload)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->height = c->has_event ? c->height + 1 : 0;
    ev->has_parent = c->has_event;
    if (ev->has_parent)
        memcpy(ev->parent, c->head, CNS_HASH_BYTES);
    ev->has_payload = payload != NULL;
    if (payload != NULL)
        memcpy(ev->payload, payload, CNS_HASH_BYTES);
}

cns_err cns_archive_writer_add_event(cns_archive_writer *writer, cns_event_type type,
                                     const unsigned char *payload, unsigned char *hash,
                                     cns_diag *diag)
{
    cns_archive_event ev;
    char text[EVENT_TEXT_MAX], names[MAX_PENDING + 1][NAME_MAX_LEN];
    unsigned char ev_hash[CNS_HASH_BYTES], blocks[MAX_PENDING + 1][BLOCK];
    struct iovec iov[3 * (MAX_PENDING + 1)];
    size_t n = writer->n_queued, len;
    cns_err err;
    if (writer->failed)
        return cns_diag_set(diag, CNS_ERR_STATE, "archive writer: an earlier write failed");
    if ((unsigned)type >= N_TYPES)
        return cns_diag_set(diag, CNS_ERR_INVALID, "unknown event type %d", (int)type);
    build_event(&writer->chain, &ev, type, payload);
    len = event_text(text, &ev);
    sha256(ev_hash, (const unsigned char *)text, len);
    chain next = writer->chain;
    if ((err = chain_event(&next, &ev, ev_hash, diag)) != CNS_OK)
        return err;
    for (size_t i = 0; i < n; i++) {
        entry_name(names[i], writer->queue[i].hash, false);
        entry_iov(iov + 3 * i, blocks[i], names[i], writer->queue[i].content, writer->queue[i].len,
                  next.timestamp);
    }
    entry_name(names[n], ev_hash, true);
    entry_iov(iov + 3 * n, blocks[n], names[n], text, len, next.timestamp);
    if (writer->sink != NULL)
        err = emit(writer, &ev, ev_hash, text, len, diag);
    else
        err = append(writer, iov, (int)(3 * (n + 1)), diag);
    if (err != CNS_OK)
        return err;
    next.bytes = writer->chain.bytes;
    next.entries += n + 1;
    writer->chain = next;
    drop_queue(writer);
    if (hash != NULL)
        memcpy(hash, ev_hash, CNS_HASH_BYTES);
    return CNS_OK;
}

void cns_archive_writer_head(const cns_archive_writer *writer, cns_archive_head *head)
{
    chain_head(&writer->chain, head);
}

cns_err cns_archive_writer_sync(cns_archive_writer *writer, cns_diag *diag)
{
    if (writer->failed)
        return cns_diag_set(diag, CNS_ERR_STATE, "archive writer: an earlier write failed");
    if (writer->sink != NULL)
        return CNS_OK;
    if (fsync(writer->fd) != 0)
        return cns_diag_set(diag, CNS_ERR_IO, "fsync: %s", strerror(errno));
    return CNS_OK;
}

cns_err cns_archive_writer_close(cns_archive_writer *writer, cns_diag *diag)
{
    cns_err err = CNS_OK;
    if (writer == NULL)
        return CNS_OK;
    if (writer->n_queued > 0)
        err =
            cns_diag_set(diag, CNS_ERR_INVALID,
                         "%zu queued data entries without an event were dropped", writer->n_queued);
    if (writer->sink != NULL) {
        cns_archive_writer_free(writer);
        return err;
    }
    if (!writer->failed && fsync(writer->fd) != 0)
        err = cns_diag_set(diag, CNS_ERR_IO, "fsync: %s", strerror(errno));
    if (close(writer->fd) != 0 && err == CNS_OK)
        err = cns_diag_set(diag, CNS_ERR_IO, "close: %s", strerror(errno));
    writer->fd = -1;
    cns_archive_writer_free(writer);
    return err;
}

void cns_archive_writer_free(cns_archive_writer *writer)
{
    if (writer == NULL)
        return;
    drop_queue(writer);
    if (writer->fd >= 0)
        close(writer->fd);
    free(writer);
}

/* ---- writers whose entries live elsewhere ------------------------------------------ */

cns_err cns_archive_writer_new_sink(cns_archive_writer **out, cns_archive_sink_fn sink, void *ctx,
                                    cns_diag *diag)
{
    cns_err err = writer_new(out, diag);
    if (err != CNS_OK)
        return err;
    (*out)->sink = sink;
    (*out)->sink_ctx = ctx;
    return CNS_OK;
}

cns_err cns_archive_writer_start(cns_archive_writer *writer, uint64_t timestamp, cns_diag *diag)
{
    char text[CNS_ARCHIVE_HEADER_MAX];
    cns_archive_entry e;
    if (writer->sink == NULL || writer->chain.started || writer->failed)
        return cns_diag_set(diag, CNS_ERR_STATE, "archive writer: already started");
    if (timestamp > CNS_ARCHIVE_TIMESTAMP_MAX)
        return cns_diag_set(diag, CNS_ERR_INVALID, "timestamp %" PRIu64 " exceeds %llu", timestamp,
                            (unsigned long long)CNS_ARCHIVE_TIMESTAMP_MAX);
    memset(&e, 0, sizeof e);
    e.kind = CNS_ARCHIVE_HEADER;
    e.content = (const unsigned char *)text;
    e.len = header_text(text, timestamp);
    chain_start(&writer->chain, timestamp);
    cns_err err = emit_one(writer, &e, 0, diag);
    if (err == CNS_OK)
        writer->chain.entries = 1;
    return err;
}

/* Check an entry made elsewhere as the reader would; the chain moves on only on success. */
static cns_err follow_entry(chain *c, const cns_archive_entry *e, cns_archive_event *ev,
                            cns_diag *diag)
{
    unsigned char hash[CNS_HASH_BYTES];
    uint64_t timestamp;
    cns_err err;
    if (e->content == NULL && e->len > 0)
        return cns_diag_set(diag, CNS_ERR_INVALID, "entry without its content");
    if (e->kind == CNS_ARCHIVE_HEADER) {
        if (c->started)
            return cns_diag_set(diag, CNS_ERR_DECODE, "a second BELENIOS entry");
        if ((err = parse_belenios(e->content, e->len, &timestamp, diag)) != CNS_OK)
            return err;
        chain_start(c, timestamp);
        return CNS_OK;
    }
    if (!c->started)
        return cns_diag_set(diag, CNS_ERR_DECODE, "the first entry is not BELENIOS");
    if (e->kind != CNS_ARCHIVE_DATA && e->kind != CNS_ARCHIVE_EVENT)
        return cns_diag_set(diag, CNS_ERR_INVALID, "not an entry kind");
    if (e->len > (e->kind == CNS_ARCHIVE_DATA ? CNS_ARCHIVE_ENTRY_MAX : CNS_ARCHIVE_EVENT_MAX))
        return cns_diag_set(diag, CNS_ERR_LIMIT, "entry of %zu bytes, over its limit", e->len);
    sha256(hash, e->content, e->len);
    if (memcmp(hash, e->hash, CNS_HASH_BYTES) != 0)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "content hash %s does not match the entry name %s", hex_of(hash).s,
                            hex_of(e->hash).s);
    if (e->kind == CNS_ARCHIVE_DATA)
        return chain_data(c, hash, e->content, e->len, diag);
    if ((err = parse_event(e->content, e->len, ev, diag)) != CNS_OK)
        return err;
    return chain_event(c, ev, hash, diag);
}

cns_err cns_archive_writer_follow(cns_archive_writer *writer, const cns_archive_entry *entry,
                                  cns_archive_event *event, cns_diag *diag)
{
    chain next = writer->chain;
    cns_archive_event ev;
    cns_err err;
    memset(&ev, 0, sizeof ev);
    if (writer->failed || writer->n_queued > 0)
        return cns_diag_set(diag, CNS_ERR_STATE,
                            "archive writer: entries queued, or an earlier write failed");
    if (entry->index != next.entries)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "entry %" PRIu64 " comes where %" PRIu64 " is expected", entry->index,
                            next.entries);
    if ((err = follow_entry(&next, entry, &ev, diag)) != CNS_OK)
        return cns_diag_prefix(diag, err, "entry %" PRIu64 ": ", entry->index);
    if (event != NULL)
        *event = ev;
    next.entries++;
    next.bytes += BLOCK + padded(entry->len);
    writer->chain = next;
    return CNS_OK;
}

cns_err cns_archive_writer_put(cns_archive_writer *writer, const cns_archive_entry *entry,
                               cns_diag *diag)
{
    cns_archive_event ev;
    unsigned char hash[CNS_HASH_BYTES];
    cns_err err;
    if (entry->kind == CNS_ARCHIVE_HEADER) {
        uint64_t timestamp = 0;
        err = parse_belenios(entry->content, entry->len, &timestamp, diag);
        if (err == CNS_OK && (!writer->chain.started || timestamp != writer->chain.timestamp))
            err = cns_diag_set(diag, CNS_ERR_VERIFY, "BELENIOS entry: not this archive's");
        return err;
    }
    if (entry->kind == CNS_ARCHIVE_DATA) {
        err = cns_archive_writer_add_data(writer, entry->content, entry->len, hash, diag);
        if (err == CNS_OK && memcmp(hash, entry->hash, CNS_HASH_BYTES) != 0)
            err = cns_diag_set(diag, CNS_ERR_VERIFY, "data entry: content hash is not its name");
        return err;
    }
    cns_archive_event built;
    char text[EVENT_TEXT_MAX];
    if ((err = parse_event(entry->content, entry->len, &ev, diag)) != CNS_OK)
        return err;
    build_event(&writer->chain, &built, ev.type, ev.has_payload ? ev.payload : NULL);
    size_t len = event_text(text, &built);
    if (len != entry->len || memcmp(text, entry->content, len) != 0)
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "event: not the event that continues the chain (height %" PRIu64
                            " expected)",
                            built.height);
    err = cns_archive_writer_add_event(writer, ev.type, ev.has_payload ? ev.payload : NULL, hash,
                                       diag);
    if (err == CNS_OK && memcmp(hash, entry->hash, CNS_HASH_BYTES) != 0)
        err = cns_diag_set(diag, CNS_ERR_VERIFY, "event: not the event that continues the chain");
    return err;
}

cns_err cns_archive_event_parse(cns_archive_event *event, const void *content, size_t len,
                                cns_diag *diag)
{
    memset(event, 0, sizeof *event);
    return parse_event(content, len, event, diag);
}

/* ---- saved states (record/writer_state.h) ---- */

cns_err cns_archive_writer_save(const cns_archive_writer *w, void **state)
{
    chain *c = malloc(sizeof *c);
    *state = c;
    if (c == NULL)
        return CNS_ERR_NOMEM;
    *c = w->chain;
    return CNS_OK;
}

void cns_archive_writer_restore(cns_archive_writer *w, const void *state)
{
    drop_queue(w);
    w->chain = *(const chain *)state;
    w->failed = false;
}
