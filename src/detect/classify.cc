// Which identities are compute-attached (SPEC.md, "Which identities are
// compute-attached").

#include "src/detect/classify.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace offregion::internal {
namespace {

constexpr absl::string_view kEc2Service = "ec2.amazonaws.com";
constexpr absl::string_view kLambdaService = "lambda.amazonaws.com";
constexpr absl::string_view kLambdaAgentMarker = "exec-env/AWS_Lambda_";

Classification Make(IdentityClass identity_class, absl::string_view compute_id,
                    std::string reason) {
  return Classification{identity_class, std::string(compute_id),
                        std::move(reason)};
}

// The function name at the end of a Lambda function ARN.
absl::string_view FunctionName(absl::string_view arn) {
  absl::string_view name = arn.substr(arn.rfind(':') + 1);
  return name;
}

bool NamedInInventory(const Event& event, const HomeResolver* inventory) {
  if (inventory == nullptr) return false;
  HomeQuery query{&event, IdentityClass::kAwsLambda, event.account,
                  event.identity, event.session_name};
  return inventory->Resolve(query).has_value();
}

Classification ClassifyAssumedRole(const Event& event,
                                   const IssuanceTable& issuances,
                                   absl::Duration memory,
                                   const HomeResolver* inventory) {
  const std::string& session = event.session_name;
  if (event.ec2_role_delivery) {
    return Make(IdentityClass::kAwsEc2, session,
                "credentials delivered by the instance metadata service");
  }
  if (event.scope_issuer_type == "AWS::Lambda::Function") {
    absl::string_view name = FunctionName(event.scope_issued_to);
    return Make(IdentityClass::kAwsLambda, name.empty() ? session : name,
                "credentials issued in scope of a Lambda function");
  }
  const IssuanceTable::Entry* issued =
      issuances.FindIssuer(event.account, event.identity, session);
  if (issued != nullptr && event.time - issued->time > memory) {
    issued = nullptr;  // older than the period anything is remembered
  }
  if (issued != nullptr && issued->issuer == kLambdaService) {
    return Make(IdentityClass::kAwsLambda, session,
                "session issued by lambda.amazonaws.com");
  }
  if (IsInstanceId(session)) {
    if (issued != nullptr && issued->issuer != kEc2Service) {
      return Make(IdentityClass::kNone, "",
                  absl::StrCat("session name ", session, " was chosen by ",
                               issued->issuer, ", not by EC2"));
    }
    return Make(IdentityClass::kAwsEc2, session,
                "role session named after an EC2 instance");
  }
  if (!session.empty() && NamedInInventory(event, inventory)) {
    return Make(IdentityClass::kAwsLambda, session,
                "session named after a function in the inventory");
  }
  if (absl::StrContains(event.user_agent, kLambdaAgentMarker)) {
    return Make(IdentityClass::kAwsLambda, session,
                "user agent of the Lambda execution environment");
  }
  return Make(
      IdentityClass::kNone, "",
      absl::StrCat("role session ", session, " is not a compute resource's"));
}

}  // namespace

Classification Classify(const Event& event, const IssuanceTable& issuances,
                        absl::Duration memory, const HomeResolver* inventory) {
  if (event.identity_class != IdentityClass::kUnknown) {
    return Make(event.identity_class, event.compute_id, "given by the reader");
  }
  if (event.identity_type != "AssumedRole") {
    absl::string_view type = event.identity_type.empty()
                                 ? absl::string_view("unknown")
                                 : absl::string_view(event.identity_type);
    return Make(
        IdentityClass::kNone, "",
        absl::StrCat("identity type ", type, " is not compute-attached"));
  }
  return ClassifyAssumedRole(event, issuances, memory, inventory);
}

std::string ServiceActor(const Event& event) {
  if (!event.invoked_by.empty()) return event.invoked_by;
  if (event.source == "AWS Internal" ||
      absl::EndsWith(event.source, ".amazonaws.com")) {
    return event.source;
  }
  return "";
}

}  // namespace offregion::internal
