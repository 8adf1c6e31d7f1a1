// Step one of judging: is the identity compute-attached, and which compute
// resource is it?

#ifndef OFFREGION_SRC_DETECT_CLASSIFY_H_
#define OFFREGION_SRC_DETECT_CLASSIFY_H_

#include <string>

#include "offregion/event.h"
#include "offregion/home.h"
#include "src/home/resolvers.h"

namespace offregion::internal {

struct Classification {
  IdentityClass identity_class = IdentityClass::kNone;
  std::string compute_id;
  std::string reason;  // why kNone, or which marker gave the class
};

// Returns the class of `event`'s identity per SPEC.md, reading the
// issuances seen within `memory` of the event and the caller's inventory
// (may be null).
Classification Classify(const Event& event, const IssuanceTable& issuances,
                        absl::Duration memory, const HomeResolver* inventory);

// Returns the service's name when the call was made by a cloud service on
// the identity's behalf (invokedBy, or a service name as the source), or
// "" when a principal made it.
std::string ServiceActor(const Event& event);

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_DETECT_CLASSIFY_H_
