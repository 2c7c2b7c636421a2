/*
 * consulta shuffle / shuffle-verify: a trustee's step of the mixnet on
 * Belenios files, and its check (consulta/mixnet.h).
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "consulta/mixnet.h"
#include "util.h"

static const char SHUFFLE_USAGE[] =
    "usage: consulta shuffle --dir DIR --trustee-id N\n"
    "       consulta shuffle --election FILE --ciphertexts FILE [--out FILE]\n"
    "  With --dir: trustee N shuffles DIR's board (after the encrypted tally, the\n"
    "  trustees in turn: 1, 2, …) and appends its Shuffle event.\n"
    "  Otherwise: one step on files.\n"
    "  Shuffle and re-encrypt the non-homomorphic ciphertexts (a JSON list of\n"
    "  lists of {\"alpha\",\"beta\"}, one list per non-homomorphic question: the\n"
    "  encrypted tally's columns, or the last shuffle's \"ciphertexts\") under the\n"
    "  key of election.json, with a proof of shuffle; writes the Belenios\n"
    "  shuffle structure (standard output by default). Uses every core.\n";

static const char VERIFY_USAGE[] =
    "usage: consulta shuffle-verify --election FILE --ciphertexts FILE --shuffle FILE\n"
    "                               [--next FILE]\n"
    "  Check that the shuffle is a valid shuffle of the ciphertexts (every proof\n"
    "  of shuffle); --next writes its output ciphertexts, the next shuffle's input.\n";

typedef struct args {
    const char *election, *cts, *shuffle, *out, *next, *dir;
    uint64_t owner;
} args;

/* Parse --name VALUE pairs into a; returns EXIT_OK or EXIT_USAGE. */
static int parse(const char *cmd, const char *usage, int argc, char **argv, args *a, bool verify)
{
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (strcmp(k, "--help") == 0) {
            fputs(usage, stdout);
            exit(EXIT_OK);
        }
        if (i + 1 >= argc)
            return cli_usage(cmd, "%s needs a value", k);
        const char *v = argv[++i];
        if (strcmp(k, "--election") == 0)
            a->election = v;
        else if (strcmp(k, "--ciphertexts") == 0)
            a->cts = v;
        else if (verify && strcmp(k, "--shuffle") == 0)
            a->shuffle = v;
        else if (verify && strcmp(k, "--next") == 0)
            a->next = v;
        else if (!verify && strcmp(k, "--out") == 0)
            a->out = v;
        else if (!verify && strcmp(k, "--dir") == 0)
            a->dir = v;
        else if (!verify && strcmp(k, "--trustee-id") == 0) {
            if (!cli_parse_u64(v, 1, 1000000, &a->owner))
                return cli_usage(cmd, "--trustee-id must be a positive number");
        } else
            return cli_usage(cmd, "unknown option %s", k);
    }
    if (a->dir != NULL && (a->owner == 0 || a->election != NULL || a->cts != NULL))
        return cli_usage(cmd, "--dir goes with --trustee-id only");
    if (a->dir == NULL && (a->election == NULL || a->cts == NULL || (verify && a->shuffle == NULL)))
        return cli_usage(cmd, "--election, --ciphertexts%s are required",
                         verify ? " and --shuffle" : "");
    return EXIT_OK;
}

int cmd_shuffle(int argc, char **argv)
{
    args a = {0};
    size_t elen, clen, olen = 0;
    char *e = NULL, *c = NULL, *out = NULL;
    cns_diag diag = {{0}};
    int rc = parse("shuffle", SHUFFLE_USAGE, argc, argv, &a, false);

    if (rc != EXIT_OK)
        return rc;
    if (a.dir != NULL)
        return cli_board_shuffle(a.dir, a.owner);
    rc = EXIT_REFUSED;
    e = cli_read(a.election, &elen, true);
    c = e != NULL ? cli_read(a.cts, &clen, true) : NULL;
    if (c != NULL) {
        cns_err err = cns_mixnet_shuffle(e, elen, c, clen, &out, &olen, &diag);
        rc = err != CNS_OK ? cli_fail("shuffle", err, &diag)
                           : cli_write(a.out != NULL ? a.out : "-", out, olen, CLI_PUBLIC);
    }
    free(e);
    free(c);
    free(out);
    return rc;
}

int cmd_shuffle_verify(int argc, char **argv)
{
    args a = {0};
    size_t elen, clen, slen, nlen = 0;
    char *e = NULL, *c = NULL, *s = NULL, *next = NULL;
    cns_diag diag = {{0}};
    int rc = parse("shuffle-verify", VERIFY_USAGE, argc, argv, &a, true);

    if (rc != EXIT_OK)
        return rc;
    rc = EXIT_REFUSED;
    e = cli_read(a.election, &elen, true);
    c = e != NULL ? cli_read(a.cts, &clen, true) : NULL;
    s = c != NULL ? cli_read(a.shuffle, &slen, true) : NULL;
    if (s != NULL) {
        cns_err err = cns_mixnet_verify(e, elen, c, clen, s, slen, a.next != NULL ? &next : NULL,
                                        &nlen, &diag);
        if (err != CNS_OK)
            rc = cli_fail("shuffle-verify", err, &diag);
        else if (a.next != NULL && cli_write(a.next, next, nlen, CLI_PUBLIC) != 0)
            rc = EXIT_REFUSED;
        else {
            printf("shuffle verifies\n");
            rc = EXIT_OK;
        }
    }
    free(e);
    free(c);
    free(s);
    free(next);
    return rc;
}
