// ParseCloudTrailRecord: turns one CloudTrail record (JSON text) into an
// Event, with simdjson's On-Demand API and its error codes (no exceptions).
//
// The text is copied, padded as On-Demand needs, into a per-thread buffer.
// One forward pass over it reads the members the Event needs into Slots
// and skips the rest; the Event is built from the Slots afterwards, so that
// members may come in any order and a wrongly typed one is named in a fixed
// order. As with a DOM lookup, the first occurrence of a key counts and
// null counts as absent. On-Demand checks skipped values only for their
// structure; a text it rejects, or one that is not an object, is parsed
// again with the DOM API, which validates it whole, for the message.

#include <simdjson.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/utility/utility.h"
#include "offregion/cloudtrail.h"
#include "offregion/event.h"
#include "src/common/absl_view.h"

namespace offregion {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;
using Type = od::json_type;

using internal::AbslView;

// Returns a JSON type name for messages: "a string", "an object", ...
absl::string_view TypeName(Type type) {
  switch (type) {
    case Type::array:
      return "an array";
    case Type::object:
      return "an object";
    case Type::string:
      return "a string";
    case Type::boolean:
      return "a boolean";
    case Type::null:
      return "null";
    case Type::number:
      break;
  }
  return "a number";
}

// ---------------------------------------------------------------------
// Reading: one pass over the document fills Slots.

// One member as read.
struct Slot {
  std::string_view text;  // when a string; points into the parser
  Type type = Type::null;
  bool seen = false;     // its key occurred (only the first one is read)
  bool present = false;  // seen and not null
};

// The keys of the members read from one kind of object, in a small hash
// table built at compile time: most keys of a record are not read, and
// each is looked up in a few instructions.
template <size_t N>
class Keys {
 public:
  constexpr explicit Keys(const std::string_view (&keys)[N]) {
    for (size_t i = 0; i < N; ++i) {
      names_[i] = keys[i];
      size_t bucket = Bucket(keys[i]);
      while (buckets_[bucket] != 0) bucket = (bucket + 1) % kBuckets;
      buckets_[bucket] = static_cast<uint8_t>(i + 1);
    }
  }

  // Returns the index of `key`, or -1.
  int Find(std::string_view key) const {
    for (size_t bucket = Bucket(key); buckets_[bucket] != 0;
         bucket = (bucket + 1) % kBuckets) {
      const int index = buckets_[bucket] - 1;
      if (names_[index] == key) return index;
    }
    return -1;
  }

  std::string_view name(int index) const { return names_[index]; }

 private:
  static constexpr size_t kBuckets = std::bit_ceil(4 * N);

  // Mixes the length and three characters of `key`.
  static constexpr size_t Bucket(std::string_view key) {
    if (key.empty()) return 0;
    const uint32_t mix = static_cast<uint32_t>(key.size()) << 24 |
                         static_cast<uint8_t>(key[0]) << 16 |
                         static_cast<uint8_t>(key[key.size() / 2]) << 8 |
                         static_cast<uint8_t>(key.back());
    return (mix * uint32_t{2654435761}) >> 16 & (kBuckets - 1);
  }

  std::string_view names_[N];
  uint8_t buckets_[kBuckets] = {};  // index + 1 of a key, 0 when empty
};

// The members read, in the order their types are checked. kOuterEventTime
// and kCloudTrailEvent belong to the LookupEvents wrapper.
enum RecordMember {
  kRecords,
  kDigestStartTime,
  kDigestEndTime,
  kDigestS3Object,
  kEventTime,
  kTimestamp,
  kEventId,
  kEventName,
  kEventSource,
  kAwsRegion,
  kSourceIp,
  kUserAgent,
  kErrorCode,
  kVpcEndpointId,
  kVpcEndpointAccount,
  kEventType,
  kInsightDetails,
  kUserIdentity,
  kResources,
  kRequestParameters,
  kResponseElements,
  kCloudTrailEvent,
  kOuterEventTime,
  kRecordMembers
};
constexpr Keys<kRecordMembers> kRecordKeys(
    {"Records",         "digestStartTime",   "digestEndTime",
     "digestS3Object",  "eventTime",         "@timestamp",
     "eventID",         "eventName",         "eventSource",
     "awsRegion",       "sourceIPAddress",   "userAgent",
     "errorCode",       "vpcEndpointId",     "vpcEndpointAccountId",
     "eventType",       "insightDetails",    "userIdentity",
     "resources",       "requestParameters", "responseElements",
     "CloudTrailEvent", "EventTime"});

enum IdentityMember {
  kType,
  kArn,
  kAccountId,
  kAccessKeyId,
  kInvokedBy,
  kPrincipalId,
  kSessionContext,
  kInScopeOf,
  kIdentityMembers
};
constexpr Keys<kIdentityMembers> kIdentityKeys({"type", "arn", "accountId",
                                                "accessKeyId", "invokedBy",
                                                "principalId", "sessionContext",
                                                "inScopeOf"});

enum ContextMember { kEc2RoleDelivery, kSessionIssuer, kContextMembers };
constexpr Keys<kContextMembers> kContextKeys({"ec2RoleDelivery",
                                              "sessionIssuer"});
constexpr Keys<1> kIssuerKeys({"arn"});
enum ScopeMember { kIssuerType, kIssuedTo, kScopeMembers };
constexpr Keys<kScopeMembers> kScopeKeys({"issuerType", "credentialsIssuedTo"});
enum RequestMember { kRoleArn, kRoleSessionName, kRequestMembers };
constexpr Keys<kRequestMembers> kRequestKeys({"roleArn", "roleSessionName"});
constexpr Keys<1> kResponseKeys({"credentials"});
constexpr Keys<1> kCredentialsKeys({"accessKeyId"});
enum ResourceMember {
  kResourceType,
  kResourceArn,
  kResourceLowerArn,
  kResourceMembers
};
constexpr Keys<kResourceMembers> kResourceKeys({"type", "ARN", "arn"});

// What one record yields, before it becomes an Event.
struct RecordSlots {
  Slot record[kRecordMembers];
  Slot identity[kIdentityMembers];
  Slot context[kContextMembers];
  Slot issuer_arn[1];
  Slot scope[kScopeMembers];
  Slot request[kRequestMembers];
  Slot credentials[1];
  Slot access_key_id[1];
  double event_time_seconds = 0;  // when kOuterEventTime is a number
  std::vector<std::string> instance_arns;
  absl::Status resources_status;  // the first bad resource
};

// Returns the bytes of `word` equal to `byte` as a mask of their high bits
// (exact up to the first one, which is all that is used).
uint64_t BytesEqual(uint64_t word, char byte) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  const uint64_t zero_where_equal = word ^ (kOnes * static_cast<uint8_t>(byte));
  return (zero_where_equal - kOnes) & ~zero_where_equal & (kOnes << 7);
}

// Sets *key to the key of `field`, unescaped only when it has escapes. The
// raw key is scanned 8 bytes at a time for its closing quote: the padding
// after the document keeps that in bounds.
error_code KeyOf(od::field& field, std::string_view* key) {
  const char* start = field.key().raw();
  for (size_t offset = 0;; offset += 8) {
    uint64_t word;
    std::memcpy(&word, start + offset, sizeof(word));
    const uint64_t ends = BytesEqual(word, '"') | BytesEqual(word, '\\');
    if (ends == 0) continue;
    const size_t length = offset + std::countr_zero(ends) / 8;
    if (start[length] == '\\') return field.unescaped_key().get(*key);
    *key = std::string_view(start, length);
    return SUCCESS;
  }
}

// Reads the type of `value` into `slot`, and the text of a string.
error_code Read(od::value& value, Slot* slot) {
  slot->seen = true;
  SIMDJSON_TRY(value.type().get(slot->type));
  if (slot->type == Type::string) {
    slot->present = true;
    return value.get_string().get(slot->text);
  }
  if (slot->type != Type::null) {
    slot->present = true;
    return SUCCESS;
  }
  bool null = false;
  SIMDJSON_TRY(value.is_null().get(null));
  return null ? SUCCESS : simdjson::N_ATOM_ERROR;
}

// Reads the members of `object` named in `keys` into the parallel `slots`,
// then calls descend(index, value) to go into a member's value.
template <size_t N, typename Descend>
error_code Collect(od::object object, const Keys<N>& keys, Slot* slots,
                   Descend descend) {
  for (auto member : object) {
    od::field field;
    SIMDJSON_TRY(std::move(member).get(field));
    std::string_view key;
    SIMDJSON_TRY(KeyOf(field, &key));
    int index = keys.Find(key);
    if (index < 0 || slots[index].seen) continue;
    SIMDJSON_TRY(Read(field.value(), &slots[index]));
    SIMDJSON_TRY(descend(index, field.value()));
  }
  return SUCCESS;
}

error_code Stay(int, od::value&) { return SUCCESS; }

// Collects the members of the object `value` whose slot is `slot`, when
// it is one.
template <size_t N, typename Descend>
error_code CollectIfObject(const Slot& slot, od::value& value,
                           const Keys<N>& keys, Slot* slots, Descend descend) {
  if (slot.type != Type::object) return SUCCESS;
  od::object object;
  SIMDJSON_TRY(value.get_object().get(object));
  return Collect(object, keys, slots, descend);
}

error_code CollectIdentity(od::value& value, RecordSlots* slots) {
  auto descend_context = [slots](int member, od::value& context) {
    if (member != kSessionIssuer) return SUCCESS;
    return CollectIfObject(slots->context[kSessionIssuer], context, kIssuerKeys,
                           slots->issuer_arn, Stay);
  };
  auto descend = [slots, &descend_context](int member, od::value& child) {
    if (member == kSessionContext) {
      return CollectIfObject(slots->identity[kSessionContext], child,
                             kContextKeys, slots->context, descend_context);
    }
    if (member != kInScopeOf) return SUCCESS;
    return CollectIfObject(slots->identity[kInScopeOf], child, kScopeKeys,
                           slots->scope, Stay);
  };
  return CollectIfObject(slots->record[kUserIdentity], value, kIdentityKeys,
                         slots->identity, descend);
}

error_code CollectResponse(od::value& value, RecordSlots* slots) {
  auto descend = [slots](int, od::value& credentials) {
    return CollectIfObject(slots->credentials[0], credentials, kCredentialsKeys,
                           slots->access_key_id, Stay);
  };
  return CollectIfObject(slots->record[kResponseElements], value, kResponseKeys,
                         slots->credentials, descend);
}

// Returns InvalidArgument when `slot` is present but not of type `want`.
// `prefix` and `key` make the member's path ("userIdentity." "arn").
absl::Status Expect(const Slot& slot, Type want, absl::string_view prefix,
                    std::string_view key) {
  if (!slot.present || slot.type == want) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("field ", prefix, AbslView(key), " is ", TypeName(slot.type),
                   ", not ", TypeName(want)));
}

// Checks the string members [first, last) of `slots`, named by `keys`.
template <size_t N>
absl::Status ExpectStrings(const Slot* slots, const Keys<N>& keys, int first,
                           int last, absl::string_view prefix) {
  for (int i = first; i < last; ++i) {
    absl::Status status = Expect(slots[i], Type::string, prefix, keys.name(i));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Returns the ARN of an AWS::EC2::Instance resources[index] (ARN, else
// arn), "" for another resource.
absl::StatusOr<std::string_view> InstanceArn(const Slot* resource,
                                             size_t index) {
  for (ResourceMember member :
       {kResourceType, kResourceArn, kResourceLowerArn}) {
    const Slot& slot = resource[member];
    if (slot.present && slot.type != Type::string) {
      return Expect(slot, Type::string, absl::StrCat("resources[", index, "]."),
                    kResourceKeys.name(member));
    }
    if (member == kResourceType) {
      if (slot.text != "AWS::EC2::Instance") return "";
    } else if (!slot.text.empty()) {
      return slot.text;
    }
  }
  return "";
}

// Reads resources[index]; records the first bad one in *slots.
error_code CollectResource(od::value& element, size_t index,
                           RecordSlots* slots) {
  Slot slot;
  SIMDJSON_TRY(Read(element, &slot));
  if (!slot.present) return SUCCESS;
  if (slot.type != Type::object) {
    slots->resources_status =
        Expect(slot, Type::object, "", absl::StrCat("resources[", index, "]"));
    return SUCCESS;
  }
  Slot resource[kResourceMembers];
  od::object object;
  SIMDJSON_TRY(element.get_object().get(object));
  SIMDJSON_TRY(Collect(object, kResourceKeys, resource, Stay));
  absl::StatusOr<std::string_view> arn = InstanceArn(resource, index);
  if (!arn.ok()) {
    slots->resources_status = arn.status();
  } else if (!arn->empty()) {
    slots->instance_arns.emplace_back(*arn);
  }
  return SUCCESS;
}

// Reads the resources array, up to the first bad element.
error_code CollectResources(od::value& value, RecordSlots* slots) {
  if (slots->record[kResources].type != Type::array) return SUCCESS;
  od::array array;
  SIMDJSON_TRY(value.get_array().get(array));
  size_t index = 0;
  for (auto result : array) {
    od::value element;
    SIMDJSON_TRY(std::move(result).get(element));
    SIMDJSON_TRY(CollectResource(element, index++, slots));
    if (!slots->resources_status.ok()) break;
  }
  return SUCCESS;
}

error_code CollectRecord(od::object object, RecordSlots* slots,
                         std::optional<RecordSlots>* wrapped);

// Returns false when the eventName read so far rules out an AssumeRole
// call, whose requestParameters and responseElements alone are read. They
// are usually large and come after eventName: this saves going into them.
bool MayBeAssumeRole(const RecordSlots& slots) {
  const Slot& name = slots.record[kEventName];
  return !name.seen || name.text == "AssumeRole";
}

// Goes into the value of a record member. `wrapped` receives an object
// CloudTrailEvent; it is null for a record that is not the outer one.
error_code DescendRecord(int member, od::value& value, RecordSlots* slots,
                         std::optional<RecordSlots>* wrapped) {
  const Slot& slot = slots->record[member];
  switch (member) {
    case kUserIdentity:
      return CollectIdentity(value, slots);
    case kResources:
      return CollectResources(value, slots);
    case kRequestParameters:
      if (!MayBeAssumeRole(*slots)) return SUCCESS;
      return CollectIfObject(slot, value, kRequestKeys, slots->request, Stay);
    case kResponseElements:
      if (!MayBeAssumeRole(*slots)) return SUCCESS;
      return CollectResponse(value, slots);
    case kOuterEventTime:
      if (slot.type != Type::number) return SUCCESS;
      return value.get_double().get(slots->event_time_seconds);
    case kCloudTrailEvent: {
      if (wrapped == nullptr || slot.type != Type::object) return SUCCESS;
      od::object object;
      SIMDJSON_TRY(value.get_object().get(object));
      return CollectRecord(object, &wrapped->emplace(), nullptr);
    }
  }
  return SUCCESS;
}

error_code CollectRecord(od::object object, RecordSlots* slots,
                         std::optional<RecordSlots>* wrapped) {
  return Collect(object, kRecordKeys, slots->record,
                 [slots, wrapped](int member, od::value& value) {
                   return DescendRecord(member, value, slots, wrapped);
                 });
}

// Records longer than this do not leave their memory in a thread's parsers.
constexpr size_t kLargeRecord = 64 << 10;

// Explains why `json` (`what` in messages) is not a record, given
// On-Demand's error, or the type of the document when there was none.
absl::Status Rejection(absl::string_view json, absl::string_view what,
                       error_code error, Type type) {
  // The DOM validates the whole document: its error is the accurate one.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element unused;
  error_code dom_error = parser.parse(json.data(), json.size()).get(unused);
  if (json.size() > kLargeRecord) parser = simdjson::dom::parser();
  if (dom_error != SUCCESS) error = dom_error;
  if (error != SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is not valid JSON: ", simdjson::error_message(error)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(what, " is not a JSON object but ", TypeName(type)));
}

// Copies `json` into `buffer` with the padding On-Demand reads past the
// end, and starts iterating it.
error_code Iterate(od::parser& parser, std::string& buffer,
                   absl::string_view json, od::document* document) {
  const size_t size = json.size() + simdjson::SIMDJSON_PADDING;
  if (buffer.size() < size) buffer.resize(size);
  if (!json.empty()) std::memcpy(buffer.data(), json.data(), json.size());
  std::memset(buffer.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser.iterate(buffer.data(), json.size(), buffer.size())
      .get(*document);
}

// Reads the record `json` (`what` in messages) into *slots, and an object
// CloudTrailEvent in it into *wrapped (when not null).
absl::Status ReadDocument(od::parser& parser, std::string& buffer,
                          absl::string_view json, absl::string_view what,
                          RecordSlots* slots,
                          std::optional<RecordSlots>* wrapped) {
  od::document document;
  Type type = Type::null;
  error_code error = Iterate(parser, buffer, json, &document);
  if (error == SUCCESS) error = document.type().get(type);
  if (error == SUCCESS && type == Type::object) {
    od::object object;
    error = document.get_object().get(object);
    if (error == SUCCESS) error = CollectRecord(object, slots, wrapped);
    // Past the end, the location is out of bounds; else text follows.
    if (error == SUCCESS &&
        document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
      error = simdjson::TRAILING_CONTENT;
    }
    if (error == SUCCESS) return absl::OkStatus();
  }
  return Rejection(json, what, error, type);
}

// ---------------------------------------------------------------------
// Building the Event from the Slots.

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

// Parses "YYYY-MM-DDTHH:MM:SSZ", the form of nearly all CloudTrail times,
// much faster than absl::ParseTime and to the same result. Returns nullopt
// for any other text.
std::optional<absl::Time> ParseUtcSeconds(absl::string_view text) {
  constexpr absl::string_view kForm = "0000-00-00T00:00:00Z";
  if (text.size() != kForm.size()) return std::nullopt;
  for (size_t i = 0; i < kForm.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kForm[i] == '0' ? !digit : text[i] != kForm[i]) return std::nullopt;
  }
  auto number = [text](size_t start, size_t length) {
    int value = 0;
    for (size_t i = start; i < start + length; ++i) {
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int month = number(5, 2), day = number(8, 2);
  const int hour = number(11, 2), minute = number(14, 2);
  const int second = number(17, 2);
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const absl::CivilSecond civil(number(0, 4), month, day, hour, minute, second);
  // A month or day out of range was normalized away: let absl reject it.
  if (civil.month() != month || civil.day() != day) return std::nullopt;
  return absl::FromUnixSeconds(civil - absl::CivilSecond(1970, 1, 1));
}

// Parses an ISO-8601 time ("2026-03-01T08:00:00Z", "...08:00:00.123+00:00";
// a space for the "T" is accepted too). `field` names it in messages.
absl::StatusOr<absl::Time> ParseIsoTime(absl::string_view field,
                                        absl::string_view text) {
  if (std::optional<absl::Time> fast = ParseUtcSeconds(text)) return *fast;
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
absl::StatusOr<absl::Time> OuterEventTime(const RecordSlots& outer) {
  const Slot& slot = outer.record[kOuterEventTime];
  if (!slot.present) {
    return absl::InvalidArgumentError("record has no eventTime");
  }
  if (slot.type == Type::string) {
    return ParseIsoTime("EventTime", AbslView(slot.text));
  }
  if (slot.type == Type::number) {
    return absl::UnixEpoch() + absl::Seconds(outer.event_time_seconds);
  }
  return absl::InvalidArgumentError(absl::StrCat("field EventTime is ",
                                                 TypeName(slot.type),
                                                 ", not a string or a number"));
}

// Sets event->time from eventTime, else @timestamp, else the outer
// (LookupEvents) EventTime.
absl::Status ReadTime(const Slot* record, const RecordSlots& outer,
                      Event* event) {
  for (RecordMember member : {kEventTime, kTimestamp}) {
    std::string_view key = kRecordKeys.name(member);
    absl::Status status = Expect(record[member], Type::string, "", key);
    if (!status.ok()) return status;
    if (record[member].text.empty()) continue;
    absl::StatusOr<absl::Time> time =
        ParseIsoTime(AbslView(key), AbslView(record[member].text));
    if (!time.ok()) return time.status();
    event->time = *time;
    return absl::OkStatus();
  }
  absl::StatusOr<absl::Time> time = OuterEventTime(outer);
  if (!time.ok()) return time.status();
  event->time = *time;
  return absl::OkStatus();
}

void ReadDigest(const Slot& end_time, Event* event) {
  event->kind = RecordKind::kNotACall;
  event->not_a_call_reason = "CloudTrail digest file";
  absl::StatusOr<absl::Time> time =
      ParseIsoTime("digestEndTime", AbslView(end_time.text));
  if (time.ok()) event->time = *time;
}

// Fills the fields every record kind shares.
absl::Status ReadCallFields(const Slot* record, Event* event) {
  event->event_id = record[kEventId].text;
  event->event_name = record[kEventName].text;
  event->event_source = record[kEventSource].text;
  event->call_region = record[kAwsRegion].text;
  event->source = record[kSourceIp].text;
  event->user_agent = record[kUserAgent].text;
  event->error_code = record[kErrorCode].text;
  event->vpc_endpoint_id = record[kVpcEndpointId].text;
  event->vpc_endpoint_account = record[kVpcEndpointAccount].text;
  return ExpectStrings(record, kRecordKeys, kEventId, kVpcEndpointAccount + 1,
                       "");
}

absl::StatusOr<bool> IsInsight(const Slot* record) {
  absl::Status status = Expect(record[kEventType], Type::string, "",
                               kRecordKeys.name(kEventType));
  if (!status.ok()) return status;
  return record[kEventType].text == "AwsCloudTrailInsight" ||
         record[kInsightDetails].type == Type::object;
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

// Checks the types of userIdentity's members, in a fixed order.
absl::Status CheckIdentityTypes(const RecordSlots& slots) {
  constexpr absl::string_view kPrefix = "userIdentity.";
  constexpr absl::string_view kContext = "userIdentity.sessionContext.";
  const Slot* identity = slots.identity;
  absl::Status status =
      ExpectStrings(identity, kIdentityKeys, kType, kPrincipalId + 1, kPrefix);
  if (status.ok()) {
    status = Expect(identity[kSessionContext], Type::object, kPrefix,
                    kIdentityKeys.name(kSessionContext));
  }
  if (status.ok()) {
    status = Expect(slots.context[kSessionIssuer], Type::object, kContext,
                    kContextKeys.name(kSessionIssuer));
  }
  if (status.ok()) {
    status = ExpectStrings(slots.issuer_arn, kIssuerKeys, 0, 1,
                           absl::StrCat(kContext, "sessionIssuer."));
  }
  if (status.ok()) {
    status = Expect(identity[kInScopeOf], Type::object, kPrefix,
                    kIdentityKeys.name(kInScopeOf));
  }
  if (!status.ok()) return status;
  return ExpectStrings(slots.scope, kScopeKeys, kIssuerType, kScopeMembers,
                       "userIdentity.inScopeOf.");
}

absl::Status ReadUserIdentity(const RecordSlots& slots, Event* event) {
  const Slot& member = slots.record[kUserIdentity];
  absl::Status status =
      Expect(member, Type::object, "", kRecordKeys.name(kUserIdentity));
  if (!status.ok()) return status;
  if (!member.present) {
    return absl::InvalidArgumentError("record has no userIdentity");
  }
  if (status = CheckIdentityTypes(slots); !status.ok()) return status;

  const Slot* identity = slots.identity;
  event->identity_type = identity[kType].text;
  event->principal_arn = identity[kArn].text;
  event->account = identity[kAccountId].text;
  event->access_key_id = identity[kAccessKeyId].text;
  event->invoked_by = identity[kInvokedBy].text;
  // Present with any value ("1.0", "2.0", ...): an EC2 instance profile.
  event->ec2_role_delivery = slots.context[kEc2RoleDelivery].present;
  event->scope_issuer_type = slots.scope[kIssuerType].text;
  event->scope_issued_to = slots.scope[kIssuedTo].text;

  if (event->account.empty()) {
    std::optional<Arn> arn = SplitArn(event->principal_arn);
    if (arn.has_value()) event->account = std::string(arn->account);
  }
  if (event->identity_type == "AssumedRole") {
    ReadAssumedRole(event->principal_arn, AbslView(identity[kPrincipalId].text),
                    AbslView(slots.issuer_arn[0].text), event);
  } else {
    event->identity = event->principal_arn;
  }
  return absl::OkStatus();
}

// Sets event->instance_arns from the AWS::EC2::Instance resources.
absl::Status ReadResources(RecordSlots& slots, Event* event) {
  absl::Status status = Expect(slots.record[kResources], Type::array, "",
                               kRecordKeys.name(kResources));
  if (!status.ok()) return status;
  if (!slots.resources_status.ok()) return slots.resources_status;
  event->instance_arns = std::move(slots.instance_arns);
  return absl::OkStatus();
}

// Checks the types of the members an issuance is read from.
absl::Status CheckIssuanceTypes(const RecordSlots& slots) {
  absl::Status status = ExpectStrings(slots.request, kRequestKeys, kRoleArn,
                                      kRequestMembers, "requestParameters.");
  if (status.ok()) {
    status = Expect(slots.record[kResponseElements], Type::object, "",
                    kRecordKeys.name(kResponseElements));
  }
  if (status.ok()) {
    status = Expect(slots.credentials[0], Type::object, "responseElements.",
                    kResponseKeys.name(0));
  }
  if (!status.ok()) return status;
  return ExpectStrings(slots.access_key_id, kCredentialsKeys, 0, 1,
                       "responseElements.credentials.");
}

// Sets event->issuance when the record is a successful sts:AssumeRole.
absl::Status ReadIssuance(const RecordSlots& slots, Event* event) {
  if (event->event_name != "AssumeRole" || !event->error_code.empty() ||
      !(event->event_source.empty() ||
        event->event_source == "sts.amazonaws.com")) {
    return absl::OkStatus();
  }
  const Slot& request = slots.record[kRequestParameters];
  absl::Status status =
      Expect(request, Type::object, "", kRecordKeys.name(kRequestParameters));
  if (!status.ok() || !request.present) return status;
  if (status = CheckIssuanceTypes(slots); !status.ok()) return status;
  absl::string_view role_arn = AbslView(slots.request[kRoleArn].text);
  absl::string_view session = AbslView(slots.request[kRoleSessionName].text);
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
  issuance.session_name = std::string(session);
  issuance.access_key_id = slots.access_key_id[0].text;
  issuance.region = event->call_region;
  event->issuance = std::move(issuance);
  return absl::OkStatus();
}

// Fills *event from the record read into `slots`; `outer` is the
// LookupEvents wrapper, or the record itself.
absl::Status RecordToEvent(RecordSlots& slots, const RecordSlots& outer,
                           Event* event) {
  const Slot* record = slots.record;
  if (record[kRecords].type == Type::array) {
    return absl::InvalidArgumentError(
        "record is a delivery file, not a record (it has a Records array)");
  }
  if (record[kDigestStartTime].present || record[kDigestEndTime].present ||
      record[kDigestS3Object].present) {
    ReadDigest(record[kDigestEndTime], event);
    return absl::OkStatus();
  }

  absl::Status status = ReadTime(record, outer, event);
  if (status.ok()) status = ReadCallFields(record, event);
  if (!status.ok()) return status;
  absl::StatusOr<bool> insight = IsInsight(record);
  if (!insight.ok()) return insight.status();
  if (*insight) {
    event->kind = RecordKind::kNotACall;
    event->not_a_call_reason = "CloudTrail Insights record";
    return absl::OkStatus();
  }
  status = ReadUserIdentity(slots, event);
  if (status.ok()) status = ReadResources(slots, event);
  if (status.ok()) status = ReadIssuance(slots, event);
  return status;
}

// Two parsers: the LookupEvents form needs the outer document alive while
// the inner one is read. On-Demand reads past the end: the buffers hold
// padded copies.
struct ParserState {
  od::parser outer_parser;
  od::parser inner_parser;
  std::string outer_buffer;
  std::string inner_buffer;
};

// Fills *event from the record `json`, in either LookupEvents form too.
absl::Status ReadRecordWith(ParserState& state, absl::string_view json,
                            Event* event) {
  RecordSlots outer;
  std::optional<RecordSlots> inner;  // of the LookupEvents form
  absl::Status status = ReadDocument(state.outer_parser, state.outer_buffer,
                                     json, "record", &outer, &inner);
  if (!status.ok()) return status;

  const Slot& wrapped = outer.record[kCloudTrailEvent];
  if (!wrapped.present) return RecordToEvent(outer, outer, event);
  if (wrapped.type == Type::object) return RecordToEvent(*inner, outer, event);
  if (wrapped.type != Type::string) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field CloudTrailEvent is ", TypeName(wrapped.type), ", not a string"));
  }
  status = ReadDocument(state.inner_parser, state.inner_buffer,
                        AbslView(wrapped.text), "CloudTrailEvent",
                        &inner.emplace(), nullptr);
  if (!status.ok()) return status;
  return RecordToEvent(*inner, outer, event);
}

absl::Status ReadRecord(absl::string_view json, Event* event) {
  thread_local ParserState state;
  absl::Status status = ReadRecordWith(state, json, event);
  if (json.size() > kLargeRecord) {
    // Moving out takes the memory along (assigning an empty object would
    // leave the strings' capacity in place); fresh parsers replace the
    // moved-out ones.
    ParserState discarded = std::move(state);
    state = ParserState();
  }
  return status;
}

}  // namespace

absl::StatusOr<Event> ParseCloudTrailRecord(absl::string_view json) {
  // Filled in place, and returned by the one return statement: no copy.
  absl::StatusOr<Event> event(absl::in_place);
  absl::Status status = ReadRecord(json, &*event);
  if (!status.ok()) event = std::move(status);
  return event;
}

absl::Status ParseCloudTrailRecord(absl::string_view json, Event* event) {
  event->kind = RecordKind::kApiCall;
  event->provider = Provider::kAws;
  event->time = absl::UnixEpoch();
  for (std::string* text :
       {&event->event_id,          &event->event_name,
        &event->event_source,      &event->not_a_call_reason,
        &event->identity_type,     &event->account,
        &event->identity,          &event->principal_arn,
        &event->session_name,      &event->access_key_id,
        &event->invoked_by,        &event->compute_id,
        &event->scope_issuer_type, &event->scope_issued_to,
        &event->call_region,       &event->source,
        &event->vpc_endpoint_id,   &event->vpc_endpoint_account,
        &event->error_code,        &event->user_agent}) {
    text->clear();
  }
  event->identity_class = IdentityClass::kUnknown;
  event->ec2_role_delivery = false;
  event->instance_arns.clear();
  event->issuance.reset();
  return ReadRecord(json, event);
}

}  // namespace offregion
