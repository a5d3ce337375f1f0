#!/usr/bin/env bash
# Where the whole machine's CPU goes during a window, kernel and idle included: what neither JFR
# (Java frames of running threads only) nor thread-cpu.sh (time per thread, not what it did) shows.
# Usage: system-profile.sh SECONDS OUT_DIR JVM_PID...
# Samples every CPU with `perf record -a -g` (root, the perf tool), then asks each JVM for a map
# of its compiled code (`jcmd PID Compiler.perfmap`, written to /tmp/perf-PID.map) so Java frames
# have names. Start the JVMs with -XX:+PreserveFramePointer (JAVA_TOOL_OPTIONS reaches the
# replica JVMs `bench` starts) or Java stacks come out short. Prints each kind of work as a share
# of all samples, whole machine and per thread kind; a sample counts once, as the first kind its
# stack matches in the order below (idle first, then fsync, futex, ..., then where its leaf is).
# Thread names are the kernel's first 15 characters: the replicas' and the load JVM's Netty
# threads both read "bastion-bastion"; the per-process lines tell the JVMs apart.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: system-profile.sh SECONDS OUT_DIR JVM_PID..." >&2
  exit 2
fi
seconds=$1; out=$2; shift 2
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "system-profile.sh: SECONDS must be a whole number above 0, not '$seconds'" >&2
  exit 2
fi
for pid in "$@"; do
  if ! [[ $pid =~ ^[0-9]+$ ]] || ! jcmd "$pid" VM.version >/dev/null 2>&1; then
    echo "system-profile.sh: '$pid' is not the pid of a running JVM this user may attach to" >&2
    exit 2
  fi
done
command -v perf >/dev/null || { echo "system-profile.sh: no perf on this machine (apt-get install linux-perf)" >&2; exit 1; }
mkdir -p "$out"
perf record -a -g -F 499 -o "$out/perf.data" -- sleep "$seconds" >/dev/null 2>&1
for pid in "$@"; do jcmd "$pid" Compiler.perfmap >/dev/null; done
perf script -i "$out/perf.data" -F comm,pid,tid,ip,sym,dso 2>/dev/null > "$out/samples.txt"
awk -v pids="$*" '
  function kind(s) {
    if (s ~ /do_idle|pv_native_safe_halt/) return "idle"
    if (s ~ /fdatasync|fsync|force0/) return "fsync (kernel)"
    if (s ~ /futex/) return "futex: thread wake-ups and waits"
    if (s ~ /epoll/) return "epoll"
    if (s ~ /tcp_sendmsg|sock_write|ksys_write|__sys_sendto|writev/) return "socket writes (kernel)"
    if (s ~ /tcp_recvmsg|sock_read|ksys_read|recvfrom/) return "socket reads (kernel)"
    if (s ~ /softirq|net_rx/) return "network interrupts"
    if (s ~ /ResourceLeakDetector|fill_in_stack_trace/) return "Netty leak detector"
    if (s ~ /bouncycastle/) return "Ed25519 (BouncyCastle)"
    if (s ~ /tcnative/) return "TLS (BoringSSL)"
    if (s ~ /GaloisCounterMode|com\.sun\.crypto/) return "TLS (JDK AES-GCM)"
    if (s ~ /sun\.security\.provider|HmacCore|MessageDigest/) return "SHA-256 and HMAC (JDK)"
    if (leaf ~ /kernel/) return "kernel, other"
    if (leaf ~ /libjvm/) return (s ~ /GC|Scan|oop_oop|SerialHeap/) ? "JVM: GC" : "JVM: other (compiler, runtime)"
    if (leaf ~ /io\.netty/) return "Netty"
    if (leaf ~ /io\.bastion/) return "Bastion"
    if (leaf ~ /libc/) return "libc"
    return "JDK, other"
  }
  BEGIN { RS = ""; split(pids, given, " "); for (i in given) jvm[given[i]] = 1 }
  {
    split($0, line, "\n")
    thread = line[1]; sub(/^[ \t]+/, "", thread); sub(/[ \t]+$/, "", thread); pid = thread
    sub(/[ \t]+[0-9]+\/[0-9]+[ \t]*$/, "", thread); sub(/[-#_]?[0-9]+$/, "", thread)
    sub(/^.*[ \t]/, "", pid); sub(/\/.*$/, "", pid)
    if (!(pid in jvm)) pid = "other"
    leaf = line[2]; k = kind($0)
    all[k]++; per[thread SUBSEP k]++; threads[thread]++; process[pid]++; n++
  }
  END {
    printf "%d samples, %d s, every CPU\n", n, '"$seconds"'
    for (k in all) printf "%6.1f %%  %s\n", 100 * all[k] / n, k | "sort -rn"
    close("sort -rn")
    print "\nper process (the JVMs given; \"other\" is the kernel, idle and everything else):"
    for (q in process) printf "%6.1f %%  %s\n", 100 * process[q] / n, q | "sort -rn"
    close("sort -rn")
    print "\nper thread kind (the 8 busiest; its kinds of work above 0.5 %):"
    for (t in threads) printf "%6.1f %%  %s\n", 100 * threads[t] / n, t | "sort -rn | head -8"
    close("sort -rn | head -8")
    for (key in per) { split(key, p, SUBSEP); if (100 * per[key] / n >= 0.5)
      printf "%-16s %6.1f %%  %s\n", p[1], 100 * per[key] / n, p[2] | "sort -k1,1 -k2,2rn" }
  }' "$out/samples.txt"
