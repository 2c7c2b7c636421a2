/* Files, paths, messages and progress for the subcommands (util.h). */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "text.h"

/*
 * A bigger buffer for cli_read: the old one's n bytes are copied, then wiped
 * before it is freed (it may hold a secret: realloc would leave a copy behind).
 */
static char *grow(char *old, size_t n, size_t cap)
{
    char *bigger = malloc(cap);
    if (bigger != NULL)
        memcpy(bigger, old, n);
    sodium_memzero(old, n);
    free(old);
    return bigger;
}

char *cli_read(const char *path, size_t *len, bool strip)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    size_t cap = 1 << 16, n = 0;
    ssize_t got = 0;
    char *data = NULL;
    struct stat st;
    if (fd < 0) {
        fprintf(stderr, "consulta: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < CLI_MAX_FILE)
        cap = (size_t)st.st_size + 2; /* read once; the extra byte sees the end */
    data = malloc(cap);
    while (data != NULL &&
           ((got = read(fd, data + n, cap - n - 1)) > 0 || (got < 0 && errno == EINTR))) {
        n += got > 0 ? (size_t)got : 0;
        if (n + 1 < cap)
            continue;
        data = cap < CLI_MAX_FILE ? grow(data, n, cap * 2)
                                  : (sodium_memzero(data, n), free(data), NULL);
        cap *= 2;
    }
    bool failed = data == NULL || got < 0;
    if (!is_stdin)
        close(fd);
    if (failed) {
        fprintf(stderr, "consulta: cannot read %s (or it is larger than %zu bytes)\n", path,
                CLI_MAX_FILE);
        if (data != NULL)
            sodium_memzero(data, n);
        free(data);
        return NULL;
    }
    if (strip && n > 0 && data[n - 1] == '\n')
        n--;
    data[n] = '\0';
    *len = n;
    return data;
}

void cli_free_secret(char *data, size_t len)
{
    if (data != NULL)
        sodium_memzero(data, len);
    free(data);
}

/* Write all of data to fd, then a newline. */
static bool write_line(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return write(fd, "\n", 1) == 1;
}

/*
 * A secret file: written to a new temporary file next to path (mkostemp:
 * O_EXCL, mode 0600 from the start, then mode), synced, then hard-linked to
 * path. link
 * never follows a symbolic link and never replaces anything: an existing
 * path (file, link, dangling link) is refused.
 */
static int write_secret(const char *path, const char *data, size_t len, unsigned mode)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.4096s.XXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "consulta: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    bool ok = fchmod(fd, (mode_t)mode) == 0 && write_line(fd, data, len) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    int saved = errno;
    if (ok && link(tmp, path) != 0) {
        saved = errno;
        ok = false;
        if (saved == EEXIST)
            fprintf(stderr,
                    "consulta: %s already exists: refusing to replace it (what it holds may "
                    "have been handed out already); move it away first\n",
                    path);
        else
            fprintf(stderr, "consulta: cannot write %s: %s\n", path, strerror(saved));
    } else if (!ok) {
        fprintf(stderr, "consulta: cannot write %s: %s\n", path, strerror(saved));
    }
    unlink(tmp);
    return ok ? 0 : 1;
}

int cli_write(const char *path, const char *data, size_t len, unsigned flags)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fputc('\n', stdout) == EOF ||
            fflush(stdout) != 0) {
            fprintf(stderr, "consulta: cannot write to standard output\n");
            return 1;
        }
        return 0;
    }
    if ((flags & 077) == 0) /* readable by its owner only: a secret */
        return write_secret(path, data, len, flags & 0777);
    int how = O_WRONLY | O_CREAT | ((flags & CLI_NEW) ? O_EXCL : O_TRUNC);
    int fd = open(path, how, flags & 0777);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (f == NULL) {
        fprintf(stderr, "consulta: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    bool ok = fwrite(data, 1, len, f) == len && fputc('\n', f) != EOF;
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "consulta: cannot write %s\n", path);
    return ok ? 0 : 1;
}

char *cli_path(char *buf, size_t cap, const char *dir, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
    return buf;
}

int cli_find_board(char *buf, size_t cap, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *entry;
    int found = 0;
    if (d == NULL) {
        fprintf(stderr, "consulta: cannot open directory %s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((entry = readdir(d)) != NULL) {
        size_t n = strlen(entry->d_name);
        if (n > 4 && strcmp(entry->d_name + n - 4, ".bel") == 0) {
            if (found++ == 0)
                cli_path(buf, cap, dir, entry->d_name);
        }
    }
    closedir(d);
    if (found == 1)
        return 0;
    fprintf(stderr, "consulta: %s has %s .bel file (the board)\n", dir,
            found == 0 ? "no" : "more than one");
    return 1;
}

int cli_fail(const char *cmd, cns_err err, const cns_diag *diag)
{
    const char *detail = diag != NULL && diag->text[0] != '\0' ? diag->text : cns_strerror(err);
    fprintf(stderr, "consulta %s: ", cmd);
    cli_put(stderr, detail); /* a diagnostic may quote untrusted content */
    fputc('\n', stderr);
    return EXIT_REFUSED;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "consulta %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see consulta %s --help)\n", cmd);
    return EXIT_USAGE;
}

static struct {
    bool drawn;
    const char *phase;
    struct timespec start;
    struct timespec last;
} progress;

bool cli_progress_enabled(void)
{
    return isatty(STDERR_FILENO) == 1;
}

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

void cli_progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
    (void)ctx;
    if (!cli_progress_enabled())
        return;
    if (progress.phase != phase) {
        cli_progress_done();
        progress.phase = phase;
        clock_gettime(CLOCK_MONOTONIC, &progress.start);
        progress.last = progress.start;
    } else if (done < total && seconds_since(&progress.last) < 0.1) {
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &progress.last);
    double elapsed = seconds_since(&progress.start);
    double frac = total ? (double)done / (double)total : 0;
    int width = 30, filled = (int)(frac * width);
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    double left = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    double rate = elapsed >= 0.5 ? (double)done / elapsed : 0.0; /* too early to tell before */
    const char *unit = "";
    if (rate >= 1e6) {
        rate /= 1e6;
        unit = "M";
    } else if (rate >= 1e4) {
        rate /= 1e3;
        unit = "k";
    }
    fprintf(stderr, "\r%-22s [%s] %3.0f%%  %6.1f%s/s  %4.0fs left ", phase, bar, frac * 100, rate,
            unit, left);
    progress.drawn = true;
}

void cli_progress_done(void)
{
    if (progress.drawn)
        fputc('\n', stderr);
    progress.drawn = false;
    progress.phase = NULL;
}

bool cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}
