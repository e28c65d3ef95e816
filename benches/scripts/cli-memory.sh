#!/bin/sh
# Peak memory (max RSS) and wall time of `akscert simulate|fleet` on generated fleets, as
# a Markdown table: does a large run stream (flat memory, linear time)?
#
#   benches/scripts/cli-memory.sh [AKSCERT] [SIZES] [FORMATS]
#
# AKSCERT defaults to target/release/akscert; SIZES to "25000 50000 100000"; FORMATS to
# every format of `simulate` and of `fleet` (fleet-FORMAT; plain `fleet` is fleet-human).
# Needs python3 and GNU time (/usr/bin/time -v). The scenario generator is gen-fleet.py
# beside this.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../target/release/akscert}
sizes=${2:-25000 50000 100000}
formats=${3:-json csv human html prometheus fleet-human fleet-json fleet-csv fleet-html fleet-prometheus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| clusters | input | command | peak RSS (MB) | wall (s) | exit |"
echo "|---:|---:|---|---:|---:|---:|"
for n in $sizes; do
    python3 "$here/gen-fleet.py" "$n" > "$tmp/fleet-$n.json"
    size=$(du -m "$tmp/fleet-$n.json" | cut -f1)
    for f in $formats; do
        case $f in
            fleet) cmd="fleet $tmp/fleet-$n.json" ;;
            fleet-*) cmd="fleet $tmp/fleet-$n.json -f ${f#fleet-}" ;;
            *) cmd="simulate $tmp/fleet-$n.json -f $f" ;;
        esac
        set +e
        /usr/bin/time -v "$bin" $cmd --engine native --now 2026-01-01 -o "$tmp/out" \
            2> "$tmp/time" > /dev/null
        code=$?
        set -e
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")
        echo "| $n | ${size} MB | ${cmd%% *} -f ${f#fleet-} | $((rss / 1024)) | $wall | $code |"
    done
done
