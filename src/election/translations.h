/*
 * An election's translations: the optional "translations" member of
 * election.json (and of a template), after "counting" when both are there:
 *
 *   "translations": {
 *     "qu": {"description": "…", "name": "…",
 *            "questions": [{"answers": ["…", …], "question": "…"}, …]},
 *     "ay": {…}
 *   }
 *
 * Languages are BCP 47 tags (a 2–3 letter lowercase language, then
 * subtags of 2–8 letters or digits: "es", "qu", "ay", "en", "qu-PE"), at
 * most CNS_MAX_LANGUAGES, sorted by tag in canonical form. Each language
 * has any of "description", "name" and "questions" (in that order); when it
 * has "questions", it translates every question: its "answers" (exactly as
 * many as the question has, in its order) and its "question". Texts are
 * non-empty strings. The default texts stay where Belenios reads them;
 * belenios-tool 2.0 ignores the member (tests/voter_auth.sh checks that such
 * an election still verifies there). Internal to the election module.
 */
#ifndef CONSULTA_ELECTION_TRANSLATIONS_H
#define CONSULTA_ELECTION_TRANSLATIONS_H

#include <jansson.h>

#include "consulta/election.h"
#include "core/buf.h"

/* Most languages an election carries. */
#define CNS_MAX_LANGUAGES 32

/*
 * Check the "translations" value v (not NULL) against the n questions qs
 * and write it canonically to b (the caller checks b's status). what names
 * the document in diagnostics ("election: translations: qu: question 2: 3
 * answers for 4"). Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_LIMIT.
 */
CNS_NODISCARD cns_err translations_write(cns_buf *b, const json_t *v, const cns_question *qs,
                                         size_t n, const char *what, cns_diag *diag);

#endif
