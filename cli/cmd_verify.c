/* consulta verify: check a whole public record and show its result. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "consulta/board.h"
#include "report.h"
#include "util.h"

static const char usage_text[] =
    "usage: consulta verify [--quiet] [--result] PATH\n"
    "\n"
    "Verify the public record of an election: PATH is the board (UUID.bel) or\n"
    "the election directory holding it. Every ballot, proof, tally, partial\n"
    "decryption and the result are checked; the first failure is named.\n"
    "Prints a summary, the result, and the board's chain head (keep it: a later\n"
    "board must extend it). --result prints only the result, as JSON.\n";

static void print_summary(const cns_board *board)
{
    cns_board_summary s;
    char head[CNS_HASH_HEX_BYTES];
    const cns_election *e = cns_board_election(board);
    cns_board_summary_get(board, &s);
    cns_hash_to_hex(head, s.head.hash);
    printf("election   %s (%s)\n", cns_election_name(e), cns_election_uuid(e));
    printf("group      %s\n", cns_group_name(cns_election_group(e)));
    printf("voters     %llu credentials\n", (unsigned long long)s.credentials);
    printf("ballots    %llu cast, %llu counted (last per credential)%s\n",
           (unsigned long long)s.ballots, (unsigned long long)s.counted,
           s.ballots_closed ? ", ballot box closed" : "");
    if (s.tallied)
        printf("tally      verified; %llu partial decryptions verified\n",
               (unsigned long long)s.partial_decryptions);
    printf("chain head %s (height %llu)\n", head, (unsigned long long)s.head.height);
}

int cmd_verify(int argc, char **argv)
{
    static const struct option options[] = {{"quiet", no_argument, NULL, 'q'},
                                            {"result", no_argument, NULL, 'r'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    bool quiet = false, result_only = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        if (opt == 'q')
            quiet = true;
        else if (opt == 'r')
            result_only = quiet = true;
        else if (opt == 'h')
            return fputs(usage_text, stdout), EXIT_OK;
        else
            return cli_usage("verify", "unknown option");
    }
    if (optind != argc - 1)
        return cli_usage("verify", "expected one PATH");
    char path[4096];
    struct stat st;
    const char *arg = argv[optind];
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (cli_find_board(path, sizeof path, arg) != 0)
            return EXIT_REFUSED;
    } else {
        snprintf(path, sizeof path, "%s", arg);
    }
    cns_board *board = NULL;
    cns_diag diag = {{0}};
    cns_err err = cns_board_open(&board, path, 0, quiet ? NULL : cli_progress, NULL, &diag);
    cli_progress_done();
    if (err != CNS_OK) {
        fprintf(stderr, "consulta verify: %s: FAILED\n", path);
        cns_board_free(board);
        return cli_fail("verify", err, &diag);
    }
    if (result_only) {
        const cns_result *result = cns_board_result(board);
        char *json = NULL;
        size_t len;
        int rc = result == NULL ? cli_fail("verify", CNS_ERR_STATE, NULL)
                 : cns_result_write(result, &json, &len) == CNS_OK ? cli_write("-", json, len, 0)
                                                                   : EXIT_REFUSED;
        free(json);
        cns_board_free(board);
        return rc;
    }
    if (!quiet) {
        print_summary(board);
        if (cns_board_result(board) != NULL)
            cli_print_result(stdout, cns_board_election(board), cns_board_result(board));
    }
    printf("%s: verified\n", path);
    cns_board_free(board);
    return EXIT_OK;
}
