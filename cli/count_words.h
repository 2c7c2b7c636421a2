/*
 * A count's rule and outcome in words, translated (i18n.h): shared by
 * consulta acta and consulta count --election.
 */
#ifndef CONSULTA_CLI_COUNT_WORDS_H
#define CONSULTA_CLI_COUNT_WORDS_H

#include <stddef.h>

#include <jansson.h>

/* A method's name for people ("dhondt" → "D'Hondt (cifra repartidora)"); method if unknown. */
const char *cli_method_name(const char *method);

/*
 * "Counting rule: …" for a count's document (cns_count_result_json, parsed):
 * its method, seats, threshold, majority and participation, and title.
 */
void cli_rule_text(char *buf, size_t cap, const json_t *doc);

#endif
