/* The booth's static files (server/web.h): which paths name which files, and which never do. */
#include <stdlib.h>
#include <string.h>

#include "../server/web.h"
#include "check.h"

static const char *uuid = "ywaKqohK4oF8dx";

/* The file path resolves to, or NULL when it is not the web folder's. */
static const char *resolve(const char *path)
{
    static char rel[WEB_PATH_MAX + 1];
    return web_resolve(uuid, path, rel, sizeof rel) ? rel : NULL;
}

/* Does path resolve to want? */
static int is(const char *path, const char *want)
{
    const char *r = resolve(path);
    return r != NULL && strcmp(r, want) == 0;
}

static void pages(void)
{
    CHECK(is("/elections/ywaKqohK4oF8dx/", "booth/index.html"));
    CHECK(is("/elections/ywaKqohK4oF8dx/vote", "booth/vote.html"));
    CHECK(is("/elections/ywaKqohK4oF8dx/find", "booth/find.html"));
    CHECK(is("/web/core/consulta-core.wasm", "core/consulta-core.wasm"));
    CHECK(is("/web/i18n/qu.json", "i18n/qu.json"));
    /* the board's routes are not the web folder's */
    CHECK(resolve("/elections/ywaKqohK4oF8dx") == NULL);
    CHECK(resolve("/elections/ywaKqohK4oF8dx/election") == NULL);
    CHECK(resolve("/elections/ywaKqohK4oF8dx/vote/") == NULL);
    CHECK(resolve("/elections/other/vote") == NULL);
    CHECK(resolve("/elections/ywaKqohK4oF8dxx/vote") == NULL);
    CHECK(resolve("/elections//vote") == NULL);
    CHECK(resolve("/") == NULL);
    CHECK(resolve("/web") == NULL);
}

static void refused(void)
{
    static const char *bad[] = {
        "/web/",        "/web/../x.js", "/web/a/../b.js",        "/web/./a.js", "/web/.a.js",
        "/web/a/.b.js", "/web//a.js",   "/web/a//b.js",          "/web/a/",     "/web/a.js/",
        "/web/a b.js",  "/web/a%2e.js", "/web/a\\b.js",          "/web/a.exe",  "/web/a",
        "/web/a.JS",    "/web/a:b.js",  "/web/a/b/c/d/e/f/g.js", "/web/~a.js",  "/web/a.js?x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *r = resolve(bad[i]);
        if (r != NULL)
            fprintf(stderr, "%s resolved to %s\n", bad[i], r);
        CHECK(r == NULL);
    }
    CHECK(resolve("/web/a/b/c/d/e/g.js") != NULL); /* WEB_DEPTH_MAX folders deep */
    char name[WEB_PATH_MAX + 16] = "/web/";
    memset(name + 5, 'a', WEB_PATH_MAX - 2);
    strcpy(name + 5 + WEB_PATH_MAX - 2, ".js");
    CHECK(resolve(name) == NULL); /* one byte over */
    name[5 + WEB_PATH_MAX - 3] = '\0';
    strcat(name, ".js");
    CHECK(resolve(name) != NULL);
    /* too small a buffer: refused, not truncated */
    char small[8];
    CHECK(!web_resolve(uuid, "/web/booth/booth.js", small, sizeof small));
}

static void mimes(void)
{
    CHECK(strcmp(web_mime("a.wasm"), "application/wasm") == 0);
    CHECK(strcmp(web_mime("a/b.html"), "text/html; charset=utf-8") == 0);
    CHECK(strcmp(web_mime("a.js"), "text/javascript; charset=utf-8") == 0);
    CHECK(strcmp(web_mime("a.css"), "text/css; charset=utf-8") == 0);
    CHECK(strcmp(web_mime("a.json"), "application/json") == 0);
    CHECK(web_mime("a.gz") == NULL);
    CHECK(web_mime("a.js.map") == NULL);
    CHECK(web_mime("a.d/b") == NULL);
    CHECK(web_mime("html") == NULL);
}

static void folder(void)
{
    web_files *w = NULL;
    cns_diag diag = {{0}};
    CHECK_ERR(web_open(&w, "/nonexistent/web", &diag), CNS_ERR_IO);
    CHECK(w == NULL);
    CHECK(strstr(diag.text, "/nonexistent/web") != NULL);
    CHECK_OK(web_open(&w, ".", NULL));
    web_close(w);
    web_close(NULL);
}

int main(void)
{
    pages();
    refused();
    mimes();
    folder();
    return CHECK_DONE();
}
