/* consulta audit-ballot: check a Benaloh audit record against an election. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "consulta/ballot.h"
#include "election_files.h"
#include "util.h"

static const char usage_text[] =
    "usage: consulta audit-ballot FILE [--dir DIR]\n"
    "\n"
    "Check the Benaloh audit record in FILE (\"-\": standard input) against\n"
    "DIR's election (default: the current folder): the record a voting booth\n"
    "reveals when the voter audits a ballot, a JSON object with the ballot, the\n"
    "choices it encrypts and the randomness of every ciphertext. Every\n"
    "ciphertext is recomputed from its choice and randomness and compared with\n"
    "the ballot's, and every proof of the ballot is checked.\n"
    "Prints that the ballot matches the choices and exits 0, or prints the\n"
    "first difference (question and answer) and exits 1.\n"
    "An audited ballot must never be cast: it reveals the vote.\n";

int cmd_audit_ballot(int argc, char **argv)
{
    static const struct option options[] = {{"dir", required_argument, NULL, 'd'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *dir = ".";
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'd')
            dir = optarg;
        else if (opt == 'h')
            return fputs(usage_text, stdout), EXIT_OK;
        else
            return cli_usage("audit-ballot", "unknown option");
    }
    if (optind + 1 != argc)
        return cli_usage("audit-ballot", "one audit record FILE is required");
    size_t len;
    char *audit = cli_read(argv[optind], &len, true);
    cns_election *e = audit ? cli_load_election("audit-ballot", dir) : NULL;
    cns_diag diag = {{0}};
    int rc = EXIT_REFUSED;
    if (e != NULL) {
        cns_err err = cns_ballot_audit_check(e, audit, len, &diag);
        if (err == CNS_OK) {
            puts("the ballot matches its choices and randomness, and its proofs verify");
            rc = EXIT_OK;
        } else {
            rc = cli_fail("audit-ballot", err, &diag);
        }
    }
    free(audit);
    cns_election_free(e);
    return rc;
}
