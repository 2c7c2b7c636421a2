/* consulta decrypt: a trustee's partial decryption of the published tally. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "commands.h"
#include "consulta/board.h"
#include "consulta/trustees.h"
#include "election_files.h"
#include "util.h"

static const char usage_text[] =
    "usage: consulta decrypt (--privkey FILE | --key FILE --dkey FILE) [--dir DIR]\n"
    "\n"
    "As a trustee: verify DIR's board, then decrypt its encrypted tally with\n"
    "your key, proving each step. --privkey is a simple trustee's key; --key\n"
    "(your seed) and --dkey (your encrypted share) are a threshold trustee's.\n"
    "Prints the partial decryption, then a line naming your trustee id, as\n"
    "belenios-tool does: give both to consulta add-event.\n";

/* The trustee's secret: a .privkey, or a threshold share decrypted with the seed. */
static cns_err read_secret(cns_scalar *x, const cns_group *group, const char *privkey_path,
                           const char *key_path, const char *dkey_path, cns_diag *diag)
{
    size_t a, b = 0;
    char *first = cli_read(privkey_path ? privkey_path : key_path, &a, true);
    char *dkey = first && dkey_path ? cli_read(dkey_path, &b, true) : NULL;
    cns_err err = CNS_ERR_IO;
    if (first != NULL && privkey_path != NULL)
        err = cns_trustee_privkey_read(x, group, first, a, diag);
    else if (first != NULL && dkey != NULL)
        err = cns_threshold_dkey_decrypt(x, group, first, a, dkey, b, diag);
    if (first != NULL)
        sodium_memzero(first, a);
    free(first);
    free(dkey);
    return err;
}

int cmd_decrypt(int argc, char **argv)
{
    static const struct option options[] = {
        {"privkey", required_argument, NULL, 'p'}, {"key", required_argument, NULL, 'k'},
        {"dkey", required_argument, NULL, 'K'},    {"dir", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *privkey = NULL, *key = NULL, *dkey = NULL, *dir = ".";
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'p')
            privkey = optarg;
        else if (opt == 'k')
            key = optarg;
        else if (opt == 'K')
            dkey = optarg;
        else if (opt == 'd')
            dir = optarg;
        else if (opt == 'h')
            return fputs(usage_text, stdout), EXIT_OK;
        else
            return cli_usage("decrypt", "unknown option");
    }
    if (optind != argc || (privkey != NULL) == (key != NULL || dkey != NULL) ||
        (key != NULL) != (dkey != NULL))
        return cli_usage("decrypt", "give either --privkey, or both --key and --dkey");
    cns_board *board = cli_open_board("decrypt", dir, false);
    if (board == NULL)
        return EXIT_REFUSED;
    const cns_election *e = cns_board_election(board);
    cns_scalar x;
    cns_diag diag = {{0}};
    char *json = NULL, *owned = NULL;
    size_t len, owned_len;
    int rc = EXIT_REFUSED;
    cns_err err = read_secret(&x, cns_election_group(e), privkey, key, dkey, &diag);
    if (err == CNS_OK)
        err = cns_board_decrypt(board, &x, &json, &len, &owned, &owned_len, &diag);
    sodium_memzero(&x, sizeof x);
    if (err != CNS_OK)
        rc = cli_fail("decrypt", err, &diag);
    else if (cli_write("-", json, len, 0) == 0)
        rc = cli_write("-", owned, owned_len, 0);
    free(json);
    free(owned);
    cns_board_free(board);
    return rc;
}
