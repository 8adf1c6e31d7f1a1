// The offregion command: `offregion scan [options] FILE...`.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "offregion/config.h"
#include "offregion/detector.h"
#include "offregion/geo.h"
#include "offregion/home.h"
#include "offregion/network.h"
#include "src/cli/scan.h"

ABSL_FLAG(double, activation_days, 14,
          "No alert until the observed event time spans this many days");
ABSL_FLAG(double, training_days, 30,
          "Countries and ASNs are remembered this many days");
ABSL_FLAG(double, dedup_days, 5,
          "Repeats of an alert are suppressed this many days");
ABSL_FLAG(std::string, aws_ranges, OFFREGION_DEFAULT_AWS_RANGES,
          "AWS ranges in the published ip-ranges.json format");
ABSL_FLAG(std::string, geo_table, "",
          "CSV network,country,asn,as_org, asked first for country and ASN");
ABSL_FLAG(std::vector<std::string>, mmdb, {},
          "MaxMind GeoIP2/GeoLite2 databases, asked in order after the geo "
          "table; repeat the option for several");
ABSL_FLAG(bool, no_default_geo, false,
          "Do not ask the libloc database for country and ASN");
ABSL_FLAG(std::string, inventory, "",
          "CSV compute_id,region[,account]: where compute resources run");
ABSL_FLAG(std::string, format, "jsonl", "Output format: jsonl");
ABSL_FLAG(std::string, state, "",
          "Snapshot file: loaded at the start when it exists, saved at the "
          "end");
ABSL_FLAG(int64_t, max_identities, 1'000'000,
          "Profiles kept; past it, those seen longest ago are forgotten");
ABSL_FLAG(int64_t, max_profile_entries, 512,
          "Countries plus ASNs kept per identity");
ABSL_FLAG(int64_t, max_dedup_entries, 1'000'000, "Alert keys kept");
ABSL_FLAG(int64_t, max_sessions, 1'000'000,
          "Issuance records and learned compute resources kept, each");
ABSL_FLAG(int64_t, checkpoint_every, 0,
          "With --state, also save every N records (0: only at the end)");
ABSL_FLAG(bool, all, false, "Print every verdict, not only alerts");
ABSL_FLAG(std::vector<std::string>, severity, {},
          "Severity overrides, VARIATION=SEVERITY,... e.g. "
          "outside_region=medium");

namespace {

constexpr char kUsage[] =
    "usage: offregion scan [options] FILE...\n"
    "\n"
    "Judges every CloudTrail record in FILE... (\"-\" is standard input;\n"
    "S3 delivery files, JSON arrays, JSON Lines, gzip or not) and prints\n"
    "verdicts as JSON Lines: alerts only, or every verdict with --all.\n"
    "A summary goes to standard error. Exit status: 0 when the scan\n"
    "completed, 1 when a file could not be read at all, 2 for bad usage,\n"
    "3 when the verdicts or the state could not be written.\n"
    "\n"
    "options:\n"
    "  --activation-days=N   no alert until events span N days (14)\n"
    "  --training-days=N     profile window in days (30)\n"
    "  --dedup-days=N        suppress repeats for N days (5)\n"
    "  --aws-ranges=FILE     AWS ip-ranges.json (the shipped snapshot)\n"
    "  --geo-table=FILE      CSV network,country,asn,as_org, asked first\n"
    "  --mmdb=FILE           MaxMind GeoIP2/GeoLite2 database, asked next;\n"
    "                        repeat for several (City, Country, ASN, ISP)\n"
    "  --no-default-geo      do not ask the libloc database last\n"
    "  --inventory=FILE      CSV compute_id,region[,account]\n"
    "  --severity=V=S,...    override the severity of variations\n"
    "  --state=FILE          load the state from FILE if it exists, save\n"
    "                        it there at the end\n"
    "  --checkpoint-every=N  with --state, also save every N records\n"
    "  --max-identities=N    profiles kept (1000000)\n"
    "  --max-profile-entries=N  countries plus ASNs per identity (512)\n"
    "  --max-dedup-entries=N alert keys kept (1000000)\n"
    "  --max-sessions=N      issuance records and compute resources kept\n"
    "                        (1000000 each)\n"
    "  --format=jsonl        output format\n"
    "  --all                 print every verdict\n"
    "  --help                this text\n";

constexpr int kExitOk = 0;
constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitOutput = 3;

int UsageError(absl::string_view message) {
  absl::FPrintF(stderr, "offregion: %s\n(see offregion --help)\n", message);
  return kExitUsage;
}

// Returns a flag name as the user spells it: with dashes.
std::string Dashed(absl::string_view name) {
  std::string dashed(name);
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  return dashed;
}

// Returns why the flags in argv would be rejected, or "" when they are
// fine. Abseil would exit with status 1 on its own; usage errors are 2.
std::string CheckFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(arg, absl::MaxSplits('=', 1));
    const bool has_value = absl::StrContains(arg, '=');
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(kv.first);
    if (flag == nullptr && absl::StartsWith(kv.first, "no")) {
      flag = absl::FindCommandLineFlag(kv.first.substr(2));
      if (flag != nullptr && flag->IsOfType<bool>() && !has_value) continue;
      flag = nullptr;
    }
    if (flag == nullptr) return absl::StrCat("unknown option ", argv[i]);
    if (flag->IsOfType<bool>() && !has_value) continue;
    std::string value(kv.second);
    if (!has_value) {
      if (i + 1 >= argc) {
        return absl::StrCat("--", Dashed(kv.first), " needs a value");
      }
      value = argv[++i];
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::StrCat("--", Dashed(kv.first), ": bad value \"", value,
                          "\"");
    }
  }
  return "";
}

// Returns args with every `NAME VALUE` / `NAME=VALUE` of the repeatable
// list option `name` merged into one `NAME=V1,V2`: Abseil keeps only the
// last occurrence of a flag.
std::vector<std::string> MergeRepeated(std::vector<std::string> args,
                                       absl::string_view name) {
  std::vector<std::string> out, values;
  size_t at = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--") {
      out.insert(out.end(), args.begin() + i, args.end());
      break;
    }
    if (arg == name && i + 1 < args.size()) {
      if (values.empty()) at = out.size();
      values.push_back(args[++i]);
    } else if (absl::ConsumePrefix(&arg, absl::StrCat(name, "="))) {
      if (values.empty()) at = out.size();
      values.emplace_back(arg);
    } else {
      out.push_back(args[i]);
    }
  }
  if (!values.empty()) {
    out.insert(out.begin() + at,
               absl::StrCat(name, "=", absl::StrJoin(values, ",")));
  }
  return out;
}

// Returns argv with option names spelled with dashes (--activation-days)
// turned into the underscores Abseil's flags use (--activation_days).
std::vector<std::string> Normalize(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    std::string& arg = args[i];
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "--")) continue;
    const size_t end = std::min(arg.find('='), arg.size());
    std::replace(arg.begin() + 2, arg.begin() + end, '-', '_');
  }
  return MergeRepeated(std::move(args), "--mmdb");
}

bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") return true;
  }
  return false;
}

absl::StatusOr<absl::Duration> Days(double days, absl::string_view name) {
  if (!(days >= 0) || days > 36500) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be between 0 and 36500"));
  }
  return absl::Seconds(days * 86400);
}

absl::Status ApplySeverities(offregion::Options& options) {
  for (const std::string& item : absl::GetFlag(FLAGS_severity)) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    offregion::Variation variation;
    offregion::Severity severity;
    if (!offregion::ParseVariation(kv.first, &variation)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--severity: unknown variation \"", kv.first, "\""));
    }
    if (!offregion::ParseSeverity(kv.second, &severity)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--severity: unknown severity \"", kv.second, "\""));
    }
    options.severities[static_cast<size_t>(variation)] = severity;
  }
  return absl::OkStatus();
}

// Returns the geo chain the flags ask for: the geo table, then the MaxMind
// databases in order, then libloc; null when there is none at all.
absl::StatusOr<std::shared_ptr<const offregion::GeoProvider>> BuildGeo() {
  std::vector<std::shared_ptr<const offregion::GeoProvider>> chain;
  if (const std::string path = absl::GetFlag(FLAGS_geo_table); !path.empty()) {
    auto table = offregion::GeoTable::LoadFile(path);
    if (!table.ok()) return table.status();
    chain.push_back(std::move(*table));
  }
  for (const std::string& path : absl::GetFlag(FLAGS_mmdb)) {
    auto mmdb = offregion::MaxMindProvider::Open(path);
    if (!mmdb.ok()) return mmdb.status();
    chain.push_back(std::move(*mmdb));
  }
  if (!absl::GetFlag(FLAGS_no_default_geo)) {
    auto libloc = offregion::LibLocProvider::Open();
    if (!libloc.ok()) return libloc.status();
    chain.push_back(std::move(*libloc));
  }
  if (chain.empty()) return nullptr;
  if (chain.size() == 1) return std::move(chain.front());
  return std::make_shared<offregion::GeoChain>(std::move(chain));
}

// Returns an error when no file can be created next to `path`, where the
// state is saved (a temporary file, then a rename).
absl::Status CheckWritable(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const std::string probe = absl::StrCat(dir, "/.offregion-probe.", ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        path, ": cannot create files in ", dir, ": ", std::strerror(errno)));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": is a directory"));
  }
  return absl::OkStatus();
}

// Sets the bounds on memory from the flags; each must be at least 1.
absl::Status ApplyLimits(offregion::Options& options) {
  const std::pair<const char*, int64_t> limits[] = {
      {"max-identities", absl::GetFlag(FLAGS_max_identities)},
      {"max-profile-entries", absl::GetFlag(FLAGS_max_profile_entries)},
      {"max-dedup-entries", absl::GetFlag(FLAGS_max_dedup_entries)},
      {"max-sessions", absl::GetFlag(FLAGS_max_sessions)}};
  for (const auto& [name, value] : limits) {
    if (value < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " must be at least 1"));
    }
  }
  options.profile_limits.max_identities = limits[0].second;
  options.profile_limits.max_entries_per_identity = limits[1].second;
  options.max_dedup_entries = limits[2].second;
  options.max_tracked_sessions = limits[3].second;
  return absl::OkStatus();
}

// Builds the options from the flags. Errors are usage errors (bad values)
// or input errors (reference files that cannot be read); the bool says
// which.
absl::Status BuildOptions(offregion::Options& options, bool* input_error) {
  *input_error = false;
  auto activation =
      Days(absl::GetFlag(FLAGS_activation_days), "activation-days");
  auto training = Days(absl::GetFlag(FLAGS_training_days), "training-days");
  if (training.ok() && *training == absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--training-days must be above 0");
  }
  auto dedup = Days(absl::GetFlag(FLAGS_dedup_days), "dedup-days");
  for (const auto* d : {&activation, &training, &dedup}) {
    if (!d->ok()) return d->status();
  }
  options.activation = *activation;
  options.training = *training;
  options.dedup = *dedup;
  if (absl::Status s = ApplySeverities(options); !s.ok()) return s;
  if (absl::GetFlag(FLAGS_checkpoint_every) != 0 &&
      absl::GetFlag(FLAGS_state).empty()) {
    return absl::InvalidArgumentError("--checkpoint-every needs --state");
  }
  if (absl::GetFlag(FLAGS_checkpoint_every) < 0) {
    return absl::InvalidArgumentError(
        "--checkpoint-every must not be negative");
  }
  if (absl::Status s = ApplyLimits(options); !s.ok()) return s;
  if (absl::GetFlag(FLAGS_format) != "jsonl") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--format: unknown format \"", absl::GetFlag(FLAGS_format), "\""));
  }

  *input_error = true;
  auto ranges =
      offregion::CloudRanges::LoadAwsFile(absl::GetFlag(FLAGS_aws_ranges));
  if (!ranges.ok()) return ranges.status();
  options.locator = std::move(*ranges);
  auto geo = BuildGeo();
  if (!geo.ok()) return geo.status();
  options.geo = std::move(*geo);
  options.use_default_geo = false;
  if (const std::string path = absl::GetFlag(FLAGS_inventory); !path.empty()) {
    auto inventory = offregion::Inventory::LoadFile(path);
    if (!inventory.ok()) return inventory.status();
    options.inventory = std::move(*inventory);
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  // A closed output pipe is reported (exit status 3), not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  absl::SetProgramUsageMessage(kUsage);
  if (argc < 2 || WantsHelp(argc, argv)) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  if (absl::string_view(argv[1]) != "scan") {
    return UsageError(absl::StrCat("unknown command \"", argv[1], "\""));
  }
  std::vector<std::string> normal = Normalize(argc - 1, argv + 1);
  std::vector<char*> pointers;
  for (std::string& arg : normal) pointers.push_back(arg.data());
  const int count = static_cast<int>(pointers.size());
  if (std::string error = CheckFlags(count, pointers.data()); !error.empty()) {
    return UsageError(error);
  }
  std::vector<char*> args = absl::ParseCommandLine(count, pointers.data());
  std::vector<std::string> paths(args.begin() + 1, args.end());
  if (paths.empty()) return UsageError("no input files");

  offregion::Options options;
  bool input_error = false;
  if (absl::Status s = BuildOptions(options, &input_error); !s.ok()) {
    if (!input_error) return UsageError(s.message());
    absl::FPrintF(stderr, "offregion: %s\n", s.message());
    return kExitInput;
  }
  auto detector = offregion::Detector::Create(std::move(options));
  if (!detector.ok()) {
    absl::FPrintF(stderr, "offregion: %s\n", detector.status().message());
    return kExitInput;
  }
  const std::string state = absl::GetFlag(FLAGS_state);
  if (!state.empty()) {
    absl::Status loaded = (*detector)->Load(state);
    if (!loaded.ok() && !absl::IsNotFound(loaded)) {
      absl::FPrintF(stderr, "offregion: refusing the state file: %s\n",
                    loaded.message());
      return kExitInput;
    }
    // Find out now, not after the scan, whether the state can be saved.
    if (absl::Status writable = CheckWritable(state); !writable.ok()) {
      absl::FPrintF(stderr, "offregion: cannot save state: %s\n",
                    writable.message());
      return kExitOutput;
    }
  }
  offregion::cli::Checkpoints checkpoints;
  if (!state.empty()) {
    checkpoints.every = absl::GetFlag(FLAGS_checkpoint_every);
    checkpoints.save = [&] { return (*detector)->Save(state); };
  }
  offregion::cli::ScanSummary summary = offregion::cli::Scan(
      **detector, paths, absl::GetFlag(FLAGS_all), checkpoints, stdout, stderr);
  if (!state.empty() && !summary.output_failed) {
    if (absl::Status saved = (*detector)->Save(state); !saved.ok()) {
      absl::FPrintF(stderr, "offregion: cannot save state: %s\n",
                    saved.message());
      summary.output_failed = true;
    }
  }
  summary.state = (*detector)->stats();
  offregion::cli::PrintSummary(summary, stderr);
  if (summary.output_failed) return kExitOutput;
  return summary.unreadable_files > 0 ? kExitInput : kExitOk;
}
