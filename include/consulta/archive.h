/*
 * consulta — the Belenios public board, UUID.bel (spec 2.0 §4.4;
 * BELENIOS-FORMATS.md §3).
 *
 * An old-style tar, appended to in place and byte-canonical: every header
 * block is exactly what belenios-tool writes (mode 0000644, uid/gid 0, octal
 * size, mtime = the archive timestamp, checksum "%06o\0 ", typeflag '0', all
 * else NUL), bodies are NUL-padded to 512 bytes, and there are no end-of-
 * archive zero blocks. The first entry, BELENIOS, holds
 * {"version":1,"timestamp":"<decimal>"}; every other entry is named
 * <sha256-hex of its content>.data.json or .event.json. Events
 *     {"parent":H,"height":n,"type":T,"payload":H}
 * form a hash chain (parent absent at height 0, payload absent for EndBallots
 * and EndShuffles), and each event comes right after the data it refers to,
 * in the order belenios-tool rebuilds them (`election verify` rebuilds the
 * archive from its last event and compares it block by block):
 *
 *     Setup              election, trustees, credentials, setup_data
 *     Ballot, Result     the payload
 *     EncryptedTally     encrypted tally, sized tally (which names it)
 *     Shuffle,           the shuffle / partial decryption,
 *     PartialDecryption  the owned wrapper (which names it)
 *     EndBallots,        nothing
 *     EndShuffles
 *
 * Events follow the phases Setup, Ballot*, EndBallots, EncryptedTally,
 * [Shuffle*, EndShuffles], PartialDecryption+, Result.
 *
 * The reader checks all of this as it streams, in memory that does not grow
 * with the number of entries (only with the largest entry); the writer
 * produces exactly these bytes and refuses anything the reader would refuse.
 * Neither looks inside data entries beyond the three small wrappers that name
 * other entries (setup_data, sized tally, owned); checking ballots, proofs
 * and results is the verifier's job.
 *
 * THREAD SAFETY: a reader or writer is used by one thread at a time;
 * distinct ones are independent.
 */
#ifndef CONSULTA_ARCHIVE_H
#define CONSULTA_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consulta/error.h"

/* SHA-256 digest length, and its lowercase hex text plus NUL. */
#define CNS_HASH_BYTES     32
#define CNS_HASH_HEX_BYTES 65

/* Tar block size. */
#define CNS_ARCHIVE_BLOCK 512
/* Largest entry body accepted or written (a data entry: ballot, tally, …). */
#define CNS_ARCHIVE_ENTRY_MAX ((uint64_t)1 << 30)
/* Largest event entry (a canonical event is at most about 220 bytes). */
#define CNS_ARCHIVE_EVENT_MAX 1024
/* Largest BELENIOS header entry. */
#define CNS_ARCHIVE_HEADER_MAX 128
/* Largest timestamp: it must fit the 11 octal digits of the mtime field. */
#define CNS_ARCHIVE_TIMESTAMP_MAX 077777777777ULL
/* Largest data entry that names other entries (setup_data, sized tally, owned). */
#define CNS_ARCHIVE_WRAPPER_MAX 4096

typedef enum cns_event_type {
    CNS_EVENT_SETUP,
    CNS_EVENT_BALLOT,
    CNS_EVENT_END_BALLOTS,
    CNS_EVENT_ENCRYPTED_TALLY,
    CNS_EVENT_SHUFFLE,
    CNS_EVENT_END_SHUFFLES,
    CNS_EVENT_PARTIAL_DECRYPTION,
    CNS_EVENT_RESULT,
} cns_event_type;

/* The type's name as in the archive ("Setup", "EndBallots", …); NULL if out of range. */
const char *cns_event_type_name(cns_event_type type);

/*
 * The type named exactly name (len bytes, borrowed).
 * OUT: *out. Errors: CNS_ERR_DECODE if it is not one of the eight names.
 */
CNS_NODISCARD cns_err cns_event_type_from_name(cns_event_type *out, const char *name, size_t len);

/* An event, as parsed (reader) or built (writer). */
typedef struct cns_archive_event {
    cns_event_type type;
    uint64_t height;
    bool has_parent; /* false exactly at height 0 */
    unsigned char parent[CNS_HASH_BYTES];
    bool has_payload; /* false exactly for EndBallots and EndShuffles */
    unsigned char payload[CNS_HASH_BYTES];
} cns_archive_event;

typedef enum cns_archive_kind {
    CNS_ARCHIVE_END,    /* no more entries: the archive ended cleanly */
    CNS_ARCHIVE_HEADER, /* the BELENIOS entry (always entry 0) */
    CNS_ARCHIVE_DATA,
    CNS_ARCHIVE_EVENT,
} cns_archive_kind;

/* One entry, as the reader returns it. */
typedef struct cns_archive_entry {
    cns_archive_kind kind;
    uint64_t index;  /* 0 for BELENIOS, then 1, 2, … */
    uint64_t offset; /* byte offset of its tar header block */
    /* DATA/EVENT: SHA-256 of the content (checked against the name, unless skipped). */
    unsigned char hash[CNS_HASH_BYTES];
    /*
     * The content, borrowed: valid until the next call on the reader or its
     * free. NULL (len still set) for a data body skipped under
     * CNS_ARCHIVE_SKIP_DATA.
     */
    const unsigned char *content;
    size_t len;
    cns_archive_event event; /* EVENT only */
} cns_archive_entry;

/* The state of an archive after its last entry: what an auditor records. */
typedef struct cns_archive_head {
    uint64_t timestamp;                 /* from the BELENIOS entry */
    uint64_t entries;                   /* number of entries, BELENIOS included */
    uint64_t bytes;                     /* archive length in bytes */
    bool has_event;                     /* false: no event yet */
    uint64_t height;                    /* of the last event */
    unsigned char hash[CNS_HASH_BYTES]; /* SHA-256 of the last event: the chain head */
    cns_event_type type;                /* of the last event */
} cns_archive_head;

/* Lowercase hex of a hash into out (CNS_HASH_HEX_BYTES, NUL-terminated). */
void cns_hash_to_hex(char out[CNS_HASH_HEX_BYTES], const unsigned char hash[CNS_HASH_BYTES]);

/*
 * Parse exactly 64 lowercase hex digits (text: len bytes, borrowed).
 * OUT: hash. Errors: CNS_ERR_DECODE.
 */
CNS_NODISCARD cns_err cns_hash_from_hex(unsigned char hash[CNS_HASH_BYTES], const char *text,
                                        size_t len);

/*
 * Parse an event entry's content (len bytes, borrowed), which must be in
 * canonical form. OUT: *event. Errors: CNS_ERR_DECODE.
 */
CNS_NODISCARD cns_err cns_archive_event_parse(cns_archive_event *event, const void *content,
                                              size_t len, cns_diag *diag);

/*
 * Check one tar header block of a board that arrives as a stream, as the
 * reader does: not a zero block, checksum, name (BELENIOS for index 0, else a
 * hash-named .data.json or .event.json), every field canonical, the size
 * within its kind's limit. *timestamp: IN for index > 0 (the mtime every
 * entry must carry), OUT for index 0 (the archive's). OUT: *size, the body's
 * length (the body, NUL-padded to whole blocks, follows the header).
 * Errors: CNS_ERR_DECODE, CNS_ERR_LIMIT, diag "entry N: …".
 */
CNS_NODISCARD cns_err cns_archive_header_check(const unsigned char block[CNS_ARCHIVE_BLOCK],
                                               uint64_t index, uint64_t *timestamp, uint64_t *size,
                                               cns_diag *diag);

/* ---- reading --------------------------------------------------------------------- */

typedef struct cns_archive_reader cns_archive_reader;

/*
 * Reader flag: do not read or hash data bodies longer than
 * CNS_ARCHIVE_WRAPPER_MAX (their content is NULL, their hash is taken from the
 * name unchecked). Headers, events and the chain are still fully checked.
 * For reopening one's own board quickly; an auditor does not use it.
 */
#define CNS_ARCHIVE_SKIP_DATA 1u

/*
 * Open the archive file at path (a regular file; its length at open time is
 * the length read). flags: 0 or CNS_ARCHIVE_SKIP_DATA.
 * OUT: *out, freed with cns_archive_reader_free. Nothing is read yet.
 * Errors: CNS_ERR_IO (cannot open, not a regular file), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_archive_reader_open(cns_archive_reader **out, const char *path,
                                              unsigned flags, cns_diag *diag);

/*
 * Open an archive held in memory: buf (len bytes) is borrowed and must stay
 * valid and unchanged until the reader is freed. flags as above.
 * OUT: *out. Errors: CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_archive_reader_open_mem(cns_archive_reader **out,
                                                  const unsigned char *buf, size_t len,
                                                  unsigned flags, cns_diag *diag);

/*
 * Read and check the next entry. OUT: *entry (kind CNS_ARCHIVE_END once the
 * archive ended cleanly; every later call returns END again).
 * Checks, naming "entry N (offset X): …" in diag on failure:
 *   CNS_ERR_DECODE  truncated header or body, zero block, tar checksum,
 *                   non-canonical header field, bad name, non-zero padding,
 *                   BELENIOS entry or event JSON malformed / not canonical,
 *                   unknown event type, mtime ≠ timestamp
 *   CNS_ERR_VERIFY  content hash ≠ name, height ≠ previous + 1,
 *                   parent ≠ hash of the previous event
 *   CNS_ERR_NOTFOUND  an event's payload (or a hash named by setup_data,
 *                   the sized tally or an owned wrapper) is not among the
 *                   data entries right before the event
 *   CNS_ERR_INVALID event out of phase, payload present/absent against its
 *                   type, wrong number or order of data before an event,
 *                   data entries left without an event at the end
 *   CNS_ERR_LIMIT   entry longer than its limit
 *   CNS_ERR_IO, CNS_ERR_NOMEM
 * Errors are sticky: after one, every call returns it again with the same
 * diagnostic and reads nothing more.
 */
CNS_NODISCARD cns_err cns_archive_reader_next(cns_archive_reader *reader, cns_archive_entry *entry,
                                              cns_diag *diag);

/* OUT: the state after the entries read so far (*head). */
void cns_archive_reader_head(const cns_archive_reader *reader, cns_archive_head *head);

/* Close and free; NULL is fine. */
void cns_archive_reader_free(cns_archive_reader *reader);

/*
 * Read and check the whole archive at path (no flags: every hash checked).
 * OUT: *head; on a failure, the head of the valid part before the bad entry.
 * Errors: those of cns_archive_reader_next and _open.
 */
CNS_NODISCARD cns_err cns_archive_head_of_file(cns_archive_head *head, const char *path,
                                               cns_diag *diag);

/*
 * Check that the archive at path, read and checked whole, extends a board
 * whose head an auditor recorded earlier: its event at height old->height
 * has hash old->hash (ATTACKS.md #10). An old head without event is extended
 * by any archive with the same timestamp. OUT: *now, the current head
 * (may be NULL).
 * Errors: CNS_ERR_VERIFY (fork: another event at that height, or another
 * timestamp), CNS_ERR_NOTFOUND (the archive is shorter), and those of
 * cns_archive_reader_next.
 */
CNS_NODISCARD cns_err cns_archive_check_extends(const char *path, const cns_archive_head *old,
                                                cns_archive_head *now, cns_diag *diag);

/* ---- writing --------------------------------------------------------------------- */

typedef struct cns_archive_writer cns_archive_writer;

/*
 * Create a new archive at path (which must not exist) holding only the
 * BELENIOS entry with this timestamp (≤ CNS_ARCHIVE_TIMESTAMP_MAX). The file
 * is locked (flock) against other writers while the writer lives.
 * OUT: *out, closed with cns_archive_writer_close or _free.
 * Errors: CNS_ERR_INVALID (timestamp), CNS_ERR_IO (exists, cannot create or
 * lock), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_archive_writer_create(cns_archive_writer **out, const char *path,
                                                uint64_t timestamp, cns_diag *diag);

/*
 * Open an existing archive to append to it: locks it, reads it through with
 * CNS_ARCHIVE_SKIP_DATA (headers, events and chain checked) to learn its
 * timestamp, head and phase, then appends after its last entry.
 * OUT: *out. Errors: those of cns_archive_reader_next on the existing file,
 * CNS_ERR_IO (cannot open or lock; file changed while read), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_archive_writer_open(cns_archive_writer **out, const char *path,
                                              cns_diag *diag);

/*
 * Queue a data entry (content: len bytes, copied). It is written to the file
 * together with the event that refers to it, so that the file always ends
 * with an event. OUT: hash (may be NULL), the SHA-256 of content, which names
 * the entry.
 * Errors: CNS_ERR_LIMIT (len > CNS_ARCHIVE_ENTRY_MAX), CNS_ERR_INVALID (more
 * data than any event takes, or the board is closed by Result),
 * CNS_ERR_STATE (the writer failed before), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_archive_writer_add_data(cns_archive_writer *writer, const void *content,
                                                  size_t len, unsigned char *hash, cns_diag *diag);

/*
 * Append an event of this type with parent and height computed from the
 * chain, after the data queued for it. payload (borrowed; CNS_HASH_BYTES) is
 * NULL for EndBallots/EndShuffles and otherwise the hash of the last queued
 * data entry. The bytes are exactly belenios-tool's. OUT: hash (may be NULL),
 * the new chain head.
 * Errors: as the reader would report the event (CNS_ERR_INVALID,
 * CNS_ERR_NOTFOUND), CNS_ERR_IO (write failed: the file is cut back to its
 * last good length and the writer refuses further work), CNS_ERR_STATE.
 */
CNS_NODISCARD cns_err cns_archive_writer_add_event(cns_archive_writer *writer, cns_event_type type,
                                                   const unsigned char *payload,
                                                   unsigned char *hash, cns_diag *diag);

/* OUT: the state of the archive as written so far (queued data not counted). */
void cns_archive_writer_head(const cns_archive_writer *writer, cns_archive_head *head);

/* fsync the file. Errors: CNS_ERR_IO, CNS_ERR_STATE. */
CNS_NODISCARD cns_err cns_archive_writer_sync(cns_archive_writer *writer, cns_diag *diag);

/*
 * Sync, unlock, close and free. Queued data without an event are dropped
 * (CNS_ERR_INVALID is returned, the file stays as it was). NULL is fine.
 * Errors: CNS_ERR_IO, CNS_ERR_INVALID.
 */
CNS_NODISCARD cns_err cns_archive_writer_close(cns_archive_writer *writer, cns_diag *diag);

/* Close and free without syncing; NULL is fine. */
void cns_archive_writer_free(cns_archive_writer *writer);

/* ---- archives kept elsewhere (a database holding the entries) ------------------------ */

/*
 * Where a sink writer hands its entries: called once per entry, in order,
 * the data entries of an event then the event (entry->index and ->offset
 * are those the entry has in the archive file; content is borrowed for the
 * call). A failure makes the writer refuse further work.
 */
typedef cns_err (*cns_archive_sink_fn)(void *ctx, const cns_archive_entry *entry, cns_diag *diag);

/*
 * A writer that builds exactly the entries a file writer would write, with
 * the same checks, and hands them to sink (ctx passed back) instead of a
 * file. It is empty: start it with cns_archive_writer_start (a new archive)
 * or bring it to an existing archive's state with cns_archive_writer_follow
 * from its entry 0. _sync does nothing; _close frees. OUT: *out.
 * Errors: CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_archive_writer_new_sink(cns_archive_writer **out,
                                                  cns_archive_sink_fn sink, void *ctx,
                                                  cns_diag *diag);

/*
 * Start a new archive on an empty sink writer: the BELENIOS entry with this
 * timestamp goes to the sink. Errors: CNS_ERR_STATE (not an empty sink
 * writer), CNS_ERR_INVALID (timestamp), the sink's.
 */
CNS_NODISCARD cns_err cns_archive_writer_start(cns_archive_writer *writer, uint64_t timestamp,
                                               cns_diag *diag);

/*
 * An entry of this archive written elsewhere (by another writer of the same
 * archive, e.g. another server process): checked exactly as the reader
 * checks it (index = the next one, content hash, BELENIOS entry, event
 * canonical, chain link, phase, data before it), then the writer continues
 * after it. Nothing goes to the sink or file. entry is borrowed; its
 * offset and event are ignored. OUT: *event, the parsed event of an EVENT
 * entry (may be NULL). Errors: those of cns_archive_reader_next,
 * CNS_ERR_STATE (data queued, or the writer failed); on error nothing changes.
 */
CNS_NODISCARD cns_err cns_archive_writer_follow(cns_archive_writer *writer,
                                                const cns_archive_entry *entry,
                                                cns_archive_event *event, cns_diag *diag);

/*
 * Copy an entry of another archive (as its reader returns it) into this
 * one: data entries are queued, events must be exactly the event that
 * continues this writer's chain, and a BELENIOS entry must carry this
 * archive's timestamp (nothing is written for it). Used to export an
 * archive held elsewhere into a file. Errors: CNS_ERR_VERIFY (not the same
 * entry), and those of _add_data and _add_event.
 */
CNS_NODISCARD cns_err cns_archive_writer_put(cns_archive_writer *writer,
                                             const cns_archive_entry *entry, cns_diag *diag);

#endif
