/*
 * A printed document for the acta: A4 pages of text laid out by Pango on a
 * cairo PDF surface. Text wraps at word or character boundaries, so long
 * names and hashes are never cut; a block that does not fit on what is
 * left of a page starts the next one. Every page has a footer (text and
 * page number).
 */
#ifndef CONSULTA_CLI_ACTA_PDF_H
#define CONSULTA_CLI_ACTA_PDF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct acta_pdf acta_pdf;

/* Text styles. */
typedef enum acta_style {
    ACTA_TITLE,   /* large, bold, centred */
    ACTA_HEADING, /* bold */
    ACTA_TEXT,    /* body */
    ACTA_SMALL,   /* smaller body */
    ACTA_MONO,    /* hashes and fingerprints */
} acta_style;

/*
 * Start a PDF at path; footer (copied) is printed at the foot of each page.
 * Returns NULL when the file cannot be made (errno set).
 */
acta_pdf *acta_pdf_open(const char *path, const char *footer);

/* One paragraph of UTF-8 text (markup-free) in style, then a little space. */
void acta_pdf_text(acta_pdf *pdf, acta_style style, const char *text);

/*
 * One table row: n cells of text in style, column i taking share[i] of the
 * width; right[i] right-aligns it (numbers). Cells wrap; the row is as tall
 * as its tallest cell. rule draws a thin line under the row.
 */
void acta_pdf_row(acta_pdf *pdf, acta_style style, size_t n, const char *const *cells,
                  const double *share, const bool *right, bool rule);

/* Vertical space, in points. */
void acta_pdf_space(acta_pdf *pdf, double points);

/*
 * A QR code of text, size points wide, with caption beside it (wrapped).
 * Returns false when text cannot be encoded.
 */
bool acta_pdf_qr(acta_pdf *pdf, const char *text, double size, const char *caption);

/*
 * n signature blocks, two per line: a line to sign on, then under it the
 * labels (e.g. "Nombre", "DNI").
 */
void acta_pdf_signatures(acta_pdf *pdf, size_t n, const char *label);

/* Finish and close the file; frees pdf. Returns false if cairo failed. */
bool acta_pdf_close(acta_pdf *pdf);

/*
 * Release the fonts and caches Pango, cairo and fontconfig keep for the
 * process (so that leak checkers see none); no acta_pdf may be used after.
 */
void acta_pdf_shutdown(void);

#endif
