// Tests of detector snapshots: a restored detector judges as the original
// would, and every kind of broken snapshot is refused.

#include "src/detect/snapshot.h"

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "offregion/detector.h"
#include "tests/testing/events.h"
#include "tests/testing/message_has.h"

namespace offregion {
namespace {

using ::offregion::testing::MessageHas;

constexpr char kGeo[] =
    "3.80.0.0/12,US,14618,AMAZON-AES\n"
    "203.0.113.0/24,NL,64501,EXAMPLE-HOSTING-NL\n"
    "198.51.100.0/24,US,64502,EXAMPLE-ISP-US\n";

constexpr char kRanges[] = R"({"prefixes": [{"ip_prefix": "3.80.0.0/12",
  "region": "us-east-1", "service": "EC2",
  "network_border_group": "us-east-1"}]})";

using ::offregion::testing::Day;

Event Call(absl::Time time, const std::string& source, int n) {
  Event e = testing::Ec2Call(time, source, absl::StrCat("e-", n));
  e.event_name.clear();
  return e;
}

std::unique_ptr<Detector> NewDetector() {
  Options options;
  options.locator = CloudRanges::ParseAws(kRanges).value();
  options.geo = GeoTable::Parse(kGeo).value();
  return Detector::Create(std::move(options)).value();
}

// Twenty days of calls: in region, and now and then from outside.
std::vector<Event> Month() {
  std::vector<Event> events;
  for (int day = 1; day <= 20; ++day) {
    events.push_back(Call(Day(day, 1), "3.85.0.1", day * 10));
    if (day % 4 == 0) {
      events.push_back(Call(Day(day, 2),
                            day % 8 == 0 ? "203.0.113.5" : "198.51.100.9",
                            day * 10 + 1));
    }
  }
  return events;
}

std::string Judged(Detector& detector, const std::vector<Event>& events,
                   size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    absl::StrAppend(&out, VerdictToJson(detector.Judge(events[i])), "\n");
  }
  return out;
}

std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/", name);
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(Snapshot, RestoredDetectorJudgesAsTheOriginal) {
  const std::vector<Event> events = Month();
  auto whole = NewDetector();
  const std::string expected = Judged(*whole, events, 0, events.size());
  ASSERT_NE(expected.find("\"outcome\":\"alert\""), std::string::npos);
  ASSERT_NE(expected.find("\"outcome\":\"suppressed\""), std::string::npos);

  std::string got;
  const std::string path = TempPath("chained.state");
  for (size_t from = 0; from < events.size(); from += 3) {
    auto part = NewDetector();
    if (from > 0) {
      ASSERT_TRUE(part->Load(path).ok());
    }
    got += Judged(*part, events, from, std::min(from + 3, events.size()));
    ASSERT_TRUE(part->Save(path).ok());
  }
  EXPECT_EQ(got, expected);
}

TEST(Snapshot, StringRoundTripKeepsStats) {
  auto first = NewDetector();
  const std::vector<Event> events = Month();
  Judged(*first, events, 0, events.size());
  auto second = NewDetector();
  ASSERT_TRUE(second->LoadFromString(first->SaveToString()).ok());
  DetectorStats a = first->stats(), b = second->stats();
  EXPECT_EQ(a.identities, b.identities);
  EXPECT_EQ(a.dedup_entries, b.dedup_entries);
  EXPECT_EQ(a.learned_computes, b.learned_computes);
  EXPECT_EQ(second->watermark(), first->watermark());
  EXPECT_EQ(second->SaveToString().size(), first->SaveToString().size());
}

class BrokenSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    auto detector = NewDetector();
    const std::vector<Event> events = Month();
    Judged(*detector, events, 0, events.size());
    good_ = detector->SaveToString();
  }

  // Loads `bytes` into a fresh detector; checks that a failure leaves it
  // able to load the good snapshot afterwards.
  absl::Status Load(const std::string& bytes) {
    auto detector = NewDetector();
    absl::Status status = detector->LoadFromString(bytes);
    if (!status.ok()) {
      EXPECT_EQ(detector->watermark(), absl::InfinitePast());
      EXPECT_TRUE(detector->LoadFromString(good_).ok());
    }
    return status;
  }

  std::string good_;
};

TEST_F(BrokenSnapshot, FlippedByteIsRefused) {
  for (size_t at = 0; at < good_.size(); ++at) {
    std::string bad = good_;
    bad[at] ^= 0x20;
    absl::Status status = Load(bad);
    EXPECT_FALSE(status.ok()) << "byte " << at;
  }
}

TEST_F(BrokenSnapshot, TruncatedFileIsRefused) {
  for (size_t size : {size_t{0}, size_t{10}, size_t{16}, good_.size() / 2,
                      good_.size() - 1}) {
    absl::Status status = Load(good_.substr(0, size));
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << size;
  }
}

TEST_F(BrokenSnapshot, WrongVersionIsRefused) {
  const std::string state = good_.substr(32);  // after magic and header
  absl::Status status = Load(internal::FrameSnapshot(2, state));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(MessageHas(status, "format version 2 is not supported"));
  EXPECT_TRUE(Load(internal::FrameSnapshot(1, state)).ok());
}

TEST_F(BrokenSnapshot, NotASnapshotIsRefused) {
  absl::Status status = Load("{\"Records\": []}");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(MessageHas(status, "not an offregion snapshot"));
}

TEST_F(BrokenSnapshot, ChecksumMismatchIsNamed) {
  std::string bad = good_;
  bad.back() ^= 1;
  absl::Status status = Load(bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(MessageHas(status, "checksum"));
}

TEST_F(BrokenSnapshot, ValidChecksumOverBadStateIsRefused) {
  absl::Status status = Load(internal::FrameSnapshot(1, "\xff\xff\xff"));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(MessageHas(status, "malformed"));
}

TEST(SnapshotFile, CrashBeforeRenameLeavesTheOldSnapshot) {
  const std::string path = TempPath("crash.state");
  auto detector = NewDetector();
  detector->Judge(Call(Day(1), "3.85.0.1", 1));
  ASSERT_TRUE(detector->Save(path).ok());
  const std::string saved = Read(path);
  // A save that died after writing part of its temporary file.
  Write(absl::StrCat(path, ".tmp.99999"), saved.substr(0, saved.size() / 2));
  auto restored = NewDetector();
  EXPECT_TRUE(restored->Load(path).ok());
  EXPECT_EQ(restored->watermark(), Day(1));
}

TEST(SnapshotFile, SaveReplacesAndLeavesNoTemporaryFile) {
  const std::string dir = TempPath("save-dir");
  ASSERT_EQ(system(absl::StrCat("rm -rf ", dir, " && mkdir ", dir).c_str()), 0);
  const std::string path = absl::StrCat(dir, "/state");
  auto detector = NewDetector();
  detector->Judge(Call(Day(1), "3.85.0.1", 1));
  ASSERT_TRUE(detector->Save(path).ok());
  detector->Judge(Call(Day(2), "3.85.0.1", 2));
  ASSERT_TRUE(detector->Save(path).ok());
  auto restored = NewDetector();
  ASSERT_TRUE(restored->Load(path).ok());
  EXPECT_EQ(restored->watermark(), Day(2));
  EXPECT_EQ(system(absl::StrCat("test $(ls ", dir, " | wc -l) = 1").c_str()),
            0);
}

TEST(SnapshotFile, ErrorsNameTheFile) {
  auto detector = NewDetector();
  absl::Status missing = detector->Load("/no/such/dir/state");
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(MessageHas(missing, "/no/such/dir/state"));
  absl::Status unwritable = detector->Save("/no/such/dir/state");
  EXPECT_FALSE(unwritable.ok());
  EXPECT_TRUE(MessageHas(unwritable, "/no/such/dir/state"));
  const std::string path = TempPath("garbage.state");
  Write(path, "garbage");
  absl::Status garbage = detector->Load(path);
  EXPECT_EQ(garbage.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(MessageHas(garbage, path));
}

TEST(SnapshotFile, DevicesAndDirectoriesAreRefused) {
  auto detector = NewDetector();
  absl::Status device = detector->Load("/dev/zero");
  EXPECT_EQ(device.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(MessageHas(device, "/dev/zero: not a regular file"));
  absl::Status dir = detector->Load(::testing::TempDir());
  EXPECT_TRUE(MessageHas(dir, "is a directory"));
}

TEST(SnapshotFile, LoadAfterJudgingIsRefused) {
  auto detector = NewDetector();
  const std::string bytes = detector->SaveToString();
  detector->Judge(Call(Day(1), "3.85.0.1", 1));
  EXPECT_EQ(detector->LoadFromString(bytes).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace offregion
