/*
 * The voting booth's static files (issue 8), served by consulta serve from
 * a web folder (build/web: `make web`). Private to server/.
 *
 *   /elections/UUID/        booth/index.html  (links the booth and the find page)
 *   /elections/UUID/vote    booth/vote.html   (the booth)
 *   /elections/UUID/find    booth/find.html   (find my ballot)
 *   /web/REL                REL               (scripts, styles, catalogues, the wasm core)
 *
 * Every answer carries a strict Content-Security-Policy and an ETag; a
 * precompressed REL.gz is sent to clients that accept gzip.
 */
#ifndef CONSULTA_SERVER_WEB_H
#define CONSULTA_SERVER_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "consulta/error.h"

/* Longest relative file name served, and most folders in it. */
#define WEB_PATH_MAX  200
#define WEB_DEPTH_MAX 6
/* Largest file served. */
#define WEB_FILE_MAX (64u << 20)

typedef struct web_files web_files;

/*
 * Open the web folder dir (borrowed; kept open, so that later renames of
 * the path do not matter). OUT: *out, freed with web_close. Errors:
 * CNS_ERR_IO (no such folder), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err web_open(web_files **out, const char *dir, cns_diag *diag);

void web_close(web_files *w);

/*
 * The file that serves path for the election uuid: true and rel (the name
 * relative to the web folder, NUL-terminated, at most cap bytes) when path
 * is a page or a well-formed /web/ name — segments of [A-Za-z0-9_.-], none
 * starting with '.', at most WEB_DEPTH_MAX deep, WEB_PATH_MAX long, with a
 * known extension; false otherwise (the board's routes answer).
 */
bool web_resolve(const char *uuid, const char *path, char *rel, size_t cap);

/* The MIME type of a file name by its extension, or NULL when not served. */
const char *web_mime(const char *rel);

/*
 * Answer the request when path is one of the web folder's (see
 * web_resolve): true and *ret set (the file, 304 when If-None-Match names
 * its ETag, 404 when missing, 405 for other methods than GET and HEAD);
 * false when the board's routes answer.
 */
bool web_answer(const web_files *w, struct MHD_Connection *c, const char *uuid, const char *method,
                const char *path, enum MHD_Result *ret);

#endif
