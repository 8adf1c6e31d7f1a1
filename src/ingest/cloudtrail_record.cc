// ParseCloudTrailRecord: turns one CloudTrail record (JSON text) into an
// Event, with simdjson's DOM API and its error codes (no exceptions).

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "offregion/cloudtrail.h"
#include "offregion/event.h"

namespace offregion {
namespace {

namespace dom = simdjson::dom;

// simdjson speaks std::string_view; absl here has its own string_view.
std::string_view ToStd(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}
absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// Returns a JSON type name for messages: "a string", "an object", ...
absl::string_view TypeName(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY:
      return "an array";
    case dom::element_type::OBJECT:
      return "an object";
    case dom::element_type::STRING:
      return "a string";
    case dom::element_type::BOOL:
      return "a boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      break;
  }
  return "a number";
}

// Returns the member `key` of `object`, or nullopt when it is absent or null.
std::optional<dom::element> Member(const dom::object& object,
                                   absl::string_view key) {
  dom::element value;
  if (object.at_key(ToStd(key)).get(value) != simdjson::SUCCESS ||
      value.is_null()) {
    return std::nullopt;
  }
  return value;
}

// Reads typed members, remembering the first one of the wrong type. Each
// getter takes the member's path prefix ("userIdentity.") for messages.
class FieldReader {
 public:
  // Returns the string member `key`, or "" when absent or null.
  std::string String(const dom::object& object, absl::string_view key,
                     absl::string_view prefix = "") {
    std::optional<dom::element> value = Member(object, key);
    if (!value.has_value()) return "";
    std::string_view text;
    if (value->get_string().get(text) != simdjson::SUCCESS) {
      Fail(prefix, key, value->type(), "a string");
      return "";
    }
    return std::string(text);
  }

  // Returns the object member `key`, or nullopt when absent or null.
  std::optional<dom::object> Object(const dom::object& object,
                                    absl::string_view key,
                                    absl::string_view prefix = "") {
    std::optional<dom::element> value = Member(object, key);
    if (!value.has_value()) return std::nullopt;
    dom::object result;
    if (value->get_object().get(result) != simdjson::SUCCESS) {
      Fail(prefix, key, value->type(), "an object");
      return std::nullopt;
    }
    return result;
  }

  // Returns the array member `key`, or nullopt when absent or null.
  std::optional<dom::array> Array(const dom::object& object,
                                  absl::string_view key,
                                  absl::string_view prefix = "") {
    std::optional<dom::element> value = Member(object, key);
    if (!value.has_value()) return std::nullopt;
    dom::array result;
    if (value->get_array().get(result) != simdjson::SUCCESS) {
      Fail(prefix, key, value->type(), "an array");
      return std::nullopt;
    }
    return result;
  }

  // Records a wrongly typed member.
  void Fail(absl::string_view prefix, absl::string_view key,
            dom::element_type got, absl::string_view want) {
    if (!status_.ok()) return;
    status_ = absl::InvalidArgumentError(absl::StrCat(
        "field ", prefix, key, " is ", TypeName(got), ", not ", want));
  }

  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

// The parts of "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE".
struct Arn {
  absl::string_view partition;
  absl::string_view account;
  absl::string_view resource;
};

std::optional<Arn> SplitArn(absl::string_view arn) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(arn, absl::MaxSplits(':', 5));
  if (parts.size() != 6 || parts[0] != "arn") return std::nullopt;
  return Arn{parts[1], parts[4], parts[5]};
}

// Returns "arn:PARTITION:iam::ACCOUNT:role/NAME".
std::string RoleArn(absl::string_view partition, absl::string_view account,
                    absl::string_view name) {
  return absl::StrCat("arn:", partition, ":iam::", account, ":role/", name);
}

// Returns the role ARN without its path ("role/service-role/x" becomes
// "role/x"), or nullopt when `arn` is not an IAM role ARN.
std::optional<std::string> RoleArnWithoutPath(absl::string_view arn) {
  std::optional<Arn> parts = SplitArn(arn);
  if (!parts.has_value() || !absl::StartsWith(parts->resource, "role/")) {
    return std::nullopt;
  }
  absl::string_view name =
      parts->resource.substr(parts->resource.rfind('/') + 1);
  if (name.empty()) return std::nullopt;
  return RoleArn(parts->partition, parts->account, name);
}

// Parses an ISO-8601 time ("2026-03-01T08:00:00Z", "...08:00:00.123+00:00";
// a space for the "T" is accepted too). `field` names it in messages.
absl::StatusOr<absl::Time> ParseIsoTime(absl::string_view field,
                                        absl::string_view text) {
  absl::Time time;
  std::string unused_error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &unused_error)) {
    return time;
  }
  if (text.size() > 10 && text[10] == ' ') {
    std::string with_t(text);
    with_t[10] = 'T';
    if (absl::ParseTime(absl::RFC3339_full, with_t, &time, &unused_error)) {
      return time;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("field ", field,
                                                 " is not an ISO-8601 time: \"",
                                                 absl::CHexEscape(text), "\""));
}

// Reads LookupEvents' outer EventTime: an ISO-8601 string or epoch seconds.
// Returns nullopt when absent.
absl::StatusOr<std::optional<absl::Time>> OuterEventTime(
    const dom::object& outer) {
  std::optional<dom::element> value = Member(outer, "EventTime");
  if (!value.has_value()) return std::nullopt;
  std::string_view text;
  if (value->get_string().get(text) == simdjson::SUCCESS) {
    return ParseIsoTime("EventTime", ToAbsl(text));
  }
  double seconds;
  if (value->is_number() &&
      value->get_double().get(seconds) == simdjson::SUCCESS) {
    return absl::UnixEpoch() + absl::Seconds(seconds);
  }
  return absl::InvalidArgumentError(absl::StrCat("field EventTime is ",
                                                 TypeName(value->type()),
                                                 ", not a string or a number"));
}

// Sets event->time from eventTime, else @timestamp, else the outer
// (LookupEvents) EventTime.
absl::Status ReadTime(const dom::object& record, const dom::object& outer,
                      Event* event) {
  FieldReader fields;
  for (absl::string_view key : {"eventTime", "@timestamp"}) {
    std::string text = fields.String(record, key);
    if (!fields.status().ok()) return fields.status();
    if (text.empty()) continue;
    absl::StatusOr<absl::Time> time = ParseIsoTime(key, text);
    if (!time.ok()) return time.status();
    event->time = *time;
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<absl::Time>> time = OuterEventTime(outer);
  if (!time.ok()) return time.status();
  if (!time->has_value()) {
    return absl::InvalidArgumentError("record has no eventTime");
  }
  event->time = **time;
  return absl::OkStatus();
}

// Returns true for a digest file: no Records, but digest keys.
bool IsDigest(const dom::object& record) {
  for (absl::string_view key :
       {"digestStartTime", "digestEndTime", "digestS3Object"}) {
    if (Member(record, key).has_value()) return true;
  }
  return false;
}

Event DigestEvent(const dom::object& record) {
  Event event;
  event.kind = RecordKind::kNotACall;
  event.not_a_call_reason = "CloudTrail digest file";
  FieldReader fields;
  absl::StatusOr<absl::Time> time =
      ParseIsoTime("digestEndTime", fields.String(record, "digestEndTime"));
  if (time.ok()) event.time = *time;
  return event;
}

// Fills the fields every record kind shares.
absl::Status ReadCallFields(const dom::object& record, Event* event) {
  FieldReader fields;
  event->event_id = fields.String(record, "eventID");
  event->event_name = fields.String(record, "eventName");
  event->event_source = fields.String(record, "eventSource");
  event->call_region = fields.String(record, "awsRegion");
  event->source = fields.String(record, "sourceIPAddress");
  event->user_agent = fields.String(record, "userAgent");
  event->error_code = fields.String(record, "errorCode");
  event->vpc_endpoint_id = fields.String(record, "vpcEndpointId");
  event->vpc_endpoint_account = fields.String(record, "vpcEndpointAccountId");
  return fields.status();
}

absl::StatusOr<bool> IsInsight(const dom::object& record) {
  FieldReader fields;
  bool insight = fields.String(record, "eventType") == "AwsCloudTrailInsight";
  std::optional<dom::element> details = Member(record, "insightDetails");
  if (details.has_value() && details->is_object()) insight = true;
  if (!fields.status().ok()) return fields.status();
  return insight;
}

// Sets session_name and identity for an AssumedRole principal.
void ReadAssumedRole(absl::string_view arn, absl::string_view principal_id,
                     absl::string_view issuer_arn, Event* event) {
  std::optional<Arn> parts = SplitArn(arn);
  if (parts.has_value()) {
    std::vector<absl::string_view> resource =
        absl::StrSplit(parts->resource, absl::MaxSplits('/', 2));
    if (resource.size() == 3 && resource[0] == "assumed-role") {
      event->session_name = std::string(resource[2]);
      event->identity = RoleArn(parts->partition, parts->account, resource[1]);
      return;
    }
  }
  event->identity = std::string(arn);
  size_t colon = principal_id.find(':');
  if (colon != absl::string_view::npos) {
    event->session_name = std::string(principal_id.substr(colon + 1));
  }
  if (arn.empty()) {
    event->identity = RoleArnWithoutPath(issuer_arn).value_or("");
  }
}

// Reads userIdentity.sessionContext.
void ReadSessionContext(const dom::object& identity, FieldReader& fields,
                        std::string* issuer_arn, Event* event) {
  std::optional<dom::object> context =
      fields.Object(identity, "sessionContext", "userIdentity.");
  if (!context.has_value()) return;
  // Present with any value ("1.0", "2.0", ...): an EC2 instance profile.
  event->ec2_role_delivery = Member(*context, "ec2RoleDelivery").has_value();
  std::optional<dom::object> issuer =
      fields.Object(*context, "sessionIssuer", "userIdentity.sessionContext.");
  if (issuer.has_value()) {
    *issuer_arn = fields.String(*issuer, "arn",
                                "userIdentity.sessionContext.sessionIssuer.");
  }
}

absl::Status ReadUserIdentity(const dom::object& record, Event* event) {
  FieldReader fields;
  std::optional<dom::object> identity = fields.Object(record, "userIdentity");
  if (!fields.status().ok()) return fields.status();
  if (!identity.has_value()) {
    return absl::InvalidArgumentError("record has no userIdentity");
  }
  constexpr absl::string_view kPrefix = "userIdentity.";
  event->identity_type = fields.String(*identity, "type", kPrefix);
  event->principal_arn = fields.String(*identity, "arn", kPrefix);
  event->account = fields.String(*identity, "accountId", kPrefix);
  event->access_key_id = fields.String(*identity, "accessKeyId", kPrefix);
  event->invoked_by = fields.String(*identity, "invokedBy", kPrefix);
  std::string principal_id = fields.String(*identity, "principalId", kPrefix);
  std::string issuer_arn;
  ReadSessionContext(*identity, fields, &issuer_arn, event);
  std::optional<dom::object> scope =
      fields.Object(*identity, "inScopeOf", kPrefix);
  if (scope.has_value()) {
    constexpr absl::string_view kScope = "userIdentity.inScopeOf.";
    event->scope_issuer_type = fields.String(*scope, "issuerType", kScope);
    event->scope_issued_to =
        fields.String(*scope, "credentialsIssuedTo", kScope);
  }
  if (!fields.status().ok()) return fields.status();

  if (event->account.empty()) {
    std::optional<Arn> arn = SplitArn(event->principal_arn);
    if (arn.has_value()) event->account = std::string(arn->account);
  }
  if (event->identity_type == "AssumedRole") {
    ReadAssumedRole(event->principal_arn, principal_id, issuer_arn, event);
  } else {
    event->identity = event->principal_arn;
  }
  return absl::OkStatus();
}

// Collects the ARNs of the AWS::EC2::Instance resources.
absl::Status ReadResources(const dom::object& record, Event* event) {
  FieldReader fields;
  std::optional<dom::array> resources = fields.Array(record, "resources");
  if (!resources.has_value()) return fields.status();
  size_t index = 0;
  for (dom::element element : *resources) {
    std::string name = absl::StrCat("resources[", index++, "]");
    dom::object resource;
    if (element.get_object().get(resource) != simdjson::SUCCESS) {
      if (element.is_null()) continue;
      fields.Fail("", name, element.type(), "an object");
      break;
    }
    std::string prefix = absl::StrCat(name, ".");
    if (fields.String(resource, "type", prefix) != "AWS::EC2::Instance") {
      continue;
    }
    std::string arn = fields.String(resource, "ARN", prefix);
    if (arn.empty()) arn = fields.String(resource, "arn", prefix);
    if (!arn.empty()) event->instance_arns.emplace_back(arn);
  }
  return fields.status();
}

// Sets event->issuance when the record is a successful sts:AssumeRole.
absl::Status ReadIssuance(const dom::object& record, Event* event) {
  if (event->event_name != "AssumeRole" || !event->error_code.empty() ||
      !(event->event_source.empty() ||
        event->event_source == "sts.amazonaws.com")) {
    return absl::OkStatus();
  }
  FieldReader fields;
  std::optional<dom::object> request =
      fields.Object(record, "requestParameters");
  if (!request.has_value()) return fields.status();
  constexpr absl::string_view kRequest = "requestParameters.";
  std::string role_arn = fields.String(*request, "roleArn", kRequest);
  std::string session = fields.String(*request, "roleSessionName", kRequest);
  std::string key_id;
  std::optional<dom::object> response =
      fields.Object(record, "responseElements");
  if (response.has_value()) {
    std::optional<dom::object> credentials =
        fields.Object(*response, "credentials", "responseElements.");
    if (credentials.has_value()) {
      key_id = fields.String(*credentials, "accessKeyId",
                             "responseElements.credentials.");
    }
  }
  if (!fields.status().ok()) return fields.status();
  std::optional<std::string> role = RoleArnWithoutPath(role_arn);
  if (!role.has_value() || session.empty()) return absl::OkStatus();

  Issuance issuance;
  if (!event->invoked_by.empty()) {
    issuance.issuer = event->invoked_by;
  } else if (absl::EndsWith(event->source, ".amazonaws.com")) {
    issuance.issuer = event->source;
  } else {
    issuance.issuer = event->principal_arn;
  }
  issuance.account = std::string(SplitArn(role_arn)->account);
  issuance.role = *std::move(role);
  issuance.session_name = session;
  issuance.access_key_id = key_id;
  issuance.region = event->call_region;
  event->issuance = std::move(issuance);
  return absl::OkStatus();
}

// Builds the Event of `record`; `outer` is the LookupEvents wrapper, or the
// record itself.
absl::StatusOr<Event> RecordToEvent(const dom::object& record,
                                    const dom::object& outer) {
  FieldReader fields;
  if (fields.Array(record, "Records").has_value()) {
    return absl::InvalidArgumentError(
        "record is a delivery file, not a record (it has a Records array)");
  }
  if (IsDigest(record)) return DigestEvent(record);

  Event event;
  absl::Status status = ReadTime(record, outer, &event);
  if (status.ok()) status = ReadCallFields(record, &event);
  if (!status.ok()) return status;
  absl::StatusOr<bool> insight = IsInsight(record);
  if (!insight.ok()) return insight.status();
  if (*insight) {
    event.kind = RecordKind::kNotACall;
    event.not_a_call_reason = "CloudTrail Insights record";
    return event;
  }
  status = ReadUserIdentity(record, &event);
  if (status.ok()) status = ReadResources(record, &event);
  if (status.ok()) status = ReadIssuance(record, &event);
  if (!status.ok()) return status;
  return event;
}

// Parses `json` with `parser` into an object; `what` names it in messages.
absl::StatusOr<dom::object> ParseObject(dom::parser& parser,
                                        absl::string_view json,
                                        absl::string_view what) {
  dom::element root;
  simdjson::error_code error = parser.parse(json.data(), json.size()).get(root);
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is not valid JSON: ", simdjson::error_message(error)));
  }
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is not a JSON object but ", TypeName(root.type())));
  }
  return object;
}

}  // namespace

absl::StatusOr<Event> ParseCloudTrailRecord(absl::string_view json) {
  // Two parsers: the LookupEvents form needs the outer document alive while
  // the inner one is read.
  thread_local dom::parser outer_parser;
  thread_local dom::parser inner_parser;
  absl::StatusOr<dom::object> outer = ParseObject(outer_parser, json, "record");
  if (!outer.ok()) return outer.status();

  std::optional<dom::element> wrapped = Member(*outer, "CloudTrailEvent");
  if (!wrapped.has_value()) return RecordToEvent(*outer, *outer);
  dom::object wrapped_object;
  if (wrapped->get_object().get(wrapped_object) == simdjson::SUCCESS) {
    return RecordToEvent(wrapped_object, *outer);
  }
  std::string_view inner_json;
  if (wrapped->get_string().get(inner_json) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat("field CloudTrailEvent is ",
                                                   TypeName(wrapped->type()),
                                                   ", not a string"));
  }
  absl::StatusOr<dom::object> inner =
      ParseObject(inner_parser, ToAbsl(inner_json), "CloudTrailEvent");
  if (!inner.ok()) return inner.status();
  return RecordToEvent(*inner, *outer);
}

}  // namespace offregion
