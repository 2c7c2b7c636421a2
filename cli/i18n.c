/* Messages in the reader's language (i18n.h). */
#include "i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "util.h"

#ifndef CNS_LOCALEDIR
#define CNS_LOCALEDIR "/usr/local/share/locale"
#endif

static char current[16] = "en";
static bool chosen; /* by --lang or the environment */

/* Where the catalogs are: next to the binary (build/locale), else installed. */
static void bind_catalogs(void)
{
    char exe[4096], dir[4200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *where = CNS_LOCALEDIR;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(dir, sizeof dir, "%s/locale", exe);
            if (access(dir, F_OK) == 0)
                where = dir;
        }
    }
    bindtextdomain("consulta", where);
    bind_textdomain_codeset("consulta", "UTF-8");
    textdomain("consulta");
}

/* The language an environment locale name names ("es_PE.UTF-8" → "es"), or NULL. */
static const char *env_language(char *buf, size_t cap)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v == NULL || v[0] == '\0')
            continue;
        size_t len = strcspn(v, "_.@");
        if (strcmp(v, "C") == 0 || strncmp(v, "C.", 2) == 0 || strcmp(v, "POSIX") == 0 ||
            len == 0 || len >= cap)
            return NULL;
        memcpy(buf, v, len);
        buf[len] = '\0';
        return buf;
    }
    return NULL;
}

void cli_i18n_set(const char *lang)
{
    snprintf(current, sizeof current, "%s", lang);
    current[strcspn(current, "_.@")] = '\0';
    setenv("LANGUAGE", lang, 1);
    /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 keeps it. */
    const char *msgs = setlocale(LC_MESSAGES, NULL);
    if (msgs == NULL || strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
    /* make gettext notice the change */
    textdomain("consulta");
}

bool cli_i18n_chosen(void)
{
    return chosen;
}

const char *cli_i18n_lang(void)
{
    return current;
}

/* Remove argv[i] and argv[i + 1] (count of them) from argv. */
static void drop(int *argc, char **argv, int i, int count)
{
    for (int j = i; j + count <= *argc; j++)
        argv[j] = argv[j + count];
    *argc -= count;
}

int cli_i18n_init(int *argc, char **argv, const char *fallback)
{
    const char *lang = NULL;
    char env[16];
    for (int i = 2; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--lang") == 0) {
            if (i + 1 >= *argc)
                return cli_usage(argv[1], "--lang needs a language (es, en, …)");
            lang = argv[i + 1];
            drop(argc, argv, i--, 2);
        } else if (strncmp(argv[i], "--lang=", 7) == 0) {
            lang = argv[i] + 7;
            drop(argc, argv, i--, 1);
        }
    }
    if (setlocale(LC_ALL, "") == NULL)
        setlocale(LC_ALL, "C.UTF-8"); /* the named locale is not installed */
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8"); /* records are UTF-8 */
    bind_catalogs();
    if (lang == NULL)
        lang = env_language(env, sizeof env);
    chosen = lang != NULL;
    if (lang == NULL)
        lang = fallback;
    if (lang != NULL && lang[0] != '\0')
        cli_i18n_set(lang);
    return EXIT_OK;
}

char *cli_num(char *buf, size_t cap, uint64_t n)
{
    const struct lconv *conv = localeconv();
    const char *sep = conv->thousands_sep;
    int group = conv->grouping != NULL ? conv->grouping[0] : 0;
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t at = 0, seplen = sep != NULL ? strlen(sep) : 0;
    for (int i = 0; i < len && at + seplen + 2 < cap; i++) {
        if (i > 0 && group > 0 && group < CHAR_MAX && (len - i) % group == 0 && seplen > 0) {
            memcpy(buf + at, sep, seplen);
            at += seplen;
        }
        buf[at++] = digits[i];
    }
    buf[at] = '\0';
    return buf;
}

int cli_width(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int width = 0;
    size_t left = strlen(s);
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2) {
            memset(&st, 0, sizeof st);
            n = 1;
            width++;
        } else {
            int w = wcwidth(wc);
            width += w > 0 ? w : 0;
        }
        s += n;
        left -= n;
    }
    return width;
}
