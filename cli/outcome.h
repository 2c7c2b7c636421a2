/*
 * The outcome in the CLI: derived from a verified board whose election has
 * counting rules, printed after the result table, published as outcome.json
 * next to the board, and checked when published (docs/counting.md).
 */
#ifndef CONSULTA_CLI_OUTCOME_H
#define CONSULTA_CLI_OUTCOME_H

#include <stdio.h>

#include "consulta/board.h"
#include "consulta/outcome.h"

/* The file an outcome is published in, in the election directory. */
#define CLI_OUTCOME_FILE "outcome.json"

/*
 * The outcome of board's result under its election's rules. OUT: *out (free
 * with cns_outcome_free), NULL when the election has no rule or the board no
 * result yet. Returns EXIT_OK, or EXIT_REFUSED after printing why (cmd names
 * the command) when the rules give no outcome.
 */
int cli_outcome_derive(const char *cmd, const cns_board *board, cns_outcome **out);

/* Each counted question's report (the count's text), after a heading. */
void cli_print_outcome(FILE *out, const cns_outcome *outcome);

/*
 * Check the published outcome in file path against outcome (NULL: there is
 * none to publish; why is printed). Returns EXIT_OK, or EXIT_REFUSED after
 * printing "consulta CMD: PATH: outcome: …".
 */
int cli_outcome_check(const char *cmd, const cns_outcome *outcome, const char *why,
                      const char *path);

/* Write outcome to DIR/outcome.json. Returns EXIT_OK, or EXIT_REFUSED after printing why. */
int cli_outcome_write(const cns_outcome *outcome, const char *dir);

#endif
