/*
 * Saving and restoring an archive writer's chain state, so that a board can
 * come back to a mark after a store's transaction failed
 * (src/board/mark.c). Internal to the library.
 */
#ifndef CONSULTA_RECORD_WRITER_STATE_H
#define CONSULTA_RECORD_WRITER_STATE_H

#include "consulta/archive.h"

/* OUT: *state, a copy of the writer's chain state (malloc'd; free it). Errors: CNS_ERR_NOMEM. */
CNS_NODISCARD cns_err cns_archive_writer_save(const cns_archive_writer *writer, void **state);

/* Put the writer back in a saved state: queued entries dropped, not failed. */
void cns_archive_writer_restore(cns_archive_writer *writer, const void *state);

#endif
