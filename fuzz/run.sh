#!/usr/bin/env bash
# Seed each target's corpus from ../shared/corpus (kept out of git: fuzz/corpus is ignored)
# and run the targets one at a time, single job/worker (the machine has 2 shared cores).
# Usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")"
SECS="${1:-600}"; shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(inspect der pem kubeconfig tool_output aks_json trust)
SHARED="${AKSCERT_CORPUS:-../../shared/corpus}"
mkdir -p logs
seed() {
  local t=$1 dir=corpus/$1
  mkdir -p "$dir"
  [ -d "$SHARED" ] || return 0
  case $t in
    inspect|pem) find "$SHARED" -type f ! -name '*.json' -size -64k -exec cp -n {} "$dir/" \; 2>/dev/null || true ;;
    der) find "$SHARED/x509-misc" -name '*.der' -exec cp -n {} "$dir/" \; ;;
    kubeconfig) cp -n "$SHARED"/k8s-pki/kubeconfig/*/* "$dir/" 2>/dev/null || true ;;
    tool_output) i=0; for f in "$SHARED"/tool-output/*/*; do for s in 0 1 2 3 4 5; do printf "\\x$(printf %02x $s)" | cat - "$f" > "$dir/seed-$i-$s"; done; i=$((i+1)); done ;;
    aks_json) cp -n "$SHARED"/aks-json/*/*.json "$dir/" ;;
    trust) i=0; for f in "$SHARED"/x509-misc/webpki/*.der; do n=$(( ($(stat -c %s "$f") + 7) / 8 )); [ $n -gt 255 ] && continue; { printf "\\x$(printf %02x $n)\\x00"; cat "$f" "$f"; } > "$dir/seed-$i"; i=$((i+1)); done ;;
  esac
}
for t in "${TARGETS[@]}"; do
  seed "$t"
  echo "== $t: $(ls corpus/$t | wc -l) seeds, ${SECS}s" | tee "logs/$t.log"
  cargo +nightly fuzz run "$t" -- -jobs=1 -workers=1 -max_total_time="$SECS" -max_len=65536 -rss_limit_mb=2048 -timeout=10 >>"logs/$t.log" 2>&1 || echo "== $t exited $?" >>"logs/$t.log"
  # With -jobs=1 libFuzzer writes the worker's output to fuzz-0.log in this directory.
  [ -f fuzz-0.log ] && mv fuzz-0.log "logs/$t.worker.log"
  grep -hE "Done [0-9]+ runs|SUMMARY|crash-|timeout-|oom-" "logs/$t.log" "logs/$t.worker.log" 2>/dev/null | tail -3
done
