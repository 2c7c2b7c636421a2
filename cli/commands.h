/*
 * The consulta command's subcommands. Each cmd_<name> parses its own
 * arguments (argv[0] is the subcommand name), calls the library, prints, and
 * returns the process exit status: 0 on success, 1 when the input is refused
 * or a check fails, 2 on a usage error.
 */
#ifndef CONSULTA_CLI_COMMANDS_H
#define CONSULTA_CLI_COMMANDS_H

#include <stdint.h>

/* setting up (cmd_setup.c, cmd_trustee.c) */
int cmd_uuid(int argc, char **argv);
int cmd_credentials(int argc, char **argv);
int cmd_trustee(int argc, char **argv);
int cmd_election_make(int argc, char **argv);
/* the board (cmd_board.c) */
int cmd_archive_init(int argc, char **argv);
int cmd_add_event(int argc, char **argv);
int cmd_cast(int argc, char **argv);
int cmd_close(int argc, char **argv);
int cmd_tally(int argc, char **argv);
int cmd_result(int argc, char **argv);
/* voters and trustees (cmd_vote.c, cmd_decrypt.c) */
int cmd_ballot(int argc, char **argv);
int cmd_audit_ballot(int argc, char **argv); /* cmd_audit.c */
int cmd_decrypt(int argc, char **argv);
/* everyone (cmd_verify.c, cmd_count.c) */
int cmd_verify(int argc, char **argv);
int cmd_count(int argc, char **argv);
/* the signed record of the count (cmd_acta.c) */
int cmd_acta(int argc, char **argv);
/* the trustees' mixnet (cmd_shuffle.c) */
int cmd_shuffle(int argc, char **argv);
int cmd_shuffle_verify(int argc, char **argv);
/* trustee owner's shuffle of DIR's board (cmd_board.c): the exit status */
int cli_board_shuffle(const char *dir, uint64_t owner);
/* the board server (cmd_serve.c) */
int cmd_serve(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
