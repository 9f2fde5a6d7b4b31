/* report.h: stage 7. Writes the editors' Excel workbook (internal). */
#ifndef CC_REPORT_H
#define CC_REPORT_H

#include "model.h"

/* Writes the workbook to path atomically (temp file in the same directory,
 * then rename). Article text is always written as strings, never formulas.
 * Output is byte-identical for identical input. */
cc_error cc_report_write(const cc_cluster *cl, const char *path);

#endif
