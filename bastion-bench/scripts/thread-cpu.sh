#!/usr/bin/env bash
# CPU time per thread kind, summed over processes, during a window: what JFR cannot see
# (kernel time, JIT and GC threads). Usage: thread-cpu.sh SECONDS PID...
# Prints "<thread kind> user <ticks> sys <ticks>" (1 tick = 10 ms) for the window.
set -euo pipefail
seconds=$1; shift
snap() {
  for pid in "$@"; do
    for t in /proc/$pid/task/*; do
      [ -r "$t/stat" ] || continue
      printf '%s %s\n' "$(tr ' ' '_' < "$t/comm" | sed 's/[-_][0-9]*$//')" "$(awk '{print $14, $15}' "$t/stat")"
    done
  done | awk '{u[$1]+=$2; s[$1]+=$3} END {for (k in u) print k, u[k], s[k]}' | sort
}
before=$(snap "$@"); sleep "$seconds"; after=$(snap "$@")
join <(echo "$before") <(echo "$after") | awk '{u=$4-$2; s=$5-$3; if (u+s>0) printf "%-22s user %5d sys %5d\n", $1, u, s}' | sort -k3 -nr
