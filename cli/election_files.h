/* Finding an election's files in its directory. */
#ifndef CONSULTA_CLI_ELECTION_FILES_H
#define CONSULTA_CLI_ELECTION_FILES_H

#include "consulta/board.h"
#include "consulta/election.h"

/*
 * The election of directory dir: DIR/election.json if present, else the
 * election recorded on the board (the first data entry of UUID.bel).
 * Returns NULL after printing why.
 */
cns_election *cli_load_election(const char *cmd, const char *dir);

/*
 * Open (read and verify) the board of dir, for appending when append.
 * Returns NULL after printing why.
 */
cns_board *cli_open_board(const char *cmd, const char *dir, bool append);

#endif
