"""End-to-end tests of `offregion scan`: real logs, exit codes, bad input.

usage: cli_test.py PATH/TO/offregion   (OFFREGION_SHARED_DIR and
OFFREGION_SOURCE_DIR in the environment point at ../shared and the project)
"""
import glob
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest

BINARY = None
SHARED = os.environ.get("OFFREGION_SHARED_DIR", "")
SOURCE = os.environ.get("OFFREGION_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
HISTORY = os.path.join(SHARED, "data", "ip-ranges", "aws-history")
OTRF = os.path.join(SOURCE, "examples", "logs", "otrf",
                    "ec2_proxy_s3_exfiltration_2020-09-14011940.json")
FLAWS2 = os.path.join(SHARED, "data", "cloudtrail", "flaws2-jamjahal")
MAXMIND = os.path.join(SOURCE, "tests", "data", "maxmind")

EC2_RECORD = {
    "eventVersion": "1.09",
    "userIdentity": {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLE:i-0a1b2c3d4e5f60718",
        "arn": "arn:aws:sts::111122223333:assumed-role/web/i-0a1b2c3d4e5f60718",
        "accountId": "111122223333",
        "accessKeyId": "ASIAEXAMPLE",
        "sessionContext": {"ec2RoleDelivery": "2.0"},
    },
    "eventTime": "2026-03-01T09:00:00Z",
    "eventSource": "s3.amazonaws.com",
    "eventName": "ListBuckets",
    "awsRegion": "us-east-1",
    "sourceIPAddress": "203.0.113.10",
    "eventID": "e-1",
}


def run(*args, stdin=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True,
                          input=stdin, timeout=120)


def verdicts(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def need_shared(test):
    if not os.path.isdir(SHARED):
        test.skipTest(f"shared data not found at {SHARED!r}")


class UsageTest(unittest.TestCase):
    def test_help_exits_zero(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: offregion scan", r.stdout)

    def test_unknown_option_exits_two(self):
        r = run("scan", "--no-such-option", OTRF)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown option", r.stderr)

    def test_bad_period_exits_two(self):
        r = run("scan", "--activation-days", "-1", OTRF)
        self.assertEqual(r.returncode, 2)
        self.assertIn("activation", r.stderr)

    def test_no_files_exits_two(self):
        self.assertEqual(run("scan").returncode, 2)

    def test_unknown_command_exits_two(self):
        self.assertEqual(run("judge", OTRF).returncode, 2)

    def test_bad_format_exits_two(self):
        self.assertEqual(run("scan", "--format", "xml", OTRF).returncode, 2)

    def test_missing_file_exits_one_and_goes_on(self):
        r = run("scan", "--all", "--activation-days", "0",
                "/no/such/file.json", OTRF)
        self.assertEqual(r.returncode, 1)
        self.assertIn("/no/such/file.json", r.stderr)
        self.assertEqual(len(verdicts(r.stdout)), 103)

    def test_zero_training_exits_two(self):
        r = run("scan", "--training-days", "0", OTRF)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--training-days must be above 0", r.stderr)

    def test_bad_value_names_the_option(self):
        r = run("scan", "--activation-days", "abc", OTRF)
        self.assertEqual(r.returncode, 2)
        self.assertIn('--activation-days: bad value "abc"', r.stderr)

    def test_output_that_cannot_be_written_exits_three(self):
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        with open("/dev/full", "w") as full:
            r = subprocess.run([BINARY, "scan", "--all", "--activation-days",
                                "0", OTRF], stdout=full, stderr=subprocess.PIPE,
                               text=True, timeout=120)
        self.assertEqual(r.returncode, 3)
        self.assertIn("cannot write verdicts", r.stderr)

    def test_checkpoint_without_state_exits_two(self):
        r = run("scan", "--checkpoint-every", "10", OTRF)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--checkpoint-every needs --state", r.stderr)

    def test_unwritable_state_is_found_before_scanning(self):
        r = run("scan", "--all", "--state", "/proc/offregion.state", OTRF)
        self.assertEqual(r.returncode, 3)
        self.assertIn("cannot save state", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_closed_pipe_exits_three(self):
        scan = subprocess.Popen([BINARY, "scan", "--all", "--activation-days",
                                 "0", OTRF, OTRF, OTRF],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        scan.stdout.read(10)
        scan.stdout.close()
        err = scan.stderr.read().decode()
        self.assertEqual(scan.wait(timeout=60), 3)
        self.assertIn("cannot write verdicts: Broken pipe", err)

    def test_missing_reference_file_exits_one(self):
        r = run("scan", "--geo-table", "/no/such/geo.csv", OTRF)
        self.assertEqual(r.returncode, 1)
        self.assertIn("/no/such/geo.csv", r.stderr)


class RealLogTest(unittest.TestCase):
    def test_otrf_one_alert_rest_suppressed(self):
        need_shared(self)
        r = run("scan", "--all", "--activation-days", "0", "--aws-ranges",
                os.path.join(HISTORY, "ip-ranges_2020-09-14.json"), OTRF)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = verdicts(r.stdout)
        self.assertEqual(len(out), 103)
        alerts = [v for v in out if v["outcome"] == "alert"]
        self.assertEqual(len(alerts), 1)
        alert = alerts[0]
        self.assertEqual(alert["compute_id"], "i-0317f6c6b66ae9c40")
        self.assertEqual(alert["identity_class"], "aws.ec2")
        self.assertEqual(alert["home_region"], "us-east-1")
        self.assertEqual(alert["home_source"], "issuance")
        self.assertEqual(alert["origin"]["address"], "1.2.3.4")
        self.assertEqual(alert["origin"]["kind"], "internet")
        session = [v for v in out if v.get("compute_id") ==
                   "i-0317f6c6b66ae9c40"]
        self.assertEqual(len(session), 11)
        suppressed = [v for v in session if v["outcome"] == "suppressed"]
        self.assertEqual(len(suppressed), 10)
        for v in suppressed:
            self.assertEqual(v["duplicate_of"], alert["alert_id"])

    def test_flaws2_lambda_alert(self):
        need_shared(self)
        files = sorted(glob.glob(os.path.join(FLAWS2, "*.json")))
        self.assertEqual(len(files), 8)
        r = run("scan", "--all", "--activation-days", "0", "--aws-ranges",
                os.path.join(HISTORY, "ip-ranges_2018-11-27.json"), *files)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = verdicts(r.stdout)
        self.assertEqual(len(out), 37)
        alerts = [v for v in out if v["outcome"] == "alert"]
        self.assertEqual(len(alerts), 1)
        alert = alerts[0]
        self.assertEqual(alert["variation"], "lambda_outside_region")
        self.assertEqual(alert["severity"], "informational")
        self.assertEqual(alert["compute_id"], "level1")
        self.assertEqual(alert["home_region"], "us-east-1")
        self.assertEqual(alert["origin"]["address"], "104.102.221.250")
        ecs = [v for v in out if "role/level3" in v.get("identity", "")]
        self.assertEqual(len(ecs), 1)
        self.assertEqual(ecs[0]["outcome"], "not_applicable")

    def test_alerts_only_by_default(self):
        r = run("scan", "--activation-days", "0", OTRF)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = verdicts(r.stdout)
        self.assertEqual([v["outcome"] for v in out], ["alert"])
        self.assertIn("103 records from 1 files", r.stderr)


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name, data, mode="w"):
        p = os.path.join(self.dir.name, name)
        with open(p, mode) as f:
            f.write(data)
        return p

    def scan(self, *paths):
        r = run("scan", "--all", "--activation-days", "0", *paths)
        return r, verdicts(r.stdout)

    def test_broken_lines_get_invalid_verdicts(self):
        good = json.dumps(EC2_RECORD)
        p = self.path("mixed.jsonl", "\n".join(
            [good, "{not json", good.replace("e-1", "e-2"), "[1,", good]))
        r, out = self.scan(p)
        self.assertEqual(r.returncode, 0)
        self.assertEqual([v["outcome"] for v in out],
                         ["unresolved", "invalid", "unresolved", "invalid",
                          "unresolved"])
        self.assertIn("mixed.jsonl:2", out[1]["error"])

    def test_truncated_gzip_keeps_what_was_read(self):
        lines = "\n".join(json.dumps(dict(EC2_RECORD, eventID=f"e-{i}"))
                          for i in range(200))
        data = gzip.compress(lines.encode())
        p = self.path("cut.json.gz", data[:len(data) * 2 // 3], "wb")
        r, out = self.scan(p, OTRF)
        self.assertEqual(r.returncode, 0)
        self.assertIn("cut.json.gz", r.stderr)
        self.assertGreater(len(out), 103)

    def test_gzip_delivery_file(self):
        doc = json.dumps({"Records": [EC2_RECORD,
                                      dict(EC2_RECORD, eventID="e-2")]})
        p = self.path("trail.json.gz", gzip.compress(doc.encode()), "wb")
        r, out = self.scan(p)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([v["event_id"] for v in out], ["e-1", "e-2"])

    def test_empty_file(self):
        r, out = self.scan(self.path("empty.json", ""))
        self.assertEqual(r.returncode, 0)
        self.assertEqual(out, [])

    def test_digest_file_is_not_a_call(self):
        digest = {"awsAccountId": "111122223333",
                  "digestStartTime": "2026-03-01T08:00:00Z",
                  "digestEndTime": "2026-03-01T09:00:00Z",
                  "digestS3Bucket": "b", "digestS3Object": "o",
                  "logFiles": []}
        r, out = self.scan(self.path("digest.json", json.dumps(digest)))
        self.assertEqual(r.returncode, 0)
        self.assertEqual([v["outcome"] for v in out], ["not_applicable"])

    def test_binary_file(self):
        r, out = self.scan(self.path("noise.bin", bytes(range(256)) * 40,
                                     "wb"), OTRF)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(all(v["outcome"] == "invalid" for v in out[:-103]))
        self.assertEqual(len(out[-103:]), 103)

    def test_missing_and_wrongly_typed_fields(self):
        no_time = dict(EC2_RECORD)
        del no_time["eventTime"]
        bad_identity = dict(EC2_RECORD, userIdentity="root")
        bad_source = dict(EC2_RECORD, sourceIPAddress=12345)
        lines = [json.dumps(x) for x in (no_time, bad_identity, bad_source)]
        p = self.path("fields.jsonl", "\n".join(lines))
        r, out = self.scan(p)
        self.assertEqual(r.returncode, 0)
        self.assertEqual([v["outcome"] for v in out], ["invalid"] * 3)
        self.assertIn("eventTime", out[0]["error"])
        self.assertIn("userIdentity", out[1]["error"])
        self.assertIn("sourceIPAddress", out[2]["error"])
        # The location leads both the error and the explanation.
        self.assertTrue(out[1]["error"].startswith(p + ":2: "),
                        out[1]["error"])
        self.assertTrue(out[1]["explanation"].startswith(
            p + ":2: record could not be read: "), out[1]["explanation"])

    def test_address_that_is_not_an_address(self):
        odd = dict(EC2_RECORD, sourceIPAddress="300.1.2.3")
        r, out = self.scan(self.path("odd.jsonl", json.dumps(odd)))
        self.assertEqual(r.returncode, 0)
        self.assertEqual(out[0]["outcome"], "invalid")
        self.assertIn("300.1.2.3", out[0]["error"])

    def test_lookup_events_output(self):
        events = {"Events": [
            {"EventId": "e-1", "EventName": "ListBuckets",
             "CloudTrailEvent": json.dumps(EC2_RECORD)},
            {"EventId": "e-2", "EventName": "ListBuckets",
             "CloudTrailEvent": json.dumps(dict(EC2_RECORD, eventID="e-2"))}],
            "NextToken": "abc"}
        r, out = self.scan(self.path("lookup.json", json.dumps(events)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([v["event_id"] for v in out], ["e-1", "e-2"])

    def test_implausible_time_is_invalid(self):
        odd = dict(EC2_RECORD, eventTime="9999-01-01T00:00:00Z")
        r, out = self.scan(self.path("future.jsonl", json.dumps(odd)))
        self.assertEqual(out[0]["outcome"], "invalid")
        self.assertIn("outside 2006-01-01..2100-01-01", out[0]["error"])

    def test_standard_input(self):
        r = run("scan", "--all", "--activation-days", "0", "-",
                stdin=json.dumps(EC2_RECORD) + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(verdicts(r.stdout)), 1)


def day(n, hour=0):
    return f"2026-03-{n:02d}T{hour:02d}:00:00Z"


class MaxMindTest(unittest.TestCase):
    """The same case judged with MaxMind databases and with a geo table."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        issue = {
            "userIdentity": {"type": "AWSService",
                             "invokedBy": "ec2.amazonaws.com"},
            "eventTime": day(1), "eventSource": "sts.amazonaws.com",
            "eventName": "AssumeRole", "awsRegion": "us-east-1",
            "sourceIPAddress": "ec2.amazonaws.com", "eventID": "issue",
            "requestParameters": {
                "roleArn": "arn:aws:iam::111122223333:role/web",
                "roleSessionName": "i-0a1b2c3d4e5f60718"},
            "responseElements": {"credentials": {"accessKeyId": "ASIAX"}}}
        records = [issue]
        for n in range(1, 17):
            records.append(dict(EC2_RECORD, eventTime=day(n, 1),
                                sourceIPAddress="216.160.83.56",
                                eventID=f"train-{n}"))
        # The instance's credentials are issued afresh every few hours.
        records.append(dict(issue, eventTime=day(16, 23), eventID="issue-2"))
        records.append(dict(EC2_RECORD, eventTime=day(17),
                            sourceIPAddress="89.160.20.112", eventID="stolen"))
        records.append(dict(issue, eventTime=day(17, 23), eventID="issue-3"))
        records.append(dict(EC2_RECORD, eventTime=day(18),
                            sourceIPAddress="81.2.69.142", eventID="london"))
        self.records = os.path.join(self.dir.name, "records.jsonl")
        with open(self.records, "w") as f:
            f.write("\n".join(json.dumps(r) for r in records) + "\n")
        self.geo = os.path.join(self.dir.name, "geo.csv")
        with open(self.geo, "w") as f:
            f.write("network,country,asn,as_org\n"
                    "216.160.83.56/32,US,209,\n"
                    "89.160.20.112/28,SE,29518,Bredband2 AB\n"
                    "81.2.69.142/31,GB,,\n")

    def tearDown(self):
        self.dir.cleanup()

    def scan(self, *geo_args):
        r = run("scan", "--all", "--no-default-geo", *geo_args, self.records)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r, verdicts(r.stdout)

    def test_mmdb_and_geo_table_agree(self):
        _, table = self.scan("--geo-table", self.geo)
        r, mmdb = self.scan(
            "--mmdb", os.path.join(MAXMIND, "GeoIP2-City-Test.mmdb"),
            "--mmdb", os.path.join(MAXMIND, "GeoLite2-ASN-Test.mmdb"))
        keys = ("outcome", "variation", "severity", "unusual_country",
                "unusual_asn")
        self.assertEqual([[v.get(k) for k in keys] for v in mmdb],
                         [[v.get(k) for k in keys] for v in table])
        for a, b in zip(mmdb, table):
            for k in ("country", "asn", "as_org"):
                self.assertEqual(a.get("origin", {}).get(k),
                                 b.get("origin", {}).get(k))
        by_id = {v["event_id"]: v for v in mmdb}
        stolen = by_id["stolen"]
        self.assertEqual(stolen["outcome"], "alert")
        self.assertEqual(stolen["variation"],
                         "outside_region_unusual_geo_and_asn")
        self.assertEqual(stolen["origin"]["country"], "SE")
        self.assertEqual(stolen["origin"]["city"], "Linköping")
        self.assertEqual(stolen["origin"]["asn"], 29518)
        self.assertEqual(stolen["origin"]["country_source"],
                         "maxmind:GeoIP2-City")
        self.assertEqual(stolen["origin"]["asn_source"],
                         "maxmind:GeoLite2-ASN")
        self.assertEqual(by_id["london"]["outcome"], "suppressed")
        self.assertIn("geo cache: 18 lookups, 83.3% hits", r.stderr)

    def test_broken_database_is_refused(self):
        for name in ("GeoIP2-City-Test-Broken-Double-Format.mmdb",
                     "MaxMind-DB-test-broken-search-tree-24.mmdb",
                     "GeoIP2-Anonymous-IP-Test.mmdb", "no-such.mmdb"):
            path = os.path.join(MAXMIND, name)
            r = run("scan", "--mmdb", path, self.records)
            self.assertEqual(r.returncode, 1, name)
            self.assertIn(path, r.stderr)
            self.assertEqual(r.stdout, "")


def month_of_records():
    """Thirty days of three instances and a function, with replays."""
    records = []
    instances = {"i-0a1b2c3d4e5f60711": "us-east-1",
                 "i-0a1b2c3d4e5f60722": "eu-west-1",
                 "i-0a1b2c3d4e5f60733": "us-east-1"}
    inside = {"us-east-1": "3.85.0.", "eu-west-1": "34.245.1."}
    n = 0
    for d in range(1, 31):
        for hour in (0, 6, 12, 18):
            for iid, region in instances.items():
                n += 1
                records.append({
                    "userIdentity": {"type": "AWSService",
                                     "invokedBy": "ec2.amazonaws.com"},
                    "eventTime": day(d, hour), "eventName": "AssumeRole",
                    "eventSource": "sts.amazonaws.com", "awsRegion": region,
                    "sourceIPAddress": "ec2.amazonaws.com",
                    "eventID": f"issue-{n}",
                    "requestParameters": {
                        "roleArn": "arn:aws:iam::111122223333:role/"
                                   f"r{iid[-2:]}",
                        "roleSessionName": iid}})
                call = dict(EC2_RECORD, eventTime=day(d, hour + 1),
                            awsRegion=region, eventID=f"call-{n}",
                            sourceIPAddress=inside[region] + str(hour + 1))
                call["userIdentity"] = dict(
                    EC2_RECORD["userIdentity"],
                    arn=f"arn:aws:sts::111122223333:assumed-role/"
                        f"r{iid[-2:]}/{iid}")
                if d in (18, 19, 25) and hour == 12 and iid.endswith("11"):
                    call["sourceIPAddress"] = "203.0.113.%d" % d
                if d == 22 and hour == 18 and iid.endswith("22"):
                    call["sourceIPAddress"] = "198.51.100.4"
                    call["errorCode"] = "AccessDenied"
                if d == 27 and iid.endswith("33"):
                    call["sourceIPAddress"] = "3.130.0.9"  # us-east-2
                records.append(call)
    return records


class StateTest(unittest.TestCase):
    """A month in one run equals the same month in daily runs."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.ranges = self.write("ranges.json", json.dumps({"prefixes": [
            {"ip_prefix": "3.80.0.0/12", "region": "us-east-1",
             "service": "EC2", "network_border_group": "us-east-1"},
            {"ip_prefix": "3.128.0.0/12", "region": "us-east-2",
             "service": "EC2", "network_border_group": "us-east-2"},
            {"ip_prefix": "34.240.0.0/13", "region": "eu-west-1",
             "service": "EC2", "network_border_group": "eu-west-1"}]}))
        self.geo = self.write("geo.csv", "3.80.0.0/12,US,14618,AMAZON-AES\n"
                              "3.128.0.0/12,US,16509,AMAZON-02\n"
                              "34.240.0.0/13,IE,16509,AMAZON-02\n"
                              "203.0.113.0/24,NL,64501,HOSTING-NL\n"
                              "198.51.100.0/24,US,64502,ISP-US\n")
        self.records = month_of_records()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def scan(self, path, *extra):
        r = run("scan", "--all", "--no-default-geo", "--aws-ranges",
                self.ranges, "--geo-table", self.geo, *extra, path)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_daily_runs_chained_through_state_equal_one_run(self):
        whole = self.write("month.jsonl", "\n".join(
            json.dumps(r) for r in self.records))
        expected = self.scan(whole).stdout
        outcomes = [v["outcome"] for v in verdicts(expected)]
        self.assertGreaterEqual(outcomes.count("alert"), 3)
        self.assertIn("suppressed", outcomes)
        state = os.path.join(self.dir.name, "state")
        got = ""
        for d in range(1, 31):
            part = [r for r in self.records
                    if r["eventTime"].startswith(f"2026-03-{d:02d}")]
            path = self.write(f"day{d}.jsonl",
                              "\n".join(json.dumps(r) for r in part))
            got += self.scan(path, "--state", state,
                             "--checkpoint-every", "50").stdout
        self.assertEqual(got, expected)

    def test_corrupt_state_is_refused_not_replaced(self):
        state = self.write("state", "not a snapshot at all")
        path = self.write("few.jsonl", json.dumps(self.records[1]))
        r = run("scan", "--state", state, "--no-default-geo", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("refusing the state file", r.stderr)
        self.assertIn(state, r.stderr)
        with open(state) as f:
            self.assertEqual(f.read(), "not a snapshot at all")

    def test_summary_reports_state_and_evictions(self):
        path = self.write("few.jsonl", "\n".join(
            json.dumps(r) for r in self.records[:40]))
        r = self.scan(path)
        self.assertIn("offregion: state: 3 identities, 0 dedup keys, "
                      "6 sessions, 3 compute resources; evicted: 0 profile "
                      "entries, 0 dedup keys, 0 sessions, 0 compute "
                      "resources", r.stderr)
        r = self.scan(path, "--max-identities", "1", "--max-sessions", "1")
        self.assertIn("offregion: state: 1 identities, 0 dedup keys, "
                      "2 sessions, 1 compute resources; evicted: 38 profile "
                      "entries, 0 dedup keys, 38 sessions, 19 compute "
                      "resources", r.stderr)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
