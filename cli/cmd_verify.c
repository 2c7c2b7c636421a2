/* consulta verify: check a whole public record and show its result and outcome. */
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "consulta/board.h"
#include "i18n.h"
#include "outcome.h"
#include "record.h"
#include "remote.h"
#include "report.h"
#include "text.h"
#include "util.h"

static const char usage_text[] =
    "usage: consulta verify [--quiet] [--result | --print-outcome] [--outcome FILE]\n"
    "                       [--since HEIGHT:HASH] PATH|URL\n"
    "\n"
    "Verify the public record of an election: PATH is the board (UUID.bel) or\n"
    "the election directory holding it. Every ballot, proof, tally, partial\n"
    "decryption and the result are checked; the first failure is named.\n"
    "Prints a summary, the result, and the board's chain head (keep it: a later\n"
    "board must extend it). URL is a live board, http[s]://HOST:PORT/elections/UUID\n"
    "(consulta serve): its archive is downloaded to $TMPDIR (each tar header\n"
    "checked as it arrives, within the bounds below) and verified the same way.\n"
    "\n"
    "When election.json carries counting rules, the outcome (seats, winners,\n"
    "the referendum's verdict) is derived from the verified result and printed;\n"
    "a published outcome must follow from it: FILE, or else outcome.json next\n"
    "to the board when it is there.\n"
    "  --result         print only the result, as JSON\n"
    "  --print-outcome  print only the derived outcome, as JSON (outcome.json)\n"
    "  --since H:HASH   the board must extend the head recorded earlier (height H)\n"
    "  --lang L         the language of the report (es, en; default: the locale's)\n"
    "\n"
    "So that everyone can see the board uses their material, the summary shows\n"
    "the public credentials' fingerprint, the one consulta credentials printed;\n"
    "the credential authority recomputes it from its public_creds.json:\n"
    "  head -c -1 public_creds.json | openssl dgst -sha256 -binary | base64 | tr -d =\n"
    "and each trustee with its name (when the record has one) and its key: a\n"
    "Single trustee's key id, the name of its ID.pubkey file, or a threshold\n"
    "trustee's certificate id, the name of its ID.cert file; and which trustees\n"
    "published a partial decryption.\n"
    "\n"
    "Downloading a URL:\n";

/* What was asked on the command line. */
typedef struct verify_opts {
    bool quiet, result_only, outcome_only;
    const char *outcome_file; /* NULL: DIR/outcome.json if present */
    const char *since;        /* a recorded head "HEIGHT:HASH", or NULL */
    bool fetched;             /* path is a downloaded copy of a URL's board */
    cli_http_opts http;       /* bounds of the download */
    char path[4096];          /* the board */
    char dir[4096];           /* the election directory */
} verify_opts;

static void print_summary(const cns_board *board)
{
    cns_board_summary s;
    char head[CNS_HASH_HEX_BYTES];
    const cns_election *e = cns_board_election(board);
    cns_board_summary_get(board, &s);
    cns_hash_to_hex(head, s.head.hash);
    char *name = cli_escaped(cns_election_name(e)); /* untrusted: from the board */
    printf(_("election   %s (%s)\n"), name ? name : "?", cns_election_uuid(e));
    free(name);
    printf(_("group      %s\n"), cns_group_name(cns_election_group(e)));
    printf(_("voters     %llu credentials\n"), (unsigned long long)s.credentials);
    printf(_("ballots    %llu cast, %llu counted (last per credential)%s\n"),
           (unsigned long long)s.ballots, (unsigned long long)s.counted,
           s.ballots_closed ? _(", ballot box closed") : "");
    if (s.tallied)
        printf(_("tally      verified; %llu partial decryptions verified\n"),
               (unsigned long long)s.partial_decryptions);
    printf(_("chain head %s (height %llu)\n"), head, (unsigned long long)s.head.height);
}

/* Parse the arguments into o. Returns EXIT_OK, or the status to exit with. */
static int parse_args(int argc, char **argv, verify_opts *o)
{
    static const struct option options[] = {{"quiet", no_argument, NULL, 'q'},
                                            {"result", no_argument, NULL, 'r'},
                                            {"print-outcome", no_argument, NULL, 'p'},
                                            {"outcome", required_argument, NULL, 'o'},
                                            {"since", required_argument, NULL, 's'},
                                            {"help", no_argument, NULL, 'h'},
                                            CLI_HTTP_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt, http;
    cli_http_defaults(&o->http);
    while ((opt = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        if (opt == 'q')
            o->quiet = true;
        else if (opt == 'r')
            o->result_only = o->quiet = true;
        else if (opt == 'p')
            o->outcome_only = o->quiet = true;
        else if (opt == 'o')
            o->outcome_file = optarg;
        else if (opt == 's')
            o->since = optarg;
        else if (opt == 'h')
            return fputs(usage_text, stdout), fputs(cli_http_usage, stdout), -1;
        else if ((http = cli_http_option("verify", opt, optarg, &o->http)) >= 0) {
            if (http != 0)
                return http;
        } else
            return cli_usage("verify", "unknown option");
    }
    if (optind != argc - 1)
        return cli_usage("verify", "expected one PATH");
    if (o->result_only && o->outcome_only)
        return cli_usage("verify", "--result and --print-outcome exclude each other");
    struct stat st;
    const char *arg = argv[optind];
    if (cli_is_url(arg)) {
        o->fetched = true;
        if (cli_fetch_board(arg, &o->http, o->path, sizeof o->path) != 0)
            return EXIT_REFUSED;
        char tmp[sizeof o->path];
        snprintf(tmp, sizeof tmp, "%s", o->path);
        snprintf(o->dir, sizeof o->dir, "%s", dirname(tmp)); /* no outcome.json there */
        return EXIT_OK;
    }
    snprintf(o->dir, sizeof o->dir, "%s", arg);
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_find_board(o->path, sizeof o->path, arg) != 0 ? EXIT_REFUSED : EXIT_OK;
    char copy[sizeof o->dir];
    snprintf(copy, sizeof copy, "%s", arg);
    snprintf(o->path, sizeof o->path, "%s", arg);
    snprintf(o->dir, sizeof o->dir, "%s", dirname(copy));
    return EXIT_OK;
}

/* Check the published outcome against the derived one, if there is one to check. */
static int check_published(const verify_opts *o, const cns_board *board, const cns_outcome *outcome)
{
    char published[4096];
    if (o->outcome_file != NULL)
        snprintf(published, sizeof published, "%s", o->outcome_file);
    else if (access(cli_path(published, sizeof published, o->dir, CLI_OUTCOME_FILE), F_OK) != 0)
        return EXIT_OK;
    const char *why = cns_board_result(board) == NULL ? "the board has no result yet"
                                                      : "the election has no counting rule";
    int rc = cli_outcome_check("verify", outcome, why, published);
    if (rc == EXIT_OK && !o->quiet)
        printf(_("\n%s: the published outcome follows from the votes\n"), published);
    return rc;
}

/* --result or --print-outcome: one JSON document on standard output. */
static int print_json(const verify_opts *o, const cns_board *board, const cns_outcome *outcome)
{
    char *json = NULL;
    size_t len = 0;
    cns_err err = CNS_ERR_STATE;
    if (o->result_only && cns_board_result(board) != NULL)
        err = cns_result_write(cns_board_result(board), &json, &len);
    if (o->outcome_only && outcome != NULL)
        err = cns_outcome_to_json(outcome, &json, &len);
    cns_diag diag = {{0}};
    if (err == CNS_ERR_STATE)
        cns_diag_set(&diag, err, "%s",
                     o->result_only ? "the board has no result yet"
                                    : "no outcome: the election has no counting "
                                      "rule, or the board no result yet");
    int rc = err == CNS_OK ? cli_write("-", json, len, 0) : cli_fail("verify", err, &diag);
    free(json);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts o = {0};
    int rc = parse_args(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    cns_board *board = NULL;
    cns_outcome *outcome = NULL;
    cns_diag diag = {{0}};
    cns_err err = cns_board_open(&board, o.path, 0, o.quiet ? NULL : cli_progress, NULL, &diag);
    cli_progress_done();
    if (err != CNS_OK) {
        fprintf(stderr, "consulta verify: %s: FAILED\n", o.path);
        rc = cli_fail("verify", err, &diag);
        goto done;
    }
    if (!o.quiet) {
        print_summary(board);
        cli_record rec;
        if ((rc = cli_record_read("verify", o.path, board, &rec)) != EXIT_OK)
            goto done;
        cli_record_print(stdout, &rec);
        if (cns_board_result(board) != NULL)
            cli_print_result(stdout, cns_board_election(board), cns_board_result(board));
    }
    rc = cli_outcome_derive("verify", board, &outcome);
    if (rc == EXIT_OK && !o.quiet && outcome != NULL)
        cli_print_outcome(stdout, outcome);
    if (rc == EXIT_OK)
        rc = check_published(&o, board, outcome);
    if (rc != EXIT_OK) {
        fprintf(stderr, "consulta verify: %s: FAILED\n", o.path);
        goto done;
    }
    if (o.since != NULL && (rc = cli_check_since(o.path, o.since)) != EXIT_OK)
        goto done;
    if (o.result_only || o.outcome_only)
        rc = print_json(&o, board, outcome);
    else
        printf(_("%s: verified\n"), o.fetched ? argv[argc - 1] : o.path);
done:
    if (o.fetched)
        cli_fetch_cleanup(o.path);
    cns_outcome_free(outcome);
    cns_board_free(board);
    return rc;
}
