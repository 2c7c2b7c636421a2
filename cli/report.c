/* The result table (report.h). */
#include "report.h"

#include <string.h>

#include "i18n.h"

/* Display width of a UTF-8 string in columns (i18n.c). */
#define display_width cli_width

static void print_row(FILE *out, const char *label, uint64_t count, uint64_t valid, int width)
{
    int pad = width - display_width(label);
    char num[40];
    fprintf(out, "  %s%*s %10s", label, pad > 0 ? pad : 0, "", cli_num(num, sizeof num, count));
    if (valid > 0)
        fprintf(out, "  %6.2f%%", 100.0 * (double)count / (double)valid);
    fputc('\n', out);
}

void cli_print_result(FILE *out, const cns_election *election, const cns_result *result)
{
    for (size_t q = 0; q < result->n_questions; q++) {
        const cns_question *question = cns_election_question(election, q);
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
            print_row(out, _("(blank)"), result->counts[q][0], 0, width);
    }
}
