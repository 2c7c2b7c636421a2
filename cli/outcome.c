/* The outcome in the CLI (outcome.h). */
#include "outcome.h"

#include <stdlib.h>
#include <string.h>

#include <string.h>

#include <jansson.h>

#include "count_election.h"
#include "count_words.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

static bool has_rules(const cns_election *e)
{
    for (size_t q = 0; q < cns_election_question_count(e); q++)
        if (cns_election_rule(e, q) != NULL)
            return true;
    return false;
}

int cli_outcome_derive(const char *cmd, const cns_board *board, cns_outcome **out)
{
    const cns_election *e = cns_board_election(board);
    const cns_result *result = cns_board_result(board);
    cns_board_summary s;
    cns_diag diag = {{0}};
    *out = NULL;
    if (e == NULL || result == NULL || !has_rules(e))
        return EXIT_OK;
    cns_board_summary_get(board, &s);
    cns_err err = cns_outcome_derive_counted(out, e, result, s.credentials, s.total_weight, &diag);
    return err == CNS_OK ? EXIT_OK : cli_fail(cmd, err, &diag);
}

/* One count's rule and verdict, translated (the full report is English only). */
static void print_translated(FILE *out, const cns_count_result *count)
{
    char *text = NULL, line[4096];
    if (cns_count_result_json(count, &text) != CNS_OK)
        return;
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    cli_rule_text(line, sizeof line, doc);
    fprintf(out, "%s\n", line);
    cli_print_count_verdict(out, doc);
    json_decref(doc);
}

void cli_print_outcome(FILE *out, const cns_outcome *outcome)
{
    for (size_t i = 0; i < cns_outcome_size(outcome); i++) {
        size_t q = cns_outcome_question(outcome, i);
        char *text = NULL;
        fprintf(out, _("\nOutcome of question %zu, by the counting rule in election.json\n"),
                q + 1);
        if (strcmp(cli_i18n_lang(), "en") != 0) { /* the rule and verdict in the reader's words */
            print_translated(out, cns_outcome_count(outcome, i));
            continue;
        }
        if (cns_count_result_text(cns_outcome_count(outcome, i), &text) == CNS_OK)
            cli_escape(out, text, strlen(text), true); /* names come from the board */
        else
            fputs("(out of memory)\n", out);
        free(text);
    }
}

int cli_outcome_check(const char *cmd, const cns_outcome *outcome, const char *why,
                      const char *path)
{
    size_t len;
    cns_diag diag = {{0}};
    if (outcome == NULL) {
        fprintf(stderr, "consulta %s: %s: %s, so there is no outcome to publish\n", cmd, path, why);
        return EXIT_REFUSED;
    }
    char *json = cli_read(path, &len, true);
    if (json == NULL)
        return EXIT_REFUSED;
    cns_err err = cns_outcome_check(outcome, json, len, &diag);
    free(json);
    if (err != CNS_OK) {
        cns_diag_prefix(&diag, err, "%s: ", path);
        return cli_fail(cmd, err, &diag);
    }
    return EXIT_OK;
}

int cli_outcome_write(const cns_outcome *outcome, const char *dir)
{
    char path[4096], *json = NULL;
    size_t len;
    if (cns_outcome_to_json(outcome, &json, &len) != CNS_OK)
        return cli_fail("result", CNS_ERR_NOMEM, NULL);
    int rc = cli_write(cli_path(path, sizeof path, dir, CLI_OUTCOME_FILE), json, len, CLI_PUBLIC);
    free(json);
    if (rc == 0)
        printf(_("\noutcome published in %s\n"), path);
    return rc == 0 ? EXIT_OK : EXIT_REFUSED;
}
