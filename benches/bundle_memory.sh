#!/usr/bin/env bash
# How fast, and in how much memory, `auditpack bundle` and `auditpack verify`
# handle a large snapshot: about 1 GiB of evidence, one large JSON file
# (ec2/describe-security-groups.json) and a few thousand small ones (Trusted
# Advisor check results).
#
# Each is timed with /usr/bin/time -v (wall time, peak resident memory) and
# compared with tools doing the bare work on the same bytes: `openssl dgst
# -sha256` (hashing only), `zip -r -6` of the snapshot folder (compressing
# only) and `unzip -t` of the bundle (decompressing and CRC-checking only).
# The bundle and verify are expected to stream their files, so their peak
# memory should stay under 100 MiB whatever the size of the evidence.
#
# The snapshot is assessed first (`auditpack assess`, measured on its own:
# judging the evidence means reading every file), then sealed with
# `auditpack bundle --assessment`, which only streams files into the zip.
#
# Usage: benches/bundle_memory.sh              (about 1 GiB, a few minutes)
#        SIZE_MB=200 benches/bundle_memory.sh  (smaller)
# SMALL_FILES sets the number of small files (default 3000). The release
# build is used; the work folder is removed at the end (KEEP=1 keeps it).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
size_mb="${SIZE_MB:-1024}"
small_files="${SMALL_FILES:-3000}"
limit_mib=100
account=210987654321
region=eu-west-2

say() { printf '==> %s\n' "$*" >&2; }

# /usr/bin/time (Debian package `time`, not the shell keyword), zip, unzip
# and openssl; installed with apt when running as root.
install_tools() {
  local missing=()
  [ -x /usr/bin/time ] || missing+=(time)
  command -v zip >/dev/null 2>&1 || missing+=(zip)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    printf 'error: the bench needs %s; install it with: sudo apt-get install %s\n' \
      "${missing[*]}" "${missing[*]}" >&2
    exit 2
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Writes an export folder as scripts/export-aws-cli.sh would: every call of
# one account and one region answered, the security groups padded to the
# wanted size with egress rules, and one Trusted Advisor result per check.
make_export() {
  local out=$1
  python3 - "$out" "$account" "$region" "$size_mb" "$small_files" <<'PY'
import json, os, sys

out, account, region = sys.argv[1], sys.argv[2], sys.argv[3]
size = int(sys.argv[4]) << 20
checks = int(sys.argv[5])

def write(scope, call, document):
    path = os.path.join(out, account, scope, call + ".json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(document, f, indent=4)

report = (
    "user,arn,password_enabled,mfa_active\n"
    f"<root_account>,arn:aws:iam::{account}:root,not_supported,true\n"
)
import base64
write("global", "sts/get-caller-identity",
      {"UserId": "AROA:bench", "Account": account,
       "Arn": f"arn:aws:sts::{account}:assumed-role/Audit/bench"})
write("global", "ec2/describe-regions",
      {"Regions": [{"RegionName": region, "OptInStatus": "opt-in-not-required"}]})
write("global", "iam/get-account-summary", {"SummaryMap": {"AccountMFAEnabled": 1}})
write("global", "iam/get-credential-report",
      {"Content": base64.b64encode(report.encode()).decode(),
       "GeneratedTime": "2026-11-30T09:15:02+00:00", "ReportFormat": "text/csv"})
write("global", "iam/get-account-password-policy",
      {"PasswordPolicy": {"MinimumPasswordLength": 14}})
write("global", "iam/list-virtual-mfa-devices", {"VirtualMFADevices": []})
write("global", "iam/list-users", {"Users": []})
write("global", "s3control/get-public-access-block",
      {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True}})
write("global", "artifact/list-reports", {"reports": []})

# The few thousand small files: one result per Trusted Advisor check.
ids = [f"Bench{i:05d}" for i in range(checks)]
write("global", "support/describe-trusted-advisor-checks",
      {"checks": [{"id": i, "name": f"Synthetic security check {i}",
                   "description": "Made up for the bench.", "category": "security",
                   "metadata": ["Region", "Resource", "Status"]} for i in ids]})
for n, i in enumerate(ids):
    write("global", f"support/describe-trusted-advisor-check-result/{i}",
          {"result": {"checkId": i, "timestamp": "2026-11-30T05:11:40Z", "status": "ok",
                      "resourcesSummary": {"resourcesProcessed": n % 7, "resourcesFlagged": 0,
                                           "resourcesIgnored": 0, "resourcesSuppressed": 0},
                      "flaggedResources": [{"status": "ok", "resourceId": f"res-{n:08x}",
                                            "isSuppressed": False}]}})

for call, document in [
    ("ec2/describe-instances", {"Reservations": []}),
    ("ec2/describe-images", {"Images": []}),
    ("ec2/describe-network-acls", {"NetworkAcls": []}),
    ("ec2/get-ebs-encryption-by-default", {"EbsEncryptionByDefault": True}),
    ("ec2/get-instance-metadata-defaults", {"AccountLevel": {}}),
    ("ssm/describe-instance-information", {"InstanceInformationList": []}),
    ("guardduty/list-detectors", {"DetectorIds": []}),
    ("securityhub/describe-hub",
     {"HubArn": f"arn:aws:securityhub:{region}:{account}:hub/default"}),
    ("securityhub/get-enabled-standards", {"StandardsSubscriptions": []}),
    ("configservice/describe-configuration-recorders", {"ConfigurationRecorders": []}),
    ("configservice/describe-configuration-recorder-status",
     {"ConfigurationRecordersStatus": []}),
    ("cloudtrail/describe-trails", {"trailList": []}),
    ("inspector2/batch-get-account-status", {"accounts": [], "failedAccounts": []}),
]:
    write(region, call, document)

# The large file, written as it goes: security groups of 800 egress rules
# each to varied private ranges, until the wanted size is reached.
path = os.path.join(out, account, region, "ec2/describe-security-groups.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
written, group = 0, 0
with open(path, "w") as f:
    f.write('{\n    "SecurityGroups": [\n')
    while True:
        ranges = ",\n".join(
            f'                        {{"CidrIp": "10.{(group + r) % 256}.{r % 256}.0/24", '
            f'"Description": "tier {r % 13} subnet {group}-{r}"}}'
            for r in range(800))
        text = (
            f'        {{\n            "GroupId": "sg-{group:017x}",\n'
            f'            "GroupName": "bench-{group}",\n'
            f'            "Description": "synthetic group {group}",\n'
            f'            "VpcId": "vpc-0395561690bd31fca",\n'
            f'            "OwnerId": "{account}",\n'
            f'            "IpPermissions": [],\n'
            f'            "IpPermissionsEgress": [{{"IpProtocol": "tcp", "FromPort": 443, '
            f'"ToPort": 443, "IpRanges": [\n{ranges}\n            ]}}]\n        }}')
        written += len(text)
        group += 1
        if written >= size:
            f.write(text + "\n    ]\n}\n")
            break
        f.write(text + ",\n")
PY
}

# Runs a command under /usr/bin/time -v, stopping the bench if it fails;
# sets `secs` (wall time) and `kib` (peak resident memory).
measure() {
  local log="$work/time.log"
  /usr/bin/time -v -o "$log" "$@" >/dev/null
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, t, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + t[i]
      printf "%.2f", s }' "$log")
  kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

install_tools

say "building auditpack (release)"
cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/release/auditpack"

work="$(mktemp -d)"
if [ "${KEEP:-0}" = 1 ]; then
  say "keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi
export SOURCE_DATE_EPOCH=1796000000

say "writing a synthetic export of about $size_mb MiB ($small_files small files)"
make_export "$work/export"
"$bin" -q collect --from-exports "$work/export" --out "$work/snapshot"
"$bin" -q keygen --out "$work/key" >/dev/null
evidence_bytes=$(du -sb "$work/snapshot" | cut -f1)
evidence_files=$(find "$work/snapshot" -type f | wc -l)

say "auditpack assess"
measure "$bin" -q assess "$work/snapshot" --out "$work/assessment"
assess_s=$secs assess_kib=$kib
say "auditpack bundle"
measure "$bin" -q bundle "$work/snapshot" --assessment "$work/assessment" \
  --key "$work/key" --out "$work/bundle.zip"
bundle_s=$secs bundle_kib=$kib
say "auditpack verify"
measure "$bin" -q verify "$work/bundle.zip" --key "$work/key.pub"
verify_s=$secs verify_kib=$kib

say "baselines: openssl dgst -sha256, zip -r -6, unzip -t"
# Every evidence file's bytes in one stream, as the bundle hashes them. The
# inner scripts take their paths as $1 and $2, hence the single quotes.
# shellcheck disable=SC2016
measure bash -c 'set -o pipefail
  find "$1" -type f -print0 | sort -z | xargs -0 cat | openssl dgst -sha256' _ "$work/snapshot"
sha_s=$secs sha_kib=$kib
# shellcheck disable=SC2016
measure bash -c 'cd "$1" && zip -q -r -6 "$2" snapshot' _ "$work" "$work/plain.zip"
zip_s=$secs zip_kib=$kib
measure unzip -qt "$work/bundle.zip"
unzip_s=$secs unzip_kib=$kib

bundle_mib=$(mib "$bundle_kib")
verify_mib=$(mib "$verify_kib")
under() { awk -v m="$1" -v l="$limit_mib" 'BEGIN { print (m < l) ? "yes" : "NO" }'; }

printf '\nevidence: %s bytes in %s files; bundle: %s bytes\n\n' \
  "$evidence_bytes" "$evidence_files" "$(stat -c %s "$work/bundle.zip")"
printf '%-22s %10s %14s\n' "" "wall (s)" "peak RSS (MiB)"
printf '%-22s %10s %14s\n' \
  "auditpack assess" "$assess_s" "$(mib "$assess_kib")" \
  "auditpack bundle" "$bundle_s" "$bundle_mib" \
  "auditpack verify" "$verify_s" "$verify_mib" \
  "openssl dgst -sha256" "$sha_s" "$(mib "$sha_kib")" \
  "zip -r -6" "$zip_s" "$(mib "$zip_kib")" \
  "unzip -t" "$unzip_s" "$(mib "$unzip_kib")"
printf '\nbundle: %sx openssl sha256, %sx zip -r -6\n' \
  "$(ratio "$bundle_s" "$sha_s")" "$(ratio "$bundle_s" "$zip_s")"
printf 'verify: %sx openssl sha256, %sx unzip -t\n' \
  "$(ratio "$verify_s" "$sha_s")" "$(ratio "$verify_s" "$unzip_s")"
printf 'peak memory under %s MiB: bundle %s (%s MiB), verify %s (%s MiB)\n' \
  "$limit_mib" "$(under "$bundle_mib")" "$bundle_mib" "$(under "$verify_mib")" "$verify_mib"
