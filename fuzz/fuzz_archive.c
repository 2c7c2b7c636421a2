/*
 * libFuzzer target: the archive reader (consulta/archive.h) on an untrusted
 * board held in memory. The input is read twice, with every hash checked and
 * with data bodies skipped. Invariants: offsets increase by whole blocks and
 * content lies inside the input; a refusal carries a diagnostic naming the
 * entry and is one of the documented codes, and sticks; an accepted board is
 * accepted in both modes with the same head.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consulta/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

static bool documented(cns_err err)
{
    return err == CNS_ERR_DECODE || err == CNS_ERR_VERIFY || err == CNS_ERR_NOTFOUND ||
           err == CNS_ERR_INVALID || err == CNS_ERR_LIMIT;
}

static void check_entry(const cns_archive_entry *e, const uint8_t *data, size_t size,
                        uint64_t *next_offset, unsigned flags)
{
    require(e->offset == *next_offset && e->offset % CNS_ARCHIVE_BLOCK == 0);
    require(e->offset + CNS_ARCHIVE_BLOCK + e->len <= size);
    if (e->content == NULL)
        require((flags & CNS_ARCHIVE_SKIP_DATA) && e->kind == CNS_ARCHIVE_DATA);
    else
        require(e->content >= data && e->content + e->len <= data + size);
    *next_offset = e->offset + CNS_ARCHIVE_BLOCK +
                   (e->len + CNS_ARCHIVE_BLOCK - 1) / CNS_ARCHIVE_BLOCK * CNS_ARCHIVE_BLOCK;
}

static cns_err read_all(const uint8_t *data, size_t size, unsigned flags, cns_archive_head *head)
{
    cns_archive_reader *r = NULL;
    cns_archive_entry e;
    cns_diag diag = {{0}}, again = {{0}};
    uint64_t next_offset = 0;
    cns_err err;
    require(cns_archive_reader_open_mem(&r, data, size, flags, &diag) == CNS_OK);
    while ((err = cns_archive_reader_next(r, &e, &diag)) == CNS_OK && e.kind != CNS_ARCHIVE_END)
        check_entry(&e, data, size, &next_offset, flags);
    if (err == CNS_OK) {
        require(next_offset == size);
    } else {
        require(documented(err));
        require(strncmp(diag.text, "entry ", 6) == 0);
        require(cns_archive_reader_next(r, &e, &again) == err);
        require(strcmp(diag.text, again.text) == 0);
    }
    cns_archive_reader_head(r, head);
    cns_archive_reader_free(r);
    return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cns_archive_head full, skipped;
    cns_err err = read_all(data, size, 0, &full);
    cns_err err2 = read_all(data, size, CNS_ARCHIVE_SKIP_DATA, &skipped);
    if (err == CNS_OK) {
        require(err2 == CNS_OK);
        require(memcmp(&full, &skipped, sizeof full) == 0);
    }
    return 0;
}
