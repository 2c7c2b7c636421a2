/* The acta's pages: Pango text on a cairo PDF surface, a QR code (acta_pdf.h). */
#include "acta_pdf.h"

#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#define PAGE_W   595.276 /* A4 in points */
#define PAGE_H   841.890
#define MARGIN   56.0
#define FOOT     36.0 /* room kept for the footer */
#define TEXT_W   (PAGE_W - 2 * MARGIN)
#define BOTTOM   (PAGE_H - MARGIN - FOOT)
#define CELL_PAD 4.0

struct acta_pdf {
    cairo_surface_t *surface;
    cairo_t *cr;
    char *footer;
    double y;
    int page;
};

static const char *font_of(acta_style style)
{
    switch (style) {
    case ACTA_TITLE:
        return "DejaVu Sans Bold 15";
    case ACTA_HEADING:
        return "DejaVu Sans Bold 11";
    case ACTA_SMALL:
        return "DejaVu Sans 8.5";
    case ACTA_MONO:
        return "DejaVu Sans Mono 8";
    case ACTA_TEXT:
    default:
        return "DejaVu Sans 10";
    }
}

/* A layout of text in style, wrapped to width points. */
static PangoLayout *layout_new(acta_pdf *pdf, acta_style style, const char *text, double width,
                               PangoAlignment align)
{
    PangoLayout *layout = pango_cairo_create_layout(pdf->cr);
    PangoFontDescription *font = pango_font_description_from_string(font_of(style));
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    pango_layout_set_text(layout, text, -1);
    return layout;
}

static double layout_height(PangoLayout *layout)
{
    int w, h;
    pango_layout_get_size(layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void draw_footer(acta_pdf *pdf)
{
    char text[1200];
    snprintf(text, sizeof text, "%s — %d", pdf->footer, pdf->page);
    PangoLayout *layout = layout_new(pdf, ACTA_SMALL, text, TEXT_W, PANGO_ALIGN_CENTER);
    cairo_move_to(pdf->cr, MARGIN, PAGE_H - MARGIN - layout_height(layout) + 8);
    pango_cairo_show_layout(pdf->cr, layout);
    g_object_unref(layout);
}

static void new_page(acta_pdf *pdf)
{
    draw_footer(pdf);
    cairo_show_page(pdf->cr);
    pdf->page++;
    pdf->y = MARGIN;
}

/* Make room for a block of height h (a new page when it does not fit; never cut). */
static void need(acta_pdf *pdf, double h)
{
    if (pdf->y + h > BOTTOM && pdf->y > MARGIN)
        new_page(pdf);
}

acta_pdf *acta_pdf_open(const char *path, const char *footer)
{
    acta_pdf *pdf = calloc(1, sizeof *pdf);
    if (pdf == NULL)
        return NULL;
    pdf->surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    pdf->cr = cairo_create(pdf->surface);
    pdf->footer = strdup(footer);
    pdf->y = MARGIN;
    pdf->page = 1;
    if (cairo_surface_status(pdf->surface) != CAIRO_STATUS_SUCCESS || pdf->footer == NULL) {
        cairo_destroy(pdf->cr);
        cairo_surface_destroy(pdf->surface);
        free(pdf->footer);
        free(pdf);
        return NULL;
    }
    cairo_pdf_surface_set_metadata(pdf->surface, CAIRO_PDF_METADATA_CREATOR, "consulta acta");
    cairo_set_source_rgb(pdf->cr, 0, 0, 0);
    return pdf;
}

void acta_pdf_text(acta_pdf *pdf, acta_style style, const char *text)
{
    PangoLayout *layout = layout_new(pdf, style, text, TEXT_W,
                                     style == ACTA_TITLE ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
    double h = layout_height(layout);
    if (style == ACTA_HEADING)
        need(pdf, h + 40); /* a heading stays with what follows it */
    need(pdf, h);
    cairo_move_to(pdf->cr, MARGIN, pdf->y);
    pango_cairo_show_layout(pdf->cr, layout);
    g_object_unref(layout);
    pdf->y += h + (style == ACTA_TITLE ? 10 : 5);
}

void acta_pdf_row(acta_pdf *pdf, acta_style style, size_t n, const char *const *cells,
                  const double *share, const bool *right, bool rule)
{
    PangoLayout *layouts[16];
    double h = 0;
    n = n > 16 ? 16 : n;
    for (size_t i = 0; i < n; i++) {
        double w = share[i] * TEXT_W - 2 * CELL_PAD;
        layouts[i] = layout_new(pdf, style, cells[i], w > 10 ? w : 10,
                                right[i] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        double hi = layout_height(layouts[i]);
        h = hi > h ? hi : h;
    }
    need(pdf, h + 2 * CELL_PAD);
    double x = MARGIN;
    for (size_t i = 0; i < n; i++) {
        cairo_move_to(pdf->cr, x + CELL_PAD, pdf->y + CELL_PAD);
        pango_cairo_show_layout(pdf->cr, layouts[i]);
        g_object_unref(layouts[i]);
        x += share[i] * TEXT_W;
    }
    pdf->y += h + 2 * CELL_PAD;
    if (rule) {
        cairo_set_line_width(pdf->cr, 0.4);
        cairo_move_to(pdf->cr, MARGIN, pdf->y);
        cairo_line_to(pdf->cr, MARGIN + TEXT_W, pdf->y);
        cairo_stroke(pdf->cr);
    }
}

void acta_pdf_space(acta_pdf *pdf, double points)
{
    pdf->y += points;
}

bool acta_pdf_qr(acta_pdf *pdf, const char *text, double size, const char *caption)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL)
        return false;
    PangoLayout *layout =
        layout_new(pdf, ACTA_SMALL, caption, TEXT_W - size - 16, PANGO_ALIGN_LEFT);
    double h = layout_height(layout);
    need(pdf, size > h ? size : h);
    /* the code with its quiet zone of 4 modules, white behind it */
    double module = size / (qr->width + 8);
    cairo_set_source_rgb(pdf->cr, 1, 1, 1);
    cairo_rectangle(pdf->cr, MARGIN, pdf->y, size, size);
    cairo_fill(pdf->cr);
    cairo_set_source_rgb(pdf->cr, 0, 0, 0);
    for (int r = 0; r < qr->width; r++)
        for (int c = 0; c < qr->width; c++)
            if (qr->data[r * qr->width + c] & 1)
                cairo_rectangle(pdf->cr, MARGIN + (c + 4) * module, pdf->y + (r + 4) * module,
                                module, module);
    cairo_fill(pdf->cr);
    QRcode_free(qr);
    cairo_move_to(pdf->cr, MARGIN + size + 16, pdf->y + 4 * module);
    pango_cairo_show_layout(pdf->cr, layout);
    g_object_unref(layout);
    pdf->y += (size > h ? size : h) + 8;
    return true;
}

void acta_pdf_signatures(acta_pdf *pdf, size_t n, const char *label)
{
    double col = TEXT_W / 2;
    for (size_t i = 0; i < n; i += 2) {
        PangoLayout *layout = layout_new(pdf, ACTA_SMALL, label, col - 24, PANGO_ALIGN_LEFT);
        double h = layout_height(layout);
        need(pdf, 48 + h);
        cairo_set_line_width(pdf->cr, 0.6);
        for (size_t k = 0; k < 2 && i + k < n; k++) {
            double x = MARGIN + (double)k * col;
            cairo_move_to(pdf->cr, x, pdf->y + 40);
            cairo_line_to(pdf->cr, x + col - 24, pdf->y + 40);
            cairo_stroke(pdf->cr);
            cairo_move_to(pdf->cr, x, pdf->y + 44);
            pango_cairo_show_layout(pdf->cr, layout);
        }
        g_object_unref(layout);
        pdf->y += 48 + h + 6;
    }
}

bool acta_pdf_close(acta_pdf *pdf)
{
    draw_footer(pdf);
    cairo_show_page(pdf->cr);
    cairo_destroy(pdf->cr);
    cairo_surface_finish(pdf->surface);
    bool ok = cairo_surface_status(pdf->surface) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(pdf->surface);
    free(pdf->footer);
    free(pdf);
    return ok;
}

void acta_pdf_shutdown(void)
{
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}
