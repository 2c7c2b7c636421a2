/* consulta: dispatch to one subcommand per file (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"count", cmd_count, "count votes and allocate seats by a published rule"},
    {"trustee", cmd_trustee, "trustee keys, the threshold key ceremony, trustees.json"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: consulta COMMAND [ARGS…]   (consulta COMMAND --help for details)\n\n"
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
