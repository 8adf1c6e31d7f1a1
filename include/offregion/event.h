// offregion/event.h: the provider-neutral record that the detector judges.
//
// A reader (see cloudtrail.h) turns one audit record into one Event. The
// Event holds the facts the rules need and nothing else; it is a plain value
// type, safe to copy and to move between threads.
//
//   absl::StatusOr<offregion::Event> event =
//       offregion::ParseCloudTrailRecord(json);
//   if (event.ok()) verdict = detector->Judge(*event);

#ifndef OFFREGION_EVENT_H_
#define OFFREGION_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace offregion {

// The cloud whose audit log the record came from, or whose address range
// an origin falls in.
enum class Provider : uint8_t { kUnknown = 0, kAws, kGcp, kAzure };

// Returns "aws", "gcp", "azure" or "unknown". The string is static.
absl::string_view ProviderName(Provider provider);

// The kinds of compute-attached identity of SPEC.md. kNone is every other
// principal (people, services, roles assumed by tools).
enum class IdentityClass : uint8_t {
  kUnknown = 0,  // not yet classified: the detector decides
  kNone,         // not compute-attached
  kAwsEc2,
  kAwsLambda,
  kGcpVm,
  kAzureVm,
};

// Returns "aws.ec2", "aws.lambda", "gcp.vm", "azure.vm", "none" or "" for
// kUnknown. The string is static.
absl::string_view IdentityClassName(IdentityClass identity_class);

// What the record is.
enum class RecordKind : uint8_t {
  kApiCall = 0,  // an API call of a principal: judged
  kNotACall,     // Insights record, digest file, ...: not_applicable
};

// A credential issuance seen in the log: the AssumeRole call that created
// a role session, made by a service (ec2.amazonaws.com for an instance
// profile, lambda.amazonaws.com for a function) or by any other principal.
struct Issuance {
  std::string issuer;         // the service name, or the caller's ARN
  std::string account;        // the account the role belongs to
  std::string role;           // "arn:aws:iam::ACCOUNT:role/NAME"
  std::string session_name;   // roleSessionName
  std::string access_key_id;  // of the issued credentials; may be empty
  std::string region;         // the region of the issuing record
};

// One audit record, reduced to what the detector reads. Empty strings mean
// "absent from the record".
struct Event {
  RecordKind kind = RecordKind::kApiCall;
  Provider provider = Provider::kAws;
  absl::Time time = absl::UnixEpoch();
  std::string event_id;
  std::string event_name;         // "ListBuckets"
  std::string event_source;       // "s3.amazonaws.com"
  std::string not_a_call_reason;  // set when kind is kNotACall

  // The principal.
  std::string identity_type;  // CloudTrail userIdentity.type: "AssumedRole"
  std::string account;        // the identity's account
  std::string identity;       // role ARN "arn:aws:iam::ACCOUNT:role/NAME"
  std::string principal_arn;  // the session ARN as written in the record
  std::string session_name;   // role session name
  std::string access_key_id;
  std::string invoked_by;  // userIdentity.invokedBy: a service acted

  // Compute attachment. A reader that can tell the class on its own sets
  // identity_class and compute_id; otherwise the detector decides from the
  // markers below and from what it has seen.
  IdentityClass identity_class = IdentityClass::kUnknown;
  std::string compute_id;
  bool ec2_role_delivery = false;  // sessionContext.ec2RoleDelivery present
  std::string scope_issuer_type;   // inScopeOf.issuerType
  std::string scope_issued_to;     // inScopeOf.credentialsIssuedTo (an ARN)
  std::vector<std::string> instance_arns;  // resources[] AWS::EC2::Instance

  // The call.
  std::string call_region;  // awsRegion
  std::string source;       // sourceIPAddress as written
  std::string vpc_endpoint_id;
  std::string vpc_endpoint_account;
  std::string error_code;  // present when the call failed
  std::string user_agent;

  // Set when this record issued role credentials (AssumeRole succeeded).
  std::optional<Issuance> issuance;
};

}  // namespace offregion

#endif  // OFFREGION_EVENT_H_
