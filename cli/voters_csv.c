/* The credential authority's voter list (cli/voters_csv.h). */
#include "voters_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "consulta/limits.h"
#include "util.h"

enum { COL_LOGIN, COL_NAME, COL_COMMUNITY, COL_WEIGHT, COL_OTHER };
#define MAX_COLUMNS 64

static const char *const column_names[] = {"login", "name", "community", "weight"};
/* The same columns as a list in Spanish names them. */
static const char *const column_aliases[] = {"usuario", "nombre", "comunidad", "peso"};

/* A CSV reader over a NUL-terminated text, field by field. */
typedef struct csv {
    char *p;     /* where reading resumes */
    size_t line; /* the line the current record started on */
    size_t at_line;
    const char *path;
    char sep; /* ',' or, as spreadsheets in Spanish write it, ';' */
} csv;

static int csv_error(const csv *c, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int csv_error(const csv *c, const char *column, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "consulta credentials: %s, line %zu", c->path, c->line);
    if (column != NULL)
        fprintf(stderr, ", column '%s'", column);
    fputs(": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_REFUSED;
}

/*
 * Read one field in place (unquoted and NUL-terminated, surrounding spaces
 * of an unquoted field trimmed). OUT: *field; *end_of_record when the field
 * ends its record. Returns 0, or 1 after printing why.
 */
static int csv_field(csv *c, char **field, bool *end_of_record)
{
    char *r = c->p, *w = c->p;
    while (*r == ' ' || *r == '\t')
        r++;
    *field = w;
    if (*r == '"') {
        for (r++;; r++) {
            if (*r == '\0')
                return csv_error(c, NULL, "%s", "a quoted field is not closed");
            if (*r == '"' && r[1] == '"')
                *w++ = *r++;
            else if (*r == '"')
                break;
            else {
                if (*r == '\n')
                    c->at_line++;
                *w++ = *r;
            }
        }
        r++;
        while (*r == ' ' || *r == '\t')
            r++;
        if (*r == '\r' && r[1] == '\n')
            r++;
        if (*r != c->sep && *r != '\n' && *r != '\0')
            return csv_error(c, NULL, "%s", "text after a quoted field's closing quote");
    } else {
        for (; *r != c->sep && *r != '\n' && *r != '\0'; r++) {
            if (*r == '"')
                return csv_error(c, NULL, "%s", "a quote inside an unquoted field");
            if (!(*r == '\r' && r[1] == '\n'))
                *w++ = *r;
        }
        while (w > *field && (w[-1] == ' ' || w[-1] == '\t'))
            w--;
    }
    *end_of_record = *r != c->sep;
    if (*r == '\n')
        c->at_line++;
    c->p = *r == '\0' ? r : r + 1;
    *w = '\0';
    return EXIT_OK;
}

/* One record's fields. OUT: fields, *n. Returns 0, or 1 after printing why. */
static int csv_record(csv *c, char **fields, size_t *n)
{
    bool end = false;
    *n = 0;
    c->line = c->at_line;
    while (!end) {
        if (*n == MAX_COLUMNS)
            return csv_error(c, NULL, "more than %d columns", MAX_COLUMNS);
        if (csv_field(c, &fields[(*n)++], &end) != EXIT_OK)
            return EXIT_REFUSED;
    }
    return EXIT_OK;
}

/* The separator: ';' when the header line has semicolons and no comma, else ','. */
static char separator(const char *text)
{
    size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (; *text != '\0' && (quoted || *text != '\n'); text++) {
        quoted = *text == '"' ? !quoted : quoted;
        commas += !quoted && *text == ',';
        semicolons += !quoted && *text == ';';
    }
    return semicolons > 0 && commas == 0 ? ';' : ',';
}

static bool blank_record(char **fields, size_t n)
{
    return n == 1 && fields[0][0] == '\0';
}

/* The header: which column is which. OUT: kind[i], at[COL_*] (-1: absent). */
static int read_header(csv *c, int *kind, size_t *n, int at[COL_OTHER])
{
    char *fields[MAX_COLUMNS];
    if (csv_record(c, fields, n) != EXIT_OK)
        return EXIT_REFUSED;
    for (int k = 0; k < COL_OTHER; k++)
        at[k] = -1;
    for (size_t i = 0; i < *n; i++) {
        kind[i] = COL_OTHER;
        for (int k = 0; k < COL_OTHER; k++)
            if (strcasecmp(fields[i], column_names[k]) == 0 ||
                strcasecmp(fields[i], column_aliases[k]) == 0)
                kind[i] = k;
        if (kind[i] != COL_OTHER && at[kind[i]] >= 0)
            return csv_error(c, fields[i], "%s", "the column appears twice in the header");
        if (kind[i] != COL_OTHER)
            at[kind[i]] = (int)i;
        else
            fprintf(stderr, "consulta credentials: %s: column '%s' ignored\n", c->path, fields[i]);
    }
    if (at[COL_LOGIN] < 0)
        return csv_error(c, NULL, "%s",
                         "the header must name a 'login' column (optional: name, community, "
                         "weight)");
    return EXIT_OK;
}

static int check_login(const csv *c, const char *login)
{
    size_t len = strlen(login);
    bool ok = len >= 1 && len <= 255;
    for (size_t i = 0; ok && i < len; i++)
        ok = login[i] > ' ' && login[i] <= '~' && login[i] != ',' && login[i] != '"';
    if (!ok)
        return csv_error(c, "login", "%s",
                         "a login is 1 to 255 printable ASCII characters, without spaces, "
                         "commas or quotes");
    return EXIT_OK;
}

/* Name and community: any text but control characters. */
static int check_text(const csv *c, int column, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f)
            return csv_error(c, column_names[column], "%s", "a control character or line break");
    return EXIT_OK;
}

/* Check and keep one voter's record. */
static int add_voter(csv *c, voter_list *v, char **fields, const int at[COL_OTHER], size_t *lines)
{
    char *login = fields[at[COL_LOGIN]];
    if (check_login(c, login) != EXIT_OK)
        return EXIT_REFUSED;
    for (int k = COL_NAME; k <= COL_COMMUNITY; k++)
        if (at[k] >= 0 && check_text(c, k, fields[at[k]]) != EXIT_OK)
            return EXIT_REFUSED;
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(v->logins[i], login) == 0) {
            return csv_error(c, "login", "the same login as line %zu", lines[i]);
        }
    }
    if (at[COL_WEIGHT] >= 0 &&
        !cli_parse_u64(fields[at[COL_WEIGHT]], 1, CNS_MAX_WEIGHT, &v->weights[v->n]))
        return csv_error(c, "weight", "expected a whole number from 1 to %llu",
                         (unsigned long long)CNS_MAX_WEIGHT);
    lines[v->n] = c->line;
    v->logins[v->n++] = login;
    return EXIT_OK;
}

static size_t count_lines(const char *text)
{
    size_t n = 1;
    for (; *text != '\0'; text++)
        n += *text == '\n';
    return n;
}

int voter_list_read(const char *path, voter_list *out)
{
    size_t len = 0, n = 0, cols = 0;
    int kind[MAX_COLUMNS], at[COL_OTHER], rc = EXIT_REFUSED;
    char *fields[MAX_COLUMNS];
    size_t *lines = NULL;
    memset(out, 0, sizeof *out);
    char *text = cli_read(path, &len, false);
    if (text == NULL)
        return EXIT_REFUSED;
    csv c = {text, 1, 1, path, ','};
    if (strlen(text) != len) {
        c.line = 1;
        csv_error(&c, NULL, "%s", "a NUL byte: not a text file");
        goto done;
    }
    if (strncmp(c.p, "\xef\xbb\xbf", 3) == 0)
        c.p += 3;
    c.sep = separator(c.p);
    if (read_header(&c, kind, &cols, at) != EXIT_OK)
        goto done;
    n = count_lines(c.p);
    out->arena = text;
    out->logins = calloc(n, sizeof *out->logins);
    lines = calloc(n, sizeof *lines);
    out->weights = at[COL_WEIGHT] >= 0 ? calloc(n, sizeof *out->weights) : NULL;
    if (out->logins == NULL || lines == NULL || (at[COL_WEIGHT] >= 0 && out->weights == NULL)) {
        fputs("consulta credentials: out of memory\n", stderr);
        goto done;
    }
    while (*c.p != '\0') {
        size_t got = 0;
        if (csv_record(&c, fields, &got) != EXIT_OK)
            goto done;
        if (blank_record(fields, got))
            continue;
        if (got != cols) {
            csv_error(&c, NULL, "%zu fields, the header has %zu", got, cols);
            goto done;
        }
        if (add_voter(&c, out, fields, at, lines) != EXIT_OK)
            goto done;
    }
    if (out->n == 0 || out->n > CNS_MAX_VOTERS) {
        fprintf(stderr, "consulta credentials: %s: %zu voters (1 to %d allowed)\n", path, out->n,
                CNS_MAX_VOTERS);
        goto done;
    }
    rc = EXIT_OK;
done:
    free(lines);
    if (rc != EXIT_OK) {
        out->arena = text;
        voter_list_free(out);
    }
    return rc;
}

void voter_list_free(voter_list *list)
{
    free(list->logins);
    free(list->weights);
    free(list->arena);
    memset(list, 0, sizeof *list);
}
