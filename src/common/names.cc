// Names of the Provider and IdentityClass enums, as written in verdicts and
// configuration (see include/offregion/event.h).

#include "absl/strings/string_view.h"
#include "offregion/event.h"

namespace offregion {

absl::string_view ProviderName(Provider provider) {
  switch (provider) {
    case Provider::kAws:
      return "aws";
    case Provider::kGcp:
      return "gcp";
    case Provider::kAzure:
      return "azure";
    case Provider::kUnknown:
      break;
  }
  return "unknown";
}

absl::string_view IdentityClassName(IdentityClass identity_class) {
  switch (identity_class) {
    case IdentityClass::kNone:
      return "none";
    case IdentityClass::kAwsEc2:
      return "aws.ec2";
    case IdentityClass::kAwsLambda:
      return "aws.lambda";
    case IdentityClass::kGcpVm:
      return "gcp.vm";
    case IdentityClass::kAzureVm:
      return "azure.vm";
    case IdentityClass::kUnknown:
      break;
  }
  return "";
}

}  // namespace offregion
