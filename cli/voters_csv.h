/*
 * The voter list the credential authority is given (consulta credentials
 * --voters): a CSV file with a header naming its columns, in any order and
 * any case — login (required), name, community, weight (optional; or in
 * Spanish usuario, nombre, comunidad, peso); other
 * columns are ignored with a note. RFC 4180 quoting, LF or CRLF, an optional
 * UTF-8 byte-order mark (as spreadsheets write it), blank lines skipped;
 * fields separated by commas, or by semicolons when the header has
 * semicolons and no comma (spreadsheets set to Spanish write them so).
 * Errors name the line and the column.
 */
#ifndef CONSULTA_CLI_VOTERS_CSV_H
#define CONSULTA_CLI_VOTERS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct voter_list {
    size_t n;
    char **logins;     /* n logins (printable ASCII, no space, comma or quote) */
    uint64_t *weights; /* n weights, or NULL when the file has no weight column */
    char *arena;       /* the parsed text the logins point into */
} voter_list;

/*
 * Read and check the voter list at path. OUT: *out (free with
 * voter_list_free). Returns 0, or 1 after printing why ("consulta
 * credentials: FILE, line 5, column 'weight': …").
 */
int voter_list_read(const char *path, voter_list *out);

void voter_list_free(voter_list *list);

#endif
