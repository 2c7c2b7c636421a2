/* The result table (report.h). */
#include "report.h"

#include <string.h>

/* Display width of a UTF-8 string: its code points (accents count once). */
static int display_width(const char *s)
{
    int n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void print_row(FILE *out, const char *label, uint64_t count, uint64_t valid, int width)
{
    int pad = width - display_width(label);
    fprintf(out, "  %s%*s %10llu", label, pad > 0 ? pad : 0, "", (unsigned long long)count);
    if (valid > 0)
        fprintf(out, "  %6.2f%%", 100.0 * (double)count / (double)valid);
    fputc('\n', out);
}

/* A "Lists" question: each list's votes (share of all list votes), its candidates indented. */
static void print_lists(FILE *out, const cns_question *question, const uint64_t *counts)
{
    uint64_t valid = 0;
    int width = 12;
    size_t at = 0;
    for (size_t l = 0; l < question->n_lists; at += question->list_sizes[l], l++)
        valid += counts[at];
    for (size_t j = 0; j < question->n_answers; j++) {
        int w = display_width(question->answers[j]) + 2;
        width = w > width ? w : width;
    }
    fprintf(out, "\n");
    at = 0;
    for (size_t l = 0; l < question->n_lists; l++) {
        print_row(out, question->answers[at], counts[at], valid, width);
        for (size_t j = 1; j < question->list_sizes[l]; j++) {
            fprintf(out, "  ");
            print_row(out, question->answers[at + j], counts[at + j], 0, width - 2);
        }
        at += question->list_sizes[l];
    }
}

void cli_print_result(FILE *out, const cns_election *election, const cns_result *result)
{
    for (size_t q = 0; q < result->n_questions; q++) {
        const cns_question *question = cns_election_question(election, q);
        if (question->kind == CNS_QUESTION_LISTS) {
            fprintf(out, "\n%zu. %s", q + 1, question->question);
            print_lists(out, question, result->counts[q]);
            continue;
        }
        size_t first = question->blank == 1 ? 1 : 0;
        uint64_t valid = 0;
        int width = 12;
        for (size_t j = 0; j < question->n_answers; j++) {
            valid += result->counts[q][first + j];
            int w = display_width(question->answers[j]);
            width = w > width ? w : width;
        }
        fprintf(out, "\n%zu. %s\n", q + 1, question->question);
        for (size_t j = 0; j < question->n_answers; j++)
            print_row(out, question->answers[j], result->counts[q][first + j], valid, width);
        if (first)
            print_row(out, "(blank)", result->counts[q][0], 0, width);
    }
}
