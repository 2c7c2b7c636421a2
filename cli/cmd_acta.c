/* consulta acta: the printed, signed record of a verified count (PDF). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "acta_pdf.h"
#include "commands.h"
#include "consulta/board.h"
#include "count_election.h"
#include "count_words.h"
#include "i18n.h"
#include "record.h"
#include "remote.h"
#include "util.h"

static const char usage_text[] =
    "usage: consulta acta [--url-base URL] [--signatures N] [--lang L] -o FILE.pdf PATH|URL\n"
    "\n"
    "Verify the public record of an election (as consulta verify: PATH is the board\n"
    "or the election directory; URL a live board, http://HOST:PORT/elections/UUID),\n"
    "then write its acta, the record of the count to print and sign, as PDF: the\n"
    "election, each question with its counting rule, counts, seats and the elected,\n"
    "the trustees and which of them decrypted, the record's fingerprints and chain\n"
    "head, a QR code with the address of the results page\n"
    "(URL-BASE/elections/UUID/results), and lines for the signatures of the table's\n"
    "members (personeros).\n"
    "  -o FILE         the PDF to write\n"
    "  --url-base URL  the server of the results page (default: that of URL);\n"
    "                  required when PATH is a directory or a file\n"
    "  --signatures N  signature blocks (default 6)\n"
    "  --lang L        the acta's language (es, en; default: the locale's, else es)\n";

typedef struct acta_opts {
    const char *out, *url_base, *arg;
    uint64_t signatures;
    bool fetched;
    char path[4096];
    char results[2048];
} acta_opts;

static int parse_args(int argc, char **argv, acta_opts *o)
{
    static const struct option options[] = {{"url-base", required_argument, NULL, 'u'},
                                            {"signatures", required_argument, NULL, 's'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int opt;
    o->signatures = 6;
    while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        if (opt == 'o')
            o->out = optarg;
        else if (opt == 'u')
            o->url_base = optarg;
        else if (opt == 's' && !cli_parse_u64(optarg, 0, 40, &o->signatures))
            return cli_usage("acta", "--signatures must be from 0 to 40");
        else if (opt == 'h')
            return fputs(usage_text, stdout), -1;
        else if (opt != 's')
            return cli_usage("acta", "unknown option");
    }
    if (optind != argc - 1 || o->out == NULL)
        return cli_usage("acta", "expected -o FILE.pdf and one PATH or URL");
    o->arg = argv[optind];
    if (!cli_is_url(o->arg) && o->url_base == NULL)
        return cli_usage("acta", "--url-base is required for a PATH (the results page's server)");
    return EXIT_OK;
}

/* The board's path: the argument's, or a downloaded copy of a URL's board. */
static int find_board(acta_opts *o)
{
    cli_http_opts http;
    cli_http_defaults(&http);
    return cli_board_path(o->arg, &http, o->path, sizeof o->path, &o->fetched);
}

/* URL-BASE/elections/UUID/results, or the URL's own election with /results. */
static void results_address(acta_opts *o, const char *uuid)
{
    char base[1024];
    if (o->url_base != NULL) {
        snprintf(base, sizeof base, "%s", o->url_base);
        size_t n = strlen(base);
        while (n > 0 && base[n - 1] == '/')
            base[--n] = '\0';
        snprintf(o->results, sizeof o->results, "%s/elections/%s/results", base, uuid);
        return;
    }
    snprintf(base, sizeof base, "%s", o->arg);
    char *at = strstr(base, "/elections/");
    if (at != NULL)
        *at = '\0';
    snprintf(o->results, sizeof o->results, "%s/elections/%s/results", base, uuid);
}

static const double count_cols[] = {0.6, 0.2, 0.2};
static const bool count_right[] = {false, true, true};

/* A row of a count table: label, number, share of valid (NULL: none). */
static void count_row(acta_pdf *pdf, const char *label, uint64_t n, uint64_t valid, bool share,
                      bool rule)
{
    char num[40], pct[32] = "";
    if (share && valid > 0)
        snprintf(pct, sizeof pct, "%.2f %%", 100.0 * (double)n / (double)valid);
    const char *cells[] = {label, cli_num(num, sizeof num, n), pct};
    acta_pdf_row(pdf, ACTA_TEXT, 3, cells, count_cols, count_right, rule);
}

/* The outcome of one counted question in words: verdict, seats, elected. */
static void outcome_section(acta_pdf *pdf, json_t *doc)
{
    char line[4096];
    json_t *v, *ref = json_object_get(doc, "referendum");
    if (json_is_true(json_object_get(json_object_get(doc, "annulment_test"), "void")))
        acta_pdf_text(pdf, ACTA_TEXT,
                      _("The vote is void: blank and null votes exceed two thirds of the votes "
                        "cast (Constitution, art. 184)."));
    if (ref != NULL) {
        const char *winner = json_string_value(json_object_get(ref, "winner"));
        if (winner != NULL)
            snprintf(line, sizeof line, _("Outcome: «%s» wins."), winner);
        else
            snprintf(line, sizeof line, "%s", _("Outcome: no option wins."));
        acta_pdf_text(pdf, ACTA_HEADING, line);
    }
    json_t *seats = json_object_get(doc, "seats");
    if (json_is_object(seats)) {
        static const double cols[] = {0.6, 0.2, 0.2};
        static const bool right[] = {false, true, false};
        const char *head[] = {_("List"), _("Seats"), ""};
        acta_pdf_text(pdf, ACTA_HEADING, _("Seats"));
        acta_pdf_row(pdf, ACTA_SMALL, 3, head, cols, right, true);
        const char *list;
        json_object_foreach(seats, list, v)
        {
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            const char *cells[] = {list, num, ""};
            acta_pdf_row(pdf, ACTA_TEXT, 3, cells, cols, right, false);
        }
    }
    json_t *elected = json_object_get(doc, "elected");
    if (ref == NULL && json_is_array(elected) && json_array_size(elected) > 0) {
        size_t i, at = (size_t)snprintf(line, sizeof line, "%s", _("Elected: "));
        json_array_foreach(elected, i, v)
        {
            if (at < sizeof line)
                at += (size_t)snprintf(line + at, sizeof line - at, "%s%s", i ? ", " : "",
                                       json_string_value(v));
        }
        acta_pdf_text(pdf, ACTA_HEADING, line);
    }
}

/* The count document of question q (count_election.c), or NULL after saying why. */
static json_t *count_doc(const cns_board *board, size_t q)
{
    cns_count_result *res = NULL;
    char *text = NULL;
    json_t *doc = NULL;
    if (cli_count_question(board, q, &res) == EXIT_OK &&
        cns_count_result_json(res, &text) == CNS_OK)
        doc = json_loads(text, 0, NULL);
    free(text);
    cns_count_result_free(res);
    return doc;
}

/*
 * Question q: its text, rule, counts (ballots and marks apart when a ballot
 * may mark several answers) and what the rule gives. Returns false when it
 * could not be counted (said why).
 */
static bool question_section(acta_pdf *pdf, const cns_board *board, size_t q)
{
    const cns_election *e = cns_board_election(board);
    const cns_question *question = cns_election_question(e, q);
    const uint64_t *counts = cns_board_result(board)->counts[q];
    size_t first = question->blank == 1 ? 1 : 0;
    char line[4096];
    json_t *doc = count_doc(board, q);
    if (doc == NULL)
        return false;
    json_t *votes = json_object_get(doc, "votes");
    bool marks = json_object_get(votes, "marks") != NULL;
    uint64_t valid = (uint64_t)json_integer_value(json_object_get(votes, "valid"));
    snprintf(line, sizeof line, "%zu. %s", q + 1, question->question);
    acta_pdf_space(pdf, 6);
    acta_pdf_text(pdf, ACTA_HEADING, line);
    bool ruled = cns_election_rule(e, q) != NULL;
    if (ruled)
        cli_rule_text(line, sizeof line, doc);
    acta_pdf_text(pdf, ACTA_SMALL,
                  ruled ? line : _("No counting rule: the counts are the result."));
    const char *head[] = {_("Answer"), _("Votes"), _("Share of valid")};
    acta_pdf_row(pdf, ACTA_SMALL, 3, head, count_cols, count_right, true);
    for (size_t j = 0; j < question->n_answers; j++)
        count_row(pdf, question->answers[j], counts[first + j], valid, true, false);
    count_row(pdf, marks ? _("Valid ballots") : _("Valid votes"), valid, valid, false,
              first != 0 || marks);
    if (first)
        count_row(pdf, marks ? _("Blank ballots") : _("Blank votes"), counts[0], valid, false,
                  false);
    if (marks)
        count_row(pdf, _("Marks on valid ballots"),
                  (uint64_t)json_integer_value(json_object_get(votes, "marks")), valid, false,
                  false);
    if (ruled)
        outcome_section(pdf, doc);
    json_decref(doc);
    return true;
}

static void trustees_section(acta_pdf *pdf, const cli_record *rec)
{
    static const double cols[] = {0.08, 0.72, 0.2};
    static const bool right[] = {false, false, false};
    const char *head[] = {"#", _("Trustee (name, or key fingerprint)"), _("Decrypted")};
    acta_pdf_space(pdf, 6);
    acta_pdf_text(pdf, ACTA_HEADING, _("Trustees"));
    acta_pdf_row(pdf, ACTA_SMALL, 3, head, cols, right, true);
    for (size_t i = 0; i < rec->n_trustees; i++) {
        const cli_trustee *t = &rec->trustees[i];
        char num[24], who[512];
        snprintf(num, sizeof num, "%zu", i + 1);
        if (t->name[0] != '\0')
            snprintf(who, sizeof who, "%s (%s)", t->name, t->key);
        else if (t->pedersen)
            snprintf(who, sizeof who, _("certificate %s (%zu of %zu, %zu needed)"), t->key,
                     t->index, t->members, t->threshold);
        else
            snprintf(who, sizeof who, _("key %s"), t->key);
        const char *cells[] = {num, who, t->decrypted ? _("yes") : _("no")};
        acta_pdf_row(pdf, ACTA_TEXT, 3, cells, cols, right, false);
    }
}

static void record_section(acta_pdf *pdf, const cns_election *e, const cli_record *rec,
                           const char *results)
{
    char line[4096];
    acta_pdf_space(pdf, 6);
    acta_pdf_text(pdf, ACTA_HEADING, _("The public record"));
    acta_pdf_text(pdf, ACTA_SMALL, _("Election fingerprint:"));
    acta_pdf_text(pdf, ACTA_MONO, cns_election_fingerprint(e));
    acta_pdf_text(pdf, ACTA_SMALL, _("Fingerprint of the public credentials:"));
    acta_pdf_text(pdf, ACTA_MONO, rec->credentials_fingerprint);
    snprintf(line, sizeof line, _("Chain head (height %llu), the last event of the record:"),
             rec->height);
    acta_pdf_text(pdf, ACTA_SMALL, line);
    acta_pdf_text(pdf, ACTA_MONO, rec->chain_head);
    char election[2048];
    snprintf(election, sizeof election, "%.*s", (int)(strlen(results) - strlen("/results")),
             results);
    snprintf(line, sizeof line,
             _("Anyone can verify this count with consulta verify %s, or on the results page, "
               "whose address the code holds:\n%s"),
             election, results);
    acta_pdf_space(pdf, 4);
    if (!acta_pdf_qr(pdf, results, 110, line))
        acta_pdf_text(pdf, ACTA_MONO, results);
}

static void signatures_section(acta_pdf *pdf, uint64_t n)
{
    if (n == 0)
        return;
    acta_pdf_space(pdf, 6);
    acta_pdf_text(pdf, ACTA_HEADING, _("Signatures of the table's members (personeros)"));
    acta_pdf_text(pdf, ACTA_SMALL,
                  _("We, the undersigned, have seen the count verified and attest that this "
                    "acta records it."));
    acta_pdf_signatures(pdf, (size_t)n, _("Name:\nIdentity document:\nOrganisation:"));
}

static int write_acta(const acta_opts *o, const cns_board *board, const cli_record *rec)
{
    const cns_election *e = cns_board_election(board);
    const cns_result *result = cns_board_result(board);
    cns_board_summary s;
    char line[4096], footer[1024], num[3][40];
    cns_board_summary_get(board, &s);
    snprintf(footer, sizeof footer, _("Acta of %s (%s)"), cns_election_name(e),
             cns_election_uuid(e));
    acta_pdf *pdf = acta_pdf_open(o->out, footer);
    if (pdf == NULL) {
        fprintf(stderr, "consulta acta: %s: %s\n", o->out, strerror(errno));
        return EXIT_REFUSED;
    }
    acta_pdf_text(pdf, ACTA_TITLE, _("RECORD OF THE COUNT"));
    acta_pdf_text(pdf, ACTA_TITLE, cns_election_name(e));
    snprintf(line, sizeof line, _("Election %s, group %s"), cns_election_uuid(e),
             cns_group_name(cns_election_group(e)));
    acta_pdf_text(pdf, ACTA_SMALL, line);
    snprintf(line, sizeof line,
             _("Registered voters: %s. Ballots cast: %s; counted (the last of each voter): %s."),
             cli_num(num[0], sizeof num[0], s.credentials),
             cli_num(num[1], sizeof num[1], s.ballots), cli_num(num[2], sizeof num[2], s.counted));
    acta_pdf_text(pdf, ACTA_TEXT, line);
    bool counted = true;
    for (size_t q = 0; counted && q < result->n_questions; q++)
        counted = question_section(pdf, board, q);
    trustees_section(pdf, rec);
    record_section(pdf, e, rec, o->results);
    signatures_section(pdf, o->signatures);
    if (!acta_pdf_close(pdf) || !counted) {
        if (!counted)
            unlink(o->out);
        if (counted)
            fprintf(stderr, "consulta acta: %s: the PDF could not be written\n", o->out);
        return EXIT_REFUSED;
    }
    printf(_("%s: acta written (%s)\n"), o->out, o->results);
    return EXIT_OK;
}

int cmd_acta(int argc, char **argv)
{
    acta_opts o = {0};
    cns_board *board = NULL;
    cns_diag diag = {{0}};
    cli_record rec;
    int rc = parse_args(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    if (!cli_i18n_chosen())
        cli_i18n_set("es");
    if ((rc = find_board(&o)) != EXIT_OK)
        goto done;
    cns_err err = cns_board_open(&board, o.path, 0, cli_progress, NULL, &diag);
    cli_progress_done();
    if (err != CNS_OK) {
        fprintf(stderr, "consulta acta: %s: FAILED\n", o.path);
        rc = cli_fail("acta", err, &diag);
        goto done;
    }
    if (cns_board_result(board) == NULL) {
        fprintf(stderr, "consulta acta: %s: the board has no result yet: an acta records a count\n",
                o.path);
        rc = EXIT_REFUSED;
        goto done;
    }
    results_address(&o, cns_election_uuid(cns_board_election(board)));
    if ((rc = cli_record_read("acta", o.path, board, &rec)) != EXIT_OK)
        goto done;
    rc = write_acta(&o, board, &rec);
    acta_pdf_shutdown();
done:
    if (o.fetched)
        cli_fetch_cleanup(o.path);
    cns_board_free(board);
    return rc;
}
