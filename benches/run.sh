#!/usr/bin/env bash
# Every bench in one run, as BENCHMARKS.md reports them: how assess grows
# (security groups, instances, IAM users), bundle and verify beside
# bagit.py, zip, unzip and openssl on about 1 GiB of evidence (one large
# file, then thousands of small ones), live collection beside the export
# script on one emulated account, and the PDF summary. About ten minutes on
# two cores.
#
# Usage: benches/run.sh            (the full run)
#        benches/run.sh --quick    (smaller sizes: about five minutes)
# The side-by-side bench needs bagit.py in the virtual environment
# scripts/test makes (see benches/side_by_side.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) printf 'usage: benches/run.sh [--quick]\n' >&2; exit 2 ;;
esac

printf '== machine: %s, %s cores; load average %s\n' \
  "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"

printf '\n== assess: time and peak memory against the size of the evidence\n'
if [ "$quick" = 1 ]; then
  cargo bench --locked --quiet --bench assess_scale -- 1000 2000 instances:2500 instances:5000 \
    users:2500 users:5000
else
  cargo bench --locked --quiet --bench assess_scale
fi

printf '\n== bundle and verify, side by side with the standard tools\n'
if [ "$quick" = 1 ]; then
  SIZE_MB="${SIZE_MB:-100}" benches/side_by_side.sh
else
  benches/side_by_side.sh
fi

printf '\n== collect: live collection beside the export script, one emulated account\n'
benches/collect_live.sh
LATENCY_MS=40 benches/collect_live.sh

printf '\n== report: the PDF summary\n'
cargo bench --locked --quiet --bench report
