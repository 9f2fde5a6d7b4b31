/* judge.h: stage 4. Gives every group a verdict and writes findings
 * (internal). */
#ifndef CC_JUDGE_H
#define CC_JUDGE_H

#include "model.h"

/* Sets each group's verdict and appends findings, most severe first. */
cc_error cc_judge(cc_cluster *cl);

#endif
