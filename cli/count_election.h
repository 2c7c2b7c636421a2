/* consulta count --election: a verified election counted by its own rules. */
#ifndef CONSULTA_CLI_COUNT_ELECTION_H
#define CONSULTA_CLI_COUNT_ELECTION_H

#include <stdio.h>

#include <jansson.h>

#include "consulta/board.h"
#include "consulta/count.h"

/*
 * Verify the board at arg (an election directory, a board file or a board's
 * URL) and count its result: question (from 0; -1: every question) by the
 * election's rule for it (else plurality, or approval when a ballot may mark
 * several answers), with the election's answers and blank column. format:
 * text (NULL, translated), json, svg or nist (nist_date: its GeneratedDate,
 * NULL: now); out_path NULL: standard output. Returns the exit status.
 */
int cli_count_election(const char *arg, long question, const char *format, const char *out_path,
                       const char *nist_date);

/*
 * Count question q (from 0) of board's verified result by the election's
 * rule for it, else plurality (approval when a ballot may mark several
 * answers), the blank column and registered voters from the board, and
 * ballots apart from marks on multi-mark questions. OUT: *res (free with
 * cns_count_result_free). Returns EXIT_OK, or EXIT_REFUSED after printing why.
 */
int cli_count_question(const cns_board *board, size_t q, cns_count_result **res);

/*
 * What a count's document (cns_count_result_json, parsed) concludes, in
 * words: the annulment test, the referendum's verdict, seats, the elected.
 */
void cli_print_count_verdict(FILE *out, const json_t *doc);

#endif
