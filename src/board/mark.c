/*
 * A board coming back to a mark (consulta/board.h: cns_board_mark): what a
 * ballot changes is journaled while a mark is set, and a rewind undoes it
 * in reverse order — the fingerprints forgotten, each credential's last
 * ballot and revote count put back, the tally's sums, the summary and the
 * writer's chain restored. Anything else appended since makes the rewind
 * refuse: the caller reads the board again.
 */
#include <stdlib.h>
#include <string.h>

#include "board/internal.h"
#include "record/writer_state.h"
#include "tally/internal.h"

typedef struct board_mark {
    cns_board_summary summary;
    bool tally_final;
    size_t n_partials;
    void *writer;          /* the writer's saved state */
    cns_ciphertext *cells; /* the tally's sums */
    uint64_t num, weight;
    board_undo *undo;
    size_t n_undo, cap_undo;
    bool broken; /* a ballot could not be journaled whole */
} board_mark;

void cns_board_mark_free(cns_board *b)
{
    board_mark *m = b->mark;
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n_undo; i++)
        free(m->undo[i].alpha_keys);
    free(m->undo);
    free(m->writer);
    free(m->cells);
    free(m);
    b->mark = NULL;
}

cns_err cns_board_mark(cns_board *b)
{
    cns_board_mark_free(b);
    if (!b->has_store || b->writer == NULL || b->tally == NULL)
        return CNS_ERR_STATE;
    board_mark *m = calloc(1, sizeof *m);
    if (m == NULL)
        return CNS_ERR_NOMEM;
    b->mark = m;
    m->summary = b->summary;
    m->tally_final = b->tally_final;
    m->n_partials = b->n_partials;
    cns_err err = cns_archive_writer_save(b->writer, &m->writer);
    if (err == CNS_OK)
        err = cns_tally_save(b->tally, &m->cells, &m->num, &m->weight);
    if (err != CNS_OK)
        cns_board_mark_free(b);
    return err;
}

void cns_board_unmark(cns_board *b)
{
    cns_board_mark_free(b);
}

void cns_board_journal(cns_board *b, board_undo *u, bool ok)
{
    board_mark *m = b->mark;
    if (ok && m->n_undo == m->cap_undo) {
        size_t cap = m->cap_undo ? 2 * m->cap_undo : 16;
        board_undo *p = realloc(m->undo, cap * sizeof *p);
        if (p != NULL) {
            m->undo = p;
            m->cap_undo = cap;
        }
    }
    if (!ok || m->n_undo == m->cap_undo) {
        m->broken = true;
        free(u->alpha_keys);
        return;
    }
    m->undo[m->n_undo++] = *u;
}

/* Only ballots were appended since the mark, each journaled whole. */
static bool rewindable(const cns_board *b, const board_mark *m)
{
    const cns_board_summary *s = &b->summary, *t = &m->summary;
    return !m->broken && s->ballots_closed == t->ballots_closed && s->tallied == t->tallied &&
           s->has_result == t->has_result && s->partial_decryptions == t->partial_decryptions &&
           b->tally_final == m->tally_final && b->n_partials == m->n_partials &&
           s->ballots - t->ballots == m->n_undo;
}

static void forget(cns_board *b, const board_undo *u)
{
    cns_map_remove(&b->ballots_seen, u->ballot_key);
    for (size_t k = 0; k < u->n_alphas; k++)
        cns_map_remove(&b->alphas_seen, u->alpha_keys[k]);
    if (u->superseded != 0) {
        unsigned char key[CNS_KEY_BYTES] = {0};
        memcpy(key, &u->superseded, sizeof u->superseded);
        cns_map_remove(&b->superseded, key);
        uint64_t *revotes = cns_map_get(&b->revotes, u->credential_key);
        if (u->revote_inserted)
            cns_map_remove(&b->revotes, u->credential_key);
        else if (revotes != NULL)
            (*revotes)--;
    }
    uint64_t *cred = cns_map_get(&b->credentials, u->credential_key);
    if (cred != NULL)
        *cred = u->credential_before;
}

cns_err cns_board_rewind(cns_board *b)
{
    board_mark *m = b->mark;
    if (m == NULL || !rewindable(b, m))
        return CNS_ERR_STATE;
    for (size_t i = m->n_undo; i-- > 0;)
        forget(b, &m->undo[i]);
    cns_tally_restore(b->tally, m->cells, m->num, m->weight);
    cns_archive_writer_restore(b->writer, m->writer);
    b->summary = m->summary;
    cns_board_mark_free(b);
    return CNS_OK;
}
