/*
 * Renderings of a result: a readable text report, an SVG chart, and NIST SP
 * 1500-100 results JSON. All derive from the result document; floating point
 * appears only in the chart's geometry, never in a decision.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/internal.h"

/* ---- a growable string ---- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#include <stdarg.h>

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->s != NULL && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap : 1024);
        while (cap <= b->len + (size_t)n)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (s == NULL) {
            b->oom = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

static cns_err sb_finish(sbuf *b, char **out)
{
    if (b->oom || b->s == NULL) {
        free(b->s);
        *out = NULL;
        return CNS_ERR_NOMEM;
    }
    *out = b->s;
    return CNS_OK;
}

/* A JSON scalar as text (strings bare, integers in decimal, null as "-"). */
static const char *scalar(const json_t *v, char *buf, size_t n)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    }
    if (json_is_true(v))
        return "yes";
    if (json_is_false(v))
        return "no";
    return "-";
}

static const char *field(const json_t *o, const char *k, char *buf, size_t n)
{
    return scalar(json_object_get(o, k), buf, n);
}

/* ---- text ---- */

/*
 * Columns a UTF-8 name takes: its code points (no locale here, so a wide
 * character counts one column and a combining mark counts one).
 */
static int name_width(const char *s)
{
    int n = 0;
    for (; s != NULL && *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* name, whole, padded to width columns. */
static void name_cell(sbuf *b, const char *name, int width)
{
    int pad = width - name_width(name);
    sb_printf(b, "%s%*s", name != NULL ? name : "", pad > 0 ? pad : 0, "");
}

/* The widest of min and the string members key of rows' items. */
static int rows_width(const json_t *rows, const char *key, int min)
{
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        int w = name_width(json_string_value(json_object_get(row, key)));
        min = w > min ? w : min;
    }
    return min;
}

static void text_totals(sbuf *b, const json_t *doc)
{
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    const json_t *v = json_object_get(doc, "votes");
    if (v == NULL)
        return;
    sb_printf(b, "Votes: valid %s, blank %s, null %s, cast %s, registered %s\n",
              field(v, "valid", b1, 32), field(v, "blank", b2, 32), field(v, "null", b3, 32),
              field(v, "cast", b4, 32), field(v, "registered", b5, 32));
    if (json_object_get(v, "marks") != NULL)
        sb_printf(b, "Votes are ballots; marks on valid ballots: %s (a ballot may mark several)\n",
                  field(v, "marks", b1, 32));
    const json_t *a = json_object_get(doc, "annulment_test");
    if (a != NULL)
        sb_printf(b,
                  "Annulment test (Constitution art. 184, blank+null > 2/3 of cast): %s of %s "
                  "-> %s\n",
                  field(a, "blank_plus_null", b1, 32), field(a, "cast", b2, 32),
                  json_is_true(json_object_get(a, "void")) ? "VOID" : "not void");
}

static void text_district(sbuf *b, const json_t *d)
{
    char b1[32], b2[32];
    sb_printf(b, "  District %s, %s seats", field(d, "district", b1, 32),
              field(d, "seats", b2, 32));
    const json_t *c = json_object_get(d, "cifra_repartidora");
    if (c != NULL)
        sb_printf(b, "; cifra repartidora %s (= %s)", field(c, "decimal", b1, 32),
                  field(c, "exact", b2, 32));
    const json_t *q = json_object_get(d, "hare_quota");
    if (q != NULL)
        sb_printf(b, "; Hare quota %s", field(q, "decimal", b1, 32));
    int width = rows_width(json_object_get(d, "lists"), "list", 28);
    sb_printf(b, "\n    ");
    name_cell(b, "list", width);
    sb_printf(b, " %14s %6s  %s\n", "votes", "seats", "first quotients");
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(d, "lists"), i, row)
    {
        sb_printf(b, "    ");
        name_cell(b, json_string_value(json_object_get(row, "list")), width);
        sb_printf(b, " %14s %6s ", field(row, "votes", b2, 32), field(row, "seats", b1, 32));
        const json_t *qs = json_object_get(row, "quotients");
        for (size_t k = 0; k < json_array_size(qs) && k < 4; k++)
            sb_printf(b, " %s", json_string_value(json_array_get(qs, k)));
        if (!json_is_true(json_object_get(row, "included")))
            sb_printf(b, " (below threshold)");
        sb_printf(b, "\n");
    }
}

static void text_lists(sbuf *b, const json_t *doc)
{
    size_t i, j;
    const json_t *p, *d;
    json_array_foreach(json_object_get(doc, "passes"), i, p)
    {
        sb_printf(b, "\nPass %zu%s\n", i + 1,
                  json_array_size(json_object_get(doc, "passes")) > 1
                      ? (i == 0 ? " (all lists, for the threshold)" : " (lists above threshold)")
                      : "");
        json_array_foreach(json_object_get(p, "districts"), j, d) text_district(b, d);
        if (i == 0 && json_object_get(doc, "threshold") != NULL) {
            const json_t *row;
            char b1[32], b2[32];
            sb_printf(b, "\nThreshold (%s): list, national votes, first-pass seats, passes\n",
                      field(json_object_get(doc, "threshold"), "rule", b1, 32));
            const json_t *rows = json_object_get(json_object_get(doc, "threshold"), "lists");
            int width = rows_width(rows, "list", 28);
            json_array_foreach(rows, j, row)
            {
                sb_printf(b, "  ");
                name_cell(b, json_string_value(json_object_get(row, "list")), width);
                sb_printf(b, " %14s %6s  %s\n", field(row, "national_votes", b2, 32),
                          field(row, "first_pass_seats", b1, 32),
                          json_is_true(json_object_get(row, "passes")) ? "yes" : "no");
            }
        }
    }
    const json_t *g = json_object_get(doc, "gender");
    if (g != NULL) {
        char b1[32], b2[32], b3[32];
        sb_printf(b, "\nGender of the elected: %s women, %s men, %s unknown\n",
                  field(g, "women", b1, 32), field(g, "men", b2, 32), field(g, "unknown", b3, 32));
    }
}

static void text_stages(sbuf *b, const json_t *doc, const char *key)
{
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(doc, key), i, s)
    {
        char b1[64], b2[64];
        const json_t *act = json_object_get(s, "action");
        sb_printf(b, "\n%s %zu", strcmp(key, "rounds") == 0 ? "Round" : "Stage", i + 1);
        if (act != NULL)
            sb_printf(b, ": %s %s", json_string_value(act),
                      json_object_get(s, "candidate") ? field(s, "candidate", b1, 64) : "");
        if (json_object_get(s, "transfer_value"))
            sb_printf(b, " (transfer value %s)", field(s, "transfer_value", b2, 64));
        if (json_object_get(s, "quota"))
            sb_printf(b, " (quota %s)", field(s, "quota", b2, 64));
        sb_printf(b, "\n");
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)json_object_get(s, "votes"), k, v)
            sb_printf(b, "  %-32s %s\n", k, scalar(v, b1, 64));
        if (json_object_get(s, "exhausted"))
            sb_printf(b, "  %-32s %s\n", "(exhausted)", field(s, "exhausted", b1, 64));
        if (json_object_get(s, "excluded"))
            sb_printf(b, "  excluded: %s\n", field(s, "excluded", b1, 64));
    }
}

static void text_ranking(sbuf *b, const json_t *doc)
{
    const json_t *r = json_object_get(doc, "ranking");
    if (r == NULL)
        return;
    sb_printf(b, "\nRanking:\n");
    size_t i, j;
    const json_t *g, *n;
    json_array_foreach(r, i, g)
    {
        sb_printf(b, "  %zu.", i + 1);
        json_array_foreach(g, j, n) sb_printf(b, "%s %s", j ? " =" : "", json_string_value(n));
        sb_printf(b, "\n");
    }
}

/* A share "num/den" as a percentage with at most 4 decimals, truncated ("50%", "33.3333%"). */
static const char *percent(const json_t *share, char *buf, size_t n)
{
    unsigned long long num, den;
    const char *s = json_string_value(share);
    if (s == NULL || sscanf(s, "%llu/%llu", &num, &den) != 2 || den == 0 || num > den * 100) {
        snprintf(buf, n, "%s", s != NULL ? s : "?");
        return buf;
    }
    unsigned long long scaled = num * 1000000ull / den; /* percent × 10^4, num ≤ 10^8 */
    int len = snprintf(buf, n, "%llu.%04llu", scaled / 10000, scaled % 10000);
    while (len > 0 && (buf[len - 1] == '0' || buf[len - 1] == '.'))
        if (buf[--len] == '.')
            break;
    snprintf(buf + len, n - (size_t)len, "%%");
    return buf;
}

/* The verdict and each condition of a referendum, met or not. */
static void text_referendum(sbuf *b, const json_t *ref)
{
    char b1[64], b2[64], b3[32];
    if (ref == NULL)
        return;
    sb_printf(b, "Referendum: %s\n", field(ref, "outcome", b1, 64));
    const json_t *m = json_object_get(ref, "majority"), *p = json_object_get(ref, "participation");
    sb_printf(b, "  majority: more than %s of valid votes: %s\n",
              percent(json_object_get(m, "share"), b1, 64),
              json_is_true(json_object_get(m, "met")) ? "met" : "not met");
    if (json_is_object(p))
        sb_printf(b, "  participation: the winning option reaches %s of %s registered: %s\n",
                  percent(json_object_get(p, "share"), b2, 64), field(p, "registered", b3, 32),
                  json_is_true(json_object_get(p, "met")) ? "met" : "not met");
}

cns_err cns_count_result_text(const cns_count_result *r, char **out)
{
    if (r == NULL || out == NULL)
        return CNS_ERR_INVALID;
    sbuf b = {0};
    const json_t *doc = r->doc;
    char b1[64];
    sb_printf(&b, "consulta count: %s\n", field(doc, "method", b1, 64));
    sb_printf(&b, "Source: %s\n", field(doc, "source", b1, 64));
    if (json_is_string(json_object_get(doc, "title")))
        sb_printf(&b, "Title: %s\n", field(doc, "title", b1, 64));
    text_totals(&b, doc);
    if (json_object_get(doc, "quota") && json_is_object(json_object_get(doc, "quota")))
        sb_printf(&b, "Quota: %s\n", field(json_object_get(doc, "quota"), "value", b1, 64));
    text_referendum(&b, json_object_get(doc, "referendum"));
    int width = 32;
    for (size_t i = 0; i < r->nbars; i++)
        width = name_width(r->bar_names[i]) > width ? name_width(r->bar_names[i]) : width;
    for (size_t i = 0; i < r->nlists; i++)
        width = name_width(r->list_names[i]) > width ? name_width(r->list_names[i]) : width;
    for (size_t i = 0; i < r->nbars; i++) {
        sb_printf(&b, "  ");
        name_cell(&b, r->bar_names[i], width);
        sb_printf(&b, " %s\n", r->bar_text[i]);
    }
    text_lists(&b, doc);
    text_stages(&b, doc, "stages");
    text_stages(&b, doc, "rounds");
    text_ranking(&b, doc);
    if (r->has_seats) {
        sb_printf(&b, "\nSeats:\n");
        for (size_t i = 0; i < r->nlists; i++)
            if (r->list_seats[i] > 0) {
                sb_printf(&b, "  ");
                name_cell(&b, r->list_names[i], width);
                sb_printf(&b, " %" PRIu64 "\n", r->list_seats[i]);
            }
    }
    sb_printf(&b, "\nElected:");
    for (size_t i = 0; i < r->nelected; i++)
        sb_printf(&b, "%s %s", i ? "," : "", r->elected[i]);
    sb_printf(&b, "%s\n", r->nelected == 0 ? " (none)" : "");
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(doc, "ties"), i, t)
        sb_printf(&b, "Tie at %s, settled by %s\n", field(t, "context", b1, 64),
                  json_string_value(json_object_get(t, "by")));
    return sb_finish(&b, out);
}

/* ---- SVG ---- */

static const char *const palette[] = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                      "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"};
#define NPAL (sizeof palette / sizeof palette[0])

static void xml_text(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            sb_printf(b, "&lt;");
            break;
        case '>':
            sb_printf(b, "&gt;");
            break;
        case '&':
            sb_printf(b, "&amp;");
            break;
        case '"':
            sb_printf(b, "&quot;");
            break;
        default:
            sb_printf(b, "%c", *s);
        }
    }
}

static double bars(sbuf *b, const cns_count_result *r)
{
    uint64_t max = 1;
    for (size_t i = 0; i < r->nbars; i++)
        max = r->bar_val[i] > max ? r->bar_val[i] : max;
    double y = 40;
    for (size_t i = 0; i < r->nbars; i++, y += 26) {
        double w = 480.0 * (double)r->bar_val[i] / (double)max;
        sb_printf(b, "<text x=\"230\" y=\"%.1f\" text-anchor=\"end\">", y + 15);
        xml_text(b, r->bar_names[i]);
        sb_printf(b,
                  "</text>\n<rect x=\"240\" y=\"%.1f\" width=\"%.1f\" height=\"20\" "
                  "fill=\"%s\"/>\n",
                  y, w, palette[i % NPAL]);
        sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", 245 + w, y + 15);
        xml_text(b, r->bar_text[i]);
        sb_printf(b, "</text>\n");
    }
    return y;
}

typedef struct seatpos {
    double x, y, angle;
} seatpos;

static int cmp_angle(const void *a, const void *b)
{
    const seatpos *p = a, *q = b;
    return p->angle < q->angle ? 1 : p->angle > q->angle ? -1 : 0;
}

static cns_err hemicycle(sbuf *b, const cns_count_result *r, double top)
{
    uint64_t total = 0;
    for (size_t i = 0; i < r->nlists; i++)
        total += r->list_seats[i];
    if (total == 0 || total > 2000)
        return CNS_OK;
    size_t rows = (size_t)ceil(sqrt((double)total / 4.0));
    rows = rows < 1 ? 1 : rows;
    double r0 = 120, r1 = 300, cx = 480, cy = top + 320;
    seatpos *p = malloc(total * sizeof *p);
    if (p == NULL)
        return CNS_ERR_NOMEM;
    double sumr = 0;
    for (size_t k = 0; k < rows; k++)
        sumr += rows > 1 ? r0 + (r1 - r0) * (double)k / (double)(rows - 1) : r1;
    size_t placed = 0;
    for (size_t k = 0; k < rows; k++) {
        double rad = rows > 1 ? r0 + (r1 - r0) * (double)k / (double)(rows - 1) : r1;
        size_t n =
            k + 1 == rows ? (size_t)total - placed : (size_t)llround((double)total * rad / sumr);
        n = placed + n > total ? (size_t)total - placed : n;
        for (size_t s = 0; s < n; s++) {
            double a = n > 1 ? M_PI * (1.0 - (double)s / (double)(n - 1)) : M_PI / 2;
            p[placed++] = (seatpos){cx + rad * cos(a), cy - rad * sin(a), a};
        }
    }
    qsort(p, placed, sizeof *p, cmp_angle);
    double dot = rows > 1 ? (r1 - r0) / (double)(rows - 1) / 2.6 : 8;
    dot = dot > 9 ? 9 : dot;
    size_t s = 0;
    for (size_t i = 0; i < r->nlists; i++) {
        for (uint64_t k = 0; k < r->list_seats[i] && s < placed; k++, s++)
            sb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n", p[s].x,
                      p[s].y, dot, palette[i % NPAL]);
    }
    double ly = cy + 30;
    for (size_t i = 0; i < r->nlists; i++) {
        if (r->list_seats[i] == 0)
            continue;
        sb_printf(b, "<rect x=\"200\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>", ly,
                  palette[i % NPAL]);
        sb_printf(b, "<text x=\"220\" y=\"%.1f\">", ly + 12);
        xml_text(b, r->list_names[i]);
        sb_printf(b, ": %" PRIu64 "</text>\n", r->list_seats[i]);
        ly += 20;
    }
    sb_printf(b, "<!-- height %.0f -->\n", ly);
    free(p);
    return CNS_OK;
}

cns_err cns_count_result_svg(const cns_count_result *r, char **out)
{
    if (r == NULL || out == NULL)
        return CNS_ERR_INVALID;
    sbuf b = {0};
    double h = 60 + 26.0 * (double)r->nbars + (r->has_seats ? 420 + 20.0 * (double)r->nlists : 0);
    sb_printf(&b,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"%.0f\" "
              "font-family=\"sans-serif\" font-size=\"13\">\n",
              h);
    char b1[64];
    sb_printf(&b, "<text x=\"20\" y=\"24\" font-size=\"16\">");
    xml_text(&b, field(r->doc, "method", b1, 64));
    sb_printf(&b, " — ");
    xml_text(&b, json_is_string(json_object_get(r->doc, "title"))
                     ? json_string_value(json_object_get(r->doc, "title"))
                     : field(r->doc, "source", b1, 64));
    sb_printf(&b, "</text>\n");
    double y = bars(&b, r);
    if (r->has_seats && hemicycle(&b, r, y) != CNS_OK)
        b.oom = true;
    sb_printf(&b, "</svg>\n");
    return sb_finish(&b, out);
}

/* ---- NIST SP 1500-100 ---- */

static json_t *intl_text(const char *s)
{
    return json_pack("{s:s,s:[{s:s,s:s,s:s}]}", "@type", "ElectionResults.InternationalizedText",
                     "Text", "@type", "ElectionResults.LanguageString", "Language", "es", "Content",
                     s);
}

static json_t *vote_counts(uint64_t v)
{
    return json_pack("[{s:s,s:s,s:I,s:s}]", "@type", "ElectionResults.VoteCounts", "CountItemType",
                     "total", "Count", (json_int_t)v, "GpUnitId", "gpu-1");
}

static json_t *nist_contest(const cns_count_result *r, json_t *cands, json_t *parties)
{
    bool lists = r->has_seats;
    const json_t *doc = r->doc;
    json_t *sel = json_array();
    for (size_t i = 0; i < r->nbars; i++) {
        char id[32], cid[32];
        snprintf(id, sizeof id, "cs-%zu", i + 1);
        snprintf(cid, sizeof cid, lists ? "party-%zu" : "cand-%zu", i + 1);
        json_t *s = json_pack("{s:s,s:s,s:o}", "@type",
                              lists ? "ElectionResults.PartySelection"
                                    : "ElectionResults.CandidateSelection",
                              "@id", id, "VoteCounts", vote_counts(r->bar_val[i]));
        json_object_set_new(s, lists ? "PartyIds" : "CandidateIds", json_pack("[s]", cid));
        json_array_append_new(sel, s);
        json_t *ent =
            json_pack("{s:s,s:s}", "@type",
                      lists ? "ElectionResults.Party" : "ElectionResults.Candidate", "@id", cid);
        json_object_set_new(ent, lists ? "Name" : "BallotName", intl_text(r->bar_names[i]));
        json_array_append_new(lists ? parties : cands, ent);
    }
    const json_t *v = json_object_get(doc, "votes");
    json_t *other =
        json_pack("[{s:s,s:s,s:I,s:I}]", "@type", "ElectionResults.OtherCounts", "GpUnitId",
                  "gpu-1", "Undervotes", json_integer_value(json_object_get(v, "blank")),
                  "Overvotes", json_integer_value(json_object_get(v, "null")));
    const char *title = json_is_string(json_object_get(doc, "title"))
                            ? json_string_value(json_object_get(doc, "title"))
                            : json_string_value(json_object_get(doc, "source"));
    return json_pack("[{s:s,s:s,s:s,s:s,s:I,s:o,s:o}]", "@type",
                     lists ? "ElectionResults.PartyContest" : "ElectionResults.CandidateContest",
                     "@id", "contest-1", "Name", title, "ElectionDistrictId", "gpu-1",
                     "NumberElected", (json_int_t)r->nelected, "ContestSelection", sel,
                     "OtherCounts", other);
}

cns_err cns_count_result_nist(const cns_count_result *r, const char *generated, char **out)
{
    if (r == NULL || out == NULL || generated == NULL)
        return CNS_ERR_INVALID;
    *out = NULL;
    json_t *cands = json_array(), *parties = json_array();
    json_t *contest = nist_contest(r, cands, parties);
    const json_t *doc = r->doc;
    const char *title = json_is_string(json_object_get(doc, "title"))
                            ? json_string_value(json_object_get(doc, "title"))
                            : json_string_value(json_object_get(doc, "source"));
    json_t *election = json_pack(
        "[{s:s,s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:o}]", "@type", "ElectionResults.Election", "Name",
        intl_text(title), "Type", "general", "StartDate", "1970-01-01", "EndDate", "1970-01-01",
        "ElectionScopeId", "gpu-1", "Contest", contest, "Candidate", cands, "Party", parties);
    json_t *gp = json_pack("[{s:s,s:s,s:s,s:s}]", "@type", "ElectionResults.ReportingUnit", "@id",
                           "gpu-1", "Type", "other", "Name", "consulta");
    json_t *rep =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:o,s:o}", "@type",
                  "ElectionResults.ElectionReport", "Format", "summary-contest", "GeneratedDate",
                  generated, "Issuer", "consulta", "IssuerAbbreviation", "consulta", "Status",
                  "unofficial-complete", "SequenceStart", 1, "SequenceEnd", 1,
                  "VendorApplicationId", "consulta count", "Election", election, "GpUnit", gp);
    if (rep == NULL)
        return CNS_ERR_NOMEM;
    *out = json_dumps(rep, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(rep);
    return *out == NULL ? CNS_ERR_NOMEM : CNS_OK;
}
