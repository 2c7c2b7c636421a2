/* Finding an election's files (election_files.h). */
#include "election_files.h"

#include <stdlib.h>
#include <unistd.h>

#include "util.h"

/* The first data entry of the board: the election. */
static cns_election *election_from_board(const char *cmd, const char *path)
{
    cns_archive_reader *reader = NULL;
    cns_archive_entry entry = {0};
    cns_election *e = NULL;
    cns_diag diag = {{0}};
    cns_err err = cns_archive_reader_open(&reader, path, 0, &diag);
    while (err == CNS_OK && entry.kind != CNS_ARCHIVE_DATA) {
        err = cns_archive_reader_next(reader, &entry, &diag);
        if (err == CNS_OK && entry.kind == CNS_ARCHIVE_END)
            err = cns_diag_set(&diag, CNS_ERR_NOTFOUND, "%s: no election on the board", path);
    }
    if (err == CNS_OK)
        err = cns_election_parse(&e, (const char *)entry.content, entry.len, &diag);
    cns_archive_reader_free(reader);
    if (err != CNS_OK)
        cli_fail(cmd, err, &diag);
    return e;
}

cns_election *cli_load_election(const char *cmd, const char *dir)
{
    char path[4096];
    size_t len;
    cns_election *e = NULL;
    cns_diag diag = {{0}};
    cli_path(path, sizeof path, dir, "election.json");
    if (access(path, F_OK) != 0) {
        if (cli_find_board(path, sizeof path, dir) != 0)
            return NULL;
        return election_from_board(cmd, path);
    }
    char *json = cli_read(path, &len, true);
    if (json == NULL)
        return NULL;
    cns_err err = cns_election_parse(&e, json, len, &diag);
    free(json);
    if (err != CNS_OK) {
        cns_diag_prefix(&diag, err, "%s: ", path);
        cli_fail(cmd, err, &diag);
    }
    return e;
}

cns_board *cli_open_board(const char *cmd, const char *dir, bool append)
{
    char path[4096];
    cns_board *board = NULL;
    cns_diag diag = {{0}};
    if (cli_find_board(path, sizeof path, dir) != 0)
        return NULL;
    cns_err err =
        cns_board_open(&board, path, append ? CNS_BOARD_APPEND : 0, cli_progress, NULL, &diag);
    cli_progress_done();
    if (err != CNS_OK) {
        cns_diag_prefix(&diag, err, "%s: ", path);
        cli_fail(cmd, err, &diag);
        cns_board_free(board);
        return NULL;
    }
    return board;
}
