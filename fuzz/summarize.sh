#!/usr/bin/env bash
# Print one Markdown table row per target from fuzz/logs (written by run.sh).
cd "$(dirname "$0")"
echo "| target | seeds | runs | seconds | execs/s | coverage (cov / ft) | crashes |"
echo "|---|---|---|---|---|---|---|"
for t in inspect der pem kubeconfig tool_output aks_json trust; do
  w="logs/$t.worker.log"; [ -f "$w" ] || continue
  seeds=$(sed -n 's/^== .*: \([0-9]*\) seeds.*/\1/p' "logs/$t.log" | head -1)
  done_line=$(grep -m1 "^Done [0-9]* runs" "$w")
  runs=$(echo "$done_line" | awk '{print $2}'); secs=$(echo "$done_line" | awk '{print $5}')
  last=$(grep -E "^#[0-9]+" "$w" | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \/ \2/p')
  crashes=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  echo "| $t | $seeds | $runs | $secs | $(( runs / secs )) | $cov | $crashes |"
done
