/*
 * Writing to the board: consulta archive-init, add-event, cast, close,
 * tally, result. Every addition is verified before it is written; a refused
 * one leaves the board as it was.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "consulta/board.h"
#include "consulta/limits.h"
#include "consulta/mixnet.h"
#include "election_files.h"
#include "outcome.h"
#include "remote.h"
#include "report.h"
#include "util.h"

static const char init_usage[] =
    "usage: consulta archive-init [--dir DIR]\n"
    "\n"
    "Start the public board DIR/UUID.bel from DIR/election.json, DIR/trustees.json\n"
    "and DIR/public_creds.json, after checking them as a verifier would.\n";

/*
 * The options of the commands that take only [--dir DIR]: OUT: *dir.
 * Returns -1 to go on, or the exit status (help printed, usage error).
 */
static int dir_only(const char *cmd, const char *usage, int argc, char **argv, const char **dir)
{
    static const struct option options[] = {{"dir", required_argument, NULL, 'd'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int opt;
    *dir = ".";
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'd')
            *dir = optarg;
        else if (opt == 'h')
            return fputs(usage, stdout), EXIT_OK;
        else
            return cli_usage(cmd, "unknown option");
    }
    if (optind != argc)
        return cli_usage(cmd, "unexpected argument %s", argv[optind]);
    return -1;
}

int cmd_archive_init(int argc, char **argv)
{
    const char *dir;
    int done = dir_only("archive-init", init_usage, argc, argv, &dir);
    if (done >= 0)
        return done;
    char path[4096], name[128];
    size_t le, lt, lc;
    char *e = cli_read(cli_path(path, sizeof path, dir, "election.json"), &le, true);
    char *t = e ? cli_read(cli_path(path, sizeof path, dir, "trustees.json"), &lt, true) : NULL;
    char *c = t ? cli_read(cli_path(path, sizeof path, dir, "public_creds.json"), &lc, true) : NULL;
    cns_election *election = NULL;
    cns_board *board = NULL;
    cns_diag diag = {{0}};
    int rc = EXIT_REFUSED;
    if (c == NULL)
        goto done;
    cns_err err = cns_election_parse(&election, e, le, &diag);
    if (err == CNS_OK) {
        snprintf(name, sizeof name, "%s.bel", cns_election_uuid(election));
        err = cns_board_create(&board, cli_path(path, sizeof path, dir, name), e, le, t, lt, c, lc,
                               (uint64_t)time(NULL), &diag);
    }
    if (err == CNS_OK)
        err = cns_board_close(board, &diag);
    else
        cns_board_free(board);
    if (err != CNS_OK) {
        rc = cli_fail("archive-init", err, &diag);
        goto done;
    }
    printf("%s: board started\n", path);
    rc = EXIT_OK;
done:
    cns_election_free(election);
    free(e);
    free(t);
    free(c);
    return rc;
}

/* Cast each line of in (one ballot per line, read as it comes); prints each tracker. */
static int cast_lines(cns_board *board, FILE *in)
{
    size_t line_no = 0, cast = 0, cap = 0;
    char *line = NULL;
    ssize_t got;
    int rc = EXIT_OK;
    while ((got = getline(&line, &cap, in)) > 0) {
        char tracker[CNS_HASH_B64_BYTES];
        cns_diag diag = {{0}};
        size_t len = (size_t)got - (line[got - 1] == '\n');
        line_no++;
        if (len == 0)
            continue;
        cns_err err = cns_board_cast(board, line, len, tracker, &diag);
        if (err != CNS_OK) {
            cns_diag_prefix(&diag, err, "ballot on line %zu: ", line_no);
            rc = cli_fail("cast", err, &diag);
            break;
        }
        printf("%s\n", tracker);
        cast++;
        cli_progress(NULL, "casting ballots", cast, cast);
    }
    free(line);
    cli_progress_done();
    if (rc == EXIT_OK && cast == 0)
        rc = cli_usage("cast", "no ballot on standard input");
    return rc;
}

/*
 * Publish the tally: computed, or given as belenios-tool prints it (the
 * encrypted tally, then on a second line the sized tally), checked.
 */
static cns_err publish_tally(cns_board *board, char *payload, size_t len, cns_diag *diag)
{
    char *newline = payload ? memchr(payload, '\n', len) : NULL;
    if (newline == NULL)
        return cns_board_publish_tally(board, payload, len, NULL, 0, diag);
    size_t first = (size_t)(newline - payload);
    return cns_board_publish_tally(board, payload, first, newline + 1, len - first - 1, diag);
}

/*
 * Add a partial decryption: alone, or as belenios-tool and consulta decrypt
 * print it (then the owned wrapper on a second line, naming the trustee).
 */
static cns_err add_partial(cns_board *board, char *payload, size_t len, uint64_t *owner,
                           cns_diag *diag)
{
    char *newline = memchr(payload, '\n', len);
    if (newline == NULL)
        return cns_board_add_partial(board, payload, len, NULL, 0, *owner, owner, diag);
    size_t first = (size_t)(newline - payload);
    return cns_board_add_partial(board, payload, first, newline + 1, len - first - 1, *owner, owner,
                                 diag);
}

/*
 * A Shuffle payload as belenios-tool election shuffle prints it: the shuffle,
 * then optionally its {"owner":N,…} line; the owner otherwise from --trustee-id.
 */
static cns_err add_shuffle(cns_board *board, char *payload, size_t len, uint64_t owner,
                           cns_diag *diag)
{
    char *newline = memchr(payload, '\n', len);
    unsigned long long n = 0;
    size_t first = newline != NULL ? (size_t)(newline - payload) : len;
    if (newline != NULL && sscanf(newline + 1, "{\"owner\":%llu,", &n) == 1)
        owner = n;
    if (owner == 0)
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "a shuffle needs its trustee: --trustee-id N, or the owned line");
    return cns_board_add_shuffle(board, payload, first, owner, diag);
}

/* consulta shuffle --dir: trustee owner shuffles the board's current non-homomorphic ciphertexts.
 */
static cns_err make_shuffle(cns_board *board, uint64_t owner, cns_diag *diag)
{
    char *input = NULL, *shuffle = NULL;
    size_t in_len = 0, len = 0, elen;
    const char *election = cns_election_bytes(cns_board_election(board), &elen);
    cns_err err = cns_board_shuffle_input(board, &input, &in_len, diag);
    if (err == CNS_OK)
        err = cns_mixnet_shuffle(election, elen, input, in_len, &shuffle, &len, diag);
    if (err == CNS_OK)
        err = cns_board_add_shuffle(board, shuffle, len, owner, diag);
    free(input);
    free(shuffle);
    return err;
}

/* Apply one event of this type with the payload read from in. */
static int add_event(cns_board *board, const char *type, const char *in, uint64_t owner)
{
    size_t len = 0;
    if (strcmp(type, "Ballot") == 0)
        return cast_lines(board, stdin);
    bool read = in != NULL && strcmp(type, "EndBallots") != 0 && strcmp(type, "EndShuffles") != 0;
    char *payload = read ? cli_read(in, &len, true) : NULL;
    cns_diag diag = {{0}};
    cns_err err;
    int rc = EXIT_REFUSED;
    if (read && payload == NULL)
        return EXIT_REFUSED;
    if (strcmp(type, "EndBallots") == 0)
        err = cns_board_end_ballots(board, &diag);
    else if (strcmp(type, "EncryptedTally") == 0)
        err = publish_tally(board, payload, len, &diag);
    else if (strcmp(type, "PartialDecryption") == 0)
        err = add_partial(board, payload, len, &owner, &diag);
    else if (strcmp(type, "Result") == 0)
        err = cns_board_publish_result(board, payload, len, &diag);
    else if (strcmp(type, "Shuffle") == 0)
        err = add_shuffle(board, payload, len, owner, &diag);
    else if (strcmp(type, "EndShuffles") == 0)
        err = cns_board_end_shuffles(board, &diag);
    else if (strcmp(type, "MakeShuffle") == 0 && in == NULL) /* consulta shuffle --dir */
        err = make_shuffle(board, owner, &diag);
    else
        err = cns_diag_set(&diag, CNS_ERR_INVALID,
                           "unknown event type %s (Ballot, EndBallots, EncryptedTally, Shuffle, "
                           "EndShuffles, PartialDecryption, Result)",
                           type);
    rc = err == CNS_OK ? EXIT_OK : cli_fail("add-event", err, &diag);
    if (err == CNS_OK && strcmp(type, "PartialDecryption") == 0)
        printf("partial decryption of trustee %llu added\n", (unsigned long long)owner);
    free(payload);
    return rc;
}

/*
 * After consulta result: the result table and, when the election has
 * counting rules, the outcome they give, published as DIR/outcome.json.
 */
static int show_result(const cns_board *board, const char *dir)
{
    cns_outcome *outcome = NULL;
    const cns_result *result = cns_board_result(board);
    if (result == NULL)
        return EXIT_OK;
    cli_print_result(stdout, cns_board_election(board), result);
    int rc = cli_outcome_derive("result", board, &outcome);
    if (rc == EXIT_OK && outcome != NULL) {
        cli_print_outcome(stdout, outcome);
        rc = cli_outcome_write(outcome, dir);
    }
    cns_outcome_free(outcome);
    return rc;
}

/* What close and tally did, on standard output as the other board commands say it. */
static void say_done(const cns_board *board, const char *cmd, const char *dir)
{
    cns_board_summary s;
    cns_board_summary_get(board, &s);
    if (strcmp(cmd, "close") == 0)
        printf("%s: ballot box closed, %llu ballots cast, %llu counted\n", dir,
               (unsigned long long)s.ballots, (unsigned long long)s.counted);
    else
        printf("%s: encrypted tally of %llu ballots published\n", dir,
               (unsigned long long)s.counted);
}

/* Open DIR's board for appending, apply the event, close. */
static int with_board(const char *cmd, const char *dir, const char *type, const char *in,
                      uint64_t owner)
{
    cns_diag diag = {{0}};
    cns_board *board = cli_open_board(cmd, dir, true);
    if (board == NULL)
        return EXIT_REFUSED;
    int rc = add_event(board, type, in, owner);
    if (rc == EXIT_OK && (strcmp(cmd, "close") == 0 || strcmp(cmd, "tally") == 0))
        say_done(board, cmd, dir);
    if (rc == EXIT_OK && strcmp(cmd, "result") == 0)
        rc = show_result(board, dir);
    cns_err err = cns_board_close(board, &diag);
    if (err != CNS_OK && rc == EXIT_OK)
        rc = cli_fail(cmd, err, &diag);
    return rc;
}

static const char add_event_usage[] =
    "usage: consulta add-event --type TYPE [--trustee-id N] [--dir DIR] [< PAYLOAD]\n"
    "\n"
    "Append an event to DIR's board, reading its payload from standard input,\n"
    "as belenios-tool archive add-event does, after checking it:\n"
    "  Ballot             one ballot per line; prints each smart ballot tracker\n"
    "  EndBallots         no payload: closes the ballot box\n"
    "  EncryptedTally     an encrypted tally: must be the board's own\n"
    "  Shuffle            a trustee's shuffle (belenios-tool election shuffle's two\n"
    "                     lines, or the shuffle and --trustee-id)\n"
    "  EndShuffles        no payload: every trustee has shuffled\n"
    "  PartialDecryption  a trustee's partial decryption (the trustee is found\n"
    "                     from its proofs, or given by --trustee-id)\n"
    "  Result             a result: must be the decryption of the tally\n";

int cmd_add_event(int argc, char **argv)
{
    static const struct option options[] = {{"type", required_argument, NULL, 't'},
                                            {"trustee-id", required_argument, NULL, 'i'},
                                            {"dir", required_argument, NULL, 'd'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *type = NULL, *dir = ".";
    uint64_t owner = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 't')
            type = optarg;
        else if (opt == 'i' && !cli_parse_u64(optarg, 1, CNS_MAX_TRUSTEES, &owner))
            return cli_usage("add-event", "--trustee-id must be from 1 to %d", CNS_MAX_TRUSTEES);
        else if (opt == 'd')
            dir = optarg;
        else if (opt == 'h')
            return fputs(add_event_usage, stdout), EXIT_OK;
        else if (opt != 'i')
            return cli_usage("add-event", "unknown option");
    }
    if (type == NULL || optind != argc)
        return cli_usage("add-event", "--type is required");
    return with_board("add-event", dir, type, "-", owner);
}

/* The shape shared by cast, close, tally and result: [--dir DIR] only. */
static int simple(const char *cmd, const char *usage, const char *type, const char *in, int argc,
                  char **argv)
{
    const char *dir;
    int done = dir_only(cmd, usage, argc, argv, &dir);
    return done >= 0 ? done : with_board(cmd, dir, type, in, 0);
}

int cmd_cast(int argc, char **argv)
{
    if (cli_cast_is_remote(argc, argv))
        return cli_cast_remote(argc, argv);
    return simple("cast",
                  "usage: consulta cast [--dir DIR] < BALLOTS\n\nCast ballots (one per line) on "
                  "DIR's board; prints each smart ballot tracker.\n"
                  "For a live board: consulta cast --url URL (see consulta cast --url x --help).\n",
                  "Ballot", "-", argc, argv);
}

int cmd_close(int argc, char **argv)
{
    return simple("close", "usage: consulta close [--dir DIR]\n\nClose DIR's ballot box.\n",
                  "EndBallots", NULL, argc, argv);
}

int cmd_tally(int argc, char **argv)
{
    return simple("tally",
                  "usage: consulta tally [--dir DIR]\n\nPublish the encrypted tally of the "
                  "ballots counted on DIR's board.\n",
                  "EncryptedTally", NULL, argc, argv);
}

int cmd_result(int argc, char **argv)
{
    return simple("result",
                  "usage: consulta result [--dir DIR]\n\nCombine the trustees' partial "
                  "decryptions on DIR's board, publish the result and show it. When\n"
                  "election.json carries counting rules, also show the outcome they give\n"
                  "(seats, winners, the referendum's verdict) and publish it in\n"
                  "DIR/outcome.json, which consulta verify checks.\n",
                  "Result", NULL, argc, argv);
}

int cli_board_shuffle(const char *dir, uint64_t owner)
{
    int rc = with_board("shuffle", dir, "MakeShuffle", NULL, owner);
    if (rc == EXIT_OK)
        printf("shuffle of trustee %llu added\n", (unsigned long long)owner);
    return rc;
}
