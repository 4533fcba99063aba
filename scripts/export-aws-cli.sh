#!/usr/bin/env bash
# Export an AWS account's security configuration as a folder of AWS CLI JSON
# outputs, for `auditpack run --from-exports` to assess offline.
#
# Made for AWS CloudShell (AWS CLI v2, bash); also works with AWS CLI v1.
# Only read-only calls are made (describe/get/list), plus
# `iam generate-credential-report`, which AWS needs before it hands out the
# credential report. No credentials are written anywhere.
#
# The folder layout and the list of calls are the contract described in
# docs/export-layout.md; docs/export-script.md says how to run this script.

if [ -z "${BASH_VERSION:-}" ]; then
    echo "export-aws-cli.sh: run this script with bash" >&2
    exit 2
fi

set -u
set -o pipefail
umask 077

# Never page or prompt: this script reads the CLI's output itself.
export AWS_PAGER=""
export AWS_CLI_AUTO_PROMPT="off"

prog="export-aws-cli.sh"

usage() {
    cat <<'EOF'
Usage: export-aws-cli.sh [--out DIR] [--regions "eu-west-2 eu-west-1" | --all-regions] [--profile P]

Export this AWS account's security configuration as AWS CLI JSON files,
for auditpack to assess offline.

Options:
  --out DIR          folder to write (default: auditpack-export-ACCOUNT-DATE);
                     it must not exist yet, or be empty
  --regions "R ..."  regions to export, separated by spaces
  --all-regions      every region AWS lists, even those not enabled for the
                     account (calls there fail and are recorded as .error)
  --profile P        AWS CLI profile to use
  -h, --help         show this help

By default every region enabled for the account is exported.
Each call leaves SERVICE/OPERATION.json, or SERVICE/OPERATION.error with the
CLI's error message if the call failed. A failed call does not stop the export.

Then run:  auditpack run --from-exports DIR --out OUT
EOF
}

die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

usage_error() {
    printf '%s: %s\n' "$prog" "$*" >&2
    printf 'Try: %s --help\n' "$prog" >&2
    exit 2
}

say() {
    printf '%s\n' "$*" >&2
}

# ---------------------------------------------------------------- arguments

out_dir=""
out_given=0
regions_arg=""
regions_given=0
all_regions=0
profile=""

while [ "$#" -gt 0 ]; do
    case "$1" in
        -h | --help)
            usage
            exit 0
            ;;
        --out)
            [ "$#" -ge 2 ] || usage_error "--out needs a folder"
            out_dir="$2"
            out_given=1
            shift 2
            ;;
        --out=*)
            out_dir="${1#--out=}"
            out_given=1
            shift
            ;;
        --regions)
            [ "$#" -ge 2 ] || usage_error "--regions needs a list of regions"
            regions_arg="$2"
            regions_given=1
            shift 2
            ;;
        --regions=*)
            regions_arg="${1#--regions=}"
            regions_given=1
            shift
            ;;
        --all-regions)
            all_regions=1
            shift
            ;;
        --profile)
            [ "$#" -ge 2 ] || usage_error "--profile needs a profile name"
            profile="$2"
            shift 2
            ;;
        --profile=*)
            profile="${1#--profile=}"
            shift
            ;;
        *)
            usage_error "unknown argument: $1"
            ;;
    esac
done

if [ "$regions_given" -eq 1 ] && [ "$all_regions" -eq 1 ]; then
    usage_error "use either --regions or --all-regions, not both"
fi
if [ "$regions_given" -eq 1 ] && [ -z "${regions_arg//[[:space:]]/}" ]; then
    usage_error "--regions is empty"
fi
if [ "$out_given" -eq 1 ] && [ -z "$out_dir" ]; then
    usage_error "--out is empty"
fi

command -v aws >/dev/null 2>&1 || die "the AWS CLI (aws) is not on PATH"

aws_cmd=(aws)
if [ -n "$profile" ]; then
    aws_cmd+=(--profile "$profile")
fi

aws_cli() {
    "${aws_cmd[@]}" "$@"
}

# True if DIR does not exist, or is an empty folder.
usable_out_dir() {
    local dir="$1"
    if [ -e "$dir" ] || [ -L "$dir" ]; then
        [ -d "$dir" ] || return 1
        [ -z "$(ls -A -- "$dir" 2>/dev/null)" ] || return 1
        # ls cannot list it: refuse rather than guess.
        ls -A -- "$dir" >/dev/null 2>&1 || return 1
    fi
    return 0
}

refuse_out_dir() {
    die "$1 already exists and is not an empty folder; choose another with --out"
}

valid_region() {
    [[ "$1" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]]
}

# A resource ID or name that is safe to use as a file name.
safe_name() {
    [[ "$1" =~ ^[A-Za-z0-9._-]+$ ]] && [ "$1" != "." ] && [ "$1" != ".." ]
}

# Read AWS CLI text output on stdin; print each distinct word once, one per
# line, in the order given, without the "None" the CLI prints for no result.
words() {
    tr -d '\r' | tr '\t' ' ' | tr -s ' ' '\n' | awk 'NF && $0 != "None" && !seen[$0]++'
}

# lookup WHAT ARGS... : run a --query call whose output only steers the script
# (it is never stored). Prints the CLI's text output; warns on failure.
lookup() {
    local what="$1"
    shift
    local out rc=0
    out="$(aws_cli "$@" 2>"$tmp_dir/lookup.err")" || rc=$?
    if [ "$rc" -ne 0 ]; then
        say "  warning: could not list $what:"
        sed 's/^/    /' "$tmp_dir/lookup.err" | grep -v -x -e '[[:space:]]*' >&2 || true
        return "$rc"
    fi
    printf '%s\n' "$out" | tr -d '\r'
}

if [ -n "$out_dir" ] && ! usable_out_dir "$out_dir"; then
    refuse_out_dir "$out_dir"
fi

requested_regions=()
if [ "$regions_given" -eq 1 ]; then
    while IFS= read -r r; do
        valid_region "$r" || usage_error "not a region name: $r"
        requested_regions+=("$r")
    done < <(printf '%s\n' "$regions_arg" | words)
fi

# --------------------------------------------------------------- set-up

# Region for account-wide calls (sts, iam, ec2 describe-regions, s3control).
home_region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [ -z "$home_region" ]; then
    home_region="$(aws_cli configure get region 2>/dev/null | tr -d '\r')" || home_region=""
fi
if [ -z "$home_region" ]; then
    home_region="us-east-1"
fi

tmp_dir="$(mktemp -d 2>/dev/null || mktemp -d -t auditpack-export)" ||
    die "cannot create a temporary folder"
current_base=""

# shellcheck disable=SC2317  # run from a trap
cleanup() {
    rm -rf -- "$tmp_dir"
}

# shellcheck disable=SC2317  # run from a trap
interrupted() {
    # Never leave both files (or a half-written .json) for the call in flight.
    if [ -n "$current_base" ]; then
        rm -f -- "$current_base.json" "$current_base.error"
    fi
    say ""
    say "Interrupted: the export in ${out_dir:-the output folder} is incomplete."
    exit 130
}

trap cleanup EXIT
trap interrupted INT TERM HUP

say "AWS CLI: $(aws --version 2>&1 | tr -d '\r' | head -n 1)"

account="$(aws_cli sts get-caller-identity --region "$home_region" \
    --query Account --output text 2>"$tmp_dir/sts.err" | tr -d '\r')"
if ! [[ "$account" =~ ^[0-9]{12}$ ]]; then
    cat -- "$tmp_dir/sts.err" >&2
    die "cannot find out which AWS account these credentials belong to (aws sts get-caller-identity failed)"
fi

if [ -z "$out_dir" ]; then
    out_dir="auditpack-export-${account}-$(date -u +%Y-%m-%d)"
    usable_out_dir "$out_dir" || refuse_out_dir "$out_dir"
fi
say "Account $account, exporting to $out_dir"

# Which regions to export. Worked out before anything is written, so that a
# failure here leaves no half-made folder behind.

regions=()
if [ "$regions_given" -eq 1 ]; then
    regions=("${requested_regions[@]}")
else
    if [ "$all_regions" -eq 1 ]; then
        region_query="Regions[].RegionName"
    else
        region_query="Regions[?OptInStatus=='opt-in-not-required' || OptInStatus=='opted-in'].RegionName"
    fi
    region_text="$(lookup "regions" ec2 describe-regions --all-regions --region "$home_region" \
        --query "$region_query" --output text)" ||
        die "cannot list the account's regions; name them with --regions"
    while IFS= read -r r; do
        if valid_region "$r"; then
            regions+=("$r")
        else
            say "  warning: skipping unexpected region name: $r"
        fi
    done < <(printf '%s\n' "$region_text" | words)
fi
[ "${#regions[@]}" -gt 0 ] || die "no regions to export"
say "Regions (${#regions[@]}): ${regions[*]}"

acct_dir="$out_dir/$account"
mkdir -p -- "$acct_dir" || die "cannot create $acct_dir"

# ------------------------------------------------------------ recording

calls_ok=0
calls_failed=0
group_ok=0
group_failed=0

# run_call BASE ARGS... : run `aws ARGS... --output json` and keep BASE.json
# (success) or BASE.error (failure), never both. Returns the CLI's status.
run_call() {
    local base="$1"
    shift
    local rc=0
    mkdir -p -- "$(dirname -- "$base")" || return 1
    current_base="$base"
    # Not through the aws_cli function: a function's redirections would also
    # catch whatever a signal trap prints meanwhile.
    "${aws_cmd[@]}" "$@" --output json >"$base.json" 2>"$base.error" || rc=$?
    if [ "$rc" -eq 0 ]; then
        rm -f -- "$base.error"
    else
        rm -f -- "$base.json"
    fi
    current_base=""
    return "$rc"
}

count_result() {
    if [ "$1" -eq 0 ]; then
        calls_ok=$((calls_ok + 1))
    else
        calls_failed=$((calls_failed + 1))
    fi
}

# record BASE ARGS... : run_call and count the result.
record() {
    local rc=0
    run_call "$@" || rc=$?
    count_result "$rc"
    return "$rc"
}

# Print one progress line for the calls made since the previous line.
progress() {
    local scope="$1" service="$2"
    local ok=$((calls_ok - group_ok)) failed=$((calls_failed - group_failed))
    local line
    line="$(printf '  %-16s %-14s %3d ok' "$scope" "$service" "$ok")"
    if [ "$failed" -gt 0 ]; then
        line="$line, $failed failed"
    fi
    say "$line"
    group_ok=$calls_ok
    group_failed=$calls_failed
}

# ------------------------------------------------------------ global calls

g="$acct_dir/global"

record "$g/sts/get-caller-identity" sts get-caller-identity --region "$home_region"
progress global sts

record "$g/ec2/describe-regions" ec2 describe-regions --all-regions --region "$home_region"
progress global ec2

record "$g/iam/get-account-summary" iam get-account-summary --region "$home_region"

# The credential report must be generated first; wait (bounded) for COMPLETE.
max_report_tries=12
report_state=""
try=1
while [ "$try" -le "$max_report_tries" ]; do
    report_state="$(aws_cli iam generate-credential-report --region "$home_region" \
        --query State --output text 2>"$tmp_dir/gcr.err" | tr -d '\r')" || {
        say "  warning: iam generate-credential-report failed:"
        sed 's/^/    /' "$tmp_dir/gcr.err" | grep -v -x -e '[[:space:]]*' >&2 || true
        break
    }
    [ "$report_state" = "COMPLETE" ] && break
    if [ "$try" -lt "$max_report_tries" ]; then
        sleep "$((try < 5 ? try : 5))"
    fi
    try=$((try + 1))
done
if [ -n "$report_state" ] && [ "$report_state" != "COMPLETE" ]; then
    say "  warning: the credential report was not COMPLETE after $max_report_tries tries (state: $report_state)"
fi
record "$g/iam/get-credential-report" iam get-credential-report --region "$home_region"

record "$g/iam/get-account-password-policy" iam get-account-password-policy --region "$home_region"
record "$g/iam/list-virtual-mfa-devices" iam list-virtual-mfa-devices --region "$home_region"
record "$g/iam/list-users" iam list-users --region "$home_region"
progress global iam

record "$g/s3control/get-public-access-block" s3control get-public-access-block \
    --account-id "$account" --region "$home_region"
progress global s3control

# Trusted Advisor needs a Business or Enterprise support plan; without one the
# calls fail with SubscriptionRequiredException, which is simply recorded.
if record "$g/support/describe-trusted-advisor-checks" support describe-trusted-advisor-checks \
    --language en --region us-east-1; then
    if check_ids="$(lookup "Trusted Advisor security checks" support describe-trusted-advisor-checks \
        --language en --region us-east-1 \
        --query "checks[?category=='security'].id" --output text)"; then
        while IFS= read -r check_id; do
            if ! safe_name "$check_id"; then
                say "  warning: skipping Trusted Advisor check with an unusual ID: $check_id"
                continue
            fi
            record "$g/support/describe-trusted-advisor-check-result/$check_id" \
                support describe-trusted-advisor-check-result \
                --check-id "$check_id" --language en --region us-east-1
        done < <(printf '%s\n' "$check_ids" | words)
    fi
fi
progress global support

record "$g/artifact/list-reports" artifact list-reports --region us-east-1
progress global artifact

# ------------------------------------------------------------ regions

export_region() {
    local region="$1"
    local d="$acct_dir/$region"
    local text id name arn

    # ---- ec2
    record "$d/ec2/describe-security-groups" ec2 describe-security-groups --region "$region"

    local image_ids=()
    if record "$d/ec2/describe-instances" ec2 describe-instances --region "$region"; then
        if text="$(lookup "instance images in $region" ec2 describe-instances --region "$region" \
            --query 'Reservations[].Instances[].ImageId' --output text)"; then
            while IFS= read -r id; do
                image_ids+=("$id")
            done < <(printf '%s\n' "$text" | words)
        fi
    fi
    if text="$(lookup "own images in $region" ec2 describe-images --owners self --region "$region" \
        --query 'Images[].ImageId' --output text)"; then
        while IFS= read -r id; do
            image_ids+=("$id")
        done < <(printf '%s\n' "$text" | words)
    fi
    export_images "$d/ec2/describe-images" "$region" ${image_ids[@]+"${image_ids[@]}"}

    record "$d/ec2/describe-network-acls" ec2 describe-network-acls --region "$region"
    record "$d/ec2/get-ebs-encryption-by-default" ec2 get-ebs-encryption-by-default --region "$region"
    record "$d/ec2/get-instance-metadata-defaults" ec2 get-instance-metadata-defaults --region "$region"
    progress "$region" ec2

    # ---- ssm
    record "$d/ssm/describe-instance-information" ssm describe-instance-information --region "$region"
    progress "$region" ssm

    # ---- guardduty
    if record "$d/guardduty/list-detectors" guardduty list-detectors --region "$region"; then
        if text="$(lookup "GuardDuty detectors in $region" guardduty list-detectors \
            --region "$region" --query 'DetectorIds' --output text)"; then
            while IFS= read -r id; do
                if ! safe_name "$id"; then
                    say "  warning: skipping GuardDuty detector with an unusual ID: $id"
                    continue
                fi
                record "$d/guardduty/get-detector/$id" guardduty get-detector \
                    --detector-id "$id" --region "$region"
            done < <(printf '%s\n' "$text" | words)
        fi
    fi
    progress "$region" guardduty

    # ---- securityhub
    record "$d/securityhub/describe-hub" securityhub describe-hub --region "$region"
    record "$d/securityhub/get-enabled-standards" securityhub get-enabled-standards --region "$region"
    progress "$region" securityhub

    # ---- configservice
    record "$d/configservice/describe-configuration-recorders" \
        configservice describe-configuration-recorders --region "$region"
    record "$d/configservice/describe-configuration-recorder-status" \
        configservice describe-configuration-recorder-status --region "$region"
    progress "$region" configservice

    # ---- cloudtrail (shadow trails included: the CLI's default)
    if record "$d/cloudtrail/describe-trails" cloudtrail describe-trails --region "$region"; then
        if text="$(lookup "CloudTrail trails in $region" cloudtrail describe-trails \
            --region "$region" --query 'trailList[].[Name,TrailARN]' --output text)"; then
            while IFS=$'\t' read -r name arn; do
                if [ -z "$name" ] || [ "$name" = "None" ]; then
                    continue
                fi
                if ! safe_name "$name" || [ -z "${arn:-}" ] || [ "$arn" = "None" ]; then
                    say "  warning: skipping trail with an unusual name or no ARN: $name"
                    continue
                fi
                local base="$d/cloudtrail/get-trail-status/$name"
                if [ -e "$base.json" ] || [ -e "$base.error" ]; then
                    say "  warning: two trails named $name in $region; kept the first ($arn skipped)"
                    continue
                fi
                record "$base" cloudtrail get-trail-status --name "$arn" --region "$region"
            done < <(printf '%s\n' "$text" | tr -d '\r')
        fi
    fi
    progress "$region" cloudtrail

    # ---- inspector2
    record "$d/inspector2/batch-get-account-status" inspector2 batch-get-account-status --region "$region"
    progress "$region" inspector2
}

# export_images BASE REGION [IMAGE_ID...] : one describe-images call for the
# images the region's instances use and the account's own images. With no
# image IDs, the file comes from `--owners self`.
export_images() {
    local base="$1" region="$2"
    shift 2
    local ids=()
    local id
    while IFS= read -r id; do
        ids+=("$id")
    done < <(printf '%s\n' "$@" | words)

    local rc=0 attempt missing kept
    for attempt in 1 2; do
        rc=0
        if [ "${#ids[@]}" -gt 0 ]; then
            run_call "$base" ec2 describe-images --region "$region" --image-ids "${ids[@]}" || rc=$?
        else
            run_call "$base" ec2 describe-images --region "$region" --owners self || rc=$?
        fi
        if [ "$rc" -eq 0 ] || [ "$attempt" -ne 1 ] || [ "${#ids[@]}" -eq 0 ]; then
            break
        fi
        # An instance launched from an image that no longer exists makes the
        # whole call fail with InvalidAMIID.NotFound: retry once without it.
        grep -q 'InvalidAMIID.NotFound' "$base.error" 2>/dev/null || break
        missing="$(grep -o 'ami-[0-9a-f]\{8,\}' "$base.error" | sort -u)"
        [ -n "$missing" ] || break
        kept=()
        for id in "${ids[@]}"; do
            if ! printf '%s\n' "$missing" | grep -q -x -F -e "$id"; then
                kept+=("$id")
            fi
        done
        say "  note: images no longer available in $region, left out: $(printf '%s\n' "$missing" | paste -s -d ' ' -)"
        ids=(${kept[@]+"${kept[@]}"})
    done
    count_result "$rc"
    return "$rc"
}

for region in "${regions[@]}"; do
    export_region "$region"
done

# ------------------------------------------------------------ summary

say ""
say "Export finished: $calls_ok calls ok, $calls_failed failed."
if [ "$calls_failed" -gt 0 ]; then
    say "Each failed call left a .error file with the CLI's message. Some failures are"
    say "expected (no password policy set, no Business support plan, a service not"
    say "enabled); AccessDenied means the role lacks a permission (see docs/export-script.md)."
fi
say "Export folder: $out_dir"
# Zipped from its parent folder, so the archive holds the folder's own name
# rather than the whole path to it.
out_parent="$(dirname -- "$out_dir")"
out_name="$(basename -- "$out_dir")"
if [ "$out_parent" = "." ]; then
    zip_command="zip -r $(printf '%q' "$out_name.zip") $(printf '%q' "$out_name")"
else
    zip_command="(cd $(printf '%q' "$out_parent") && zip -r $(printf '%q' "$out_name.zip") $(printf '%q' "$out_name"))"
fi
say "In CloudShell, zip it to download it:  $zip_command"
say "Next, run:  auditpack run --from-exports $(printf '%q' "$out_dir") --out auditpack-report"
exit 0
