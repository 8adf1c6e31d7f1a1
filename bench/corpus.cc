// The benchmark corpus: see corpus.h.

#include "bench/corpus.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace offregion::bench {
namespace {

constexpr char kAccount[] = "111122223333";

struct Region {
  const char* name;
  const char* prefix;  // an EC2 range of the region in the shipped ranges
};
constexpr Region kRegions[] = {{"us-east-1", "3.80."},
                               {"us-west-2", "34.208."},
                               {"eu-west-1", "34.240."},
                               {"ap-southeast-2", "13.236."}};
constexpr const char* kInternet[] = {"203.0.113.", "198.51.100.", "81.2.69.",
                                     "89.160.20.", "175.16.199."};
constexpr const char* kEvents[][2] = {
    {"s3.amazonaws.com", "GetObject"},
    {"s3.amazonaws.com", "PutObject"},
    {"ec2.amazonaws.com", "DescribeInstances"},
    {"sqs.amazonaws.com", "ReceiveMessage"},
    {"dynamodb.amazonaws.com", "Query"},
    {"kms.amazonaws.com", "Decrypt"},
    {"logs.amazonaws.com", "PutLogEvents"},
    {"secretsmanager.amazonaws.com", "GetSecretValue"}};

class Generator {
 public:
  explicit Generator(const CorpusOptions& options)
      : options_(options), random_(options.seed) {}

  std::vector<std::string> Run() {
    std::vector<std::string> records;
    records.reserve(options_.records);
    const int64_t span = int64_t{options_.days} * 86400;
    for (size_t i = 0; i < options_.records; ++i) {
      time_ = absl::FromUnixSeconds(1772323200 +
                                    span * static_cast<int64_t>(i) /
                                        static_cast<int64_t>(options_.records));
      records.push_back(Next(i));
    }
    return records;
  }

 private:
  uint32_t Pick(uint32_t n) { return random_() % n; }

  std::string Time() const {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time_, absl::UTCTimeZone());
  }

  // Request parameters and response elements of 0.3 to 2.7 KB.
  std::string Parameters() {
    const int items = 2 + Pick(40);
    std::string params = absl::StrFormat(
        R"("requestParameters":{"bucketName":"data-%d","key":"logs/%d/%d.gz",)"
        R"("Host":"data-%d.s3.amazonaws.com","items":[)",
        Pick(50), Pick(1000), Pick(100000), Pick(50));
    for (int i = 0; i < items; ++i) {
      absl::StrAppendFormat(&params,
                            R"(%s{"name":"attribute-%d","value":"%x"})",
                            i ? "," : "", i, random_());
    }
    absl::StrAppendFormat(
        &params,
        R"(]},"responseElements":{"x-amz-request-id":"%08X%08X",)"
        R"("x-amz-id-2":"%x%x%x%x"},"additionalEventData":{)"
        R"("SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-)"
        R"(SHA256","bytesTransferredIn":%d,"AuthenticationMethod":)"
        R"("AuthHeader","x-amz-id-2":"%x%x"})",
        random_(), random_(), random_(), random_(), random_(), random_(),
        Pick(100000), random_(), random_());
    return params;
  }

  std::string Tail(const char* region, const std::string& source, size_t i) {
    const auto& event = kEvents[Pick(std::size(kEvents))];
    return absl::StrFormat(
        R"("eventTime":"%s","eventSource":"%s","eventName":"%s",)"
        R"("awsRegion":"%s","sourceIPAddress":"%s","userAgent":)"
        R"("aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2023",)"
        R"(%s,"requestID":"%08x-%04x","eventID":"%08x-%04x-%06d",)"
        R"("readOnly":true,"eventType":"AwsApiCall","managementEvent":false,)"
        R"("recipientAccountId":"%s","eventCategory":"Data"})",
        Time(), event[0], event[1], region, source, Parameters(), random_(),
        Pick(65536), random_(), Pick(65536), i, kAccount);
  }

  std::string Person(size_t i) {
    const int user = Pick(200);
    const Region& region = kRegions[Pick(std::size(kRegions))];
    return absl::StrFormat(
               R"({"eventVersion":"1.09","userIdentity":{"type":"IAMUser",)"
               R"("principalId":"AIDA%012d",)"
               R"("arn":"arn:aws:iam::%s:user/person%d",)"
               R"("accountId":"%s","accessKeyId":"AKIA%016d",)"
               R"("userName":"person%d"},)",
               user, kAccount, user, kAccount, user, user) +
           Tail(region.name, absl::StrCat(kInternet[Pick(5)], Pick(250)), i);
  }

  std::string Service(size_t i) {
    const Region& region = kRegions[Pick(std::size(kRegions))];
    return absl::StrFormat(
               R"({"eventVersion":"1.09","userIdentity":{"type":"AWSService",)"
               R"("invokedBy":"autoscaling.amazonaws.com"},)") +
           Tail(region.name, "autoscaling.amazonaws.com", i);
  }

  // The instance's home region, its id and its role.
  const Region& HomeOf(int instance) const {
    return kRegions[instance % std::size(kRegions)];
  }
  static std::string InstanceId(int instance) {
    return absl::StrFormat("i-%017x", 0xa0000 + instance);
  }
  std::string Role(int instance) const {
    return absl::StrCat("role-", instance % options_.roles);
  }

  std::string Issuance(int instance, size_t i) {
    const Region& home = HomeOf(instance);
    return absl::StrFormat(
        R"({"eventVersion":"1.08","userIdentity":{"type":"AWSService",)"
        R"("invokedBy":"ec2.amazonaws.com"},"eventTime":"%s","eventSource":)"
        R"("sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"%s",)"
        R"("sourceIPAddress":"ec2.amazonaws.com","userAgent":)"
        R"("ec2.amazonaws.com","requestParameters":{"roleArn":)"
        R"("arn:aws:iam::%s:role/%s","roleSessionName":"%s"},)"
        R"("responseElements":{"credentials":{"accessKeyId":"ASIA%016d",)"
        R"("sessionToken":"%x%x%x%x","expiration":"Mar 1, 2026, 2:00:00 PM"}},)"
        R"("eventID":"issue-%d","eventType":"AwsApiCall",)"
        R"("recipientAccountId":"%s"})",
        Time(), home.name, kAccount, Role(instance), InstanceId(instance),
        instance, random_(), random_(), random_(), random_(), i, kAccount);
  }

  std::string Compute(int instance, size_t i) {
    const Region& home = HomeOf(instance);
    const bool replay = Pick(1000) == 0;
    const std::string source =
        replay ? absl::StrCat(kInternet[Pick(5)], Pick(250))
               : absl::StrCat(home.prefix, Pick(16), ".", Pick(250));
    return absl::StrFormat(
               R"({"eventVersion":"1.09",)"
               R"("userIdentity":{"type":"AssumedRole",)"
               R"("principalId":"AROA%012d:%s",)"
               R"("arn":"arn:aws:sts::%s:assumed-role/)"
               R"(%s/%s","accountId":"%s","accessKeyId":"ASIA%016d",)"
               R"("sessionContext":{"sessionIssuer":{"type":"Role",)"
               R"("principalId":"AROA%012d",)"
               R"("arn":"arn:aws:iam::%s:role/%s","accountId":"%s",)"
               R"("userName":"%s"},"attributes":{"creationDate":"%s",)"
               R"("mfaAuthenticated":"false"},"ec2RoleDelivery":"2.0"}},)",
               instance, InstanceId(instance), kAccount, Role(instance),
               InstanceId(instance), kAccount, instance, instance, kAccount,
               Role(instance), kAccount, Role(instance), Time()) +
           Tail(home.name, source, i);
  }

  std::string Next(size_t i) {
    const uint32_t kind = Pick(100);
    if (kind < 60) return Person(i);
    if (kind < 73) return Service(i);
    const int instance = Pick(options_.instances);
    if (kind < 75) return Issuance(instance, i);
    return Compute(instance, i);
  }

  CorpusOptions options_;
  std::mt19937 random_;
  absl::Time time_;
};

}  // namespace

std::vector<std::string> GenerateCorpus(const CorpusOptions& options) {
  return Generator(options).Run();
}

size_t CorpusBytes(const std::vector<std::string>& records) {
  size_t bytes = 0;
  for (const std::string& r : records) bytes += r.size();
  return bytes;
}

}  // namespace offregion::bench
