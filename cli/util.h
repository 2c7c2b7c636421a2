/*
 * What every subcommand needs besides the library: files, the board's path
 * in an election directory, error messages, progress on a terminal.
 */
#ifndef CONSULTA_CLI_UTIL_H
#define CONSULTA_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "consulta/error.h"

/* Exit statuses of every subcommand. */
enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2 };

/* The largest file a command reads whole. */
#define CLI_MAX_FILE ((size_t)1 << 30)

/*
 * Read a whole file ("-" is standard input), at most CLI_MAX_FILE bytes;
 * a regular file is read into one buffer of its size, and a buffer outgrown
 * while reading a stream is wiped before it is freed (the file may be secret).
 * OUT: *len. Drops one trailing newline when strip is true (Belenios files
 * end with one, hashes exclude it). Returns a malloc'd NUL-terminated buffer,
 * or NULL after printing why.
 */
char *cli_read(const char *path, size_t *len, bool strip);

/* How cli_write creates a file. */
enum { CLI_PUBLIC = 0644, CLI_SECRET = 0600, CLI_NEW = 01000 /* never replace a file */ };

/*
 * Write data plus a newline to path ("-": standard output). flags: the
 * mode (CLI_PUBLIC or CLI_SECRET), plus CLI_NEW to refuse replacing an
 * existing file. A secret file (CLI_SECRET, or any mode without group and
 * other bits) is always new: written with mode 0600
 * to a temporary file then linked in place, never following a symbolic link
 * and never replacing an existing file (refused, with a message saying so).
 * Returns 0, or 1 after printing why.
 */
int cli_write(const char *path, const char *data, size_t len, unsigned flags);

/* Wipe and free a buffer that held a secret; NULL is fine. */
void cli_free_secret(char *data, size_t len);

/* dir/name into buf (cap bytes); returns buf. */
char *cli_path(char *buf, size_t cap, const char *dir, const char *name);

/*
 * The one UUID.bel in dir, into buf. Returns 0, or 1 after printing why
 * (none, or several).
 */
int cli_find_board(char *buf, size_t cap, const char *dir);

/* Print "consulta CMD: <detail or the error's text>" and return EXIT_REFUSED. */
int cli_fail(const char *cmd, cns_err err, const cns_diag *diag);

/* Print a usage error and return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * A progress reporter for cns_progress_fn: on a terminal, a bar on
 * standard error with rate and time left; silent otherwise.
 */
void cli_progress(void *ctx, const char *phase, uint64_t done, uint64_t total);

/* Whether progress is shown (standard error is a terminal). */
bool cli_progress_enabled(void);

/* End the progress line, if one was drawn. */
void cli_progress_done(void);

/* Parse a decimal unsigned integer in [min, max]; returns false if it is not one. */
bool cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
