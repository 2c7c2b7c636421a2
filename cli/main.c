/* consulta: dispatch to one subcommand per file (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "commands.h"
#include "i18n.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"uuid", cmd_uuid, "make a fresh election identifier"},
    {"credentials", cmd_credentials, "make the voters' credentials (credential authority)"},
    {"trustee", cmd_trustee, "trustee keys, the threshold key ceremony, trustees.json"},
    {"election-make", cmd_election_make, "make election.json from a template and the trustees"},
    {"archive-init", cmd_archive_init, "start the public board (UUID.bel)"},
    {"ballot", cmd_ballot, "encrypt a voter's choices into a ballot"},
    {"audit-ballot", cmd_audit_ballot, "check a ballot's Benaloh audit record (cast-as-intended)"},
    {"cast", cmd_cast, "cast ballots on the board"},
    {"close", cmd_close, "close the ballot box"},
    {"tally", cmd_tally, "publish the encrypted tally"},
    {"decrypt", cmd_decrypt, "a trustee's partial decryption of the tally"},
    {"add-event", cmd_add_event, "append a checked event to the board (as belenios-tool)"},
    {"shuffle", cmd_shuffle, "a trustee's shuffle of the non-homomorphic ciphertexts"},
    {"shuffle-verify", cmd_shuffle_verify, "check a shuffle against its input ciphertexts"},
    {"result", cmd_result, "combine the partial decryptions and publish the result"},
    {"verify", cmd_verify, "verify a whole public record and show its result"},
    {"serve", cmd_serve, "serve the public board over HTTP (SQLite or PostgreSQL)"},
    {"export", cmd_export, "write a served board as Belenios files (UUID.bel, …)"},
    {"count", cmd_count, "count votes and allocate seats by a published rule"},
    {"acta", cmd_acta, "print the acta of a verified election as PDF (to sign)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: consulta COMMAND [ARGS…]   (consulta COMMAND --help for details)\n"
                 "       consulta --version\n"
                 "Every command takes --lang L (es, en): the language of its report.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "consulta: libsodium could not be initialised\n");
        return 1;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("consulta %s\n", CNS_VERSION);
        return 0;
    }
    if (cli_i18n_init(&argc, argv, NULL) != 0)
        return 2;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "consulta: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
