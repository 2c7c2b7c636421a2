/* Verifying a live board: fetching it over HTTP, checking it extends a recorded head. */
#ifndef CONSULTA_CLI_REMOTE_H
#define CONSULTA_CLI_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether arg is an http:// URL. */
bool cli_is_url(const char *arg);

/*
 * Download the board served at url (http://HOST:PORT/elections/UUID, or its
 * …/archive) into a new temporary folder; the file's path goes to path
 * (cap bytes). Returns 0, or EXIT_REFUSED after printing why.
 */
int cli_fetch_board(const char *url, char *path, size_t cap);

/* Remove what cli_fetch_board made. */
void cli_fetch_cleanup(const char *path);

/*
 * Check that the board at path extends the head an auditor recorded,
 * "HEIGHT:HASH" as consulta verify prints it (ATTACKS.md #10). Returns 0, or
 * EXIT_REFUSED (or EXIT_USAGE) after printing why.
 */
int cli_check_since(const char *path, const char *since);

#endif
