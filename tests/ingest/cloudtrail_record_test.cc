// Tests of ParseCloudTrailRecord: every Event field for synthetic records,
// the LookupEvents and @timestamp forms of real logs, members in any order
// and repeated, and bad records.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "offregion/cloudtrail.h"
#include "offregion/event.h"

namespace offregion {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Fixture(const std::string& name) {
  return ReadFile(absl::StrCat(OFFREGION_TEST_DATA, "/ingest/", name));
}

absl::Time Utc(int year, int month, int day, int hour, int minute, int second) {
  return absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second),
      absl::UTCTimeZone());
}

// Parses `json`, which must succeed.
Event MustParse(const std::string& json) {
  absl::StatusOr<Event> event = ParseCloudTrailRecord(json);
  EXPECT_TRUE(event.ok()) << event.status();
  return event.ok() ? *event : Event{};
}

// Parses `json`, which must fail with InvalidArgument; returns the message.
std::string ErrorOf(const std::string& json) {
  absl::StatusOr<Event> event = ParseCloudTrailRecord(json);
  EXPECT_EQ(event.status().code(), absl::StatusCode::kInvalidArgument) << json;
  return std::string(event.status().message());
}

// Reads every record of `path`; skips the test when it is absent.
std::vector<Event> ParseSharedFile(const std::string& relative_path) {
  std::string path = absl::StrCat(OFFREGION_SHARED_DIR, "/", relative_path);
  std::vector<Event> events;
  auto reader = RecordReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return events;
  RawRecord record;
  while ((*reader)->Next(&record)) {
    EXPECT_TRUE(record.status.ok()) << record.status;
    absl::StatusOr<Event> event = ParseCloudTrailRecord(record.json);
    EXPECT_TRUE(event.ok()) << record.location << ": " << event.status();
    if (event.ok()) events.push_back(*std::move(event));
  }
  EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
  return events;
}

bool SharedFileExists(const std::string& relative_path) {
  return std::filesystem::exists(
      absl::StrCat(OFFREGION_SHARED_DIR, "/", relative_path));
}

// Every field of `event`, one a line, for comparing whole Events.
std::string Dump(const Event& e) {
  std::string text = absl::StrCat(
      static_cast<int>(e.kind), "|", static_cast<int>(e.provider), "|",
      absl::FormatTime(e.time), "|", e.event_id, "|", e.event_name, "|",
      e.event_source, "|", e.not_a_call_reason, "|", e.identity_type, "|",
      e.account, "|", e.identity, "|", e.principal_arn, "|", e.session_name,
      "|", e.access_key_id, "|", e.invoked_by, "|",
      static_cast<int>(e.identity_class), "|", e.compute_id, "|",
      e.ec2_role_delivery, "|", e.scope_issuer_type, "|", e.scope_issued_to,
      "|", e.call_region, "|", e.source, "|", e.vpc_endpoint_id, "|",
      e.vpc_endpoint_account, "|", e.error_code, "|", e.user_agent, "\n");
  for (const std::string& arn : e.instance_arns) {
    absl::StrAppend(&text, "instance ", arn, "\n");
  }
  if (e.issuance) {
    absl::StrAppend(&text, "issuance ", e.issuance->issuer, "|",
                    e.issuance->account, "|", e.issuance->role, "|",
                    e.issuance->session_name, "|", e.issuance->access_key_id,
                    "|", e.issuance->region, "\n");
  }
  return text;
}

TEST(ParseCloudTrailRecord, IntoOneEventGivesWhatFreshEventsGive) {
  const std::vector<std::string> records = {
      Fixture("lambda_in_scope_of.json"),
      Fixture("assume_role_by_ec2.json"),
      Fixture("ec2_instance_profile.json"),
      R"({"eventTime": "2026-03-01T00:00:00Z",
          "userIdentity": {"type": "Root"}})",
      Fixture("insight.json"),
      Fixture("digest.json"),
      Fixture("assume_role_by_user.json"),
      R"({"eventTime": "2026-03-01T00:00:00Z",
          "userIdentity": {"type": "IAMUser"}})",
  };
  Event reused;
  for (const std::string& record : records) {
    absl::StatusOr<Event> fresh = ParseCloudTrailRecord(record);
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    ASSERT_TRUE(ParseCloudTrailRecord(record, &reused).ok());
    EXPECT_EQ(Dump(reused), Dump(*fresh));
  }
  absl::Status broken = ParseCloudTrailRecord("{broken", &reused);
  EXPECT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(broken.message(), ErrorOf("{broken"));
}

TEST(ParseCloudTrailRecord, ReadsEveryFieldOfEc2InstanceProfileCall) {
  Event event = MustParse(Fixture("ec2_instance_profile.json"));
  EXPECT_EQ(event.kind, RecordKind::kApiCall);
  EXPECT_EQ(event.provider, Provider::kAws);
  EXPECT_EQ(event.time, Utc(2026, 3, 1, 8, 0, 0));
  EXPECT_EQ(event.event_id, "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(event.event_name, "DescribeInstances");
  EXPECT_EQ(event.event_source, "ec2.amazonaws.com");
  EXPECT_EQ(event.not_a_call_reason, "");
  EXPECT_EQ(event.identity_type, "AssumedRole");
  EXPECT_EQ(event.account, "111122223333");
  EXPECT_EQ(event.identity, "arn:aws:iam::111122223333:role/web-server-role");
  EXPECT_EQ(event.principal_arn,
            "arn:aws:sts::111122223333:assumed-role/web-server-role/"
            "i-0abc123def4567890");
  EXPECT_EQ(event.session_name, "i-0abc123def4567890");
  EXPECT_EQ(event.access_key_id, "ASIAEXAMPLEKEY000001");
  EXPECT_EQ(event.invoked_by, "");
  EXPECT_EQ(event.identity_class, IdentityClass::kUnknown);
  EXPECT_EQ(event.compute_id, "");
  EXPECT_TRUE(event.ec2_role_delivery);
  EXPECT_EQ(event.scope_issuer_type, "");
  EXPECT_EQ(event.scope_issued_to, "");
  EXPECT_EQ(
      event.instance_arns,
      std::vector<std::string>({"arn:aws:ec2:eu-west-1:111122223333:instance/"
                                "i-0abc123def4567890",
                                "arn:aws:ec2:eu-west-1:111122223333:instance/"
                                "i-0fedcba9876543210"}));
  EXPECT_EQ(event.call_region, "eu-west-1");
  EXPECT_EQ(event.source, "10.0.1.25");
  EXPECT_EQ(event.vpc_endpoint_id, "vpce-0123456789abcdef0");
  EXPECT_EQ(event.vpc_endpoint_account, "111122223333");
  EXPECT_EQ(event.error_code, "");
  EXPECT_EQ(event.user_agent, "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0");
  EXPECT_FALSE(event.issuance.has_value());
}

TEST(ParseCloudTrailRecord, ReadsEveryFieldOfLambdaCallWithInScopeOf) {
  Event event = MustParse(Fixture("lambda_in_scope_of.json"));
  EXPECT_EQ(event.kind, RecordKind::kApiCall);
  EXPECT_EQ(event.provider, Provider::kAws);
  EXPECT_EQ(event.time, Utc(2026, 3, 1, 8, 0, 0) + absl::Milliseconds(250));
  EXPECT_EQ(event.event_id, "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(event.event_name, "GetItem");
  EXPECT_EQ(event.event_source, "dynamodb.amazonaws.com");
  EXPECT_EQ(event.identity_type, "AssumedRole");
  // No accountId: the account comes from the ARN.
  EXPECT_EQ(event.account, "111122223333");
  EXPECT_EQ(event.identity,
            "arn:aws:iam::111122223333:role/orders-handler-role");
  EXPECT_EQ(event.principal_arn,
            "arn:aws:sts::111122223333:assumed-role/orders-handler-role/"
            "orders-handler");
  EXPECT_EQ(event.session_name, "orders-handler");
  EXPECT_EQ(event.access_key_id, "ASIAEXAMPLEKEY000002");
  EXPECT_EQ(event.invoked_by, "");
  EXPECT_EQ(event.identity_class, IdentityClass::kUnknown);
  EXPECT_EQ(event.compute_id, "");
  EXPECT_FALSE(event.ec2_role_delivery);
  EXPECT_EQ(event.scope_issuer_type, "AWS::Lambda::Function");
  EXPECT_EQ(event.scope_issued_to,
            "arn:aws:lambda:us-east-1:111122223333:function:orders-handler");
  EXPECT_TRUE(event.instance_arns.empty());
  EXPECT_EQ(event.call_region, "us-east-1");
  EXPECT_EQ(event.source, "198.51.100.44");
  EXPECT_EQ(event.vpc_endpoint_id, "");
  EXPECT_EQ(event.vpc_endpoint_account, "");
  EXPECT_EQ(event.error_code, "AccessDenied");
  EXPECT_EQ(event.user_agent, "Boto3/1.34.0 md/Botocore#1.34.0");
  EXPECT_FALSE(event.issuance.has_value());
}

TEST(ParseCloudTrailRecord, ReadsIssuanceOfAssumeRoleByEc2) {
  Event event = MustParse(Fixture("assume_role_by_ec2.json"));
  EXPECT_EQ(event.kind, RecordKind::kApiCall);
  EXPECT_EQ(event.time, Utc(2026, 3, 1, 7, 55, 0));
  EXPECT_EQ(event.event_id, "33333333-3333-4333-8333-333333333333");
  EXPECT_EQ(event.event_name, "AssumeRole");
  EXPECT_EQ(event.event_source, "sts.amazonaws.com");
  EXPECT_EQ(event.identity_type, "AWSService");
  EXPECT_EQ(event.account, "");
  EXPECT_EQ(event.identity, "");
  EXPECT_EQ(event.principal_arn, "");
  EXPECT_EQ(event.session_name, "");
  EXPECT_EQ(event.access_key_id, "");
  EXPECT_EQ(event.invoked_by, "ec2.amazonaws.com");
  EXPECT_FALSE(event.ec2_role_delivery);
  EXPECT_TRUE(event.instance_arns.empty());
  EXPECT_EQ(event.call_region, "eu-west-1");
  EXPECT_EQ(event.source, "ec2.amazonaws.com");
  EXPECT_EQ(event.user_agent, "ec2.amazonaws.com");
  EXPECT_EQ(event.error_code, "");
  ASSERT_TRUE(event.issuance.has_value());
  EXPECT_EQ(event.issuance->issuer, "ec2.amazonaws.com");
  EXPECT_EQ(event.issuance->account, "111122223333");
  // The role path ("app/") is dropped, as in assumed-role ARNs.
  EXPECT_EQ(event.issuance->role,
            "arn:aws:iam::111122223333:role/web-server-role");
  EXPECT_EQ(event.issuance->session_name, "i-0abc123def4567890");
  EXPECT_EQ(event.issuance->access_key_id, "ASIAEXAMPLEKEY000001");
  EXPECT_EQ(event.issuance->region, "eu-west-1");
}

TEST(ParseCloudTrailRecord, ReadsIssuanceOfAssumeRoleByUser) {
  Event event = MustParse(Fixture("assume_role_by_user.json"));
  EXPECT_EQ(event.time, Utc(2026, 3, 2, 10, 15, 30));
  EXPECT_EQ(event.identity_type, "IAMUser");
  EXPECT_EQ(event.account, "444455556666");
  EXPECT_EQ(event.identity, "arn:aws-cn:iam::444455556666:user/alice");
  EXPECT_EQ(event.principal_arn, "arn:aws-cn:iam::444455556666:user/alice");
  EXPECT_EQ(event.session_name, "");
  EXPECT_EQ(event.access_key_id, "AKIAEXAMPLEUSERKEY01");
  EXPECT_EQ(event.invoked_by, "");
  EXPECT_EQ(event.call_region, "cn-north-1");
  EXPECT_EQ(event.source, "198.51.100.20");
  ASSERT_TRUE(event.issuance.has_value());
  EXPECT_EQ(event.issuance->issuer, "arn:aws-cn:iam::444455556666:user/alice");
  EXPECT_EQ(event.issuance->account, "777788889999");
  EXPECT_EQ(event.issuance->role, "arn:aws-cn:iam::777788889999:role/deploy");
  EXPECT_EQ(event.issuance->session_name, "alice-deploy");
  EXPECT_EQ(event.issuance->access_key_id, "ASIAEXAMPLEKEY000003");
  EXPECT_EQ(event.issuance->region, "cn-north-1");
}

TEST(ParseCloudTrailRecord, TakesIssuerFromServiceSourceAddress) {
  Event event = MustParse(R"({"eventTime": "2026-03-01T00:00:00Z",
      "eventName": "AssumeRole", "sourceIPAddress": "lambda.amazonaws.com",
      "userIdentity": {"type": "AWSService"},
      "requestParameters": {"roleArn": "arn:aws:iam::1:role/service-role/f",
                            "roleSessionName": "f"},
      "responseElements": null})");
  ASSERT_TRUE(event.issuance.has_value());
  EXPECT_EQ(event.issuance->issuer, "lambda.amazonaws.com");
  EXPECT_EQ(event.issuance->account, "1");
  EXPECT_EQ(event.issuance->role, "arn:aws:iam::1:role/f");
  EXPECT_EQ(event.issuance->access_key_id, "");
}

TEST(ParseCloudTrailRecord, GivesNoIssuanceForFailedOrOtherCalls) {
  const std::string request = R"("requestParameters": {
      "roleArn": "arn:aws:iam::1:role/r", "roleSessionName": "s"},
      "userIdentity": {"type": "IAMUser"},
      "eventTime": "2026-03-01T00:00:00Z")";
  EXPECT_FALSE(MustParse(absl::StrCat(R"({"eventName": "AssumeRole",
      "errorCode": "AccessDenied", )",
                                      request, "}"))
                   .issuance.has_value());
  EXPECT_FALSE(MustParse(absl::StrCat(R"({"eventName": "AssumeRole",
      "eventSource": "iam.amazonaws.com", )",
                                      request, "}"))
                   .issuance.has_value());
  EXPECT_FALSE(MustParse(absl::StrCat(R"({"eventName": "GetSessionToken",
      "eventSource": "sts.amazonaws.com", )",
                                      request, "}"))
                   .issuance.has_value());
  EXPECT_FALSE(MustParse(R"({"eventName": "AssumeRole",
      "userIdentity": {}, "eventTime": "2026-03-01T00:00:00Z",
      "requestParameters": {"roleArn": "arn:aws:iam::1:role/r"}})")
                   .issuance.has_value());
}

TEST(ParseCloudTrailRecord, DerivesSameIdentityWithOrWithoutIssuer) {
  Event with_arn = MustParse(R"({"eventTime": "2026-03-01T00:00:00Z",
      "userIdentity": {"type": "AssumedRole",
        "arn": "arn:aws-us-gov:sts::12:assumed-role/r/a/b",
        "sessionContext": {"sessionIssuer": {}}}})");
  EXPECT_EQ(with_arn.identity, "arn:aws-us-gov:iam::12:role/r");
  EXPECT_EQ(with_arn.session_name, "a/b");
  EXPECT_EQ(with_arn.account, "12");

  Event without_arn = MustParse(R"({"eventTime": "2026-03-01T00:00:00Z",
      "userIdentity": {"type": "AssumedRole", "principalId": "AROA1:sess",
        "sessionContext": {"sessionIssuer": {
          "arn": "arn:aws-us-gov:iam::12:role/path/r"}}}})");
  EXPECT_EQ(without_arn.identity, "arn:aws-us-gov:iam::12:role/r");
  EXPECT_EQ(without_arn.session_name, "sess");
  EXPECT_EQ(without_arn.principal_arn, "");
}

TEST(ParseCloudTrailRecord, TurnsInsightsRecordIntoNotACall) {
  Event event = MustParse(Fixture("insight.json"));
  EXPECT_EQ(event.kind, RecordKind::kNotACall);
  EXPECT_EQ(event.not_a_call_reason, "CloudTrail Insights record");
  EXPECT_EQ(event.time, Utc(2026, 3, 1, 9, 0, 0));
  EXPECT_EQ(event.event_id, "66666666-6666-4666-8666-666666666666");
  EXPECT_EQ(event.call_region, "us-east-1");
  EXPECT_EQ(event.identity_type, "");
  EXPECT_FALSE(event.issuance.has_value());

  Event by_details = MustParse(R"({"eventTime": "2026-03-01T00:00:00Z",
      "insightDetails": {"state": "End"}})");
  EXPECT_EQ(by_details.kind, RecordKind::kNotACall);
  EXPECT_EQ(by_details.not_a_call_reason, "CloudTrail Insights record");
}

TEST(ParseCloudTrailRecord, TurnsDigestFileIntoNotACall) {
  Event event = MustParse(Fixture("digest.json"));
  EXPECT_EQ(event.kind, RecordKind::kNotACall);
  EXPECT_EQ(event.not_a_call_reason, "CloudTrail digest file");
  EXPECT_EQ(event.time, Utc(2026, 3, 1, 8, 0, 0));
  EXPECT_EQ(event.event_id, "");

  Event no_end = MustParse(R"({"digestS3Object": "x", "digestEndTime": 5})");
  EXPECT_EQ(no_end.kind, RecordKind::kNotACall);
  EXPECT_EQ(no_end.time, absl::UnixEpoch());
}

TEST(ParseCloudTrailRecord, AcceptsTimeForms) {
  const std::string identity = R"("userIdentity": {"type": "Root"})";
  EXPECT_EQ(
      MustParse(absl::StrCat(R"({"eventTime": "2026-03-01T08:00:00.5Z", )",
                             identity, "}"))
          .time,
      Utc(2026, 3, 1, 8, 0, 0) + absl::Milliseconds(500));
  EXPECT_EQ(
      MustParse(absl::StrCat(R"({"eventTime": "2026-03-01T10:00:00+02:00", )",
                             identity, "}"))
          .time,
      Utc(2026, 3, 1, 8, 0, 0));
  EXPECT_EQ(
      MustParse(absl::StrCat(R"({"@timestamp": "2020-09-14T00:44:23.000Z", )",
                             identity, "}"))
          .time,
      Utc(2020, 9, 14, 0, 44, 23));
  // eventTime wins over @timestamp; null counts as absent.
  EXPECT_EQ(MustParse(absl::StrCat(R"({"eventTime": "2026-03-01T08:00:00Z",
                "@timestamp": "2020-09-14T00:44:23.000Z", )",
                                   identity, "}"))
                .time,
            Utc(2026, 3, 1, 8, 0, 0));
  EXPECT_EQ(MustParse(absl::StrCat(R"({"eventTime": null,
                "@timestamp": "2020-09-14T00:44:23.000Z", )",
                                   identity, "}"))
                .time,
            Utc(2020, 9, 14, 0, 44, 23));
}

TEST(ParseCloudTrailRecord, ReadsLookupEventsForm) {
  // The inner record's fields win over the outer ones.
  Event event = MustParse(
      R"({"EventId": "outer", "EventName": "Outer",)"
      R"( "EventTime": "2026-01-01 00:00:00+00:00", "CloudTrailEvent":)"
      R"( "{\"eventID\": \"inner\", \"eventName\": \"Inner\",)"
      R"( \"eventTime\": \"2026-03-01T08:00:00Z\",)"
      R"( \"userIdentity\": {\"type\": \"Root\",)"
      R"( \"arn\": \"arn:aws:iam::1:root\"}}"})");
  EXPECT_EQ(event.event_id, "inner");
  EXPECT_EQ(event.event_name, "Inner");
  EXPECT_EQ(event.time, Utc(2026, 3, 1, 8, 0, 0));
  EXPECT_EQ(event.identity, "arn:aws:iam::1:root");
  EXPECT_EQ(event.account, "1");

  // Some tools write the record as an object rather than a string.
  Event object_form =
      MustParse(R"({"CloudTrailEvent": {"eventTime": "2026-03-01T08:00:00Z",)"
                R"( "userIdentity": {"type": "Root"}}})");
  EXPECT_EQ(object_form.identity_type, "Root");
}

TEST(ParseCloudTrailRecord, TakesOuterEventTimeOfLookupEvents) {
  const std::string inner =
      R"("CloudTrailEvent": "{\"userIdentity\": {\"type\": \"Root\"}}")";
  EXPECT_EQ(
      MustParse(absl::StrCat(R"({"EventTime": "2022-02-08 09:23:37+11:00", )",
                             inner, "}"))
          .time,
      Utc(2022, 2, 7, 22, 23, 37));
  EXPECT_EQ(
      MustParse(absl::StrCat(R"({"EventTime": 1644272617, )", inner, "}")).time,
      Utc(2022, 2, 7, 22, 23, 37));
  EXPECT_EQ(
      MustParse(absl::StrCat(R"({"EventTime": 1644272617.5, )", inner, "}"))
          .time,
      Utc(2022, 2, 7, 22, 23, 37) + absl::Milliseconds(500));
}

TEST(ParseCloudTrailRecord, ReadsPlasoLookupEventsFile) {
  const std::string file = "data/cloudtrail/plaso/aws_cloudtrail.jsonl";
  if (!SharedFileExists(file)) GTEST_SKIP() << "absent: " << file;
  std::vector<Event> events = ParseSharedFile(file);
  ASSERT_EQ(events.size(), 6u);
  const Event& first = events[0];
  EXPECT_EQ(first.event_id, "0828c0d2-3589-4390-b954-c78b4a7df44b");
  EXPECT_EQ(first.event_name, "DescribeInstances");
  EXPECT_EQ(first.event_source, "ec2.amazonaws.com");
  EXPECT_EQ(first.time, Utc(2022, 2, 7, 22, 23, 37));
  EXPECT_EQ(first.identity_type, "IAMUser");
  EXPECT_EQ(first.identity, "arn:aws:iam::012345678901:user/fakeusername");
  EXPECT_EQ(first.account, "012345678901");
  EXPECT_EQ(first.access_key_id, "0123456789ABCDEFGHIJ");
  EXPECT_EQ(first.call_region, "ap-southeast-2");
  EXPECT_EQ(first.source, "1.2.3.4");
  EXPECT_EQ(first.user_agent, "console.ec2.amazonaws.com");
  // The fourth is a service event without userIdentity.type.
  const Event& service = events[3];
  EXPECT_EQ(service.event_name, "SharedSnapshotVolumeCreated");
  EXPECT_EQ(service.identity_type, "");
  EXPECT_EQ(service.invoked_by, "ec2.amazonaws.com");
  EXPECT_EQ(service.account, "012345678901");
  EXPECT_EQ(service.source, "ec2.amazonaws.com");
  int from_user = 0;
  for (const Event& event : events) {
    EXPECT_EQ(event.kind, RecordKind::kApiCall);
    if (event.source == "1.2.3.4") ++from_user;
  }
  EXPECT_EQ(from_user, 5);
}

TEST(ParseCloudTrailRecord, ReadsOtrfTimestampFile) {
  const std::string file =
      "data/cloudtrail/otrf-security-datasets/"
      "ec2_proxy_s3_exfiltration_2020-09-14011940.json";
  if (!SharedFileExists(file)) GTEST_SKIP() << "absent: " << file;
  std::vector<Event> events = ParseSharedFile(file);
  ASSERT_EQ(events.size(), 103u);
  EXPECT_EQ(events[0].time, Utc(2020, 9, 14, 0, 44, 23));
  EXPECT_EQ(events[0].event_id, "fd4f1042-c7f6-4107-a6ee-d841d92596e7");

  int stolen = 0;
  int issuances = 0;
  for (const Event& event : events) {
    if (event.identity_type == "AssumedRole") {
      ++stolen;
      EXPECT_EQ(event.session_name, "i-0317f6c6b66ae9c40");
      EXPECT_EQ(event.source, "1.2.3.4");
      EXPECT_EQ(event.identity,
                "arn:aws:iam::123456789123:role/"
                "MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0");
      EXPECT_EQ(event.access_key_id, "ASIA5FLZVX4OPVKKVBMX");
    }
    if (event.issuance.has_value()) {
      ++issuances;
      EXPECT_EQ(event.issuance->issuer, "ec2.amazonaws.com");
      EXPECT_EQ(event.issuance->account, "123456789123");
      EXPECT_EQ(event.issuance->region, "us-east-1");
    }
  }
  EXPECT_EQ(stolen, 11);
  EXPECT_EQ(issuances, 5);
}

TEST(ParseCloudTrailRecord, RejectsTextThatIsNotAJsonObject) {
  EXPECT_TRUE(absl::StartsWith(ErrorOf("{\"eventTime\": "),
                               "record is not valid JSON: "));
  EXPECT_TRUE(absl::StartsWith(ErrorOf(""), "record is not valid JSON: "));
  EXPECT_EQ(ErrorOf("[1, 2]"), "record is not a JSON object but an array");
  EXPECT_EQ(ErrorOf("\"text\""), "record is not a JSON object but a string");
  EXPECT_TRUE(absl::StartsWith(ErrorOf(R"({"CloudTrailEvent": "{broken"})"),
                               "CloudTrailEvent is not valid JSON: "));
  EXPECT_EQ(ErrorOf(R"({"CloudTrailEvent": "[]"})"),
            "CloudTrailEvent is not a JSON object but an array");
  EXPECT_EQ(ErrorOf(R"({"CloudTrailEvent": 7})"),
            "field CloudTrailEvent is a number, not a string");
}

TEST(ParseCloudTrailRecord, RejectsRecordWithoutTimeOrIdentity) {
  EXPECT_EQ(ErrorOf(R"({"userIdentity": {"type": "Root"}})"),
            "record has no eventTime");
  EXPECT_EQ(ErrorOf(R"({"eventTime": null, "userIdentity": {}})"),
            "record has no eventTime");
  EXPECT_EQ(ErrorOf(R"({"eventTime": "2026-03-01T08:00:00Z"})"),
            "record has no userIdentity");
  EXPECT_EQ(ErrorOf(R"({"eventTime": "2026-03-01T08:00:00Z",
                        "userIdentity": null})"),
            "record has no userIdentity");
}

TEST(ParseCloudTrailRecord, RejectsUnparseableTime) {
  EXPECT_EQ(ErrorOf(R"({"eventTime": "yesterday", "userIdentity": {}})"),
            "field eventTime is not an ISO-8601 time: \"yesterday\"");
  EXPECT_EQ(
      ErrorOf(R"({"eventTime": "2026-03-01T08:00:00", "userIdentity": {}})"),
      "field eventTime is not an ISO-8601 time: \"2026-03-01T08:00:00\"");
  EXPECT_EQ(ErrorOf(R"({"@timestamp": "2026-13-01T00:00:00Z"})"),
            "field @timestamp is not an ISO-8601 time: "
            "\"2026-13-01T00:00:00Z\"");
  EXPECT_EQ(ErrorOf(R"({"EventTime": true, "CloudTrailEvent": "{}"})"),
            "field EventTime is a boolean, not a string or a number");
}

TEST(ParseCloudTrailRecord, RejectsWronglyTypedFields) {
  const std::string time = R"("eventTime": "2026-03-01T08:00:00Z")";
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(, "userIdentity": "me"})")),
            "field userIdentity is a string, not an object");
  EXPECT_EQ(ErrorOf(R"({"eventTime": {"at": 1}, "userIdentity": {}})"),
            "field eventTime is an object, not a string");
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(, "userIdentity": {},
                "sourceIPAddress": 1234})")),
            "field sourceIPAddress is a number, not a string");
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(,
                "userIdentity": {"arn": ["x"]}})")),
            "field userIdentity.arn is an array, not a string");
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(,
                "userIdentity": {"sessionContext": 1}})")),
            "field userIdentity.sessionContext is a number, not an object");
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(,
                "userIdentity": {"inScopeOf": {"issuerType": false}}})")),
            "field userIdentity.inScopeOf.issuerType is a boolean, "
            "not a string");
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(, "userIdentity": {},
                "resources": {"type": "AWS::EC2::Instance"}})")),
            "field resources is an object, not an array");
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(, "userIdentity": {},
                "resources": [{"type": "AWS::EC2::Instance", "ARN": 1}]})")),
            "field resources[0].ARN is a number, not a string");
  EXPECT_EQ(ErrorOf(absl::StrCat("{", time, R"(, "userIdentity": {},
                "eventName": "AssumeRole",
                "requestParameters": {"roleArn": 5}})")),
            "field requestParameters.roleArn is a number, not a string");
}

TEST(ParseCloudTrailRecord, IgnoresTypesOfFieldsItDoesNotRead) {
  Event event = MustParse(R"({"eventTime": "2026-03-01T08:00:00Z",
      "userIdentity": {"type": "Root", "userName": 5,
                       "sessionContext": {"attributes": 7,
                                          "ec2RoleDelivery": null}},
      "requestParameters": "not read", "readOnly": "yes",
      "resources": [null, {"type": "AWS::S3::Bucket", "ARN": 9}]})");
  EXPECT_EQ(event.identity_type, "Root");
  EXPECT_FALSE(event.ec2_role_delivery);
  EXPECT_TRUE(event.instance_arns.empty());

  Event delivered = MustParse(R"({"eventTime": "2026-03-01T08:00:00Z",
      "userIdentity": {"sessionContext": {"ec2RoleDelivery": 2}}})");
  EXPECT_TRUE(delivered.ec2_role_delivery);
}

TEST(ParseCloudTrailRecord, ReadsMembersInAnyOrder) {
  // eventName and errorCode after the members they decide about.
  Event event = MustParse(R"({"requestParameters": {
        "roleSessionName": "s", "roleArn": "arn:aws:iam::1:role/r"},
      "responseElements": {"credentials": {"accessKeyId": "ASIA1"}},
      "resources": [{"ARN": "arn:aws:ec2:us-east-1:1:instance/i-1",
                     "type": "AWS::EC2::Instance"}],
      "userIdentity": {"sessionContext": {"sessionIssuer": {
                         "arn": "arn:aws:iam::1:role/r"}},
                       "principalId": "AROA1:s", "type": "AssumedRole"},
      "eventTime": "2026-03-01T00:00:00Z", "eventSource": "sts.amazonaws.com",
      "eventName": "AssumeRole", "errorCode": null})");
  EXPECT_EQ(event.identity, "arn:aws:iam::1:role/r");
  EXPECT_EQ(event.session_name, "s");
  EXPECT_EQ(event.instance_arns,
            std::vector<std::string>({"arn:aws:ec2:us-east-1:1:instance/i-1"}));
  ASSERT_TRUE(event.issuance.has_value());
  EXPECT_EQ(event.issuance->role, "arn:aws:iam::1:role/r");
  EXPECT_EQ(event.issuance->access_key_id, "ASIA1");

  EXPECT_FALSE(MustParse(R"({"requestParameters": {
        "roleArn": "arn:aws:iam::1:role/r", "roleSessionName": "s"},
      "userIdentity": {}, "eventTime": "2026-03-01T00:00:00Z",
      "eventName": "AssumeRole", "errorCode": "AccessDenied"})")
                   .issuance.has_value());
}

TEST(ParseCloudTrailRecord, TakesFirstOfDuplicateKeys) {
  Event event = MustParse(R"({"eventTime": "2026-03-01T00:00:00Z",
      "eventName": "First", "eventName": "Second",
      "userIdentity": {"type": "Root", "type": 5},
      "userIdentity": "not read", "eventID": null, "eventID": "x"})");
  EXPECT_EQ(event.event_name, "First");
  EXPECT_EQ(event.identity_type, "Root");
  // A null first occurrence makes the member absent.
  EXPECT_EQ(event.event_id, "");
  EXPECT_EQ(ErrorOf(R"({"eventTime": "2026-03-01T00:00:00Z",
                        "userIdentity": null, "userIdentity": {}})"),
            "record has no userIdentity");
}

TEST(ParseCloudTrailRecord, UnescapesKeys) {
  Event event = MustParse(R"({"event\u0054ime": "2026-03-01T00:00:00Z",
      "\u0075serIdentity": {"t\u0079pe": "Root"}, "event\"Name": "x"})");
  EXPECT_EQ(event.time, Utc(2026, 3, 1, 0, 0, 0));
  EXPECT_EQ(event.identity_type, "Root");
  EXPECT_EQ(event.event_name, "");
}

TEST(ParseCloudTrailRecord, ChecksDaysOfMonth) {
  const std::string identity = R"(, "userIdentity": {}})";
  EXPECT_EQ(MustParse(absl::StrCat(R"({"eventTime": "2024-02-29T23:59:59Z")",
                                   identity))
                .time,
            Utc(2024, 2, 29, 23, 59, 59));
  EXPECT_EQ(ErrorOf(absl::StrCat(R"({"eventTime": "2026-02-29T00:00:00Z")",
                                 identity)),
            "field eventTime is not an ISO-8601 time: "
            "\"2026-02-29T00:00:00Z\"");
  EXPECT_EQ(ErrorOf(absl::StrCat(R"({"eventTime": "2026-04-31T00:00:00Z")",
                                 identity)),
            "field eventTime is not an ISO-8601 time: "
            "\"2026-04-31T00:00:00Z\"");
}

TEST(ParseCloudTrailRecord, RejectsEveryTruncationOfRecord) {
  const std::string json = Fixture("assume_role_by_ec2.json");
  ASSERT_TRUE(ParseCloudTrailRecord(json).ok());
  const std::string end = json.substr(0, json.find_last_of('}') + 1);
  for (size_t size = 0; size < end.size(); ++size) {
    absl::StatusOr<Event> event =
        ParseCloudTrailRecord(absl::string_view(end).substr(0, size));
    EXPECT_FALSE(event.ok()) << size;
  }
  const std::string wrapped = absl::StrCat(
      R"({"EventTime": 1, "CloudTrailEvent": ")", absl::CEscape(end), "\"}");
  ASSERT_TRUE(ParseCloudTrailRecord(wrapped).ok());
  for (size_t size = 0; size + 1 < wrapped.size(); ++size) {
    EXPECT_FALSE(ParseCloudTrailRecord(wrapped.substr(0, size)).ok()) << size;
  }
}

TEST(ParseCloudTrailRecord, RejectsTextAfterRecord) {
  const std::string record = R"({"eventTime": "2026-03-01T00:00:00Z",
      "userIdentity": {"type": "Root"}})";
  EXPECT_TRUE(ParseCloudTrailRecord(absl::StrCat(record, " \n")).ok());
  for (const char* tail : {"}", " x", " {}", "]"}) {
    EXPECT_TRUE(absl::StartsWith(ErrorOf(absl::StrCat(record, tail)),
                                 "record is not valid JSON: "))
        << tail;
  }
}

TEST(ParseCloudTrailRecord, ParsesOnSeveralThreadsAtOnce) {
  const std::vector<std::string> records = {
      Fixture("ec2_instance_profile.json"), Fixture("assume_role_by_ec2.json"),
      Fixture("lambda_in_scope_of.json"), Fixture("insight.json")};
  std::vector<std::string> event_ids;
  for (const std::string& record : records) {
    event_ids.push_back(MustParse(record).event_id);
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const size_t which = (t + i) % records.size();
        absl::StatusOr<Event> event = ParseCloudTrailRecord(records[which]);
        if (!event.ok() || event->event_id != event_ids[which]) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(ParseCloudTrailRecord, RejectsDeliveryFile) {
  EXPECT_EQ(ErrorOf(R"({"Records": []})"),
            "record is a delivery file, not a record (it has a Records "
            "array)");
}

}  // namespace
}  // namespace offregion
