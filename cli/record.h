/*
 * What a verified record says about who took part, for people to match with
 * what they hold: the public credentials' fingerprint (the credential
 * authority's), each trustee with its name when the record has one and the
 * fingerprint of its key (the trustee's own file name), and which trustees
 * published a partial decryption. Read from a board that cns_board_open has
 * already verified.
 */
#ifndef CONSULTA_CLI_RECORD_H
#define CONSULTA_CLI_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "consulta/board.h"
#include "consulta/limits.h"

/* One trustee id (numbered from 1 as in partial decryptions' "owner"). */
typedef struct cli_trustee {
    bool pedersen;    /* a member of a threshold group, else a Single trustee */
    size_t index;     /* Pedersen: its index in the group */
    size_t threshold; /* Pedersen: members needed to decrypt */
    size_t members;   /* Pedersen: members of the group */
    char name[128];   /* from the record, "" when it has none */
    char key[72];     /* Single: key id (ID.pubkey); Pedersen: certificate id (ID.cert) */
    bool decrypted;   /* published a partial decryption */
} cli_trustee;

typedef struct cli_record {
    size_t n_trustees;
    cli_trustee trustees[CNS_MAX_TRUSTEES];
    size_t credentials;               /* how many */
    char credentials_fingerprint[48]; /* Base64 (no padding) of SHA-256 of the list */
    char chain_head[72];              /* hex */
    unsigned long long height;        /* of the chain head */
} cli_record;

/*
 * Read rec from the board file at path, whose verified board is board.
 * Returns EXIT_OK, or EXIT_REFUSED after printing why (cmd names the command).
 */
int cli_record_read(const char *cmd, const char *path, const cns_board *board, cli_record *rec);

/*
 * The credentials' fingerprint and each trustee, as verify prints them
 * (translated), to out.
 */
void cli_record_print(FILE *out, const cli_record *rec);

#endif
