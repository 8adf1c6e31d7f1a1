// The one-line explanations that verdicts carry.

#ifndef OFFREGION_SRC_DETECT_EXPLAIN_H_
#define OFFREGION_SRC_DETECT_EXPLAIN_H_

#include <string>

#include "absl/time/time.h"
#include "offregion/verdict.h"

namespace offregion::internal {

// Returns a short description of where a call came from:
// "203.0.113.10 (internet, NL, AS64501 EXAMPLE-HOSTING-NL)".
std::string DescribeOrigin(const Origin& origin);

// Appends to *out the explanation of a verdict whose outcome, variation,
// home and origin are set. `training` is the profile window, for the
// wording.
void Explain(const Verdict& verdict, absl::Duration training, std::string* out);

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_DETECT_EXPLAIN_H_
