#!/usr/bin/env bash
# How long live collection takes, beside the export script (the AWS CLI, one
# call after another) on the same emulated account: moto in server mode
# behind tests/emulator/aws_emulator.py, on 127.0.0.1.
#
# Both collect the same calls of the same regions. The emulator answers in a
# few milliseconds, so by default the figures measure the tools' own cost
# (for the AWS CLI, mostly starting Python for every call). LATENCY_MS adds
# that much latency to every request, as a real network to AWS would (tens of
# milliseconds), which is where collecting in parallel pays.
#
# Usage: benches/collect_live.sh                  (2 regions, no latency)
#        REGIONS="eu-west-2 eu-west-1 us-east-1" LATENCY_MS=40 benches/collect_live.sh
# Needs the Python environment scripts/test makes (AUDITPACK_VENV, by default
# ~/.cache/auditpack/venv). Uses the release build (built if missing), or
# AUDITPACK=path/to/auditpack.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
venv="${AUDITPACK_VENV:-$HOME/.cache/auditpack/venv}"
regions="${REGIONS:-eu-west-2 eu-west-1}"
latency_ms="${LATENCY_MS:-0}"

say() { printf '==> %s\n' "$*" >&2; }

if [ ! -x "$venv/bin/python" ] || [ ! -x "$venv/bin/aws" ]; then
  printf 'error: no Python environment with moto and the AWS CLI at %s; run scripts/test first\n' "$venv" >&2
  exit 2
fi
if [ -z "${AUDITPACK:-}" ]; then
  say "building auditpack (release)"
  cargo build --release --locked --quiet
  AUDITPACK="${CARGO_TARGET_DIR:-$root/target}/release/auditpack"
fi

work="$(mktemp -d)"
emulator_pid=""
# shellcheck disable=SC2317  # run from a trap
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf -- "$work"
}
trap cleanup EXIT

python3 - "$latency_ms" >"$work/faults.json" <<'PY'
import json, sys
services = ["ec2", "iam", "sts", "ssm", "support", "config", "cloudtrail", "s3control",
            "guardduty", "securityhub", "inspector2", "artifact", "auditmanager"]
delay = int(sys.argv[1])
print(json.dumps([{"service": s, "delay_ms": delay} for s in services] if delay else []))
PY
mkfifo "$work/ready"
"$venv/bin/python" tests/emulator/aws_emulator.py --ignore-stdin --faults "$work/faults.json" \
  --log "$work/emulator.log" >"$work/ready" &
emulator_pid=$!
read -r word endpoint <"$work/ready" || true
[ "$word" = ready ] || {
  printf 'error: the emulator did not start:\n' >&2
  tail -n 20 "$work/emulator.log" >&2
  exit 1
}

# Only the emulator is reachable: no credentials, profiles or instance
# metadata from this machine.
for v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
: >"$work/empty"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=eu-west-2 AWS_DEFAULT_REGION=eu-west-2 AWS_ENDPOINT_URL="$endpoint"
export AWS_CONFIG_FILE="$work/empty" AWS_SHARED_CREDENTIALS_FILE="$work/empty"
export AWS_EC2_METADATA_DISABLED=true
export HTTP_PROXY="$endpoint" HTTPS_PROXY="$endpoint" http_proxy="$endpoint" https_proxy="$endpoint"
export NO_PROXY="" no_proxy=""

seconds() { python3 -c 'import sys; print(f"{float(sys.argv[1]):.2f}")' "$1"; }
now() { date +%s.%N; }

say "export script (AWS CLI) against $endpoint: regions $regions, ${latency_ms} ms latency"
start=$(now)
PATH="$venv/bin:$PATH" bash scripts/export-aws-cli.sh --regions "$regions" --out "$work/export" \
  >/dev/null 2>"$work/export.log"
export_s=$(python3 -c "print($(now) - $start)")

say "auditpack collect (live, AWS SDK)"
start=$(now)
"$AUDITPACK" collect -q --region "${regions// /,}" --out "$work/live"
live_s=$(python3 -c "print($(now) - $start)")

# Calls made: log entries of a service, not those that stand for a whole
# region left out (service "*").
calls=$(python3 -c 'import json,sys; print(sum(e["service"] != "*" for e in json.load(open(sys.argv[1]))["entries"]))' "$work/live/collection-log.json")
printf '\n%-34s %8s\n' "collector" "seconds"
printf '%-34s %8s\n' "export script (AWS CLI v1)" "$(seconds "$export_s")"
printf '%-34s %8s\n' "auditpack collect (live)" "$(seconds "$live_s")"
python3 - "$export_s" "$live_s" "$calls" <<'PY'
import sys
export_s, live_s, calls = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
ratio = export_s / live_s
verdict = "met" if ratio >= 5 else "MISSED"
print(f"\n{calls} calls made by each; live collection is {ratio:.1f} times faster than the export script "
      f"(target: at least 5 times; {verdict})")
PY
