/* Printing an election's result as a table for people. */
#ifndef CONSULTA_CLI_REPORT_H
#define CONSULTA_CLI_REPORT_H

#include <stdio.h>

#include "consulta/election.h"
#include "consulta/tally.h"

/* Each question with its answers, counts and shares of the valid votes. */
void cli_print_result(FILE *out, const cns_election *election, const cns_result *result);

#endif
