/* Verifying a live board: fetching it over HTTP, checking it extends a recorded head. */
#ifndef CONSULTA_CLI_REMOTE_H
#define CONSULTA_CLI_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* Whether arg is an http:// or https:// URL. */
bool cli_is_url(const char *arg);

/*
 * Download the board served at url (http[s]://HOST:PORT/elections/UUID, or
 * its …/archive) into a new temporary folder under $TMPDIR (default /tmp),
 * within the bounds of opts, checking each tar header as it arrives (the
 * first bad one ends the download); the file's path goes to path (cap
 * bytes). Until cli_fetch_cleanup, SIGINT, SIGTERM and SIGHUP remove the
 * folder before ending the process. Returns 0, or EXIT_REFUSED after
 * printing why (nothing is left behind).
 */
int cli_fetch_board(const char *url, const cli_http_opts *opts, char *path, size_t cap);

/*
 * The board's path for arg into path (cap bytes): a URL's board downloaded
 * within opts (*fetched set: cli_fetch_cleanup(path) afterwards), the board
 * in a directory, or arg itself. Returns 0, or EXIT_REFUSED after printing why.
 */
int cli_board_path(const char *arg, const cli_http_opts *opts, char *path, size_t cap,
                   bool *fetched);

/* Remove what cli_fetch_board made. */
void cli_fetch_cleanup(const char *path);

/*
 * Check that the board at path extends the head an auditor recorded,
 * "HEIGHT:HASH" as consulta verify prints it (ATTACKS.md #10). Returns 0, or
 * EXIT_REFUSED (or EXIT_USAGE) after printing why.
 */
int cli_check_since(const char *path, const char *since);

/*
 * consulta cast --url URL [--login L --code C] < BALLOTS: post each ballot
 * line to the live board at URL, printing each tracker.
 */
int cli_cast_remote(int argc, char **argv);

/* Whether argv asks consulta cast for a live board (--url). */
bool cli_cast_is_remote(int argc, char **argv);

#endif
