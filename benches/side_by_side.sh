#!/usr/bin/env bash
# auditpack beside the tools people would otherwise use, in one run, on
# the same synthetic snapshots: one of about SIZE_MB MiB held mostly in one
# large file (ec2/describe-security-groups.json), and one of the same size
# shared out over a few thousand small files (Trusted Advisor results).
#
# For each snapshot, each command under /usr/bin/time -v (wall time, peak
# resident memory):
#
#   assess   auditpack assess
#   bundle   auditpack bundle --assessment
#            against bagit.py --sha256 then zip -r -6 on a copy of the
#            snapshot folder (the same job with standard tools); sizes too
#   verify   auditpack verify of the bundle
#            against unzip then bagit.py --validate of the same bundle
#            (what an auditor would otherwise do), and against
#            openssl dgst -sha256 over the uncompressed payload files (the
#            hashing limit)
#
# and the ratios, with the targets they are held to.
#
# Usage: benches/side_by_side.sh               (1 GiB per snapshot, a few minutes)
#        SIZE_MB=100 benches/side_by_side.sh   (smaller)
#        SHAPES=large benches/side_by_side.sh  (one snapshot only: large or small)
# SMALL_FILES sets the number of small files (default 3000). The release
# build is used. bagit.py comes from the virtual environment scripts/test
# makes ($AUDITPACK_VENV, by default ~/.cache/auditpack/venv); zip, unzip,
# openssl and /usr/bin/time from Debian, installed with apt when running as
# root. The work folder is removed at the end (KEEP=1 keeps it).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
size_mb="${SIZE_MB:-1024}"
small_files="${SMALL_FILES:-3000}"
shapes="${SHAPES:-large small}"
venv="${AUDITPACK_VENV:-$HOME/.cache/auditpack/venv}"
bagit="$venv/bin/bagit.py"
limit_mib=100
account=210987654321
region=eu-west-2

say() { printf '==> %s\n' "$*" >&2; }

install_tools() {
  local missing=()
  [ -x /usr/bin/time ] || missing+=(time)
  command -v zip >/dev/null 2>&1 || missing+=(zip)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      printf 'error: the bench needs %s; install it with: sudo apt-get install %s\n' \
        "${missing[*]}" "${missing[*]}" >&2
      exit 2
    fi
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ ! -x "$bagit" ]; then
    printf 'error: %s is missing; scripts/test installs bagit-python there (or set AUDITPACK_VENV)\n' \
      "$bagit" >&2
    exit 2
  fi
}

# Writes an export folder as scripts/export-aws-cli.sh would: every call of
# one account and one region answered, padded to the wanted size either in
# the security groups (shape `large`) or in the Trusted Advisor results
# (shape `small`).
make_export() {
  local out=$1
  local shape=$2
  python3 - "$out" "$account" "$region" "$size_mb" "$small_files" "$shape" <<'PY'
import json, os, sys

out, account, region = sys.argv[1], sys.argv[2], sys.argv[3]
size = int(sys.argv[4]) << 20
checks = int(sys.argv[5])
shape = sys.argv[6]
# One large file holds the bulk, or the small files share it out.
per_check = size // checks if shape == "small" else 0

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
    # Padded with flagged resources up to its share of the size, if any.
    resources, length = [], 0
    while True:
        r = len(resources)
        resources.append({"status": "ok", "region": region,
                          "resourceId": f"res-{n:08x}-{r:06d}", "isSuppressed": False,
                          "metadata": [region, f"arn:aws:ec2:{region}:{account}:volume/vol-{n:08x}{r:06x}",
                                       "Green"]})
        length += len(json.dumps(resources[-1], indent=4)) + 150
        if length >= per_check:
            break
    write("global", f"support/describe-trusted-advisor-check-result/{i}",
          {"result": {"checkId": i, "timestamp": "2026-11-30T05:11:40Z", "status": "ok",
                      "resourcesSummary": {"resourcesProcessed": len(resources),
                                           "resourcesFlagged": 0, "resourcesIgnored": 0,
                                           "resourcesSuppressed": 0},
                      "flaggedResources": resources}})

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
# each to varied private ranges, until the wanted size is reached (one
# group when the small files hold the bulk).
if shape == "small":
    size = 0
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
# sets `secs` (wall time) and `kib` (peak resident memory of the largest
# process, for a pipeline or a script).
measure() {
  local log="$work/time.log"
  /usr/bin/time -v -o "$log" "$@" >/dev/null
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, t, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + t[i]
      printf "%.2f", s }' "$log")
  kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
meets() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
  ok = (op == ">=") ? (a >= b) : (a <= b); print ok ? "met" : "MISSED" }'; }
row() { printf '  %-38s %9s %10s %s\n' "$@"; }

# One snapshot of `shape`, through everything.
bench_shape() {
  local shape=$1 dir="$work/$1"
  mkdir -p "$dir"
  say "[$shape] writing a synthetic export of about $size_mb MiB"
  make_export "$dir/export" "$shape"
  "$bin" -q collect --from-exports "$dir/export" --out "$dir/snapshot"
  rm -rf "$dir/export"
  local bytes files
  bytes=$(find "$dir/snapshot" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  files=$(find "$dir/snapshot" -type f | wc -l)

  say "[$shape] auditpack assess"
  measure "$bin" -q assess "$dir/snapshot" --out "$dir/assessment"
  local assess_s=$secs assess_kib=$kib
  # What a bundle holds, for the standard tools to bag: the snapshot and
  # its assessment, copied (not timed) as bagit.py turns a folder into a
  # bag in place.
  mkdir -p "$dir/plain/bag/snapshot"
  cp -r "$dir/snapshot/." "$dir/plain/bag/snapshot/"
  cp -r "$dir/assessment" "$dir/plain/bag/assessment"

  say "[$shape] auditpack bundle"
  measure "$bin" -q bundle "$dir/snapshot" --assessment "$dir/assessment" \
    --key "$work/key" --out "$dir/bundle.zip"
  local bundle_s=$secs bundle_kib=$kib
  say "[$shape] bagit.py --sha256, then zip -r -6"
  # shellcheck disable=SC2016
  measure bash -c 'set -e; "$1" --quiet --sha256 "$2/bag"; cd "$2"; zip -q -r -6 plain.zip bag' \
    _ "$bagit" "$dir/plain"
  local tools_s=$secs tools_kib=$kib
  local bundle_size plain_size
  bundle_size=$(stat -c %s "$dir/bundle.zip")
  plain_size=$(stat -c %s "$dir/plain/plain.zip")
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir/plain"

  say "[$shape] auditpack verify"
  measure "$bin" -q verify "$dir/bundle.zip" --key "$work/key.pub"
  local verify_s=$secs verify_kib=$kib
  say "[$shape] unzip, then bagit.py --validate"
  # shellcheck disable=SC2016
  measure bash -c 'set -e; unzip -q "$2" -d "$3"; "$1" --quiet --validate "$3"/*' \
    _ "$bagit" "$dir/bundle.zip" "$dir/unzipped"
  local audit_s=$secs audit_kib=$kib
  rm -rf "$dir/unzipped"
  say "[$shape] openssl dgst -sha256 over the payload files"
  # shellcheck disable=SC2016
  measure bash -c 'set -eo pipefail
    find "$1" -type f -print0 | sort -z | xargs -0 openssl dgst -sha256' _ "$dir/snapshot"
  local sha_s=$secs sha_kib=$kib

  local bundle_x verify_x sha_x size_x
  bundle_x=$(ratio "$tools_s" "$bundle_s")
  size_x=$(ratio "$bundle_size" "$plain_size")
  verify_x=$(ratio "$audit_s" "$verify_s")
  sha_x=$(ratio "$sha_s" "$verify_s")
  printf '\n[%s] evidence: %s bytes in %s files\n' "$shape" "$bytes" "$files" >&2
  {
    printf '\n%s: %s MiB in %s files\n' "$shape" "$((bytes >> 20))" "$files"
    row "" "wall (s)" "peak (MiB)" "size (bytes)"
    row "auditpack assess" "$assess_s" "$(mib "$assess_kib")" ""
    row "auditpack bundle" "$bundle_s" "$(mib "$bundle_kib")" "$bundle_size"
    row "bagit.py --sha256 + zip -r -6" "$tools_s" "$(mib "$tools_kib")" "$plain_size"
    row "auditpack verify" "$verify_s" "$(mib "$verify_kib")" ""
    row "unzip + bagit.py --validate" "$audit_s" "$(mib "$audit_kib")" ""
    row "openssl dgst -sha256 (payload)" "$sha_s" "$(mib "$sha_kib")" ""
    printf '  bundle: %sx faster than bagit.py + zip -r -6 (target 2, %s), size %sx (target 1, %s)\n' \
      "$bundle_x" "$(meets "$bundle_x" ">=" 2)" "$size_x" "$(meets "$size_x" "<=" 1)"
    printf '  verify: %sx faster than unzip + bagit.py --validate (target 3, %s)\n' \
      "$verify_x" "$(meets "$verify_x" ">=" 3)"
    printf '  verify: %sx the throughput of openssl dgst -sha256 (target 0.7, %s)\n' \
      "$sha_x" "$(meets "$sha_x" ">=" 0.7)"
    printf '  peak memory under %s MiB: bundle %s, verify %s\n' "$limit_mib" \
      "$(meets "$(mib "$bundle_kib")" "<=" "$limit_mib")" \
      "$(meets "$(mib "$verify_kib")" "<=" "$limit_mib")"
  } >>"$work/results.txt"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
}

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
"$bin" -q keygen --out "$work/key" >/dev/null
: >"$work/results.txt"
for shape in $shapes; do
  case $shape in
    large | small) bench_shape "$shape" ;;
    *) printf 'error: SHAPES takes large and small, not %s\n' "$shape" >&2; exit 2 ;;
  esac
done
printf '\n%s on %s, %s cores, load average %s\n' "$(date -u +%Y-%m-%d)" \
  "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work/results.txt"
