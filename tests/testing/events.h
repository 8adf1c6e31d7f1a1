// Test helpers: event times and the events of one EC2 instance profile,
// shared by the detector tests.

#ifndef OFFREGION_TESTS_TESTING_EVENTS_H_
#define OFFREGION_TESTS_TESTING_EVENTS_H_

#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "offregion/event.h"

namespace offregion::testing {

// Returns hour `hour` of day `day` of March 2026 (day 1 is March 1), UTC.
inline absl::Time Day(int day, int hour = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 1, hour, 0, 0),
                         absl::UTCTimeZone()) +
         absl::Hours(24 * (day - 1));
}

// Returns a ListBuckets call of the instance profile `web` of instance
// i-0a1b2c3d4e5f60718 in account 111122223333 (credentials delivered by
// the metadata service), made from `source`.
inline Event Ec2Call(absl::Time time, std::string source, std::string id) {
  Event e;
  e.time = time;
  e.event_id = std::move(id);
  e.event_name = "ListBuckets";
  e.identity_type = "AssumedRole";
  e.account = "111122223333";
  e.identity = "arn:aws:iam::111122223333:role/web";
  e.session_name = "i-0a1b2c3d4e5f60718";
  e.ec2_role_delivery = true;
  e.call_region = "us-east-1";
  e.source = std::move(source);
  return e;
}

}  // namespace offregion::testing

#endif  // OFFREGION_TESTS_TESTING_EVENTS_H_
