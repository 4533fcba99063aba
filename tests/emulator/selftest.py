#!/usr/bin/env python3
"""Check aws_emulator.py end to end with boto3: faults, counts, own operations.

Starts the emulator (scenario sample) with a faults file, drives it through
its front server as an HTTP proxy, and prints "N passed, M failed"; exits 1
if anything failed, 2 if the emulator could not be started.

Run with the venv that has moto and boto3:
    ~/.cache/auditpack/venv/bin/python tests/emulator/selftest.py
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
passed = 0
failures = []


def check(what, ok, got=None):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        got = got if got is not None else LAST.get("got")
        print(f"FAIL: {what}" + (f" (got {got!r})" if got is not None else ""), file=sys.stderr)


LAST = {}


def error_of(call):
    """(code, HTTP status) of the ClientError CALL raises, or (None, None)."""
    try:
        call()
    except ClientError as e:
        LAST["got"] = (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
        return LAST["got"]
    LAST["got"] = (None, None)
    return None, None


FAULTS = [
    {"service": "ec2", "operation": "DescribeSecurityGroups", "region": "eu-west-2",
     "error": "ThrottlingException", "times": 2},
    {"service": "guardduty", "operation": "ListDetectors", "status": 500},
    {"service": "iam", "operation": "ListUsers", "error": "AccessDenied"},
    {"service": "s3control", "operation": "GetPublicAccessBlock", "error": "ThrottlingException", "times": 1},
    {"service": "support", "operation": "describe-trusted-advisor-checks", "error": "ThrottlingException",
     "times": 1},
    {"service": "securityhub", "operation": "DescribeHub", "region": "eu-west-2", "delay_ms": 400},
    {"service": "artifact", "operation": "ListReports", "error": "AccessDeniedException", "times": 1},
    {"service": "configservice", "operation": "DescribeConfigurationRecorders", "error": "Throttling",
     "times": 1},
]


def main():
    tmp = tempfile.mkdtemp(prefix="aws-emulator-selftest-")
    faults_file = os.path.join(tmp, "faults.json")
    seed_file = os.path.join(tmp, "seed.json")
    with open(faults_file, "w") as f:
        json.dump(FAULTS, f)
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "aws_emulator.py"), "--faults", faults_file,
         "--seed-out", seed_file, "--log", os.path.join(tmp, "emulator.log")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("ready http://127.0.0.1:"):
        print(f"selftest: the emulator did not start (said {line!r}); log in {tmp}", file=sys.stderr)
        proc.kill()
        return 2
    front = line.split()[1]
    check("the ready line is the only stdout line so far", True)
    seed = json.load(open(seed_file))
    check("seed-out names the endpoint", seed["endpoint"] == front)

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def get_json(path, method="GET", body=None):
        req = urllib.request.Request(front + path, method=method, data=body)
        with opener.open(req) as r:
            return json.load(r)

    def client(service, region="eu-west-2", attempts=1):
        return boto3.client(service, region_name=region, endpoint_url=front,
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"total_max_attempts": attempts, "mode": "standard"},
                                          proxies={"http": front}))

    def count(service, operation, region):
        for row in get_json("/emulator/calls")["calls"]:
            if (row["service"], row["operation"], row["region"]) == (service, operation, region):
                return row["count"], row["injected_faults"]
        return 0, 0

    try:
        # throttling, retried by the client: 2 injected errors, then moto's answer
        groups = client("ec2", attempts=3).describe_security_groups()["SecurityGroups"]
        check("DescribeSecurityGroups succeeds after two throttles",
              any(g["GroupName"] == "nbch-bastion-ssh" for g in groups))
        check("/emulator/calls counts 3 DescribeSecurityGroups requests, 2 injected",
              count("ec2", "DescribeSecurityGroups", "eu-west-2") == (3, 2))
        check("the throttle rule is used up", error_of(
            lambda: client("ec2").describe_security_groups()) == (None, None))
        check("eu-west-1 DescribeSecurityGroups is not throttled",
              error_of(lambda: client("ec2", "eu-west-1").describe_security_groups()) == (None, None))

        # EC2 throttling in its own format, without retries
        get_json("/emulator/faults", "PUT", json.dumps(
            FAULTS + [{"service": "ec2", "operation": "DescribeInstances", "error": "ThrottlingException",
                       "times": 1},
                      {"service": "ec2", "operation": "DescribeImages", "error": "AccessDeniedException"}]
        ).encode())
        check("EC2 throttling is RequestLimitExceeded (503)",
              error_of(lambda: client("ec2").describe_instances()) == ("RequestLimitExceeded", 503))
        check("EC2 denial is UnauthorizedOperation (403)",
              error_of(lambda: client("ec2").describe_images(Owners=["self"])) == ("UnauthorizedOperation", 403))
        check("a rule loaded at run time counts its use",
              any(r.get("operation") == "DescribeInstances" and r["applied"] == 1
                  for r in get_json("/emulator/faults")["rules"]))

        # status-only fault, and query-protocol denial
        check("GuardDuty ListDetectors answers 500 InternalServerErrorException",
              error_of(lambda: client("guardduty").list_detectors()) == ("InternalServerErrorException", 500))
        check("IAM ListUsers denial is AccessDenied (403)",
              error_of(lambda: client("iam").list_users()) == ("AccessDenied", 403))
        check("awsJson throttling: a Config rule saying Throttling answers ThrottlingException (400)",
              error_of(lambda: client("config").describe_configuration_recorders()) == ("ThrottlingException", 400))
        check("Support throttling is ThrottlingException (400)",
              error_of(lambda: client("support", "us-east-1").describe_trusted_advisor_checks(language="en"))
              == ("ThrottlingException", 400))

        # s3control through the proxy (its host is 123456789012.127.0.0.1)
        s3c = client("s3control", attempts=2)
        block = s3c.get_public_access_block(AccountId=seed["account"])["PublicAccessBlockConfiguration"]
        check("s3control GetPublicAccessBlock works through the proxy after a SlowDown", block["BlockPublicAcls"])
        check("s3control counted twice, once injected",
              count("s3control", "GetPublicAccessBlock", "eu-west-2") == (2, 1))

        # latency
        t0 = time.monotonic()
        client("securityhub").describe_hub()
        check("delay_ms slows DescribeHub by 400 ms", time.monotonic() - t0 >= 0.4)

        # SSM: scenario denial in eu-west-1, derived managed nodes in eu-west-2
        check("SSM eu-west-1 is denied by the scenario (AccessDeniedException, 400)",
              error_of(lambda: client("ssm", "eu-west-1").describe_instance_information())
              == ("AccessDeniedException", 400))
        nodes = client("ssm").describe_instance_information()["InstanceInformationList"]
        want = set(seed["regions"]["eu-west-2"]["ssm_managed_instances"]) | {"mi-07c486908c9edbf7f"}
        check("SSM lists the managed instances and the hybrid node", {n["InstanceId"] for n in nodes} == want)
        reporting = seed["regions"]["eu-west-2"]["instances"]["nbch-reporting-01"]["id"]
        check("the unmanaged instance is not listed", reporting not in {n["InstanceId"] for n in nodes})
        first = client("ssm").describe_instance_information(MaxResults=5)
        check("SSM pages at MaxResults", len(first["InstanceInformationList"]) == 5)

        # EC2 instance metadata defaults, Inspector, Security Hub standards
        check("IMDS default required in eu-west-2",
              client("ec2").get_instance_metadata_defaults()["AccountLevel"].get("HttpTokens") == "required")
        check("no IMDS default in eu-west-1",
              client("ec2", "eu-west-1").get_instance_metadata_defaults()["AccountLevel"] == {})
        acc = client("inspector2").batch_get_account_status()["accounts"]
        check("Inspector enabled in eu-west-2", acc and acc[0]["state"]["status"] == "ENABLED")
        acc = client("inspector2", "eu-west-1").batch_get_account_status()["accounts"]
        check("Inspector disabled in eu-west-1", acc and acc[0]["state"]["status"] == "DISABLED")
        stds = client("securityhub").get_enabled_standards()["StandardsSubscriptions"]
        check("two Security Hub standards in eu-west-2", len(stds) == 2)
        check("Security Hub standards in eu-west-1: InvalidAccessException",
              error_of(lambda: client("securityhub", "eu-west-1").get_enabled_standards())[0]
              == "InvalidAccessException")

        # Trusted Advisor
        support = client("support", "us-east-1")
        res = support.describe_trusted_advisor_check_result(checkId="HCP4007jGY", language="en")["result"]
        check("HCP4007jGY is red with the SSH group flagged", res["status"] == "error" and any(
            "nbch-bastion-ssh" in r.get("metadata", []) for r in res["flaggedResources"]))
        again = support.describe_trusted_advisor_check_result(checkId="HCP4007jGY", language="en")["result"]
        check("Trusted Advisor answers the same twice", res == again)
        check("an unknown check id is an error",
              error_of(lambda: support.describe_trusted_advisor_check_result(checkId="nope"))[0]
              == "InvalidParameterValueException")

        # Artifact
        art = client("artifact", "us-east-1")
        check("the first ListReports is denied (403)",
              error_of(lambda: art.list_reports()) == ("AccessDeniedException", 403))
        reports = art.list_reports()["reports"]
        check("four Artifact reports", sorted(r["series"] for r in reports) == ["ISO", "ISO", "ISO", "SOC"])
        iso18 = next(r for r in reports if "27018" in r["name"])
        check("ISO 27018 period ended 2025-09-30", iso18["periodEnd"].strftime("%Y-%m-%d") == "2025-09-30")
        term = art.get_term_for_report(reportId=iso18["id"], reportVersion=iso18["version"])
        url = art.get_report(reportId=iso18["id"], reportVersion=iso18["version"],
                             termToken=term["termToken"])["documentPresignedUrl"]
        check("the download URL points at the front server", url.startswith(front + "/artifact-download/"))
        want_sha = next(r["download_sha256"] for r in seed["artifact"]["reports"] if r["id"] == iso18["id"])
        direct = opener.open(url).read()
        proxied = urllib.request.build_opener(urllib.request.ProxyHandler({"http": front})).open(url).read()
        check("the report downloads with the seeded SHA-256, directly and through the proxy",
              hashlib.sha256(direct).hexdigest() == want_sha == hashlib.sha256(proxied).hexdigest())
        check("the document looks like a PDF", direct.startswith(b"%PDF-"))
        check("a wrong term token is refused",
              error_of(lambda: art.get_report(reportId=iso18["id"], reportVersion=iso18["version"],
                                              termToken="bad"))[0] == "ValidationException")
        check("an unknown report is ResourceNotFoundException (404)",
              error_of(lambda: art.get_term_for_report(reportId="report-nope", reportVersion=1))
              == ("ResourceNotFoundException", 404))
        check("an Artifact operation the emulator lacks is a clear 501",
              error_of(lambda: art.get_account_settings())[1] == 501)

        # Audit Manager
        am = client("auditmanager")
        (aid, folders_seed), = seed["auditmanager"]["assessments"].items()
        folders = am.get_evidence_folders_by_assessment(assessmentId=aid)["evidenceFolders"]
        check("three evidence folders", [f["id"] for f in folders] == [f["id"] for f in folders_seed])
        total = 0
        for f, fs in zip(folders, folders_seed):
            ev = am.get_evidence_by_evidence_folder(assessmentId=aid, controlSetId=f["controlSetId"],
                                                    evidenceFolderId=f["id"])["evidence"]
            total += len(ev)
            check(f"evidence of folder {f['controlSetId']} matches the seed",
                  [e["id"] for e in ev] == fs["evidence_ids"] and len(ev) == f["totalEvidence"])
        check("some evidence in all", total == 4)
        other = "00000000-0000-4000-8000-000000000000"
        check("another assessment is ResourceNotFoundException (404)",
              error_of(lambda: am.get_evidence_folders_by_assessment(assessmentId=other))
              == ("ResourceNotFoundException", 404))

        # counts reset
        get_json("/emulator/calls", "DELETE")
        check("DELETE /emulator/calls resets the counts", get_json("/emulator/calls")["total"] == 0)
    finally:
        proc.stdin.close()  # EOF on stdin: the emulator stops
        try:
            rc = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = None
        check(f"the emulator exits 0 when stdin closes (exit {rc})", rc == 0)
        check("nothing else on stdout", proc.stdout.read() == "")

    if failures:
        print(f"emulator log: {tmp}/emulator.log", file=sys.stderr)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
