#!/usr/bin/env bash
# CPU time per thread kind, summed over processes, during a window: what JFR cannot see
# (kernel time, JIT and GC threads). Usage: thread-cpu.sh SECONDS PID...
# Prints "<thread kind> cpu <seconds> user <ticks> sys <ticks>" for the window. cpu comes from the
# scheduler (/proc/.../schedstat, nanoseconds run), the figure to trust; user and sys are the
# kernel's tick samples (1 tick = 10 ms), which on some VMs charge a thread with system time it did
# not use (compiler threads with more than a core of "sys" while the machine has two).
# A thread's name may hold spaces ("C2 CompilerThread0"), so stat's fields are counted after its ")".
set -euo pipefail
seconds=$1; shift
snap() {
  for pid in "$@"; do
    for t in /proc/$pid/task/*; do
      # a thread may end while it is read: skip it rather than stop
      name=$(tr ' ' '_' < "$t/comm" 2>/dev/null | sed 's/[-_#][0-9]*$//') || continue
      times=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12, $13}') || continue
      ran=$(awk '{print $1}' "$t/schedstat" 2>/dev/null) || continue
      printf '%s %s %s\n' "$name" "$times" "$ran"
    done
  done | awk 'NF == 4 {u[$1]+=$2; s[$1]+=$3; n[$1]+=$4} END {for (k in u) print k, u[k], s[k], n[k]}' | sort
}
before=$(snap "$@"); sleep "$seconds"; after=$(snap "$@")
join <(echo "$before") <(echo "$after") \
  | awk '{u=$5-$2; s=$6-$3; c=($7-$4)/1e9; if (u+s>0 || c>0.01) printf "%-22s cpu %7.2f s  user %5d sys %5d\n", $1, c, u, s}' \
  | sort -k3 -nr
