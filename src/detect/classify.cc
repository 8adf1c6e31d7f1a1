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

Classification Make(IdentityClass identity_class,
                    absl::string_view compute_id) {
  return Classification{identity_class, compute_id};
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
                                   const HomeResolver* inventory,
                                   std::string* why_not) {
  const std::string& session = event.session_name;
  // Credentials delivered by the instance metadata service.
  if (event.ec2_role_delivery) return Make(IdentityClass::kAwsEc2, session);
  // Credentials issued in scope of a Lambda function.
  if (event.scope_issuer_type == "AWS::Lambda::Function") {
    absl::string_view name = FunctionName(event.scope_issued_to);
    return Make(IdentityClass::kAwsLambda, name.empty() ? session : name);
  }
  const IssuanceTable::Entry* issued =
      issuances.FindIssuer(event.account, event.identity, session);
  if (issued != nullptr && event.time - issued->time > memory) {
    issued = nullptr;  // older than the period anything is remembered
  }
  // A session issued by lambda.amazonaws.com.
  if (issued != nullptr && issued->issuer == kLambdaService) {
    return Make(IdentityClass::kAwsLambda, session);
  }
  if (IsInstanceId(session)) {
    if (issued != nullptr && issued->issuer != kEc2Service) {
      absl::StrAppend(why_not, "session name ", session, " was chosen by ",
                      issued->issuer, ", not by EC2");
      return Make(IdentityClass::kNone, "");
    }
    // A role session named after an EC2 instance.
    return Make(IdentityClass::kAwsEc2, session);
  }
  // A session named after a function in the inventory, or the user agent
  // of the Lambda execution environment.
  if ((!session.empty() && NamedInInventory(event, inventory)) ||
      absl::StrContains(event.user_agent, kLambdaAgentMarker)) {
    return Make(IdentityClass::kAwsLambda, session);
  }
  why_not->append("role session ")
      .append(session)
      .append(" is not a compute resource's");
  return Make(IdentityClass::kNone, "");
}

}  // namespace

bool MayBeComputeAttached(const Event& event) {
  if (event.identity_class != IdentityClass::kUnknown) {
    return event.identity_class != IdentityClass::kNone;
  }
  return event.identity_type == "AssumedRole";
}

Classification Classify(const Event& event, const IssuanceTable& issuances,
                        absl::Duration memory, const HomeResolver* inventory,
                        std::string* why_not) {
  if (event.identity_class != IdentityClass::kUnknown) {
    if (event.identity_class == IdentityClass::kNone) {
      absl::StrAppend(why_not, "not compute-attached, says the reader");
    }
    return Make(event.identity_class, event.compute_id);
  }
  if (event.identity_type != "AssumedRole") {
    absl::string_view type = event.identity_type.empty()
                                 ? absl::string_view("unknown")
                                 : absl::string_view(event.identity_type);
    why_not->append("identity type ")
        .append(type.data(), type.size())
        .append(" is not compute-attached");
    return Make(IdentityClass::kNone, "");
  }
  return ClassifyAssumedRole(event, issuances, memory, inventory, why_not);
}

absl::string_view ServiceActor(const Event& event) {
  if (!event.invoked_by.empty()) return event.invoked_by;
  if (event.source == "AWS Internal" ||
      absl::EndsWith(event.source, ".amazonaws.com")) {
    return event.source;
  }
  return "";
}

}  // namespace offregion::internal
