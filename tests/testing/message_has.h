// Test helper: checks that a status message contains a piece of text.

#ifndef OFFREGION_TESTS_TESTING_MESSAGE_HAS_H_
#define OFFREGION_TESTS_TESTING_MESSAGE_HAS_H_

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace offregion::testing {

// Succeeds when the message of `status` contains `part`.
inline ::testing::AssertionResult MessageHas(const absl::Status& status,
                                             absl::string_view part) {
  if (absl::StrContains(status.message(), part)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << status << " lacks \"" << part << '"';
}

}  // namespace offregion::testing

#endif  // OFFREGION_TESTS_TESTING_MESSAGE_HAS_H_
