#!/usr/bin/env bash
# Runs a command and samples the summed RSS of its whole process tree once a second;
# prints wall time and peak total RSS at the end. Usage: scripts/measure-run.sh CMD...
set -uo pipefail
start=$(date +%s.%N)
"$@" &
root=$!
peak_kb=0
tree_rss() {
  local pids=$1 all=$1 next
  while [ -n "$pids" ]; do
    next=$(for p in $pids; do pgrep -P "$p"; done | tr '\n' ' ')
    all="$all $next"
    pids=$(echo "$next" | xargs)
  done
  ps -o rss= -p $(echo "$all" | xargs | tr ' ' ',') 2>/dev/null | awk '{s+=$1} END {print s+0}'
}
while kill -0 "$root" 2>/dev/null; do
  rss=$(tree_rss "$root")
  [ "$rss" -gt "$peak_kb" ] && peak_kb=$rss
  sleep 1
done
wait "$root"
status=$?
end=$(date +%s.%N)
echo "measure: exit=$status wall_s=$(echo "$end - $start" | bc) peak_tree_rss_mb=$((peak_kb / 1024))" >&2
exit $status
