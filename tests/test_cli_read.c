/*
 * cli_read and secrets (issue 10, item 12): a buffer outgrown while reading a
 * secret stream is wiped before it is freed, and so is the result when the
 * caller frees it with cli_free_secret. Observed from inside the allocator:
 * the sanitizers' free hook sees every buffer just before it is freed, and
 * none may still hold the secret. (make check builds the tests with
 * ASan+UBSan, which provide the hook.)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cli/text.c"
#include "../cli/util.c"
#include "check.h"

/* The sanitizers' hooks (weak: absent from a build without sanitizers). */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *))
    __attribute__((weak));

#define TRACKED 64
#define BIG     60000 /* only buffers at least this large are watched */

static const char needle[] = "SeCrEtCrEdEnTiAl-";
static struct {
    const volatile void *p;
    size_t size;
} watched[TRACKED];
static volatile int watching, freed_big, freed_with_secret;

static void on_malloc(const volatile void *p, size_t size)
{
    if (!watching || size < BIG)
        return;
    for (int i = 0; i < TRACKED; i++)
        if (watched[i].p == NULL) {
            watched[i].p = p;
            watched[i].size = size;
            return;
        }
}

static void on_free(const volatile void *p)
{
    for (int i = 0; i < TRACKED && p != NULL; i++)
        if (watched[i].p == p) {
            freed_big++;
            if (memmem((const void *)p, watched[i].size, needle, sizeof needle - 1) != NULL)
                freed_with_secret++;
            watched[i].p = NULL;
            return;
        }
}

/* A child writes n bytes of secret lines to a pipe; returns the reading end. */
static int secret_pipe(size_t n, pid_t *child)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    *child = fork();
    if (*child == 0) {
        char line[64];
        close(fds[0]);
        for (size_t done = 0, i = 0; done < n; i++) {
            int len = snprintf(line, sizeof line, "%s%08zu\n", needle, i);
            if (write(fds[1], line, (size_t)len) != len)
                _exit(1);
            done += (size_t)len;
        }
        _exit(0);
    }
    close(fds[1]);
    return fds[0];
}

static void test_stream_growth_wiped(void)
{
    pid_t child = -1;
    char path[64];
    size_t len = 0;
    int fd = secret_pipe(300000, &child); /* 64 KiB grows to 128, 256, 512 KiB */
    CHECK(fd >= 0);
    snprintf(path, sizeof path, "/dev/fd/%d", fd);
    watching = 1;
    char *data = cli_read(path, &len, false);
    CHECK(data != NULL && len >= 300000 && memcmp(data, needle, sizeof needle - 1) == 0);
    int grown = freed_big;
    cli_free_secret(data, len);
    watching = 0;
    close(fd);
    waitpid(child, NULL, 0);
    CHECK(grown >= 3); /* the outgrown buffers were freed ... */
    CHECK(freed_big == grown + 1);
    CHECK(freed_with_secret == 0); /* ... and none held the secret any more */
}

static void test_regular_file_one_buffer(void)
{
    char path[] = "/tmp/cns-read-XXXXXX";
    int fd = mkstemp(path);
    size_t len = 0;
    CHECK(fd >= 0);
    int written = 0;
    for (int i = 0; i < 20000; i++)
        written += write(fd, needle, sizeof needle - 1) == (ssize_t)(sizeof needle - 1);
    CHECK(written == 20000);
    close(fd);
    freed_big = freed_with_secret = 0;
    watching = 1;
    char *data = cli_read(path, &len, false);
    CHECK(data != NULL && len == 20000 * (sizeof needle - 1));
    CHECK(freed_big == 0); /* read into one buffer of the file's size */
    cli_free_secret(data, len);
    watching = 0;
    CHECK(freed_big == 1 && freed_with_secret == 0);
    unlink(path);
}

int main(void)
{
    if (__sanitizer_install_malloc_and_free_hooks == NULL ||
        __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) == 0) {
        /* without the hooks nothing can watch the frees: only what was read is checked */
        fprintf(stderr, "test_cli_read: no allocator hooks (build without sanitizers): the "
                        "wipe checks run under make check\n");
        size_t len = 0;
        char *data = cli_read("/proc/self/cmdline", &len, false);
        CHECK(data != NULL && len > 0);
        cli_free_secret(data, len);
        return CHECK_DONE();
    }
    test_stream_growth_wiped();
    test_regular_file_one_buffer();
    return CHECK_DONE();
}
