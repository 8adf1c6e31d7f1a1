// Tests of the enum names of include/offregion/event.h.

#include <string>

#include "gtest/gtest.h"
#include "offregion/event.h"

namespace offregion {
namespace {

TEST(ProviderName, NamesEveryProvider) {
  EXPECT_EQ(std::string(ProviderName(Provider::kAws)), "aws");
  EXPECT_EQ(std::string(ProviderName(Provider::kGcp)), "gcp");
  EXPECT_EQ(std::string(ProviderName(Provider::kAzure)), "azure");
  EXPECT_EQ(std::string(ProviderName(Provider::kUnknown)), "unknown");
  EXPECT_EQ(std::string(ProviderName(static_cast<Provider>(99))), "unknown");
}

TEST(IdentityClassName, NamesEveryClass) {
  EXPECT_EQ(std::string(IdentityClassName(IdentityClass::kAwsEc2)), "aws.ec2");
  EXPECT_EQ(std::string(IdentityClassName(IdentityClass::kAwsLambda)),
            "aws.lambda");
  EXPECT_EQ(std::string(IdentityClassName(IdentityClass::kGcpVm)), "gcp.vm");
  EXPECT_EQ(std::string(IdentityClassName(IdentityClass::kAzureVm)),
            "azure.vm");
  EXPECT_EQ(std::string(IdentityClassName(IdentityClass::kNone)), "none");
  EXPECT_EQ(std::string(IdentityClassName(IdentityClass::kUnknown)), "");
}

}  // namespace
}  // namespace offregion
