/*
 * Messages for people in their language (gettext, domain "consulta"): the
 * human-readable output of verify, count, result and acta. JSON output is
 * never translated. Catalogs are po/LANG.po, compiled by the Makefile into
 * build/locale/LANG/LC_MESSAGES/consulta.mo.
 */
#ifndef CONSULTA_CLI_I18N_H
#define CONSULTA_CLI_I18N_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libintl.h>

#define _(text)  gettext(text)
#define N_(text) text

/*
 * Take "--lang L" or "--lang=L" out of argv (anywhere after the command
 * name), shifting the rest down and lowering *argc, and set up the
 * language: L when given, else the locale's (LC_ALL, LC_MESSAGES, LANG),
 * else English. fallback (may be NULL) is the language when neither --lang
 * nor the environment names one (the acta is Spanish by default).
 * Returns 0, or EXIT_USAGE after printing why (--lang without a value).
 */
int cli_i18n_init(int *argc, char **argv, const char *fallback);

/* Set the language to lang ("es", "en", …) after cli_i18n_init. */
void cli_i18n_set(const char *lang);

/* Whether --lang or the environment chose the language. */
bool cli_i18n_chosen(void);

/* The language messages are in now ("es", "en", …; "en" when untranslated). */
const char *cli_i18n_lang(void);

/*
 * n with the locale's thousands separator (LC_NUMERIC), into buf (cap
 * bytes); returns buf.
 */
char *cli_num(char *buf, size_t cap, uint64_t n);

/* Display width of UTF-8 text in columns (wcwidth); invalid bytes count 1 each. */
int cli_width(const char *s);

#endif
