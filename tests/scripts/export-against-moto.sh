#!/usr/bin/env bash
# Run scripts/export-aws-cli.sh against the moto AWS emulator and check the
# folder it writes against docs/export-layout.md.
#
# Needs on PATH: aws (AWS CLI v1 from PyPI or v2), python3 with boto3, and
# moto_server (pip install 'moto[server]'). Everything talks to moto on
# 127.0.0.1 only: the AWS endpoint and the HTTP(S) proxy both point at it.
#
# Prints "N passed, M failed" and exits non-zero if anything failed.
# Set KEEP_TMP=1 to keep the temporary folder for a look afterwards.

set -u
set -o pipefail

here="$(cd "$(dirname "$0")" && pwd)"
script="$here/../../scripts/export-aws-cli.sh"

passed=0
failed=0
failures=()

pass() {
    passed=$((passed + 1))
}

fail() {
    failed=$((failed + 1))
    failures+=("$1")
    printf 'FAIL: %s\n' "$1" >&2
}

check() {
    # check DESCRIPTION COMMAND... : pass if the command succeeds.
    local what="$1"
    shift
    if "$@"; then
        pass
    else
        fail "$what"
    fi
}

for tool in aws python3 moto_server; do
    command -v "$tool" >/dev/null 2>&1 || {
        printf 'export-against-moto: %s is not on PATH\n' "$tool" >&2
        exit 2
    }
done
python3 -c 'import boto3' 2>/dev/null || {
    printf 'export-against-moto: python3 cannot import boto3\n' >&2
    exit 2
}
[ -f "$script" ] || {
    printf 'export-against-moto: no script at %s\n' "$script" >&2
    exit 2
}

tmp="$(mktemp -d)"
moto_pid=""

# shellcheck disable=SC2317  # run from a trap
cleanup() {
    if [ -n "$moto_pid" ]; then
        kill "$moto_pid" 2>/dev/null
        wait "$moto_pid" 2>/dev/null
    fi
    if [ "${KEEP_TMP:-0}" = "1" ]; then
        printf 'kept %s\n' "$tmp" >&2
    else
        rm -rf -- "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ start moto

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
endpoint="http://127.0.0.1:$port"

moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!

if ! python3 - "$endpoint" <<'EOF'; then
import sys, time, urllib.request, urllib.error
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
for _ in range(150):
    try:
        opener.open(sys.argv[1] + "/moto-api/", timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(1)
EOF
    printf 'export-against-moto: moto_server did not start:\n' >&2
    tail -n 20 "$tmp/moto.log" >&2
    exit 1
fi

# A clean AWS environment that only reaches moto. The secret is distinctive
# so the test can check it never lands in the export.
secret="auditpack-test-secret-7f3a9c"
for v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p'); do
    unset "$v"
done
: >"$tmp/aws-config"
: >"$tmp/aws-credentials"
export AWS_CONFIG_FILE="$tmp/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$tmp/aws-credentials"
export AWS_ACCESS_KEY_ID="testing"
export AWS_SECRET_ACCESS_KEY="$secret"
export AWS_DEFAULT_REGION="eu-west-2"
export AWS_ENDPOINT_URL="$endpoint"
export AWS_MAX_ATTEMPTS=1 # moto answers some calls with HTTP 500; do not retry them
# s3control puts the account ID in front of the endpoint's host name
# (123456789012.127.0.0.1); sending every request through moto as a proxy
# keeps that call, and any other, on 127.0.0.1.
export http_proxy="$endpoint" https_proxy="$endpoint" HTTP_PROXY="$endpoint" HTTPS_PROXY="$endpoint"
export no_proxy="" NO_PROXY=""

# ------------------------------------------------------------ seed moto

if ! python3 - "$tmp/seed.json" <<'EOF'; then
import json, sys
import boto3

region = "eu-west-2"
ec2 = boto3.client("ec2", region_name=region)
sg = ec2.create_security_group(GroupName="ssh-open", Description="ssh from anywhere")["GroupId"]
ec2.authorize_security_group_ingress(
    GroupId=sg,
    IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
)
ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
instance = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
own_ami = ec2.create_image(InstanceId=instance, Name="golden-image")["ImageId"]

iam = boto3.client("iam", region_name=region)
iam.create_user(UserName="alice")

detector = boto3.client("guardduty", region_name=region).create_detector(Enable=True)["DetectorId"]

s3 = boto3.client("s3", region_name=region)
s3.create_bucket(Bucket="auditpack-trail-bucket",
                 CreateBucketConfiguration={"LocationConstraint": region})
trail = "main-trail"
cloudtrail = boto3.client("cloudtrail", region_name=region)
cloudtrail.create_trail(Name=trail, S3BucketName="auditpack-trail-bucket", IsMultiRegionTrail=True)
cloudtrail.start_logging(Name=trail)

boto3.client("config", region_name=region).put_configuration_recorder(ConfigurationRecorder={
    "name": "default",
    "roleARN": "arn:aws:iam::123456789012:role/config-recorder",
    "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
})

account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
boto3.client("s3control", region_name=region).put_public_access_block(
    AccountId=account,
    PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
)

with open(sys.argv[1], "w") as f:
    json.dump({"account": account, "ami": ami, "own_ami": own_ami, "detector": detector,
               "trail": trail, "group": sg}, f)
EOF
    printf 'export-against-moto: seeding moto failed\n' >&2
    exit 1
fi

seed() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/seed.json" "$1"
}
account="$(seed account)"
ami="$(seed ami)"
own_ami="$(seed own_ami)"
detector="$(seed detector)"
trail="$(seed trail)"

# ------------------------------------------------------------ run the export

out="$tmp/export"
rc=0
(cd "$tmp" && bash "$script" --out "$out" --regions "eu-west-2 eu-west-1") \
    >"$tmp/export.stdout" 2>"$tmp/export.stderr" || rc=$?
check "export script exits 0 (got $rc)" [ "$rc" -eq 0 ]
if [ "$rc" -ne 0 ]; then
    tail -n 30 "$tmp/export.stderr" >&2
fi

acct="$out/$account"

# ------------------------------------------------------------ assertions

is_json() {
    [ -f "$1" ] && python3 -m json.tool "$1" >/dev/null 2>&1
}

expect_json() {
    check "$1.json exists and parses as JSON" is_json "$acct/$1.json"
    check "$1 has no .error" [ ! -e "$acct/$1.error" ]
}

expect_error() {
    check "$1.error exists (moto cannot do this call)" [ -s "$acct/$1.error" ]
    check "$1 has no .json" [ ! -e "$acct/$1.json" ]
}

# Exactly one of the two, whichever moto manages.
expect_either() {
    if [ -e "$acct/$1.json" ]; then
        check "$1.json parses as JSON" is_json "$acct/$1.json"
        check "$1 has not both .json and .error" [ ! -e "$acct/$1.error" ]
    else
        check "$1.json or $1.error exists" [ -s "$acct/$1.error" ]
    fi
}

contains() {
    grep -q -F -e "$2" "$acct/$1"
}

check "account folder $account exists" [ -d "$acct" ]
check "only one account folder" [ "$(find "$out" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ]
check "account folder holds global, eu-west-1 and eu-west-2 only" \
    [ "$(cd "$acct" 2>/dev/null && find . -mindepth 1 -maxdepth 1 | sort | paste -s -d ' ' -)" = "./eu-west-1 ./eu-west-2 ./global" ]

# global calls
for f in sts/get-caller-identity ec2/describe-regions iam/get-account-summary \
    iam/get-credential-report iam/list-virtual-mfa-devices iam/list-users \
    s3control/get-public-access-block support/describe-trusted-advisor-checks; do
    expect_json "global/$f"
done
expect_error global/iam/get-account-password-policy
check "get-account-password-policy.error holds the CLI's NoSuchEntity message" \
    contains global/iam/get-account-password-policy.error "NoSuchEntity"
expect_error global/artifact/list-reports
check "get-caller-identity.json names the account" contains global/sts/get-caller-identity.json "$account"
check "list-users.json lists alice" contains global/iam/list-users.json '"UserName": "alice"'
check "get-public-access-block.json holds the seeded block" \
    contains global/s3control/get-public-access-block.json '"BlockPublicAcls": true'

# Trusted Advisor: one result per security check, all failing in moto.
ta_dir="$acct/global/support/describe-trusted-advisor-check-result"
security_checks="$(python3 -c '
import json, sys
checks = json.load(open(sys.argv[1]))["checks"]
print("\n".join(c["id"] for c in checks if c["category"] == "security"))
' "$acct/global/support/describe-trusted-advisor-checks.json" 2>/dev/null)"
n_security="$(printf '%s\n' "$security_checks" | grep -c .)"
check "moto lists some Trusted Advisor security checks" [ "$n_security" -gt 0 ]
check "one check-result file per security check" \
    [ "$(find "$ta_dir" -type f 2>/dev/null | wc -l)" -eq "$n_security" ]
while IFS= read -r id; do
    [ -n "$id" ] || continue
    expect_error "global/support/describe-trusted-advisor-check-result/$id"
done <<<"$security_checks"

# regional calls
for region in eu-west-2 eu-west-1; do
    for f in ec2/describe-security-groups ec2/describe-instances ec2/describe-images \
        ec2/describe-network-acls ec2/get-ebs-encryption-by-default guardduty/list-detectors \
        configservice/describe-configuration-recorders \
        configservice/describe-configuration-recorder-status cloudtrail/describe-trails; do
        expect_json "$region/$f"
    done
    expect_error "$region/ssm/describe-instance-information"
    expect_error "$region/securityhub/get-enabled-standards"
    expect_error "$region/securityhub/describe-hub"
    check "$region describe-hub.error says Security Hub is not enabled" \
        contains "$region/securityhub/describe-hub.error" "InvalidAccessException"
    # moto 5.2.5 answers inspector2 but not get-instance-metadata-defaults;
    # either way there must be exactly one file.
    expect_either "$region/inspector2/batch-get-account-status"
    expect_either "$region/ec2/get-instance-metadata-defaults"
    # the multi-region trail shows in both regions (a shadow trail in eu-west-1)
    expect_json "$region/cloudtrail/get-trail-status/$trail"
done

expect_json "eu-west-2/guardduty/get-detector/$detector"
check "get-detector.json shows the detector enabled" \
    contains "eu-west-2/guardduty/get-detector/$detector.json" '"Status": "ENABLED"'
check "no get-detector folder in eu-west-1 (no detector there)" \
    [ ! -e "$acct/eu-west-1/guardduty/get-detector" ]
check "get-trail-status.json shows the trail logging" \
    contains "eu-west-2/cloudtrail/get-trail-status/$trail.json" '"IsLogging": true'
check "describe-security-groups.json has tcp/22 from 0.0.0.0/0" python3 -c '
import json, sys
groups = json.load(open(sys.argv[1]))["SecurityGroups"]
sys.exit(0 if any(p.get("FromPort") == 22 and any(r.get("CidrIp") == "0.0.0.0/0" for r in p.get("IpRanges", []))
                  for g in groups for p in g.get("IpPermissions", [])) else 1)
' "$acct/eu-west-2/ec2/describe-security-groups.json"
check "describe-images.json has the instance's image $ami" \
    contains eu-west-2/ec2/describe-images.json "\"ImageId\": \"$ami\""
check "describe-images.json has the account's own image $own_ami" \
    contains eu-west-2/ec2/describe-images.json "\"ImageId\": \"$own_ami\""
check "describe-images.json in eu-west-1 is the empty --owners self answer" \
    python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])) == {"Images": []} else 1)' \
    "$acct/eu-west-1/ec2/describe-images.json"

# the tree as a whole
both=""
outside=""
while IFS= read -r path; do
    rel="${path#"$acct"/}"
    case "$rel" in
        *.json) stem="${rel%.json}" ;;
        *.error) stem="${rel%.error}" ;;
        *) outside="$outside $rel"; continue ;;
    esac
    if [ "$rel" = "$stem.json" ] && [ -e "$acct/$stem.error" ]; then
        both="$both $stem"
    fi
    scope="${stem%%/*}"
    call="${stem#*/}"
    if [ "$scope" = "global" ]; then
        case "$call" in
            sts/get-caller-identity | ec2/describe-regions | iam/get-account-summary | \
                iam/get-credential-report | iam/get-account-password-policy | \
                iam/list-virtual-mfa-devices | iam/list-users | s3control/get-public-access-block | \
                support/describe-trusted-advisor-checks | artifact/list-reports) ;;
            support/describe-trusted-advisor-check-result/*/*) outside="$outside $rel" ;;
            support/describe-trusted-advisor-check-result/?*) ;;
            *) outside="$outside $rel" ;;
        esac
    elif [ "$scope" = "eu-west-2" ] || [ "$scope" = "eu-west-1" ]; then
        case "$call" in
            ec2/describe-security-groups | ec2/describe-instances | ec2/describe-images | \
                ec2/describe-network-acls | ec2/get-ebs-encryption-by-default | \
                ec2/get-instance-metadata-defaults | ssm/describe-instance-information | \
                guardduty/list-detectors | securityhub/describe-hub | \
                securityhub/get-enabled-standards | configservice/describe-configuration-recorders | \
                configservice/describe-configuration-recorder-status | cloudtrail/describe-trails | \
                inspector2/batch-get-account-status) ;;
            guardduty/get-detector/*/* | cloudtrail/get-trail-status/*/*) outside="$outside $rel" ;;
            guardduty/get-detector/?* | cloudtrail/get-trail-status/?*) ;;
            *) outside="$outside $rel" ;;
        esac
    else
        outside="$outside $rel"
    fi
done < <(find "$out" -mindepth 1 \( -type f -o -type l \) 2>/dev/null | sort)
check "no call has both .json and .error:$both" [ -z "$both" ]
check "nothing outside the layout:$outside" [ -z "$outside" ]
check "no empty folders" [ -z "$(find "$out" -type d -empty 2>/dev/null)" ]
check "no file has CR line endings" [ -z "$(grep -r -l $'\r' "$out" 2>/dev/null)" ]
check "the secret key is in no exported file" [ -z "$(grep -r -l -F -e "$secret" "$out" 2>/dev/null)" ]
secret_not_printed() {
    ! grep -q -F -e "$secret" "$tmp/export.stdout" "$tmp/export.stderr"
}
check "the secret key is not in the script's output" secret_not_printed

# what the script told the user
check "progress shows a line per region and service" \
    grep -q -E '^ +eu-west-1 +cloudtrail +[0-9]+ ok' "$tmp/export.stderr"
check "summary counts calls ok and failed" \
    grep -q -E '^Export finished: [0-9]+ calls ok, [0-9]+ failed' "$tmp/export.stderr"
check "summary gives the auditpack command" \
    grep -q -F -e "auditpack run --from-exports $out --out" "$tmp/export.stderr"
total_files="$(find "$acct" -type f | wc -l)"
ok_calls="$(sed -n 's/^Export finished: \([0-9]*\) calls ok, \([0-9]*\) failed.*/\1 \2/p' "$tmp/export.stderr")"
counts_match() {
    [ -n "$ok_calls" ] && [ "$((${ok_calls% *} + ${ok_calls#* }))" -eq "$total_files" ]
}
check "summary counts match the files written (ok and failed: ${ok_calls:-none}; files: $total_files)" counts_match

# a second run must refuse to write into the non-empty folder
rc=0
(cd "$tmp" && bash "$script" --out "$out" --regions eu-west-2) >/dev/null 2>"$tmp/rerun.stderr" || rc=$?
check "a second run into the same folder is refused" [ "$rc" -ne 0 ]
check "the refused run wrote nothing" [ "$(find "$acct" -type f | wc -l)" -eq "$total_files" ]

# usage
help_prints_usage() {
    bash "$script" --help | grep -q "^Usage: export-aws-cli.sh"
}
check "--help prints usage" help_prints_usage
rc=0
bash "$script" --regions eu-west-2 --all-regions >/dev/null 2>&1 || rc=$?
check "--regions with --all-regions is a usage error" [ "$rc" -eq 2 ]

# auditpack reads what the script wrote (AUDITPACK names the binary)
if [ -n "${AUDITPACK:-}" ]; then
    rc=0
    "$AUDITPACK" run --from-exports "$out" --out "$tmp/auditpack" \
        >"$tmp/auditpack.stdout" 2>"$tmp/auditpack.stderr" || rc=$?
    check "auditpack imports and assesses the export (exit $rc: $(head -c 300 "$tmp/auditpack.stderr"))" [ "$rc" -eq 0 ]
    log="$tmp/auditpack/snapshot/collection-log.json"
    check "auditpack read the sts and security-group answers as ok" python3 -c '
import json, sys
entries = json.load(open(sys.argv[1]))["entries"]
ok = {(e["region"], e["service"], e["operation"]) for e in entries if e["status"] == "ok"}
want = {("global", "sts", "get-caller-identity"), ("eu-west-2", "ec2", "describe-security-groups")}
sys.exit(0 if want <= ok else 1)
' "$log"
    check "auditpack skipped no file of the export" python3 -c '
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["skipped"] == [] else 1)
' "$log"
    check "auditpack finds the seeded world-open SSH rule" python3 -c '
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
sys.exit(0 if any(f["check_id"] == "net.admin-ports-world" and f["status"] == "fail" and 22 in f.get("ports", [])
                  for f in findings) else 1)
' "$tmp/auditpack/assessment/findings.json"
fi

# ------------------------------------------------------------ result

if [ "$failed" -gt 0 ]; then
    printf '\nFailed:\n' >&2
    printf '  %s\n' "${failures[@]}" >&2
    printf 'Export log: %s (set KEEP_TMP=1 to keep it)\n' "$tmp/export.stderr" >&2
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
