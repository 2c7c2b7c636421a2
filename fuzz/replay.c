/*
 * Replay a fuzz corpus through LLVMFuzzerTestOneInput without libFuzzer, so
 * that `make check` runs every corpus under ASan/UBSan.
 *
 *   replay_fuzz_X [FILE|DIR]...
 *
 * Each argument is a file or a directory whose regular files are fed one by
 * one. With no argument the corpus is fuzz/corpus/fuzz_X/, named after the
 * program (the Makefile runs tests from the repository root). An input
 * passes if the call returns (a failed check aborts the whole run); an
 * unreadable file or directory counts as failed. Prints "N passed, N failed".
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_BYTES (16 * 1024 * 1024)

static int passed, failed;

/* Read the whole file into a malloc'ed buffer; NULL on error. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint8_t *buf = NULL;

    if (f == NULL)
        return NULL;
    if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 && st.st_size <= REPLAY_MAX_BYTES) {
        *size = (size_t)st.st_size;
        buf = malloc(*size + 1);
        if (buf != NULL && fread(buf, 1, *size, f) != *size) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static void replay_file(const char *path)
{
    size_t size;
    uint8_t *data = read_file(path, &size);

    if (data == NULL) {
        fprintf(stderr, "%s: cannot read (or larger than %d bytes)\n", path, REPLAY_MAX_BYTES);
        failed++;
        return;
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    passed++;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay the regular files of dir (not recursively), in name order. */
static void replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *entry;
    char **names = NULL;
    size_t count = 0, cap = 0;

    if (d == NULL) {
        fprintf(stderr, "%s: cannot open\n", dir);
        failed++;
        return;
    }
    while ((entry = readdir(d)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL) {
                failed++;
                break;
            }
            names = grown;
        }
        size_t len = strlen(dir) + strlen(entry->d_name) + 2;
        names[count] = malloc(len);
        if (names[count] == NULL) {
            failed++;
            break;
        }
        snprintf(names[count], len, "%s/%s", dir, entry->d_name);
        count++;
    }
    closedir(d);
    if (count > 0)
        qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            replay_file(names[i]);
        free(names[i]);
    }
    free(names);
}

static void replay(const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        replay_dir(path);
    else
        replay_file(path);
}

/* fuzz/corpus/fuzz_X for a program named …/replay_fuzz_X. */
static int default_corpus(char *out, size_t cap, const char *argv0)
{
    const char *base = strrchr(argv0, '/');
    base = base != NULL ? base + 1 : argv0;
    if (strncmp(base, "replay_", 7) != 0 || base[7] == '\0')
        return -1;
    int n = snprintf(out, cap, "fuzz/corpus/%s", base + 7);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int main(int argc, char **argv)
{
    char corpus[4096];

    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            replay(argv[i]);
    } else if (default_corpus(corpus, sizeof corpus, argv[0]) == 0) {
        replay(corpus);
    } else {
        fprintf(stderr, "usage: replay_fuzz_X [FILE|DIR]...\n");
        failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
