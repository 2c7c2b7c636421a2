/* The command line's HTTP client on libcurl (http.h). */
#include "http.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "util.h"

/* Non-2xx answers are kept (for their error text) up to this many bytes. */
#define ERROR_BODY_MAX 16384

struct cli_http {
    CURL *curl;
    cli_http_opts o;
    char errbuf[CURL_ERROR_SIZE];
    /* the request under way */
    cli_http_sink sink;
    void *ctx;
    uint64_t got;     /* body bytes received */
    bool over;        /* the cap was crossed */
    bool sink_failed; /* the sink refused */
    cns_err sink_err;
    cns_diag *diag;
    char errbody[ERROR_BODY_MAX + 1]; /* a non-2xx answer's body, NUL-terminated */
    size_t errlen;
    bool error_cut;
};

const char cli_http_usage[] =
    "  --max-size BYTES    refuse an answer larger than this (default 4 GiB)\n"
    "  --timeout SECONDS   the whole transfer's deadline (default 3600)\n"
    "  --min-rate BYTES    cut a transfer slower than this many bytes/s ...\n"
    "  --stall SECONDS     ... for this long (defaults 1024 bytes/s, 30 s)\n"
    "  --follow-redirects  follow up to 5 redirects (never from https to http)\n"
    "  --cacert FILE       trust these CA certificates for https (default: the system's)\n";

void cli_http_defaults(cli_http_opts *o)
{
    *o = (cli_http_opts){.max_bytes = CLI_HTTP_MAX_DEFAULT,
                         .timeout_s = 3600,
                         .min_rate = 1024,
                         .stall_s = 30,
                         .follow = false,
                         .cacert = NULL};
}

int cli_http_option(const char *cmd, int opt, const char *arg, cli_http_opts *o)
{
    uint64_t v = 0;
    switch (opt) {
    case 0x100:
        if (!cli_parse_u64(arg, 1, UINT64_MAX, &v))
            return cli_usage(cmd, "--max-size must be a positive number of bytes");
        o->max_bytes = v;
        return 0;
    case 0x101:
        if (!cli_parse_u64(arg, 1, 7 * 86400, &v))
            return cli_usage(cmd, "--timeout must be from 1 to 604800 seconds");
        o->timeout_s = (long)v;
        return 0;
    case 0x102:
        if (!cli_parse_u64(arg, 1, 1u << 30, &v))
            return cli_usage(cmd, "--min-rate must be from 1 to 1073741824 bytes/s");
        o->min_rate = (long)v;
        return 0;
    case 0x103:
        if (!cli_parse_u64(arg, 1, 86400, &v))
            return cli_usage(cmd, "--stall must be from 1 to 86400 seconds");
        o->stall_s = (long)v;
        return 0;
    case 0x104:
        o->follow = true;
        return 0;
    case 0x105:
        o->cacert = arg;
        return 0;
    default:
        return -1;
    }
}

bool cli_http_is_url(const char *arg)
{
    return strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0;
}

cli_http *cli_http_new(const cli_http_opts *o)
{
    static bool started;
    if (!started && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "consulta: libcurl failed to start\n");
        return NULL;
    }
    started = true;
    cli_http *h = calloc(1, sizeof *h);
    if (h != NULL)
        h->curl = curl_easy_init();
    if (h == NULL || h->curl == NULL) {
        fprintf(stderr, "consulta: out of memory\n");
        free(h);
        return NULL;
    }
    h->o = *o;
    return h;
}

void cli_http_free(cli_http *h)
{
    if (h == NULL)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

/* The answer's status so far (0 before its headers). */
static long status_of(CURL *curl)
{
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* libcurl's write callback: the cap, then the sink (2xx) or the kept error text. */
static size_t on_body(char *data, size_t one, size_t n, void *p)
{
    cli_http *h = p;
    (void)one;
    if (n > h->o.max_bytes - h->got) {
        h->over = true;
        return 0;
    }
    h->got += n;
    long status = status_of(h->curl);
    if (status >= 200 && status < 300) {
        cns_err err = h->sink ? h->sink(h->ctx, data, n, h->diag) : CNS_OK;
        if (err != CNS_OK) {
            h->sink_failed = true;
            h->sink_err = err;
            return 0;
        }
        return n;
    }
    if (n > ERROR_BODY_MAX - h->errlen) {
        h->error_cut = true; /* an error's text is short: the rest is not read */
        return 0;
    }
    memcpy(h->errbody + h->errlen, data, n);
    h->errlen += n;
    h->errbody[h->errlen] = '\0';
    return n;
}

const char *cli_http_error_body(const cli_http *h)
{
    return h->errbody;
}

/* Set the options of one request. Returns false if libcurl refused one. */
static bool set_options(cli_http *h, const char *method, const char *url, struct curl_slist *hdrs,
                        const void *body, size_t len)
{
    CURL *c = h->curl;
    bool https = strncmp(url, "https://", 8) == 0;
    long connect_s = h->o.timeout_s < 30 ? h->o.timeout_s : 30;
    curl_off_t cap = h->o.max_bytes > INT64_MAX ? INT64_MAX : (curl_off_t)h->o.max_bytes;
    CURLcode r = CURLE_OK;
    curl_easy_reset(c); /* keeps the connection */
#define SET(opt, val)                                                                              \
    if (r == CURLE_OK)                                                                             \
    r = curl_easy_setopt(c, opt, val)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
    SET(CURLOPT_FOLLOWLOCATION, h->o.follow ? 1L : 0L);
    SET(CURLOPT_MAXREDIRS, 5L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, h->errbuf);
    SET(CURLOPT_TIMEOUT, h->o.timeout_s);
    SET(CURLOPT_CONNECTTIMEOUT, connect_s);
    SET(CURLOPT_LOW_SPEED_LIMIT, h->o.min_rate);
    SET(CURLOPT_LOW_SPEED_TIME, h->o.stall_s);
    SET(CURLOPT_MAXFILESIZE_LARGE, cap);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_USERAGENT, "consulta");
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, h);
    SET(CURLOPT_HTTPHEADER, hdrs);
    if (h->o.cacert != NULL)
        SET(CURLOPT_CAINFO, h->o.cacert);
    if (strcmp(method, "POST") == 0) {
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        SET(CURLOPT_POSTFIELDS, body);
    }
#undef SET
    return r == CURLE_OK;
}

/* The diagnostic for a failed transfer. */
static cns_err transfer_failed(cli_http *h, const char *url, CURLcode r, cns_diag *diag)
{
    const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(r);
    if (h->over || r == CURLE_FILESIZE_EXCEEDED)
        return cns_diag_set(diag, CNS_ERR_LIMIT,
                            "%s: the answer is larger than the cap of %" PRIu64
                            " bytes (--max-size)",
                            url, h->o.max_bytes);
    if (r == CURLE_OPERATION_TIMEDOUT && strstr(why, "too slow") != NULL)
        return cns_diag_set(diag, CNS_ERR_LIMIT,
                            "%s: slower than %ld bytes/s for %ld s (--min-rate, --stall)", url,
                            h->o.min_rate, h->o.stall_s);
    if (r == CURLE_OPERATION_TIMEDOUT)
        return cns_diag_set(diag, CNS_ERR_LIMIT, "%s: not complete within %ld s (--timeout)", url,
                            h->o.timeout_s);
    return cns_diag_set(diag, CNS_ERR_IO, "%s: %s", url, why);
}

cns_err cli_http_request(cli_http *h, const char *method, const char *url,
                         const char *const *headers, const void *body, size_t len,
                         cli_http_sink sink, void *ctx, long *status, cns_diag *diag)
{
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:"), *more;
    cns_err err = hdrs ? CNS_OK : cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; err == CNS_OK && headers != NULL && headers[i] != NULL; i++) {
        if ((more = curl_slist_append(hdrs, headers[i])) == NULL)
            err = cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory");
        else
            hdrs = more;
    }
    h->sink = sink;
    h->ctx = ctx;
    h->got = 0;
    h->over = h->sink_failed = false;
    h->diag = diag;
    h->errbuf[0] = h->errbody[0] = '\0';
    h->errlen = 0;
    h->error_cut = false;
    *status = 0;
    if (err == CNS_OK && !set_options(h, method, url, hdrs, body, len))
        err = cns_diag_set(diag, CNS_ERR_INTERNAL, "%s: libcurl refused an option", url);
    CURLcode r = err == CNS_OK ? curl_easy_perform(h->curl) : CURLE_OK;
    if (r == CURLE_WRITE_ERROR && h->error_cut)
        r = CURLE_OK;
    if (err == CNS_OK && h->sink_failed)
        err = h->sink_err; /* the sink's diagnostic stands */
    else if (err == CNS_OK && r != CURLE_OK)
        err = transfer_failed(h, url, r, diag);
    if (err == CNS_OK)
        *status = status_of(h->curl);
    if (err == CNS_OK && *status >= 300 && *status < 400) {
        char *to = NULL;
        curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &to);
        err = cns_diag_set(diag, CNS_ERR_IO,
                           "%s: the server redirects (%ld) to %s; not followed without "
                           "--follow-redirects",
                           url, *status, to ? to : "(nowhere)");
    }
    for (struct curl_slist *l = hdrs; l != NULL; l = l->next) /* a header may carry a code */
        sodium_memzero(l->data, strlen(l->data));
    curl_slist_free_all(hdrs);
    return err;
}
