/*
 * Tests of consulta/archive.h: reading the reference boards made by
 * belenios-tool, rebuilding them byte for byte with the writer, refusing
 * tampered boards with the right error, and belenios-tool accepting what the
 * writer produced.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "consulta/archive.h"

#define FF_DIR  "belenios-2.0-ff"
#define FF_BEL  "ejrMrFDogJEHkZ.bel"
#define ED_DIR  "belenios-2.1-ed25519"
#define ED_BEL  "roEZNrAz8upuV8.bel"
#define T_STAMP 1234567u

static char tmpdir[] = "/tmp/cns-archive-XXXXXX";

/* ---- helpers ------------------------------------------------------------------ */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} mbuf;

static void put(mbuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 1024;
        b->p = realloc(b->p, b->cap);
        if (b->p == NULL)
            abort();
    }
    if (n > 0)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static const char *testdata(const char *dir, const char *file, char *out, size_t cap)
{
    const char *root = getenv("CNS_TESTDATA");
    snprintf(out, cap, "%s/%s/%s", root ? root : "../shared/testdata", dir, file);
    return out;
}

static bool read_file(const char *path, mbuf *out)
{
    FILE *f = fopen(path, "rb");
    unsigned char chunk[65536];
    size_t n;
    memset(out, 0, sizeof *out);
    if (f == NULL)
        return false;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        put(out, chunk, n);
    fclose(f);
    return true;
}

static void hex(char out[65], const void *p, size_t len)
{
    unsigned char h[32];
    crypto_hash_sha256(h, p, len);
    cns_hash_to_hex(out, h);
}

/* A tar header written independently of the library, as spec'd in BELENIOS-FORMATS §3. */
static void raw_entry(mbuf *b, const char *name, const void *content, size_t len, uint64_t mtime)
{
    char h[512];
    unsigned sum = 0;
    static const char zeros[512];
    memset(h, 0, sizeof h);
    memcpy(h, name, strlen(name));
    memcpy(h + 100, "0000644", 7);
    memcpy(h + 108, "0000000", 7);
    memcpy(h + 116, "0000000", 7);
    char field[32];
    snprintf(field, sizeof field, "%011" PRIo64, (uint64_t)len);
    memcpy(h + 124, field, 12);
    snprintf(field, sizeof field, "%011" PRIo64, mtime);
    memcpy(h + 136, field, 12);
    memset(h + 148, ' ', 8);
    h[156] = '0';
    for (size_t i = 0; i < 512; i++)
        sum += (unsigned char)h[i];
    snprintf(field, sizeof field, "%06o", sum);
    memcpy(h + 148, field, 7);
    h[155] = ' ';
    put(b, h, 512);
    put(b, content, len);
    put(b, zeros, (512 - len % 512) % 512);
}

static void raw_named(mbuf *b, const char *text, bool event, char hash[65])
{
    char name[100], h[65];
    hex(h, text, strlen(text));
    snprintf(name, sizeof name, "%s.%s.json", h, event ? "event" : "data");
    raw_entry(b, name, text, strlen(text), T_STAMP);
    if (hash != NULL)
        memcpy(hash, h, 65);
}

static void raw_data(mbuf *b, const char *text, char hash[65])
{
    raw_named(b, text, false, hash);
}

static void raw_event(mbuf *b, const char *text, char hash[65])
{
    raw_named(b, text, true, hash);
}

static void raw_header(mbuf *b)
{
    const char *text = "{\"version\":1,\"timestamp\":\"1234567\"}";
    raw_entry(b, "BELENIOS", text, strlen(text), T_STAMP);
}

/* A small valid board: header, setup (4 data + Setup), one ballot. */
typedef struct {
    mbuf b;
    char setup[65], ballot[65];         /* the two events */
    char election[65], setup_data[65];  /* two data entries */
    size_t ballot_data_offset, ev1_off; /* where the ballot data / Ballot event start */
} board;

static void make_board(board *bd)
{
    char e[65], t[65], c[65], text[512];
    memset(bd, 0, sizeof *bd);
    raw_header(&bd->b);
    raw_data(&bd->b, "{\"e\":1}", e);
    raw_data(&bd->b, "[\"t\"]", t);
    raw_data(&bd->b, "[\"c\"]", c);
    snprintf(text, sizeof text, "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}",
             e, t, c);
    raw_data(&bd->b, text, bd->setup_data);
    memcpy(bd->election, e, 65);
    snprintf(text, sizeof text, "{\"height\":0,\"type\":\"Setup\",\"payload\":\"%s\"}",
             bd->setup_data);
    raw_event(&bd->b, text, bd->setup);
    bd->ballot_data_offset = bd->b.len;
    char b1[65];
    raw_data(&bd->b, "{\"ballot\":1}", b1);
    bd->ev1_off = bd->b.len;
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":1,\"type\":\"Ballot\",\"payload\":\"%s\"}", bd->setup,
             b1);
    raw_event(&bd->b, text, bd->ballot);
}

/* Read a whole archive in memory; returns the first error (or CNS_OK), diag filled. */
static cns_err read_all(const unsigned char *p, size_t len, unsigned flags, cns_diag *diag,
                        cns_archive_head *head)
{
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    cns_err err = cns_archive_reader_open_mem(&r, p, len, flags, diag);
    if (err != CNS_OK)
        return err;
    while ((err = cns_archive_reader_next(r, &e, diag)) == CNS_OK && e.kind != CNS_ARCHIVE_END)
        ;
    if (head != NULL)
        cns_archive_reader_head(r, head);
    cns_archive_reader_free(r);
    return err;
}

static int run(const char *cmd)
{
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- reading the reference boards ---------------------------------------------------- */

typedef struct {
    uint64_t offset, end; /* header offset, end of the padded body */
    cns_archive_kind kind;
} span;

/* Read a reference archive; check entry kinds, the head; record entry spans. */
static void read_reference(const char *dir, const char *bel, uint64_t want_entries,
                           uint64_t want_height, span *spans)
{
    char path[512];
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    cns_archive_head head;
    cns_diag diag = {{0}};
    uint64_t events = 0, data = 0, n = 0;
    unsigned char last_event[32] = {0};
    cns_err err;
    CHECK_OK(cns_archive_reader_open(&r, testdata(dir, bel, path, sizeof path), 0, &diag));
    if (r == NULL)
        return;
    while ((err = cns_archive_reader_next(r, &e, &diag)) == CNS_OK && e.kind != CNS_ARCHIVE_END) {
        if (spans != NULL) {
            spans[n].offset = e.offset;
            spans[n].end = e.offset + 512 + (e.len + 511) / 512 * 512;
            spans[n].kind = e.kind;
        }
        CHECK(e.index == n);
        n++;
        events += e.kind == CNS_ARCHIVE_EVENT;
        data += e.kind == CNS_ARCHIVE_DATA;
        if (e.kind == CNS_ARCHIVE_EVENT)
            memcpy(last_event, e.hash, 32);
    }
    CHECK_OK(err);
    if (err != CNS_OK)
        fprintf(stderr, "  %s: %s\n", bel, diag.text);
    cns_archive_reader_head(r, &head);
    CHECK(n == want_entries && head.entries == want_entries);
    CHECK(events == want_height + 1);
    CHECK(head.has_event && head.height == want_height && head.type == CNS_EVENT_RESULT);
    CHECK(memcmp(head.hash, last_event, 32) == 0);
    /* END is sticky and clean. */
    CHECK_OK(cns_archive_reader_next(r, &e, &diag));
    CHECK(e.kind == CNS_ARCHIVE_END);
    cns_archive_reader_free(r);

    /* The same through memory, through head_of_file, and with data bodies skipped. */
    mbuf m;
    cns_archive_head h2, h3, h4;
    CHECK(read_file(path, &m));
    CHECK(head.bytes == m.len);
    CHECK_OK(read_all(m.p, m.len, 0, &diag, &h2));
    CHECK_OK(read_all(m.p, m.len, CNS_ARCHIVE_SKIP_DATA, &diag, &h3));
    CHECK_OK(cns_archive_head_of_file(&h4, path, &diag));
    CHECK(memcmp(&h2, &head, sizeof head) == 0);
    CHECK(memcmp(&h3, &head, sizeof head) == 0);
    CHECK(memcmp(&h4, &head, sizeof head) == 0);
    free(m.p);
}

/* ---- rebuilding through the writer ------------------------------------------------- */

/*
 * Copy the reference archive entry by entry through the writer into out_path.
 * If split_height is not UINT64_MAX, close after that event and reopen for
 * appending (exercises cns_archive_writer_open).
 */
static bool rebuild(const char *in_path, const char *out_path, uint64_t split_height,
                    uint64_t stop_height)
{
    cns_archive_reader *r = NULL;
    cns_archive_writer *w = NULL;
    cns_archive_entry e;
    cns_diag diag = {{0}};
    bool ok = false;
    cns_err err;
    unlink(out_path);
    if (cns_archive_reader_open(&r, in_path, 0, &diag) != CNS_OK)
        goto done;
    while ((err = cns_archive_reader_next(r, &e, &diag)) == CNS_OK && e.kind != CNS_ARCHIVE_END) {
        unsigned char h[32];
        if (e.kind == CNS_ARCHIVE_HEADER) {
            cns_archive_head head;
            cns_archive_reader_head(r, &head);
            err = cns_archive_writer_create(&w, out_path, head.timestamp, &diag);
        } else if (e.kind == CNS_ARCHIVE_DATA) {
            err = cns_archive_writer_add_data(w, e.content, e.len, h, &diag);
            if (err == CNS_OK && memcmp(h, e.hash, 32) != 0)
                err = CNS_ERR_INTERNAL;
        } else {
            err = cns_archive_writer_add_event(
                w, e.event.type, e.event.has_payload ? e.event.payload : NULL, h, &diag);
            if (err == CNS_OK && memcmp(h, e.hash, 32) != 0)
                err = CNS_ERR_INTERNAL;
            if (err == CNS_OK && e.event.height == stop_height)
                break;
            if (err == CNS_OK && e.event.height == split_height) {
                err = cns_archive_writer_close(w, &diag);
                w = NULL;
                if (err == CNS_OK)
                    err = cns_archive_writer_open(&w, out_path, &diag);
            }
        }
        if (err != CNS_OK)
            goto done;
    }
    if (err != CNS_OK)
        goto done;
    err = cns_archive_writer_close(w, &diag);
    w = NULL;
    ok = err == CNS_OK;
done:
    if (!ok)
        fprintf(stderr, "  rebuild: %s\n", diag.text);
    cns_archive_writer_free(w);
    cns_archive_reader_free(r);
    return ok;
}

static void test_rebuild(const char *dir, const char *bel)
{
    char in[512], out[512];
    mbuf a, b;
    testdata(dir, bel, in, sizeof in);
    snprintf(out, sizeof out, "%s/%s", tmpdir, bel);
    CHECK(rebuild(in, out, UINT64_MAX, UINT64_MAX));
    CHECK(read_file(in, &a) && read_file(out, &b));
    CHECK(a.len == b.len && a.len > 0 && memcmp(a.p, b.p, a.len) == 0);
    free(b.p);
    /* Again, stopping and reopening the archive after the 7th event. */
    CHECK(rebuild(in, out, 7, UINT64_MAX));
    CHECK(read_file(out, &b));
    CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
    free(b.p);
    free(a.p);
}

/* belenios-tool accepts a board the writer rebuilt (stopping and reopening once). */
static void test_belenios_tool(void)
{
    char in[512], dir[512], out[600], cmd[2048];
    testdata(FF_DIR, FF_BEL, in, sizeof in);
    CHECK(run("command -v belenios-tool >/dev/null 2>&1") == 0);
    snprintf(dir, sizeof dir, "%s/tool", tmpdir);
    mkdir(dir, 0700);
    snprintf(out, sizeof out, "%s/%s", dir, FF_BEL);
    CHECK(rebuild(in, out, 12, UINT64_MAX));
    snprintf(cmd, sizeof cmd, "belenios-tool election verify --dir '%s' >'%s/log' 2>&1", dir,
             tmpdir);
    int rc = run(cmd);
    CHECK(rc == 0);
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s/log' >&2", tmpdir);
        (void)run(cmd);
    }
    /* The tool does look at the bytes: one flipped byte in a ballot and it refuses. */
    mbuf m;
    CHECK(read_file(out, &m));
    m.p[512 * 80 + 100] ^= 1;
    FILE *f = fopen(out, "wb");
    CHECK(f != NULL && fwrite(m.p, 1, m.len, f) == m.len);
    if (f != NULL)
        fclose(f);
    free(m.p);
    CHECK(run(cmd) != 0);
    /* tar itself lists a board the writer made from scratch. */
    cns_archive_writer *w = NULL;
    cns_diag diag = {{0}};
    unsigned char h[32];
    snprintf(out, sizeof out, "%s/small.bel", tmpdir);
    CHECK_OK(cns_archive_writer_create(&w, out, T_STAMP, &diag));
    CHECK_OK(cns_archive_writer_add_data(w, "{}", 2, h, &diag));
    CHECK_ERR(cns_archive_writer_close(w, &diag), CNS_ERR_INVALID);
    snprintf(cmd, sizeof cmd, "TZ=UTC tar -tvf '%s' > '%s/list' 2>&1", out, tmpdir);
    CHECK(run(cmd) == 0);
    snprintf(cmd, sizeof cmd, "grep -q '^-rw-r--r-- 0/0 *35 1970-01-15 .* BELENIOS$' '%s/list'",
             tmpdir);
    CHECK(run(cmd) == 0);
}

/* ---- truncation at every block boundary and inside blocks ----------------------------------- */

static void test_truncation(void)
{
    char path[512];
    span spans[128];
    mbuf m;
    cns_diag diag;
    size_t n_spans = 61, bad = 0;
    read_reference(ED_DIR, ED_BEL, 61, 26, spans);
    CHECK(read_file(testdata(ED_DIR, ED_BEL, path, sizeof path), &m));
    for (size_t cut = 0; cut < m.len; cut += 256) {
        size_t at = cut;
        cns_err want = CNS_ERR_DECODE, got;
        const char *needle = "truncated";
        if (at == 0) {
            needle = "empty archive";
        } else if (at % 512 == 0) {
            for (size_t i = 0; i < n_spans; i++) {
                if (spans[i].end == at) {
                    want = spans[i].kind == CNS_ARCHIVE_DATA ? CNS_ERR_INVALID : CNS_OK;
                    needle = want == CNS_OK ? "" : "not followed by an event";
                }
            }
        }
        memset(&diag, 0, sizeof diag);
        got = read_all(m.p, at, 0, &diag, NULL);
        if (got != want || strstr(diag.text, needle) == NULL) {
            bad++;
            fprintf(stderr, "  cut at %zu: got %d (%s), want %d\n", at, (int)got, diag.text,
                    (int)want);
        }
    }
    CHECK(bad == 0);
    /* Inside a header block and inside a body, with the entry named. */
    CHECK_ERR(read_all(m.p, spans[5].offset + 100, 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "entry 5 (offset");
    CHECK_CONTAINS(diag.text, "header block of 100 bytes");
    CHECK_ERR(read_all(m.p, spans[6].offset + 512 + 700, 0, &diag, NULL), CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "entry 6 (offset");
    CHECK_CONTAINS(diag.text, "truncated archive: body");
    CHECK_ERR(read_all(m.p, m.len - 1, 0, &diag, NULL), CNS_ERR_DECODE);
    free(m.p);
}

/* ---- tampering with the reference boards ------------------------------------------- */

static void expect(const mbuf *m, cns_err want, const char *needle)
{
    cns_diag diag = {{0}};
    cns_err got = read_all(m->p, m->len, 0, &diag, NULL);
    CHECK(got == want);
    CHECK_CONTAINS(diag.text, needle);
    if (got != want)
        fprintf(stderr, "  expected %s, got %s: %s\n", cns_strerror(want), cns_strerror(got),
                diag.text);
}

static void test_tamper_reference(void)
{
    char path[512];
    span spans[128];
    mbuf m;
    read_reference(ED_DIR, ED_BEL, 61, 26, spans);
    CHECK(read_file(testdata(ED_DIR, ED_BEL, path, sizeof path), &m));

    /* A flipped byte in a data body: its hash no longer matches its name. */
    m.p[spans[6].offset + 512 + 40] ^= 0x01;
    expect(&m, CNS_ERR_VERIFY, "does not match the entry name");
    expect(&m, CNS_ERR_VERIFY, "entry 6 (offset");
    m.p[spans[6].offset + 512 + 40] ^= 0x01;

    /* A flipped byte in a header name: tar checksum. */
    m.p[spans[7].offset + 3] ^= 0x01;
    expect(&m, CNS_ERR_DECODE, "tar header checksum");
    m.p[spans[7].offset + 3] ^= 0x01;
    /* The checksum field itself. */
    m.p[spans[7].offset + 150] = m.p[spans[7].offset + 150] == '1' ? '2' : '1';
    expect(&m, CNS_ERR_DECODE, "tar header checksum");
    free(m.p);

    /* Appended end-of-archive zero blocks, as GNU tar would write. */
    CHECK(read_file(path, &m));
    static const unsigned char zeros[1024];
    put(&m, zeros, sizeof zeros);
    expect(&m, CNS_ERR_DECODE, "zero block");
    free(m.p);

    /* An entry after a bad one: the error sticks, nothing more is read. */
    CHECK(read_file(path, &m));
    m.p[spans[3].offset + 512 + 10] ^= 0x20;
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    cns_diag d1 = {{0}}, d2 = {{0}};
    cns_err err;
    CHECK_OK(cns_archive_reader_open_mem(&r, m.p, m.len, 0, &d1));
    for (int i = 0; i < 3; i++)
        CHECK_OK(cns_archive_reader_next(r, &e, &d1));
    CHECK_ERR(cns_archive_reader_next(r, &e, &d1), CNS_ERR_VERIFY);
    CHECK_CONTAINS(d1.text, "entry 3 (offset");
    err = cns_archive_reader_next(r, &e, &d2);
    CHECK(err == CNS_ERR_VERIFY && strcmp(d1.text, d2.text) == 0 && e.kind == CNS_ARCHIVE_END);
    cns_archive_head head;
    cns_archive_reader_head(r, &head);
    CHECK(head.entries == 3 && !head.has_event);
    cns_archive_reader_free(r);
    free(m.p);
}

/* ---- tampering with synthetic boards --------------------------------------------- */

static void test_synthetic_ok(void)
{
    board bd;
    cns_archive_head head;
    cns_diag diag = {{0}};
    make_board(&bd);
    CHECK_OK(read_all(bd.b.p, bd.b.len, 0, &diag, &head));
    CHECK(head.entries == 8 && head.height == 1 && head.timestamp == T_STAMP);
    char h[65];
    cns_hash_to_hex(h, head.hash);
    CHECK(strcmp(h, bd.ballot) == 0);
    free(bd.b.p);
}

static void test_events(void)
{
    board bd;
    char text[512], b2[65];

    /* Wrong height. */
    make_board(&bd);
    raw_data(&bd.b, "{\"ballot\":2}", b2);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":3,\"type\":\"Ballot\",\"payload\":\"%s\"}", bd.ballot,
             b2);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_VERIFY, "event height 3, expected 2");
    expect(&bd.b, CNS_ERR_VERIFY, "entry 9 (offset");
    free(bd.b.p);

    /* Broken parent link: the parent is the Setup event, not the last Ballot. */
    make_board(&bd);
    raw_data(&bd.b, "{\"ballot\":2}", b2);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":2,\"type\":\"Ballot\",\"payload\":\"%s\"}", bd.setup,
             b2);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_VERIFY, "broken chain: parent");
    free(bd.b.p);

    /* Missing parent. */
    make_board(&bd);
    raw_data(&bd.b, "{\"ballot\":2}", b2);
    snprintf(text, sizeof text, "{\"height\":2,\"type\":\"Ballot\",\"payload\":\"%s\"}", b2);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_VERIFY, "has no parent");
    free(bd.b.p);

    /* Payload referring to a data entry that is not there (the election, earlier). */
    make_board(&bd);
    raw_data(&bd.b, "{\"ballot\":2}", b2);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":2,\"type\":\"Ballot\",\"payload\":\"%s\"}", bd.ballot,
             bd.election);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_NOTFOUND, "is not among the data entries right before the event");
    free(bd.b.p);

    /* Payload with no data at all before the event. */
    make_board(&bd);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":2,\"type\":\"Ballot\",\"payload\":\"%s\"}", bd.ballot,
             "00000000000000000000000000000000000000000000000000000000000000ff");
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_NOTFOUND, "payload 0000");
    free(bd.b.p);

    /* Two data entries before a Ballot. */
    make_board(&bd);
    raw_data(&bd.b, "{\"extra\":1}", NULL);
    raw_data(&bd.b, "{\"ballot\":2}", b2);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":2,\"type\":\"Ballot\",\"payload\":\"%s\"}", bd.ballot,
             b2);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_INVALID, "must come right after 1 data entries, found 2");
    free(bd.b.p);

    /* Unknown event type. */
    make_board(&bd);
    raw_data(&bd.b, "{\"ballot\":2}", b2);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":2,\"type\":\"Vote\",\"payload\":\"%s\"}", bd.ballot,
             b2);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_DECODE, "unknown event type \"Vote\"");
    free(bd.b.p);

    /* Out of phase: Result right after a Ballot; Setup twice; EndBallots with payload. */
    make_board(&bd);
    raw_data(&bd.b, "{\"result\":[]}", b2);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":2,\"type\":\"Result\",\"payload\":\"%s\"}", bd.ballot,
             b2);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_INVALID, "Result event not allowed after Ballot");
    free(bd.b.p);

    make_board(&bd);
    raw_data(&bd.b, "{\"ballot\":2}", b2);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":2,\"type\":\"EndBallots\",\"payload\":\"%s\"}",
             bd.ballot, b2);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_INVALID, "EndBallots event with a payload");
    free(bd.b.p);

    make_board(&bd);
    snprintf(text, sizeof text, "{\"parent\":\"%s\",\"height\":2,\"type\":\"EndBallots\"}",
             bd.ballot);
    char end[65];
    raw_event(&bd.b, text, end);
    expect(&bd.b, CNS_OK, "");
    snprintf(text, sizeof text, "{\"parent\":\"%s\",\"height\":3,\"type\":\"EndBallots\"}", end);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_INVALID, "EndBallots event not allowed after EndBallots");
    free(bd.b.p);

    /* Data left hanging at the end. */
    make_board(&bd);
    raw_data(&bd.b, "{\"ballot\":2}", NULL);
    expect(&bd.b, CNS_ERR_INVALID, "ends with 1 data entries not followed by an event");
    free(bd.b.p);
}

/* Copy form into out, putting a then b in place of its two "%s" (no printf: forms vary). */
static void fill2(char *out, size_t cap, const char *form, const char *a, const char *b)
{
    const char *args[2] = {a, b};
    size_t n = 0, k = 0;
    for (const char *p = form; *p != '\0' && n + 1 < cap; p++) {
        if (p[0] == '%' && p[1] == 's' && k < 2) {
            size_t l = strlen(args[k]);
            if (n + l + 1 >= cap)
                break;
            memcpy(out + n, args[k++], l);
            n += l;
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* Replace the Ballot event of the board by text (valid tar entry, correct hash name). */
static void board_with_event(board *bd, const char *text)
{
    make_board(bd);
    bd->b.len = bd->ev1_off;
    raw_event(&bd->b, text, NULL);
}

static void test_noncanonical_events(void)
{
    board bd;
    char text[512], b1[65];
    hex(b1, "{\"ballot\":1}", strlen("{\"ballot\":1}"));
    make_board(&bd);
    const char *setup = bd.setup;
    char s[65];
    memcpy(s, setup, 65);
    free(bd.b.p);
    static const char *const forms[][2] = {
        {"{\"parent\":\"%s\", \"height\":1,\"type\":\"Ballot\",\"payload\":\"%s\"}", "canonical"},
        {"{\"height\":1,\"parent\":\"%s\",\"type\":\"Ballot\",\"payload\":\"%s\"}", "canonical"},
        {"{\"parent\":\"%s\",\"height\":1,\"type\":\"Ballot\",\"payload\":\"%s\"}\n", "canonical"},
        {"{\"parent\":\"%s\",\"height\":1,\"height\":1,\"type\":\"Ballot\",\"payload\":\"%s\"}",
         "duplicate"},
        {"{\"parent\":\"%s\",\"height\":1.0,\"type\":\"Ballot\",\"payload\":\"%s\"}", "height"},
        {"{\"parent\":\"%s\",\"height\":\"1\",\"type\":\"Ballot\",\"payload\":\"%s\"}", "height"},
        {"{\"parent\":\"%s\",\"height\":1,\"type\":\"Ballot\",\"payload\":\"%s\",\"x\":1}",
         "unknown field \"x\""},
        {"{\"parent\":\"%s\",\"height\":1,\"type\":\"Ballot\",\"payload\":\"%s\"", "invalid JSON"},
        {"{\"parent\":\"%s\",\"height\":1,\"type\":\"\\u0042allot\",\"payload\":\"%s\"}",
         "canonical"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        fill2(text, sizeof text, forms[i][0], s, b1);
        board_with_event(&bd, text);
        expect(&bd.b, CNS_ERR_DECODE, forms[i][1]);
        free(bd.b.p);
    }
    /* Upper-case hex in the payload. */
    for (char *p = b1; *p; p++)
        *p = (*p >= 'a' && *p <= 'f') ? (char)(*p - 32) : *p;
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":1,\"type\":\"Ballot\",\"payload\":\"%s\"}", s, b1);
    board_with_event(&bd, text);
    expect(&bd.b, CNS_ERR_DECODE, "not a SHA-256 hex hash");
    free(bd.b.p);
}

static void test_headers(void)
{
    board bd;
    mbuf m = {0};

    /* Non-canonical mode, still with a correct tar checksum. */
    make_board(&bd);
    unsigned char *h = bd.b.p + bd.ev1_off;
    h[105] = '6'; /* 0000664 */
    unsigned sum = 0;
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 7, "%06o", sum);
    h[155] = ' ';
    expect(&bd.b, CNS_ERR_DECODE, "field mode is not as belenios-tool writes it");
    /* ustar magic. */
    memcpy(h + 105, "4", 1);
    memcpy(h + 257, "ustar", 5);
    sum = 0;
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 7, "%06o", sum);
    h[155] = ' ';
    expect(&bd.b, CNS_ERR_DECODE, "field magic/ustar");
    free(bd.b.p);

    /* Another mtime. */
    char name[100], hh[65];
    make_board(&bd);
    size_t off = bd.ballot_data_offset;
    bd.b.len = off;
    hex(hh, "{\"ballot\":1}", 12);
    snprintf(name, sizeof name, "%s.data.json", hh);
    raw_entry(&bd.b, name, "{\"ballot\":1}", 12, T_STAMP + 1);
    expect(&bd.b, CNS_ERR_DECODE, "mtime 1234568 differs from the archive timestamp 1234567");
    free(bd.b.p);

    /* Name: upper-case hex; other suffix; not NUL-terminated. */
    make_board(&bd);
    bd.b.len = bd.ballot_data_offset;
    snprintf(name, sizeof name, "%s.data.json", hh);
    name[0] = name[0] >= 'a' ? (char)(name[0] - 32) : 'A';
    raw_entry(&bd.b, name, "{\"ballot\":1}", 12, T_STAMP);
    expect(&bd.b, CNS_ERR_DECODE, "bad entry name");
    bd.b.len = bd.ballot_data_offset;
    snprintf(name, sizeof name, "%s.json", hh);
    raw_entry(&bd.b, name, "{\"ballot\":1}", 12, T_STAMP);
    expect(&bd.b, CNS_ERR_DECODE, "bad entry name");
    bd.b.len = bd.ballot_data_offset;
    raw_entry(&bd.b, "BELENIOS", "{}", 2, T_STAMP);
    expect(&bd.b, CNS_ERR_DECODE, "bad entry name \"BELENIOS\"");
    free(bd.b.p);

    /* Non-zero padding. */
    make_board(&bd);
    bd.b.p[bd.ballot_data_offset + 512 + 200] = 1;
    expect(&bd.b, CNS_ERR_DECODE, "non-zero byte in the padding");
    free(bd.b.p);

    /* First entry: missing, wrong name, bad JSON, other version, non-canonical. */
    raw_data(&m, "{}", NULL);
    expect(&m, CNS_ERR_DECODE, "does not start with a BELENIOS entry");
    m.len = 0;
    static const char *const heads[][2] = {
        {"{\"version\":2,\"timestamp\":\"1234567\"}", "version is not 1"},
        {"{\"version\":1,\"timestamp\":1234567}", "timestamp is not a decimal string"},
        {"{\"version\":1,\"timestamp\":\"01234567\"}", "timestamp is not a decimal string"},
        {"{\"timestamp\":\"1234567\",\"version\":1}", "not in canonical form"},
        {"{\"version\":1,\"timestamp\":\"1234567\",\"x\":0}", "unknown field"},
        {"{\"version\":1,\"version\":1,\"timestamp\":\"1234567\"}", "duplicate"},
        {"[1]", "not a JSON object"},
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        m.len = 0;
        raw_entry(&m, "BELENIOS", heads[i][0], strlen(heads[i][0]), T_STAMP);
        expect(&m, CNS_ERR_DECODE, heads[i][1]);
    }
    /* A BELENIOS entry alone is a valid (empty) board. */
    m.len = 0;
    raw_header(&m);
    expect(&m, CNS_OK, "");
    /* An oversized event, and a first entry over its limit. */
    char big[CNS_ARCHIVE_EVENT_MAX + 10];
    memset(big, ' ', sizeof big);
    big[sizeof big - 1] = '\0';
    big[0] = '{';
    big[sizeof big - 2] = '}';
    raw_event(&m, big, NULL);
    expect(&m, CNS_ERR_LIMIT, "at most 1024");
    m.len = 0;
    raw_entry(&m, "BELENIOS", big, strlen(big), T_STAMP);
    expect(&m, CNS_ERR_LIMIT, "at most 128");
    free(m.p);
}

/* A wrapper (setup_data, sized tally, owned) naming entries that are not right before it. */
static void test_wrappers(void)
{
    mbuf m = {0};
    char e[65], t[65], c[65], sd[65], text[512], ev[65], tally[65], sized[65];

    /* setup_data naming entries in the wrong order. */
    raw_header(&m);
    raw_data(&m, "{\"e\":1}", e);
    raw_data(&m, "[\"t\"]", t);
    raw_data(&m, "[\"c\"]", c);
    snprintf(text, sizeof text, "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}",
             t, e, c);
    raw_data(&m, text, sd);
    snprintf(text, sizeof text, "{\"height\":0,\"type\":\"Setup\",\"payload\":\"%s\"}", sd);
    raw_event(&m, text, NULL);
    expect(&m, CNS_ERR_INVALID, "setup_data: election");
    expect(&m, CNS_ERR_INVALID, "wrong order");

    /* setup_data naming something absent. */
    m.len = 0;
    raw_header(&m);
    raw_data(&m, "{\"e\":1}", e);
    raw_data(&m, "[\"t\"]", t);
    raw_data(&m, "[\"c\"]", c);
    snprintf(text, sizeof text, "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}",
             e, t, e);
    raw_data(&m, text, sd);
    snprintf(text, sizeof text, "{\"height\":0,\"type\":\"Setup\",\"payload\":\"%s\"}", sd);
    raw_event(&m, text, NULL);
    expect(&m, CNS_ERR_INVALID, "setup_data: credentials");

    m.len = 0;
    raw_header(&m);
    raw_data(&m, "{\"e\":1}", e);
    raw_data(&m, "[\"t\"]", t);
    raw_data(&m, "[\"c\"]", c);
    snprintf(text, sizeof text,
             "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%064d\"}", e, t, 7);
    raw_data(&m, text, sd);
    snprintf(text, sizeof text, "{\"height\":0,\"type\":\"Setup\",\"payload\":\"%s\"}", sd);
    raw_event(&m, text, NULL);
    expect(&m, CNS_ERR_NOTFOUND, "setup_data: credentials 0000");

    /* setup_data not canonical. */
    m.len = 0;
    raw_header(&m);
    raw_data(&m, "{\"e\":1}", e);
    raw_data(&m, "[\"t\"]", t);
    raw_data(&m, "[\"c\"]", c);
    snprintf(text, sizeof text, "{\"election\":\"%s\",\"credentials\":\"%s\",\"trustees\":\"%s\"}",
             e, c, t);
    raw_data(&m, text, sd);
    snprintf(text, sizeof text, "{\"height\":0,\"type\":\"Setup\",\"payload\":\"%s\"}", sd);
    raw_event(&m, text, NULL);
    expect(&m, CNS_ERR_DECODE, "setup_data is not in canonical form");
    free(m.p);

    /* A full phase run with a sized tally and owned wrappers, then a bad owned one. */
    board bd;
    make_board(&bd);
    snprintf(text, sizeof text, "{\"parent\":\"%s\",\"height\":2,\"type\":\"EndBallots\"}",
             bd.ballot);
    raw_event(&bd.b, text, ev);
    raw_data(&bd.b, "[[]]", tally);
    snprintf(text, sizeof text, "{\"num_tallied\":1,\"total_weight\":1,\"encrypted_tally\":\"%s\"}",
             tally);
    raw_data(&bd.b, text, sized);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":3,\"type\":\"EncryptedTally\",\"payload\":\"%s\"}", ev,
             sized);
    raw_event(&bd.b, text, ev);
    expect(&bd.b, CNS_OK, "");
    char tally_ev[65];
    memcpy(tally_ev, ev, 65);
    size_t before_pd = bd.b.len;
    char pd[65], owned[65];
    raw_data(&bd.b, "{\"decryption_factors\":[]}", pd);
    snprintf(text, sizeof text, "{\"owner\":1,\"payload\":\"%s\"}", pd);
    raw_data(&bd.b, text, owned);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":4,\"type\":\"PartialDecryption\",\"payload\":\"%s\"}",
             ev, owned);
    raw_event(&bd.b, text, ev);
    expect(&bd.b, CNS_OK, "");
    /* Result, then nothing more may come. */
    char res[65];
    raw_data(&bd.b, "{\"result\":[]}", res);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":5,\"type\":\"Result\",\"payload\":\"%s\"}", ev, res);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_OK, "");
    raw_data(&bd.b, "{}", NULL);
    expect(&bd.b, CNS_ERR_INVALID, "data entry after the Result event");
    /* An owned wrapper naming an absent payload. */
    bd.b.len = before_pd;
    raw_data(&bd.b, "{\"decryption_factors\":[]}", pd);
    snprintf(text, sizeof text, "{\"owner\":1,\"payload\":\"%s\"}", bd.election);
    raw_data(&bd.b, text, owned);
    snprintf(text, sizeof text,
             "{\"parent\":\"%s\",\"height\":4,\"type\":\"PartialDecryption\",\"payload\":\"%s\"}",
             tally_ev, owned);
    raw_event(&bd.b, text, NULL);
    expect(&bd.b, CNS_ERR_NOTFOUND, "owned payload");
    free(bd.b.p);
}

/* ---- the writer ------------------------------------------------------------------ */

static void test_writer(void)
{
    char path[600], cmd[1400];
    cns_archive_writer *w = NULL, *w2 = NULL;
    cns_diag diag = {{0}};
    unsigned char e[32], t[32], c[32], sd[32], ev[32], b[32];
    char text[512], he[65], ht[65], hc[65];
    cns_archive_head head, head2;

    snprintf(path, sizeof path, "%s/w.bel", tmpdir);
    CHECK_ERR(cns_archive_writer_create(&w, path, CNS_ARCHIVE_TIMESTAMP_MAX + 1, &diag),
              CNS_ERR_INVALID);
    CHECK(w == NULL);
    CHECK_OK(cns_archive_writer_create(&w, path, T_STAMP, &diag));
    /* Exists already; locked by the first writer. */
    CHECK_ERR(cns_archive_writer_create(&w2, path, T_STAMP, &diag), CNS_ERR_IO);
    CHECK_ERR(cns_archive_writer_open(&w2, path, &diag), CNS_ERR_IO);
    CHECK_CONTAINS(diag.text, "cannot lock");
    /* Ballot before Setup; Setup without its four data entries. */
    CHECK_OK(cns_archive_writer_add_data(w, "{\"ballot\":1}", 12, b, &diag));
    CHECK_ERR(cns_archive_writer_add_event(w, CNS_EVENT_BALLOT, b, NULL, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "the first event is Ballot, not Setup");
    CHECK_ERR(cns_archive_writer_add_event(w, CNS_EVENT_SETUP, b, NULL, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "must come right after 4 data entries, found 1");
    CHECK_ERR(cns_archive_writer_add_event(w, (cns_event_type)99, b, NULL, &diag), CNS_ERR_INVALID);
    CHECK_ERR(cns_archive_writer_close(w, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "1 queued data entries without an event were dropped");
    w = NULL;
    /* The file still holds only the BELENIOS entry. */
    CHECK_OK(cns_archive_head_of_file(&head, path, &diag));
    CHECK(head.entries == 1 && !head.has_event && head.bytes == 1024);

    CHECK_OK(cns_archive_writer_open(&w, path, &diag));
    CHECK_OK(cns_archive_writer_add_data(w, "{\"e\":1}", 7, e, &diag));
    CHECK_OK(cns_archive_writer_add_data(w, "[\"t\"]", 5, t, &diag));
    CHECK_OK(cns_archive_writer_add_data(w, "[\"c\"]", 5, c, &diag));
    cns_hash_to_hex(he, e);
    cns_hash_to_hex(ht, t);
    cns_hash_to_hex(hc, c);
    snprintf(text, sizeof text, "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}",
             he, ht, hc);
    CHECK_OK(cns_archive_writer_add_data(w, text, strlen(text), sd, &diag));
    CHECK_ERR(cns_archive_writer_add_data(w, "{}", 2, NULL, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "more than 4 data entries in a row");
    /* A payload that is not the last data entry. */
    CHECK_ERR(cns_archive_writer_add_event(w, CNS_EVENT_SETUP, e, NULL, &diag), CNS_ERR_INVALID);
    CHECK_ERR(cns_archive_writer_add_event(w, CNS_EVENT_SETUP, NULL, NULL, &diag), CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "Setup event without payload");
    CHECK_OK(cns_archive_writer_add_event(w, CNS_EVENT_SETUP, sd, ev, &diag));
    CHECK_ERR(cns_archive_writer_add_event(w, CNS_EVENT_END_BALLOTS, ev, NULL, &diag),
              CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "EndBallots event with a payload");
    CHECK_OK(cns_archive_writer_add_data(w, "{\"ballot\":1}", 12, b, &diag));
    CHECK_OK(cns_archive_writer_add_event(w, CNS_EVENT_BALLOT, b, ev, &diag));
    cns_archive_writer_head(w, &head);
    CHECK(head.height == 1 && head.entries == 8 && memcmp(head.hash, ev, 32) == 0);
    CHECK_OK(cns_archive_writer_sync(w, &diag));
    CHECK_OK(cns_archive_writer_close(w, &diag));
    CHECK_OK(cns_archive_writer_close(NULL, &diag));
    cns_archive_writer_free(NULL);
    cns_archive_reader_free(NULL);

    /* Same bytes as the independently built synthetic board. */
    board bd;
    mbuf m;
    make_board(&bd);
    CHECK(read_file(path, &m));
    CHECK(m.len == bd.b.len && memcmp(m.p, bd.b.p, m.len) == 0);
    free(m.p);
    free(bd.b.p);

    /* tar lists it. */
    snprintf(cmd, sizeof cmd, "tar -tvf '%s' | wc -l | grep -qx 8", path);
    CHECK(run(cmd) == 0);

    /* Auditor: the board extends its own earlier head; a fork or a shorter board does not. */
    CHECK_OK(cns_archive_head_of_file(&head, path, &diag));
    CHECK_OK(cns_archive_check_extends(path, &head, &head2, &diag));
    CHECK(memcmp(&head, &head2, sizeof head) == 0);
    CHECK_OK(cns_archive_writer_open(&w, path, &diag));
    CHECK_OK(cns_archive_writer_add_event(w, CNS_EVENT_END_BALLOTS, NULL, NULL, &diag));
    CHECK_OK(cns_archive_writer_close(w, &diag));
    CHECK_OK(cns_archive_check_extends(path, &head, &head2, &diag));
    CHECK(head2.height == 2 && head2.type == CNS_EVENT_END_BALLOTS);
    cns_archive_head forked = head;
    forked.hash[0] ^= 1;
    CHECK_ERR(cns_archive_check_extends(path, &forked, NULL, &diag), CNS_ERR_VERIFY);
    CHECK_CONTAINS(diag.text, "fork: the event at height 1");
    forked = head;
    forked.height = 9;
    CHECK_ERR(cns_archive_check_extends(path, &forked, NULL, &diag), CNS_ERR_NOTFOUND);
    forked = head;
    forked.timestamp++;
    CHECK_ERR(cns_archive_check_extends(path, &forked, NULL, &diag), CNS_ERR_VERIFY);
    CHECK_CONTAINS(diag.text, "timestamp");

    /* Opening a board that ends with hanging data, or is not a board. */
    snprintf(path, sizeof path, "%s/hanging.bel", tmpdir);
    make_board(&bd);
    raw_data(&bd.b, "{}", NULL);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(bd.b.p, 1, bd.b.len, f) == bd.b.len);
    if (f != NULL)
        fclose(f);
    free(bd.b.p);
    CHECK_ERR(cns_archive_writer_open(&w, path, &diag), CNS_ERR_INVALID);
    CHECK(w == NULL);
    /* The head of a refused board is that of its valid part. */
    CHECK_ERR(cns_archive_head_of_file(&head, path, &diag), CNS_ERR_INVALID);
    CHECK(head.has_event && head.height == 1 && head.entries == 9);
    CHECK_ERR(cns_archive_writer_open(&w, "/nonexistent/x.bel", &diag), CNS_ERR_IO);
    CHECK_ERR(cns_archive_head_of_file(&head, tmpdir, &diag), CNS_ERR_IO);
    CHECK_CONTAINS(diag.text, "not a regular file");
}

static void test_names(void)
{
    cns_event_type t;
    unsigned char h[32];
    char s[65];
    CHECK_OK(cns_event_type_from_name(&t, "PartialDecryption", 17));
    CHECK(t == CNS_EVENT_PARTIAL_DECRYPTION);
    CHECK_ERR(cns_event_type_from_name(&t, "Partial", 7), CNS_ERR_DECODE);
    CHECK_ERR(cns_event_type_from_name(&t, "setup", 5), CNS_ERR_DECODE);
    CHECK(strcmp(cns_event_type_name(CNS_EVENT_END_SHUFFLES), "EndShuffles") == 0);
    CHECK(cns_event_type_name((cns_event_type)8) == NULL);
    const char *x = "e71f3344aabbccddeeff00112233445566778899aabbccddeeff00112233f9b7";
    CHECK_OK(cns_hash_from_hex(h, x, 64));
    cns_hash_to_hex(s, h);
    CHECK(strcmp(s, x) == 0);
    CHECK_ERR(cns_hash_from_hex(h, x, 63), CNS_ERR_DECODE);
    CHECK_ERR(cns_hash_from_hex(
                  h, "E71f3344aabbccddeeff00112233445566778899aabbccddeeff00112233f9b7", 64),
              CNS_ERR_DECODE);
}

int main(void)
{
    if (sodium_init() < 0 || mkdtemp(tmpdir) == NULL)
        return 2;
    test_names();
    read_reference(FF_DIR, FF_BEL, 61, 26, NULL);
    read_reference(ED_DIR, ED_BEL, 61, 26, NULL);
    test_rebuild(FF_DIR, FF_BEL);
    test_rebuild(ED_DIR, ED_BEL);
    test_truncation();
    test_tamper_reference();
    test_synthetic_ok();
    test_events();
    test_noncanonical_events();
    test_headers();
    test_wrappers();
    test_writer();
    test_belenios_tool();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    (void)run(cmd);
    return CHECK_DONE();
}
