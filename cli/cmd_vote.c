/* consulta ballot: a voter's encrypted ballot, from their credential and choices. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "commands.h"
#include "consulta/ballot.h"
#include "consulta/credential.h"
#include "election_files.h"
#include "util.h"

static const char usage_text[] =
    "usage: consulta ballot --privcred FILE --choices FILE [--dir DIR]\n"
    "\n"
    "Make encrypted ballots for DIR's election. FILE of --privcred holds a\n"
    "private credential per line (alone, or after the voter's id as in\n"
    "private_creds.txt); FILE of --choices holds the matching choices per line,\n"
    "as belenios-tool takes them: one array of 0/1 per question, a leading blank\n"
    "flag for questions that allow blank, e.g. [[0,1,0],[0,0,1,0,0]].\n"
    "Prints one ballot per line, ready for consulta cast.\n";

/* The credential on a line: its last space-separated word. */
static const char *credential_of(const char *line)
{
    const char *space = strrchr(line, ' ');
    return space ? space + 1 : line;
}

/* One ballot for one credential line and one choices line. */
static int one_ballot(const cns_election *e, const char *cred_line, const char *choices_line,
                      size_t line_no)
{
    const char *cred = credential_of(cred_line);
    const char *uuid = cns_election_uuid(e);
    cns_scalar secret;
    cns_choices choices = {0};
    cns_diag diag = {{0}};
    char *json = NULL;
    size_t len;
    cns_err err = cns_credential_derive(cns_election_group(e), uuid, strlen(uuid), cred,
                                        strlen(cred), &secret, &diag);
    if (err == CNS_OK)
        err = cns_choices_parse(&choices, e, choices_line, strlen(choices_line), &diag);
    if (err == CNS_OK)
        err = cns_ballot_make(&json, &len, e, &secret, &choices, &diag);
    sodium_memzero(&secret, sizeof secret);
    cns_choices_free(&choices);
    if (err != CNS_OK) {
        cns_diag_prefix(&diag, err, "line %zu: ", line_no);
        return cli_fail("ballot", err, &diag);
    }
    int rc = cli_write("-", json, len, 0);
    free(json);
    return rc;
}

/* Walk both files line by line. */
static int ballots(const cns_election *e, char *creds, char *choices)
{
    char *save_c = NULL, *save_v = NULL;
    char *c = strtok_r(creds, "\n", &save_c), *v = strtok_r(choices, "\n", &save_v);
    size_t line_no = 0;
    for (; c != NULL && v != NULL;
         c = strtok_r(NULL, "\n", &save_c), v = strtok_r(NULL, "\n", &save_v)) {
        int rc = one_ballot(e, c, v, ++line_no);
        if (rc != EXIT_OK)
            return rc;
        cli_progress(NULL, "encrypting ballots", line_no, line_no);
    }
    cli_progress_done();
    if (c != NULL || v != NULL || line_no == 0)
        return cli_usage("ballot", "--privcred and --choices must have the same number of lines "
                                   "(at least one)");
    return EXIT_OK;
}

int cmd_ballot(int argc, char **argv)
{
    static const struct option options[] = {{"privcred", required_argument, NULL, 'p'},
                                            {"choices", required_argument, NULL, 'c'},
                                            {"dir", required_argument, NULL, 'd'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *cred_path = NULL, *choices_path = NULL, *dir = ".";
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'p')
            cred_path = optarg;
        else if (opt == 'c')
            choices_path = optarg;
        else if (opt == 'd')
            dir = optarg;
        else if (opt == 'h')
            return fputs(usage_text, stdout), EXIT_OK;
        else
            return cli_usage("ballot", "unknown option");
    }
    if (cred_path == NULL || choices_path == NULL || optind != argc)
        return cli_usage("ballot", "--privcred and --choices are required");
    size_t cl, vl;
    char *creds = cli_read(cred_path, &cl, false);
    char *choices = creds ? cli_read(choices_path, &vl, false) : NULL;
    cns_election *e = choices ? cli_load_election("ballot", dir) : NULL;
    int rc = e ? ballots(e, creds, choices) : EXIT_REFUSED;
    if (creds != NULL)
        sodium_memzero(creds, cl);
    free(creds);
    free(choices);
    cns_election_free(e);
    return rc;
}
