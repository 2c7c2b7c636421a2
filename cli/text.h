/*
 * Printing untrusted text (names, questions, answers, outcomes, a server's
 * messages, diagnostics quoting a record) to a terminal: control characters
 * never reach it raw, so such text cannot move the cursor, erase or colour
 * lines, or forge a line of consulta's own output.
 */
#ifndef CONSULTA_CLI_TEXT_H
#define CONSULTA_CLI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Write s (len bytes, borrowed) to f with every control character escaped:
 * C0 controls and DEL as \n \r \t or \xHH, C1 controls and the Unicode
 * bidirectional and line-separator controls (U+200E, U+200F, U+2028..U+202E,
 * U+2066..U+2069) as \uHHHH, bytes that are not UTF-8 as \xHH. When
 * keep_newlines is true, '\n' is written as is (for multi-line text that
 * consulta composed). Everything else, UTF-8 letters included, is unchanged.
 * This is the one escaping function: every other printer calls it.
 */
void cli_escape(FILE *f, const char *s, size_t len, bool keep_newlines);

/* cli_escape of a NUL-terminated string, newlines escaped. */
void cli_put(FILE *f, const char *s);

/* What cli_put would print of s, as a malloc'd string (NULL when out of memory). */
char *cli_escaped(const char *s);

/*
 * Whether s (len bytes) holds a character cli_escape would escape (a control
 * character, or bytes that are not UTF-8).
 */
bool cli_has_control(const char *s, size_t len);

#endif
