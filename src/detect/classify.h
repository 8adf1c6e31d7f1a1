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
  absl::string_view compute_id;  // points into the event
};

// Returns false when the event alone shows that its identity is not
// compute-attached (its class, or an identity type that never is), so that
// Classify will read no state for it.
bool MayBeComputeAttached(const Event& event);

// Returns the class of `event`'s identity per SPEC.md, reading the
// issuances seen within `memory` of the event and the caller's inventory
// (may be null). For kNone, appends why to *why_not.
Classification Classify(const Event& event, const IssuanceTable& issuances,
                        absl::Duration memory, const HomeResolver* inventory,
                        std::string* why_not);

// Returns the service's name when the call was made by a cloud service on
// the identity's behalf (invokedBy, or a service name as the source), or
// "" when a principal made it. The view points into `event`.
absl::string_view ServiceActor(const Event& event);

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_DETECT_CLASSIFY_H_
