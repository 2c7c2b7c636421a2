/*
 * Reading a record's ballots on all cores (internal.h): Ballot events are
 * queued as they are read; a full queue (or any other event, or the end) is
 * parsed and verified in parallel, then each ballot is held to the board
 * rules and counted strictly in order, so that the board's state and the
 * first failure reported are exactly those of reading one ballot at a time.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ballot/pool.h"
#include "board/internal.h"

/* Enough ballots to keep every core busy between two flushes, few enough to stay small. */
#define BATCH_BALLOTS 64

typedef struct queued {
    char *bytes;
    size_t len;
    uint64_t height; /* of the Ballot event */
    cns_ballot *ballot;
    cns_err err;
    cns_diag diag;
} queued;

struct ballot_batch {
    queued items[BATCH_BALLOTS];
    size_t n;
};

/* The parallel half: parse and (unless trusted) verify item i. */
typedef struct job {
    const cns_board *board;
    queued *items;
} job;

static void verify_one(void *ctx, size_t i)
{
    const job *j = ctx;
    queued *q = &j->items[i];
    q->err = cns_ballot_parse(&q->ballot, j->board->election, q->bytes, q->len, &q->diag);
    if (q->err == CNS_OK && !j->board->trusted)
        q->err = cns_ballot_verify(j->board->election, q->ballot, &q->diag);
}

/* The sequential half: the rules, then the count, for one verified ballot. */
static cns_err apply_one(cns_board *b, queued *q, cns_diag *diag)
{
    ballot_marks *marks = NULL;
    cns_err err = q->err;
    if (err != CNS_OK)
        *diag = q->diag;
    if (err == CNS_OK)
        err = cns_board_check_rules(b, q->ballot, &marks, diag);
    if (err == CNS_OK)
        err = cns_board_commit_ballot(b, q->ballot, marks);
    if (err != CNS_OK)
        cns_diag_prefix(diag, err,
                        "Ballot event at height %llu: ballot %llu: ", (unsigned long long)q->height,
                        (unsigned long long)b->summary.ballots + 1);
    return err;
}

static void clear(struct ballot_batch *batch)
{
    for (size_t i = 0; i < batch->n; i++) {
        free(batch->items[i].bytes);
        cns_ballot_free(batch->items[i].ballot);
    }
    batch->n = 0;
}

cns_err cns_board_batch_flush(cns_board *b, cns_diag *diag)
{
    struct ballot_batch *batch = b->batch;
    cns_err err = CNS_OK;
    if (batch == NULL || batch->n == 0)
        return CNS_OK;
    job j = {b, batch->items};
    cns_pool_run(verify_one, &j, batch->n);
    for (size_t i = 0; i < batch->n && err == CNS_OK; i++)
        err = apply_one(b, &batch->items[i], diag);
    clear(batch);
    return err;
}

cns_err cns_board_batch_add(cns_board *b, const cns_archive_entry *event, pending_data *d,
                            cns_diag *diag)
{
    if (b->batch == NULL && (b->batch = calloc(1, sizeof *b->batch)) == NULL)
        return CNS_ERR_NOMEM;
    queued *q = &b->batch->items[b->batch->n++];
    *q = (queued){.bytes = d->bytes, .len = d->len, .height = event->event.height};
    d->bytes = NULL;
    return b->batch->n == BATCH_BALLOTS ? cns_board_batch_flush(b, diag) : CNS_OK;
}

void cns_board_batch_free(cns_board *b)
{
    if (b->batch != NULL)
        clear(b->batch);
    free(b->batch);
    b->batch = NULL;
}
