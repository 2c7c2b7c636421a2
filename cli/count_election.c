/*
 * consulta count --election: count a verified election's result by the
 * election's own rules: its candidates, its blank column, its counting rule
 * (or, for a question without one, plurality, or approval when a ballot may
 * mark several answers). Ballots and marks are told apart on multi-mark
 * questions, and the annulment test weighs ballots.
 */
#include "count_election.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "consulta/board.h"
#include "count_words.h"
#include "i18n.h"
#include "remote.h"
#include "text.h"
#include "util.h"

int cli_count_question(const cns_board *board, size_t q, cns_count_result **res)
{
    const cns_election *e = cns_board_election(board);
    const cns_result *result = cns_board_result(board);
    const cns_question *question = cns_election_question(e, q);
    const cns_count_rule *rule = cns_election_rule(e, q);
    cns_count_rule *fallback = NULL;
    cns_count_input *in = NULL;
    cns_board_summary s;
    cns_diag diag = {{0}};
    char source[96], title[2048];
    size_t first = question->blank == 1 ? 1 : 0;
    cns_board_summary_get(board, &s);
    snprintf(source, sizeof source, "election %s, question %zu", cns_election_uuid(e), q + 1);
    snprintf(title, sizeof title, "%s — %s", cns_election_name(e), question->question);
    cns_err err = CNS_OK;
    if (rule == NULL) {
        const char *json = question->max > 1 ? "{\"method\":\"approval\",\"seats\":1}"
                                             : "{\"method\":\"plurality\",\"seats\":1}";
        err = cns_count_rule_from_json(json, strlen(json), &fallback, &diag);
        rule = fallback;
    }
    if (err == CNS_OK)
        err = cns_count_input_from_totals(source, title, (const char *const *)question->answers,
                                          question->n_answers, result->counts[q] + first,
                                          first ? &result->counts[q][0] : NULL, s.credentials, &in,
                                          &diag);
    if (err == CNS_OK && question->max > 1 && s.total_weight > 0)
        err = cns_count_input_set_ballots(in, s.total_weight, &diag);
    if (err == CNS_OK)
        err = cns_count_run(rule, in, res, &diag);
    cns_count_input_free(in);
    cns_count_rule_free(fallback);
    if (err != CNS_OK)
        cns_diag_prefix(&diag, err, "question %zu: ", q + 1);
    return err == CNS_OK ? EXIT_OK : cli_fail("count", err, &diag);
}

/* One row: label padded to width columns (displayed width), a number, maybe a share. */
static void row(FILE *out, const char *label, int width, uint64_t n, uint64_t of)
{
    char num[40];
    int pad = width - cli_width(label);
    fputs("  ", out);
    cli_put(out, label); /* names come from the election */
    fprintf(out, "%*s %12s", pad > 0 ? pad : 0, "", cli_num(num, sizeof num, n));
    if (of > 0)
        fprintf(out, "  %6.2f %%", 100.0 * (double)n / (double)of);
    fputc('\n', out);
}

static uint64_t member(const json_t *obj, const char *key)
{
    return (uint64_t)json_integer_value(json_object_get(obj, key));
}

/* What the rule gives: verdict, seats, elected. */
static void print_outcome(FILE *out, const json_t *doc)
{
    const json_t *v, *ref = json_object_get(doc, "referendum");
    if (ref != NULL) {
        const char *winner = json_string_value(json_object_get(ref, "winner"));
        char *shown = winner != NULL ? cli_escaped(winner) : NULL;
        if (winner != NULL)
            fprintf(out, _("Outcome: «%s» wins."), shown ? shown : "?");
        else
            fputs(_("Outcome: no option wins."), out);
        free(shown);
        fputc('\n', out);
    }
    const json_t *seats = json_object_get(doc, "seats");
    if (json_is_object(seats)) {
        const char *list;
        int width = 0;
        json_object_foreach((json_t *)seats, list, v)
        {
            int w = cli_width(list);
            width = w > width ? w : width;
        }
        fprintf(out, "%s\n", _("Seats"));
        json_object_foreach((json_t *)seats, list, v)
            row(out, list, width, (uint64_t)json_integer_value(v), 0);
    }
    const json_t *elected = json_object_get(doc, "elected");
    if (ref == NULL && json_is_array(elected) && (seats == NULL || json_array_size(elected) > 0)) {
        size_t i;
        fputs(_("Elected: "), out);
        if (json_array_size(elected) == 0)
            fputs(_("(none)"), out);
        json_array_foreach((json_t *)elected, i, v) fputs(i ? ", " : "", out),
            cli_put(out, json_string_value(v));
        fputc('\n', out);
    }
}

/* The report of question q for people (translated). */
static void print_text(FILE *out, const cns_board *board, size_t q, const json_t *doc)
{
    const cns_election *e = cns_board_election(board);
    const cns_question *question = cns_election_question(e, q);
    const uint64_t *counts = cns_board_result(board)->counts[q];
    const json_t *votes = json_object_get(doc, "votes");
    size_t first = question->blank == 1 ? 1 : 0;
    bool marks = json_object_get(votes, "marks") != NULL;
    const char *labels[] = {marks ? _("Valid ballots") : _("Valid votes"),
                            marks ? _("Blank ballots") : _("Blank votes"),
                            marks ? _("Ballots cast") : _("Votes cast"), _("Registered voters"),
                            _("Marks on valid ballots")};
    char line[4096];
    int width = 0;
    for (size_t j = 0; j < question->n_answers; j++) {
        int w = cli_width(question->answers[j]);
        width = w > width ? w : width;
    }
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        int w = cli_width(labels[i]);
        width = w > width ? w : width;
    }
    cli_put(out, cns_election_name(e));
    fprintf(out, " — %zu. ", q + 1);
    cli_put(out, question->question);
    fputc('\n', out);
    cli_rule_text(line, sizeof line, doc);
    fprintf(out, "%s\n", line);
    uint64_t valid = member(votes, "valid");
    for (size_t j = 0; j < question->n_answers; j++)
        row(out, question->answers[j], width, counts[first + j], valid);
    row(out, labels[0], width, valid, 0);
    if (json_is_integer(json_object_get(votes, "blank")))
        row(out, labels[1], width, member(votes, "blank"), 0);
    row(out, labels[2], width, member(votes, "cast"), 0);
    if (json_is_integer(json_object_get(votes, "registered")))
        row(out, labels[3], width, member(votes, "registered"), 0);
    if (marks)
        row(out, labels[4], width, member(votes, "marks"), 0);
    cli_print_count_verdict(out, doc);
}

void cli_print_count_verdict(FILE *out, const json_t *doc)
{
    const json_t *annul = json_object_get(doc, "annulment_test");
    if (annul != NULL && json_is_true(json_object_get(annul, "known"))) {
        char a[40], b[40];
        bool is_void = json_is_true(json_object_get(annul, "void"));
        fprintf(out,
                is_void ? _("Annulment test (Constitution art. 184): %s blank and null of %s "
                            "cast, over two thirds: the vote is VOID\n")
                        : _("Annulment test (Constitution art. 184): %s blank and null of %s "
                            "cast, not over two thirds\n"),
                cli_num(a, sizeof a, member(annul, "blank_plus_null")),
                cli_num(b, sizeof b, member(annul, "cast")));
    }
    print_outcome(out, doc);
}

/* Render count res of question q in format to out. */
static int render(FILE *out, const cns_board *board, size_t q, const cns_count_result *res,
                  const char *format, const char *nist_date, bool more)
{
    char *text = NULL, date[32];
    cns_err err = CNS_OK;
    if (strcmp(format, "text") == 0) {
        if ((err = cns_count_result_json(res, &text)) == CNS_OK) {
            json_t *doc = json_loads(text, 0, NULL);
            print_text(out, board, q, doc);
            json_decref(doc);
            if (more)
                fputc('\n', out);
        }
        free(text);
        return err == CNS_OK ? EXIT_OK : cli_fail("count", err, NULL);
    }
    if (strcmp(format, "json") == 0)
        err = cns_count_result_json(res, &text);
    else if (strcmp(format, "svg") == 0)
        err = cns_count_result_svg(res, &text);
    else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
        err = cns_count_result_nist(res, nist_date != NULL ? nist_date : date, &text);
    }
    if (err == CNS_OK) {
        fputs(text, out);
        if (strcmp(format, "svg") != 0)
            fputc('\n', out);
    }
    free(text);
    return err == CNS_OK ? EXIT_OK : cli_fail("count", err, NULL);
}

/* The board's path for arg (a directory, a board, or a URL fetched). */
static int board_path(const char *arg, char *path, size_t cap, bool *fetched)
{
    cli_http_opts http;
    cli_http_defaults(&http);
    return cli_board_path(arg, &http, path, cap, fetched);
}

static int count_all(const cns_board *board, long question, const char *format, FILE *out,
                     const char *nist_date)
{
    size_t nq = cns_election_question_count(cns_board_election(board));
    if (question >= (long)nq)
        return cli_usage("count", "--question %ld: the election has questions 0 to %zu", question,
                         nq - 1);
    if (question < 0 && nq > 1 && strcmp(format, "text") != 0)
        return cli_usage("count", "--format %s shows one question: give --question (0 to %zu)",
                         format, nq - 1);
    int rc = EXIT_OK;
    for (size_t q = question < 0 ? 0 : (size_t)question;
         rc == EXIT_OK && q < (question < 0 ? nq : (size_t)question + 1); q++) {
        cns_count_result *res = NULL;
        rc = cli_count_question(board, q, &res);
        if (rc == EXIT_OK)
            rc = render(out, board, q, res, format, nist_date, question < 0 && q + 1 < nq);
        cns_count_result_free(res);
    }
    return rc;
}

int cli_count_election(const char *arg, long question, const char *format, const char *out_path,
                       const char *nist_date)
{
    char path[4096];
    bool fetched;
    cns_board *board = NULL;
    cns_diag diag = {{0}};
    FILE *out = NULL;
    format = format != NULL ? format : "text";
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "svg") != 0 &&
        strcmp(format, "nist") != 0)
        return cli_usage("count", "unknown format '%s'", format);
    int rc = board_path(arg, path, sizeof path, &fetched);
    if (rc != EXIT_OK)
        return rc;
    cns_err err = cns_board_open(&board, path, 0, cli_progress, NULL, &diag);
    cli_progress_done();
    if (err != CNS_OK) {
        fprintf(stderr, "consulta count: %s: FAILED\n", path);
        rc = cli_fail("count", err, &diag);
    } else if (cns_board_result(board) == NULL) {
        fprintf(stderr, "consulta count: %s: the board has no result yet\n", arg);
        rc = EXIT_REFUSED;
    } else if ((out = out_path != NULL ? fopen(out_path, "w") : stdout) == NULL) {
        fprintf(stderr, "consulta count: %s: cannot write\n", out_path);
        rc = EXIT_REFUSED;
    } else {
        rc = count_all(board, question, format, out, nist_date);
    }
    if (out != NULL && out != stdout && fclose(out) != 0 && rc == EXIT_OK)
        rc = EXIT_REFUSED;
    if (fetched)
        cli_fetch_cleanup(path);
    cns_board_free(board);
    return rc;
}
