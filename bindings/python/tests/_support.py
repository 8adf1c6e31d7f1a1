"""What the tests share: paths, the package, sample records.

Importing this puts bindings/python first on sys.path, so the tests use the
package of this checkout; the package finds the library as it always does
(OFFREGION_LIBRARY, next to the package, or build/lib above it).
"""

import copy
import json
import os
import sys
import unittest

TESTS = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(TESTS)          # bindings/python
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
if sys.path[0] != PACKAGE_ROOT:
    sys.path.insert(0, PACKAGE_ROOT)

import offregion  # noqa: E402

CLI = os.path.join(REPO, "build", "bin", "offregion")
OTRF = os.path.join(REPO, "examples", "logs", "otrf",
                    "ec2_proxy_s3_exfiltration_2020-09-14011940.json")
STRATUS = os.path.join(
    REPO, "examples", "logs", "stratus-red-team",
    "aws.credential-access.ec2-steal-instance-credentials.json")


def shared_dir():
    """Returns the shared/ folder (OFFREGION_SHARED_DIR, or ../shared next
    to the repository), or None."""
    for path in (os.environ.get("OFFREGION_SHARED_DIR"),
                 os.path.join(os.path.dirname(REPO), "shared")):
        if path and os.path.isdir(path):
            return path
    return None


def need_shared(test):
    """Returns the shared folder, or skips `test` saying why."""
    path = shared_dir()
    if path is None:
        test.skipTest("shared/ is absent (set OFFREGION_SHARED_DIR, or put "
                      "it next to the repository)")
    return path


def ranges_2020(test):
    """Returns the AWS ranges snapshot of the OTRF sample's time."""
    path = os.path.join(need_shared(test), "data", "ip-ranges",
                        "aws-history", "ip-ranges_2020-09-14.json")
    if not os.path.exists(path):
        test.skipTest(f"{path} is absent")
    return path


def need_cli(test):
    """Returns the CLI's path, or skips `test`."""
    if not os.access(CLI, os.X_OK):
        test.skipTest(f"no CLI at {CLI} (build the offregion_cli target)")
    return CLI


_EC2_RECORD = {
    "eventVersion": "1.09",
    "userIdentity": {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLEROLE0001:i-0a1b2c3d4e5f60718",
        "arn": "arn:aws:sts::111122223333:assumed-role/web/"
               "i-0a1b2c3d4e5f60718",
        "accountId": "111122223333",
        "accessKeyId": "ASIAEXAMPLEKEY000001",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role", "principalId": "AROAEXAMPLEROLE0001",
                "arn": "arn:aws:iam::111122223333:role/web",
                "accountId": "111122223333", "userName": "web"},
            "attributes": {"creationDate": "2024-05-01T00:00:00Z",
                           "mfaAuthenticated": "false"},
            "ec2RoleDelivery": "2.0"}},
    "eventTime": "2024-05-01T10:00:00Z",
    "eventSource": "s3.amazonaws.com",
    "eventName": "ListBuckets",
    "awsRegion": "us-east-1",
    "sourceIPAddress": "203.0.113.9",
    "userAgent": "aws-cli/2.15.0",
    "requestID": "req-1",
    "eventID": "11111111-1111-4111-8111-111111111111",
    "readOnly": True,
    "eventType": "AwsApiCall",
    "recipientAccountId": "111122223333",
}


def ec2_record(event_id=None, address="203.0.113.9", **changes):
    """Returns a CloudTrail record (dict) of an EC2 instance profile call
    from `address`, with no home region in it."""
    record = copy.deepcopy(_EC2_RECORD)
    record["sourceIPAddress"] = address
    if event_id:
        record["eventID"] = event_id
    record.update(changes)
    return record


def dicts(verdicts):
    """Returns the verdicts' to_dict()s."""
    return [v.to_dict() for v in verdicts]


def json_lines(verdicts):
    """Returns the verdicts' JSON lines, parsed."""
    return [json.loads(v.json_text) for v in verdicts]


__all__ = ["offregion", "unittest"]
