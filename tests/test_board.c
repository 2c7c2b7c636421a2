/*
 * The board on whole records: the reference boards made by belenios-tool
 * 2.0 (BELENIOS-2048) and Belenios 2.1 (Ed25519) verify and give their
 * recorded result.
 */
#include <sodium.h>

#include "check.h"
#include "consulta/board.h"
#include "util.h"

static const char recorded_result[] = "{\"result\":[[1,11,8],[2,4,4,6,4]]}";

static void test_reference(const char *bel)
{
    char path[1024];
    cns_board *board = NULL;
    cns_board_summary s;
    cns_diag diag = {{0}};
    snprintf(path, sizeof path, "%s/%s", testdata_dir(), bel);
    cns_err err = cns_board_open(&board, path, 0, NULL, NULL, &diag);
    CHECK_OK(err);
    if (err != CNS_OK)
        fprintf(stderr, "%s: %s\n", bel, diag.text);
    cns_board_summary_get(board, &s);
    CHECK(s.ballots == 20);
    CHECK(s.counted == 20);
    CHECK(s.credentials == 20);
    CHECK(s.tallied && s.has_result);
    const cns_result *result = cns_board_result(board);
    CHECK(result != NULL);
    if (result != NULL) {
        char *json = NULL;
        size_t len;
        CHECK_OK(cns_result_write(result, &json, &len));
        CHECK(json != NULL && strcmp(json, recorded_result) == 0);
        free(json);
    }
    cns_board_free(board);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_reference("belenios-2.0-ff/ejrMrFDogJEHkZ.bel");
    test_reference("belenios-2.1-ed25519/roEZNrAz8upuV8.bel");
    return CHECK_DONE();
}
