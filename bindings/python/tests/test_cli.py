"""`python3 -m offregion scan` against `build/bin/offregion scan`."""

import json
import os
import re
import subprocess
import sys
import tempfile

try:
    from . import _support
except ImportError:  # run from inside tests/
    import _support
offregion, unittest = _support.offregion, _support.unittest


def run(command, args, stdin=None, stdout=subprocess.PIPE):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [_support.PACKAGE_ROOT] + ([env["PYTHONPATH"]]
                                   if env.get("PYTHONPATH") else []))
    return subprocess.run(command + args, input=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, env=env, timeout=120,
                          cwd=_support.REPO)


class CliTest(unittest.TestCase):

    def setUp(self):
        self.cli = [_support.need_cli(self)]
        self.python = [sys.executable, "-m", "offregion"]
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = folder.name

    def both(self, args, stdin=None):
        """Runs `scan ARGS` with both; asserts the same exit status; returns
        both runs."""
        args = ["scan"] + args
        cli = run(self.cli, args, stdin)
        python = run(self.python, args, stdin)
        self.assertEqual(python.returncode, cli.returncode,
                         f"{args}: {python.stderr.decode()[-500:]}")
        return cli, python

    def assertSameOutput(self, args, stdin=None):
        cli, python = self.both(args, stdin)
        self.assertEqual(python.stdout, cli.stdout, args)
        return cli, python

    def write(self, name, text):
        path = os.path.join(self.folder, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_samples_all_verdicts(self):
        cli, python = self.assertSameOutput(
            ["--all", "--activation-days", "0", _support.OTRF,
             _support.STRATUS])
        self.assertEqual(cli.returncode, 0)
        self.assertEqual(len(python.stdout.splitlines()), 148)
        summary = python.stderr.decode()
        self.assertIn("offregion: 148 records from 2 files in ", summary)
        self.assertIn("offregion: verdicts: not_applicable ", summary)

    def test_samples_alerts_only_with_the_2020_ranges(self):
        ranges = _support.ranges_2020(self)
        cli, python = self.assertSameOutput(
            ["--activation-days=0", f"--aws-ranges={ranges}", _support.OTRF])
        lines = python.stdout.splitlines()
        self.assertEqual(len(lines), 1)
        self.assertEqual(json.loads(lines[0])["compute_id"],
                         "i-0317f6c6b66ae9c40")
        # The summaries agree but for the timing.
        strip = re.compile(rb" in \d+\.\d+ s \(\d+ records/s\)")
        self.assertEqual(strip.sub(b"", python.stderr),
                         strip.sub(b"", cli.stderr))

    def test_options(self):
        geo = self.write("geo.csv", "network,country,asn,as_org\n"
                         "1.2.3.0/24,NL,64500,Example Net\n")
        inventory = self.write("inventory.csv",
                               "compute_id,region\ni-0317f6c6b66ae9c40,"
                               "eu-west-1\n")
        self.assertSameOutput(
            ["--all", "--activation-days", "0", "--training-days", "1.5",
             "--dedup-days", "0", "--no-default-geo", "--geo-table", geo,
             "--inventory", inventory, "--severity",
             "outside_region_unusual_geo_and_asn=informational,"
             "outside_region_unusual_geo=high", "--format", "jsonl",
             _support.OTRF, _support.STRATUS])

    def test_standard_input(self):
        with open(_support.OTRF, "rb") as f:
            data = f.read()
        self.assertSameOutput(["--all", "--activation-days", "0", "-"],
                              stdin=data)

    def test_broken_lines(self):
        record = json.dumps(_support.ec2_record())
        path = self.write("broken.jsonl",
                          f"{record}\n{{broken\n\n{record}\n[1,\n")
        self.assertSameOutput(["--all", "--no-default-geo", path])

    def test_records_read_but_invalid_differ_only_by_location(self):
        # The C ABI's reader gives no location; the CLI prefixes it.
        path = self.write("invalid.jsonl", '{"foo": 1}\n\n[1, 2]\n')
        cli, python = self.both(["--all", "--no-default-geo", path])
        want = [json.loads(line) for line in cli.stdout.splitlines()]
        for verdict, location in zip(want, (f"{path}:1: ", f"{path}:3: ")):
            for field in ("error", "explanation"):
                self.assertTrue(verdict[field].startswith(location))
                verdict[field] = verdict[field][len(location):]
        self.assertEqual(
            [json.loads(line) for line in python.stdout.splitlines()], want)

    def test_a_missing_input_file_is_skipped(self):
        cli, python = self.assertSameOutput(
            ["--all", "--activation-days", "0", "/nonexistent.json",
             _support.OTRF])
        self.assertEqual(cli.returncode, 1)
        self.assertEqual(len(python.stdout.splitlines()), 103)
        self.assertIn(b"offregion: /nonexistent.json", python.stderr)

    def test_exit_codes(self):
        for args, status in (
                ([], 2), (["frob"], 2), (["scan"], 2),
                (["scan", "--bogus", _support.OTRF], 2),
                (["scan", "--activation-days", "abc", _support.OTRF], 2),
                (["scan", "--activation-days", "-1", _support.OTRF], 2),
                (["scan", "--training-days", "0", _support.OTRF], 2),
                (["scan", "--severity", "outside_region=huge",
                  _support.OTRF], 2),
                (["scan", "--severity", "nowhere=high", _support.OTRF], 2),
                (["scan", "--format", "csv", _support.OTRF], 2),
                (["scan", "--aws-ranges", "/nonexistent", _support.OTRF], 1),
                (["scan", "--geo-table", "/nonexistent", _support.OTRF], 1),
                (["scan", "--mmdb", "/nonexistent", _support.OTRF], 1),
                (["scan", "--inventory", "/nonexistent", _support.OTRF], 1),
                (["scan", "/nonexistent"], 1),
                (["scan", "--help"], 0)):
            cli = run(self.cli, args)
            python = run(self.python, args)
            self.assertEqual(cli.returncode, status, args)
            self.assertEqual(python.returncode, status,
                             f"{args}: {python.stderr.decode()}")
            if status == 2 and args:
                self.assertIn(b"(see offregion --help)", python.stderr)

    def test_output_that_cannot_be_written(self):
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        args = ["scan", "--all", "--activation-days", "0", _support.OTRF]
        for command in (self.cli, self.python):
            with open("/dev/full", "wb") as full:
                done = run(command, args, stdout=full)
            self.assertEqual(done.returncode, 3, command)
            self.assertIn(b"cannot write verdicts", done.stderr)

    def test_unwritable_state_fails_before_scanning(self):
        cli, python = self.both(["--all", "--state", "/proc/offregion.st",
                                 _support.OTRF])
        self.assertEqual(python.returncode, 3)
        self.assertEqual((cli.stdout, python.stdout), (b"", b""))
        self.assertIn(b"cannot save state", python.stderr)

    def test_state_and_checkpoints(self):
        help_text = run(self.cli, ["--help"]).stdout
        if b"--state" not in help_text:
            self.skipTest("this CLI has no --state")
        for every in ("0", "7"):
            states = []
            outputs = []
            for command in (self.cli, self.python):
                state = os.path.join(self.folder, f"{len(states)}-{every}")
                out = b""
                for path in (_support.OTRF, _support.STRATUS):
                    done = run(command, [
                        "scan", "--all", "--activation-days", "0",
                        "--state", state, "--checkpoint-every", every,
                        path])
                    self.assertEqual(done.returncode, 0, done.stderr)
                    out += done.stdout
                outputs.append(out)
                with open(state, "rb") as f:
                    states.append(f.read())
            self.assertEqual(outputs[1], outputs[0])
            self.assertEqual(states[1], states[0])
        junk = self.write("junk.state", "junk")
        cli, python = self.both(["--state", junk, _support.OTRF])
        self.assertEqual(cli.returncode, 1)
        self.assertIn(b"refusing the state file", python.stderr)


if __name__ == "__main__":
    unittest.main()
