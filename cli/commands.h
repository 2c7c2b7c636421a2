/*
 * The consulta command's subcommands. Each cmd_<name> parses its own
 * arguments (argv[0] is the subcommand name), calls the library, prints, and
 * returns the process exit status: 0 on success, 1 when the input is refused
 * or a check fails, 2 on a usage error.
 */
#ifndef CONSULTA_CLI_COMMANDS_H
#define CONSULTA_CLI_COMMANDS_H

int cmd_count(int argc, char **argv);
int cmd_trustee(int argc, char **argv);

#endif
