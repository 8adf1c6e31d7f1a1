// Tests of RecordReader: the shapes records travel in (delivery documents,
// arrays, JSON Lines, gzip), broken input, limits, and the real logs.

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "offregion/cloudtrail.h"
#include "offregion/event.h"
#include "src/ingest/record_reader_internal.h"

namespace offregion {
namespace {

namespace fs = std::filesystem;

struct ReadResult {
  std::vector<RawRecord> records;
  absl::Status status;
};

ReadResult ReadAll(RecordReader& reader) {
  ReadResult result;
  RawRecord record;
  while (reader.Next(&record)) result.records.push_back(record);
  result.status = reader.status();
  return result;
}

ReadResult ReadString(std::string data) {
  return ReadAll(*RecordReader::FromString(std::move(data), "mem"));
}

ReadResult ReadPath(const std::string& path) {
  absl::StatusOr<std::unique_ptr<RecordReader>> reader =
      RecordReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {{}, reader.status()};
  return ReadAll(**reader);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

// Writes `data` gzip-compressed to `path`.
void WriteGzip(const std::string& path, const std::string& data) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, data.data(), static_cast<unsigned>(data.size())),
            static_cast<int>(data.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

// Returns a fresh directory for this test.
std::string TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(::testing::TempDir()) /
                 absl::StrCat("offregion_ingest_", info->name(), "_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string Shared(const std::string& relative_path) {
  return absl::StrCat(OFFREGION_SHARED_DIR, "/", relative_path);
}

// Returns `count` JSON Lines records with eventIDs "e0", "e1", ...
std::string JsonLines(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&text, R"({"eventID": "e)", i,
                    R"(", "eventTime": "2026-03-01T08:00:00Z",)",
                    R"( "userIdentity": {"type": "Root"}})", "\n");
  }
  return text;
}

TEST(RecordReader, SplitsOneLineDeliveryDocument) {
  ReadResult result =
      ReadString(R"({"Records": [{"eventID": "a"}, {"eventID" : "b"}, []]})"
                 "\n");
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0].json, R"({"eventID": "a"})");
  EXPECT_EQ(result.records[0].location, "mem:record 1");
  EXPECT_TRUE(result.records[0].status.ok());
  EXPECT_EQ(result.records[1].json, R"({"eventID" : "b"})");
  EXPECT_EQ(result.records[1].location, "mem:record 2");
  EXPECT_EQ(result.records[2].json, "[]");
  EXPECT_EQ(result.records[2].location, "mem:record 3");
}

TEST(RecordReader, SplitsPrettyPrintedDocumentAndArray) {
  ReadResult document = ReadString(
      "\n{\n  \"Records\": [\n    {\n      \"eventID\": \"a\"\n    },\n"
      "    {\"eventID\": \"b\"}\n  ]\n}\n");
  EXPECT_TRUE(document.status.ok()) << document.status;
  ASSERT_EQ(document.records.size(), 2u);
  EXPECT_EQ(document.records[0].json, "{\n      \"eventID\": \"a\"\n    }");
  EXPECT_EQ(document.records[1].json, R"({"eventID": "b"})");
  EXPECT_EQ(document.records[1].location, "mem:record 2");

  ReadResult array = ReadString("[\n {\"eventID\": \"a\"},\n 7 ,\n null\n]");
  EXPECT_TRUE(array.status.ok()) << array.status;
  ASSERT_EQ(array.records.size(), 3u);
  EXPECT_EQ(array.records[0].json, R"({"eventID": "a"})");
  EXPECT_EQ(array.records[1].json, "7");
  EXPECT_EQ(array.records[2].json, "null");
  EXPECT_EQ(array.records[2].location, "mem:record 3");
}

TEST(RecordReader, HandsOutObjectWithoutRecordsAsOneRecord) {
  ReadResult result = ReadString(
      "{\n  \"digestStartTime\": \"2026-03-01T07:00:00Z\",\n"
      "  \"digestEndTime\": \"2026-03-01T08:00:00Z\",\n"
      "  \"digestS3Object\": \"x\"\n}\n");
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].location, "mem:record 1");
  absl::StatusOr<Event> event = ParseCloudTrailRecord(result.records[0].json);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->kind, RecordKind::kNotACall);
  EXPECT_EQ(event->not_a_call_reason, "CloudTrail digest file");
}

TEST(RecordReader, ReadsJsonLinesAroundBrokenLines) {
  ReadResult result = ReadString(
      "{\"eventID\": \"a\"}\n"
      "{\"eventID\": \n"
      "\n"
      "   \r\n"
      "{\"eventID\": \"b\"}\r\n"
      "not json at all\n"
      "{\"Records\": [{\"eventID\": \"c\"}, {\"eventID\": \"d\"}]}\n"
      "[{\"eventID\": \"e\"}]\n"
      "{\"eventID\": \"f\"}");
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 8u);
  const std::vector<std::string> locations = {
      "mem:1",          "mem:2",          "mem:5", "mem:6",
      "mem:7:record 1", "mem:7:record 2", "mem:8", "mem:9"};
  const std::vector<std::string> texts = {
      R"({"eventID": "a"})",   "",
      R"({"eventID": "b"})",   "",
      R"({"eventID": "c"})",   R"({"eventID": "d"})",
      R"([{"eventID": "e"}])", R"({"eventID": "f"})"};
  for (size_t i = 0; i < result.records.size(); ++i) {
    EXPECT_EQ(result.records[i].location, locations[i]);
    EXPECT_EQ(result.records[i].json, texts[i]);
  }
  for (size_t i : {1, 3}) {
    const absl::Status& status = result.records[i].status;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(
        status.message(), absl::StrCat(locations[i], ": not valid JSON: ")))
        << status;
  }
}

TEST(RecordReader, ReadsEmptyAndBlankInput) {
  for (const char* input : {"", "\n\n", "  \t\r\n \n"}) {
    ReadResult result = ReadString(input);
    EXPECT_TRUE(result.status.ok()) << result.status;
    EXPECT_EQ(result.records.size(), 0u);
  }
}

TEST(RecordReader, SkipsByteOrderMark) {
  ReadResult result = ReadString("\xEF\xBB\xBF{\"Records\": [{}, {}]}");
  EXPECT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.records.size(), 2u);
}

TEST(RecordReader, ReturnsInvalidRecordPerLineOfBinaryInput) {
  std::string binary("\x1f\x8b\x00\xff\xfe{\n\x01\x02\x03\n\n[\x00]\n", 16);
  ReadResult result = ReadString(binary);
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 3u);
  for (const RawRecord& record : result.records) {
    EXPECT_EQ(record.status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(record.json.empty());
  }
  EXPECT_EQ(result.records[2].location, "mem:4");
}

TEST(RecordReader, FallsBackToLinesWhenDocumentIsBroken) {
  // Starts like a pretty-printed document but is not one.
  ReadResult result = ReadString("{\n  \"Records\": [\n{\"eventID\": \"a\"}\n");
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_FALSE(result.records[0].status.ok());
  EXPECT_FALSE(result.records[1].status.ok());
  EXPECT_TRUE(result.records[2].status.ok());
  EXPECT_EQ(result.records[2].location, "mem:3");
}

TEST(RecordReader, ReportsDocumentOverLimit) {
  std::string document = R"({"Records": [{"eventID": "a"}, {}]})";
  auto small = ingest_internal::RecordReaderFromString(
      "{\n" + document.substr(1), "mem", document.size() - 1);
  ReadResult result = ReadAll(*small);
  EXPECT_EQ(result.records.size(), 0u);
  EXPECT_EQ(result.status, absl::ResourceExhaustedError(
                               absl::StrCat("mem: a document larger than ",
                                            document.size() - 1, " bytes")));

  auto one_line = ingest_internal::RecordReaderFromString(document, "mem", 10);
  result = ReadAll(*one_line);
  EXPECT_EQ(result.records.size(), 0u);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kResourceExhausted);
}

TEST(RecordReader, ReportsLineOverLimitAndGoesOn) {
  auto reader = ingest_internal::RecordReaderFromString(
      "{\"a\": 1}\n{\"long\": \"0123456789012345678901234\"}\n{\"b\": 2}\n",
      "mem", 20);
  ReadResult result = ReadAll(*reader);
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0].json, R"({"a": 1})");
  EXPECT_EQ(result.records[1].status,
            absl::ResourceExhaustedError("mem:2: a line longer than 20 bytes"));
  EXPECT_EQ(result.records[2].json, R"({"b": 2})");
  EXPECT_EQ(result.records[2].location, "mem:3");
}

TEST(RecordReader, ReportsMissingFileBeforeAnyRecord) {
  std::string path = TestDir() + "/absent.json";
  absl::StatusOr<std::unique_ptr<RecordReader>> reader =
      RecordReader::Open(path);
  EXPECT_EQ(reader.status(), absl::NotFoundError(absl::StrCat(
                                 path, ": No such file or directory")));

  absl::StatusOr<std::unique_ptr<RecordReader>> directory =
      RecordReader::Open(TestDir());
  EXPECT_FALSE(directory.ok());
  EXPECT_TRUE(absl::EndsWith(directory.status().message(), ": Is a directory"))
      << directory.status();
}

TEST(RecordReader, ReadsPlainAndGzipFilesAlike) {
  std::string dir = TestDir();
  std::string text = JsonLines(3);
  WriteFile(dir + "/plain.json", text);
  WriteGzip(dir + "/packed.json", text);  // no .gz: found by magic bytes

  ReadResult plain = ReadPath(dir + "/plain.json");
  ReadResult packed = ReadPath(dir + "/packed.json");
  EXPECT_TRUE(plain.status.ok()) << plain.status;
  EXPECT_TRUE(packed.status.ok()) << packed.status;
  ASSERT_EQ(plain.records.size(), 3u);
  ASSERT_EQ(packed.records.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(packed.records[i].json, plain.records[i].json);
  }
  EXPECT_EQ(packed.records[2].location, dir + "/packed.json:3");
}

TEST(RecordReader, ReadsEmptyFileAndEmptyGzip) {
  std::string dir = TestDir();
  WriteFile(dir + "/empty.json", "");
  WriteGzip(dir + "/empty.json.gz", "");
  for (const char* name : {"/empty.json", "/empty.json.gz"}) {
    ReadResult result = ReadPath(dir + name);
    EXPECT_TRUE(result.status.ok()) << result.status;
    EXPECT_EQ(result.records.size(), 0u);
  }
}

TEST(RecordReader, ReturnsRecordsBeforeTruncationOfGzip) {
  std::string dir = TestDir();
  const int kCount = 2000;
  WriteGzip(dir + "/full.gz", JsonLines(kCount));
  std::string packed = ReadFile(dir + "/full.gz");

  // Without the 8-byte trailer every record is there, but the end is lost.
  WriteFile(dir + "/no_trailer.gz", packed.substr(0, packed.size() - 8));
  ReadResult no_trailer = ReadPath(dir + "/no_trailer.gz");
  EXPECT_EQ(no_trailer.records.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(no_trailer.status,
            absl::DataLossError(absl::StrCat(
                dir,
                "/no_trailer.gz: truncated gzip stream (unexpected end "
                "of file)")));

  // Cut in the middle: the records before the break, all whole.
  WriteFile(dir + "/half.gz", packed.substr(0, packed.size() / 2));
  ReadResult half = ReadPath(dir + "/half.gz");
  EXPECT_EQ(half.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_GT(half.records.size(), 0u);
  EXPECT_LT(half.records.size(), static_cast<size_t>(kCount));
  for (size_t i = 0; i < half.records.size(); ++i) {
    EXPECT_TRUE(half.records[i].status.ok()) << half.records[i].status;
    EXPECT_EQ(half.records[i].location, absl::StrCat(dir, "/half.gz:", i + 1));
    EXPECT_TRUE(ParseCloudTrailRecord(half.records[i].json).ok());
  }
}

TEST(RecordReader, StreamsLinesAcrossReadChunks) {
  std::string dir = TestDir();
  // About 2 MB, with one line longer than a 256 KiB read chunk.
  std::string text = JsonLines(10000);
  std::string long_line = absl::StrCat(
      R"({"eventTime": "2026-03-01T08:00:00Z", "userIdentity": {},)",
      R"( "userAgent": ")", std::string(600 << 10, 'x'), "\"}\n");
  text.insert(text.find('\n', text.size() / 2) + 1, long_line);
  WriteGzip(dir + "/big.gz", text);
  ReadResult result = ReadPath(dir + "/big.gz");
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 10001u);
  size_t long_records = 0;
  for (const RawRecord& record : result.records) {
    ASSERT_TRUE(record.status.ok()) << record.location << record.status;
    absl::StatusOr<Event> event = ParseCloudTrailRecord(record.json);
    ASSERT_TRUE(event.ok()) << record.location << event.status();
    if (event->user_agent.size() == (600 << 10)) ++long_records;
  }
  EXPECT_EQ(long_records, 1u);
  EXPECT_EQ(result.records.back().location, dir + "/big.gz:10001");
  EXPECT_EQ(result.records.back().json,
            R"({"eventID": "e9999", "eventTime": "2026-03-01T08:00:00Z",)"
            R"( "userIdentity": {"type": "Root"}})");
}

TEST(RecordReader, ReadsPrettyDocumentLargerThanReadChunk) {
  std::string dir = TestDir();
  std::string text = "{\n \"Records\": [\n";
  for (int i = 0; i < 5000; ++i) {
    absl::StrAppend(&text, i == 0 ? "" : ",\n", "  {\n   \"eventID\": \"e", i,
                    "\",\n   \"padding\": \"", std::string(100, 'p'),
                    "\"\n  }");
  }
  absl::StrAppend(&text, "\n ]\n}\n");
  WriteFile(dir + "/pretty.json", text);
  ReadResult result = ReadPath(dir + "/pretty.json");
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 5000u);
  EXPECT_EQ(result.records[4999].location, dir + "/pretty.json:record 5000");
  EXPECT_EQ(result.records[4999].json,
            absl::StrCat("{\n   \"eventID\": \"e4999\",\n   \"padding\": \"",
                         std::string(100, 'p'), "\"\n  }"));
}

TEST(RecordReader, ReadsStandardInput) {
  std::string dir = TestDir();
  WriteGzip(dir + "/stdin.gz", JsonLines(2));
  int file = open((dir + "/stdin.gz").c_str(), O_RDONLY);
  ASSERT_GE(file, 0);
  int saved = dup(STDIN_FILENO);
  ASSERT_EQ(dup2(file, STDIN_FILENO), STDIN_FILENO);
  close(file);
  ReadResult result = ReadPath("-");
  dup2(saved, STDIN_FILENO);
  close(saved);
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[1].location, "<stdin>:2");
}

TEST(RecordReader, SurvivesRandomInput) {
  const std::vector<std::string> pieces = {"{",
                                           "}",
                                           "[",
                                           "]",
                                           ",",
                                           ":",
                                           "\n",
                                           " ",
                                           "\"",
                                           "\\",
                                           "null",
                                           "1e9",
                                           R"("Records")",
                                           R"("eventTime")",
                                           R"("2026-03-01T08:00:00Z")",
                                           R"("userIdentity")",
                                           R"("CloudTrailEvent")",
                                           R"("AssumeRole")",
                                           R"("eventName")",
                                           R"("requestParameters")",
                                           R"("roleArn")",
                                           R"("arn:aws:iam::1:role/a/b")",
                                           R"("roleSessionName")",
                                           "\xff",
                                           "\x00"};
  std::mt19937 random(20260301);
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    int length = static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) {
      input += pieces[random() % pieces.size()];
    }
    ReadResult result = ReadString(input);
    for (const RawRecord& record : result.records) {
      EXPECT_EQ(record.status.ok(), !record.json.empty()) << input;
      if (record.status.ok()) ParseCloudTrailRecord(record.json).IgnoreError();
    }
    ParseCloudTrailRecord(input).IgnoreError();
  }
}

TEST(RecordReader, ReadsFlaws2DeliveryFiles) {
  std::string dir = Shared("data/cloudtrail/flaws2-jamjahal");
  if (!fs::exists(dir)) GTEST_SKIP() << "absent: " << dir;
  size_t files = 0;
  size_t records = 0;
  int assumed_role = 0;
  int issuances = 0;
  std::optional<Issuance> lambda;
  std::string packed_dir = TestDir();
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    ReadResult result = ReadPath(entry.path().string());
    EXPECT_TRUE(result.status.ok()) << result.status;
    records += result.records.size();
    for (const RawRecord& record : result.records) {
      EXPECT_TRUE(absl::StartsWith(
          record.location, absl::StrCat(entry.path().string(), ":record ")));
      absl::StatusOr<Event> event = ParseCloudTrailRecord(record.json);
      ASSERT_TRUE(event.ok()) << record.location << ": " << event.status();
      if (event->identity_type == "AssumedRole") ++assumed_role;
      if (!event->issuance.has_value()) continue;
      ++issuances;
      if (event->issuance->session_name == "level1") lambda = event->issuance;
    }
    // A gzip'd copy, as S3 delivers them, gives the same records.
    std::string packed = packed_dir + "/" + entry.path().filename().string();
    WriteGzip(packed + ".gz", ReadFile(entry.path().string()));
    ReadResult unpacked = ReadPath(packed + ".gz");
    EXPECT_TRUE(unpacked.status.ok()) << unpacked.status;
    ASSERT_EQ(unpacked.records.size(), result.records.size());
    for (size_t i = 0; i < result.records.size(); ++i) {
      EXPECT_EQ(unpacked.records[i].json, result.records[i].json);
    }
  }
  EXPECT_EQ(files, 8u);
  EXPECT_EQ(records, 37u);
  EXPECT_EQ(assumed_role, 10);
  EXPECT_EQ(issuances, 3);
  ASSERT_TRUE(lambda.has_value());
  EXPECT_EQ(lambda->issuer, "lambda.amazonaws.com");
  EXPECT_EQ(lambda->account, "653711331788");
  EXPECT_EQ(lambda->role, "arn:aws:iam::653711331788:role/level1");
  EXPECT_EQ(lambda->access_key_id, "ASIAZQNB3KHGIGYQXVVG");
  EXPECT_EQ(lambda->region, "us-east-1");
}

TEST(RecordReader, ReadsStratusRedTeamArrays) {
  std::string dir = Shared("data/cloudtrail/stratus-red-team");
  if (!fs::exists(dir)) GTEST_SKIP() << "absent: " << dir;
  size_t files = 0;
  size_t records = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    ReadResult result = ReadPath(entry.path().string());
    EXPECT_TRUE(result.status.ok()) << result.status;
    records += result.records.size();
    for (const RawRecord& record : result.records) {
      absl::StatusOr<Event> event = ParseCloudTrailRecord(record.json);
      EXPECT_TRUE(event.ok()) << record.location << ": " << event.status();
    }
  }
  EXPECT_EQ(files, 35u);
  EXPECT_EQ(records, 310u);
}

TEST(RecordReader, FindsStolenInstanceCredentialsInStratusLog) {
  std::string path = Shared(
      "data/cloudtrail/stratus-red-team/"
      "aws.credential-access.ec2-steal-instance-credentials.json");
  if (!fs::exists(path)) GTEST_SKIP() << "absent: " << path;
  ReadResult result = ReadPath(path);
  EXPECT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.records.size(), 45u);
  int delivered = 0;
  for (const RawRecord& record : result.records) {
    absl::StatusOr<Event> event = ParseCloudTrailRecord(record.json);
    ASSERT_TRUE(event.ok()) << record.location << ": " << event.status();
    if (!event->ec2_role_delivery) continue;
    ++delivered;
    EXPECT_EQ(event->session_name, "i-786a3A8B5C0d92eF4");
    EXPECT_EQ(event->identity,
              "arn:aws:iam::017622104382:role/"
              "stratus-red-team-ec2-steal-credentials-role");
    EXPECT_EQ(event->source, "18.236.253.47");
    EXPECT_EQ(event->call_region, "us-north-2r");
  }
  EXPECT_EQ(delivered, 2);
}

}  // namespace
}  // namespace offregion
