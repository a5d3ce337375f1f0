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
  # one awk reads every thread's stat and schedstat (a thread that ends meanwhile is skipped):
  # quick, so the window is what it says even with hundreds of threads on a busy machine
  for pid in "$@"; do printf '%s\n' /proc/"$pid"/task/*/stat; done | awk '{
      path = $0
      if ((getline line < path) <= 0) { close(path); next }
      close(path)
      name = substr(line, index(line, "(") + 1); cut = match(name, /\) [A-Za-z] /)
      rest = substr(name, cut + 2); name = substr(name, 1, cut - 1)
      gsub(/ /, "_", name); sub(/[-_#][0-9]*$/, "", name); split(rest, f, " ")
      sched = path; sub(/stat$/, "schedstat", sched); ran = 0
      if ((getline line < sched) > 0) { split(line, g, " "); ran = g[1] }
      close(sched)
      u[name] += f[12]; s[name] += f[13]; n[name] += ran
    } END {for (k in u) print k, u[k], s[k], n[k]}' | sort
}
before=$(snap "$@"); sleep "$seconds"; after=$(snap "$@")
join <(echo "$before") <(echo "$after") \
  | awk '{u=$5-$2; s=$6-$3; c=($7-$4)/1e9; if (u+s>0 || c>0.01) printf "%-22s cpu %7.2f s  user %5d sys %5d\n", $1, c, u, s}' \
  | sort -k3 -nr
