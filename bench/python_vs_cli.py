#!/usr/bin/env python3
"""Records per second: the Python binding's judge_many against the CLI.

usage: python3 bench/python_vs_cli.py [--records N] [--batch-size N]

Writes N synthetic CloudTrail records (EC2 instance-profile calls, most from
AWS addresses of the instance's region, some from the internet) as JSON
Lines into a temporary folder, then times, on that same file:

  cli      build/bin/offregion scan --all --activation-days 0
               --no-default-geo FILE > /dev/null
  python   Detector(activation_days=0, use_default_geo=False)
               .judge_many(read_records(FILE))  (the verdicts consumed)

and prints both rates and their ratio. A benchmark, not a test: exits 1
when Python is more than 2x slower than the CLI, 2 when something is
missing. Runs each side --repeat times and keeps the best.
"""

import argparse
import importlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))

ACCOUNT = "111122223333"
# Addresses inside EC2 ranges of the shipped data/aws-ip-ranges.json.
REGION_PREFIXES = {
    "us-east-1": "18.97.{}.{}",
    "eu-west-1": "54.247.{}.{}",
}
INTERNET = ("198.51.100.{}", "203.0.113.{}", "192.0.2.{}")
EVENTS = (("s3.amazonaws.com", "ListBuckets"),
          ("s3.amazonaws.com", "GetObject"),
          ("ec2.amazonaws.com", "DescribeInstances"),
          ("sts.amazonaws.com", "GetCallerIdentity"),
          ("kms.amazonaws.com", "Decrypt"))


def make_record(rng, i, instance, region, role):
    """Returns one CloudTrail record (a dict) for call `i` of `instance`."""
    if rng.random() < 0.05:
        address = rng.choice(INTERNET).format(rng.randrange(1, 255))
    else:
        address = REGION_PREFIXES[region].format(rng.randrange(0, 63),
                                                 rng.randrange(1, 255))
    source, name = rng.choice(EVENTS)
    seconds = i * 2
    record = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE{role:06d}:{instance}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/role-{role}/"
                   f"{instance}",
            "accountId": ACCOUNT,
            "accessKeyId": f"ASIAEXAMPLE{i % 100000:08d}",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": f"AROAEXAMPLE{role:06d}",
                    "arn": f"arn:aws:iam::{ACCOUNT}:role/role-{role}",
                    "accountId": ACCOUNT,
                    "userName": f"role-{role}"},
                "attributes": {"creationDate": "2024-05-01T00:00:00Z",
                               "mfaAuthenticated": "false"},
                "ec2RoleDelivery": "2.0"}},
        "eventTime": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(1714521600 + seconds)),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": address,
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4",
        "requestParameters": None,
        "responseElements": None,
        "requestID": f"{i:08x}-0000-4000-8000-000000000000",
        "eventID": f"{i:08x}-1111-4111-8111-111111111111",
        "readOnly": True,
        "resources": [{
            "accountId": ACCOUNT,
            "type": "AWS::EC2::Instance",
            "ARN": f"arn:aws:ec2:{region}:{ACCOUNT}:instance/{instance}"}],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if rng.random() < 0.02:
        record["errorCode"] = "AccessDenied"
        record["errorMessage"] = "User is not authorized"
    return record


def write_corpus(path, count, seed=1):
    """Writes `count` records as JSON Lines to `path`."""
    rng = random.Random(seed)
    instances = [(f"i-{rng.getrandbits(68):017x}", rng.choice(
        sorted(REGION_PREFIXES)), rng.randrange(50)) for _ in range(1000)]
    with open(path, "w") as f:
        for i in range(count):
            instance, region, role = instances[rng.randrange(len(instances))]
            f.write(json.dumps(make_record(rng, i, instance, region, role),
                               separators=(",", ":")))
            f.write("\n")


def time_cli(binary, path):
    """Returns the seconds the CLI takes to judge `path`."""
    start = time.perf_counter()
    run = subprocess.run(
        [binary, "scan", "--all", "--activation-days", "0",
         "--no-default-geo", path],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(f"the CLI failed ({run.returncode}): "
                           f"{run.stderr.strip()[-300:]}")
    return seconds


def time_python(path, batch_size):
    """Returns (seconds, verdict count) of judge_many over `path`."""
    import offregion
    start = time.perf_counter()
    with offregion.Detector(activation_days=0,
                            use_default_geo=False) as detector:
        count = 0
        for _ in detector.judge_many(offregion.read_records(path),
                                     batch_size=batch_size):
            count += 1
    return time.perf_counter() - start, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200000)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin",
                                                      "offregion"))
    opts = parser.parse_args()
    if not os.access(opts.bin, os.X_OK):
        print(f"no CLI at {opts.bin}; build the offregion_cli target",
              file=sys.stderr)
        return 2
    try:
        importlib.import_module("offregion")
    except ImportError as error:
        print(error, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "records.jsonl")
        write_corpus(path, opts.records)
        size = os.path.getsize(path)
        print(f"corpus: {opts.records} records, {size / 1e6:.1f} MB",
              flush=True)
        cli = min(time_cli(opts.bin, path) for _ in range(opts.repeat))
        runs = [time_python(path, opts.batch_size)
                for _ in range(opts.repeat)]
        python = min(seconds for seconds, _ in runs)
        if any(count != opts.records for _, count in runs):
            print("python: wrong number of verdicts", file=sys.stderr)
            return 1
    cli_rate = opts.records / cli
    python_rate = opts.records / python
    ratio = cli_rate / python_rate
    print(f"cli:    {cli_rate:12,.0f} records/s ({cli:.3f} s)")
    print(f"python: {python_rate:12,.0f} records/s ({python:.3f} s, "
          f"judge_many, batch {opts.batch_size})")
    print(f"python is {ratio:.2f}x slower than the CLI" if ratio >= 1 else
          f"python is {1 / ratio:.2f}x faster than the CLI")
    sys.stdout.flush()
    if ratio > 2:
        print("FAIL: Python is more than 2x slower", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
