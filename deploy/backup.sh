#!/usr/bin/env bash
# Backs up the replicated state of a Bastion replica: the newest checkpoint of its state, copied
# from its data directory while it runs. See docs/operations.md, "Backup and restore".
set -euo pipefail
umask 077

program="$(basename "$0")"

usage() {
  cat <<'EOF'
Usage: backup.sh --data DIR --out DIR [--keep N] [--metrics-url URL [--cacert FILE]]

Copies the newest checkpoint of a replica's state out of its data directory, safely while the
replica runs (checkpoint files are written once, renamed into place, and never changed):

  SQL service (e-voting):  DIR/sql/checkpoint-<seq>.db           ->  OUT/state-<seq>.db
  in-memory service:       DIR/snapshots/snapshot-<seq>.snap     ->  OUT/state-<seq>.snap

with OUT/state-<seq>.<ext>.sha256 (sha256sum format) and OUT/state-<seq>.<ext>.info beside it.
The state is the same at every correct replica, so a backup from any replica restores any of
them (restore.sh). The protocol log (DIR/log) is not copied, on purpose: a replica must never
run on an old copy of its log.

  --data DIR         the replica's data directory (its --data), e.g. /var/lib/bastion/0
  --out DIR          where backups go; created (mode 0700) if missing
  --keep N           afterwards keep only the newest N backups in --out (default: all)
  --metrics-url URL  the replica's metrics endpoint, e.g. https://r0.vote.example:9100/metrics:
                     back up the newest checkpoint at or below its stable checkpoint (one that
                     2f+1 replicas signed), not merely the newest this replica made
  --cacert FILE      the CA of the metrics endpoint's certificate (the cluster's ca.crt)

Prints the path of the backup on stdout. Exit status: 0 backed up (or it was already there),
1 failed, 2 bad usage.
EOF
}

fail() { echo "$program: $*" >&2; exit 1; }
usage_error() { echo "$program: $*" >&2; echo "Try '$program --help'." >&2; exit 2; }
note() { echo "$program: $*" >&2; }

data="" out="" keep="" metrics_url="" cacert=""
while [ $# -gt 0 ]; do
  case "$1" in
    --data) [ $# -ge 2 ] || usage_error "--data needs a directory"; data="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || usage_error "--out needs a directory"; out="$2"; shift 2 ;;
    --keep) [ $# -ge 2 ] || usage_error "--keep needs a number"; keep="$2"; shift 2 ;;
    --metrics-url) [ $# -ge 2 ] || usage_error "--metrics-url needs a URL"; metrics_url="$2"; shift 2 ;;
    --cacert) [ $# -ge 2 ] || usage_error "--cacert needs a file"; cacert="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[ -n "$data" ] || usage_error "give the replica's data directory with --data"
[ -n "$out" ] || usage_error "give the backup directory with --out"
if [ -n "$keep" ] && ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then usage_error "--keep must be a number >= 1, got '$keep'"; fi
if [ -n "$cacert" ] && [ -z "$metrics_url" ]; then usage_error "--cacert goes with --metrics-url"; fi
[ -d "$data" ] || fail "$data is not a directory"
[ -d "$data/log" ] || fail "$data has no log/: it is not a replica's data directory"

# The checkpoint files and their sequence numbers, "seq path" per line: the database copies of an
# SQL service, else the snapshots of an in-memory one.
list_checkpoints() {
  local f name found=""
  shopt -s nullglob
  for f in "$data"/sql/checkpoint-*.db; do
    name="${f##*/checkpoint-}"; name="${name%.db}"
    if [[ "$name" =~ ^[0-9]+$ ]]; then echo "$((10#$name)) $f"; found=yes; fi
  done
  if [ -z "$found" ]; then
    for f in "$data"/snapshots/snapshot-*.snap; do
      name="${f##*/snapshot-}"; name="${name%.snap}"
      if [[ "$name" =~ ^[0-9]+$ ]]; then echo "$((10#$name)) $f"; fi
    done
  fi
  shopt -u nullglob
}

checkpoints="$(list_checkpoints | sort -n)"
[ -n "$checkpoints" ] || fail "no checkpoint in $data yet: a replica makes one every checkpointInterval batches (128 by default)"

limit=""
if [ -n "$metrics_url" ]; then
  command -v curl >/dev/null || fail "--metrics-url needs curl"
  curl_args=(-fsS --max-time 10)
  [ -n "$cacert" ] && curl_args+=(--cacert "$cacert")
  metrics="$(curl "${curl_args[@]}" "$metrics_url")" || fail "cannot read $metrics_url"
  limit="$(awk '$1 == "bastion_last_stable_seq" { printf "%d\n", $2 }' <<<"$metrics")"
  [ -n "$limit" ] || fail "$metrics_url has no bastion_last_stable_seq"
fi

chosen_seq="" source=""
while read -r seq path; do
  if [ -z "$limit" ] || [ "$seq" -le "$limit" ]; then chosen_seq="$seq"; source="$path"; fi
done <<<"$checkpoints"
[ -n "$source" ] || fail "no checkpoint at or below the stable checkpoint $limit is kept in $data (kept: $(cut -d' ' -f1 <<<"$checkpoints" | tr '\n' ' '))"

case "$source" in
  *.db) extension=db kind="SQL database" ;;
  *) extension=snap kind="in-memory state snapshot" ;;
esac

# Checks a copied state file; prints nothing, fails with the reason.
check_state() {
  local file="$1" seq="$2"
  if [ "$extension" = db ]; then
    [ "$(head -c 16 "$file" | tr -d '\0')" = "SQLite format 3" ] || fail "$file is not an SQLite database"
    [ $(( $(stat -c %s "$file") % 4096 )) -eq 0 ] || fail "$file is not a whole number of 4 KiB pages"
    if command -v sqlite3 >/dev/null && [[ "$file" != *[?#]* ]]; then
      local at check
      at="$(sqlite3 -readonly "file:$file?immutable=1" 'SELECT last_seq FROM bastion_position')" \
        || fail "sqlite3 cannot read $file"
      [ "$at" = "$seq" ] || fail "$file holds the state after seq $at, not $seq"
      check="$(sqlite3 -readonly "file:$file?immutable=1" 'PRAGMA quick_check')"
      [ "$check" = ok ] || fail "$file fails SQLite's quick_check: $check"
    fi
  else
    [ "$(head -c 8 "$file")" = "BSNAPv01" ] || fail "$file is not a Bastion snapshot"
    local header_seq header_digest digest
    header_seq="$((16#$(od -An -tx1 -j8 -N8 "$file" | tr -d ' \n')))"
    [ "$header_seq" = "$seq" ] || fail "$file holds seq $header_seq, not $seq"
    header_digest="$(od -An -tx1 -j24 -N32 "$file" | tr -d ' \n')"
    digest="$(tail -c +57 "$file" | sha256sum | cut -d' ' -f1)"
    [ "$digest" = "$header_digest" ] || fail "$file: the SHA-256 of its state does not match its header"
  fi
}

mkdir -p "$out"
name="state-$chosen_seq.$extension"
target="$out/$name"
partial="$out/.$name.partial.$$"
trap 'rm -f "$partial"' EXIT

cp -- "$source" "$partial" 2>/dev/null \
  || fail "cannot copy $source (the replica may have just dropped it for a newer checkpoint; run again)"
check_state "$partial" "$chosen_seq"
digest="$(sha256sum "$partial" | cut -d' ' -f1)"
if [ -e "$source" ] && [ "$(sha256sum "$source" | cut -d' ' -f1)" != "$digest" ]; then
  fail "$source changed while it was copied; checkpoint files never change, so something else writes there"
fi

if [ -e "$target" ]; then
  existing="$(sha256sum "$target" | cut -d' ' -f1)"
  if [ "$existing" = "$digest" ]; then
    note "checkpoint $chosen_seq is already backed up in $target"
    echo "$target"
    exit 0
  fi
  fail "$target holds another state at seq $chosen_seq (sha256 $existing, this replica's is $digest):" \
    "backups of two clusters in one directory, or a replica whose state diverged; compare with a third replica"
fi

sync -- "$partial"
mv -- "$partial" "$target"
echo "$digest  $name" >"$target.sha256"
{
  echo "seq=$chosen_seq"
  echo "kind=$kind"
  echo "sha256=$digest"
  echo "source=$(uname -n):$(cd "$(dirname "$source")" && pwd)/$(basename "$source")"
  [ -n "$limit" ] && echo "stable_seq=$limit"
  echo "taken=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$target.info"
sync -- "$target.sha256" "$target.info" "$out"
note "backed up checkpoint $chosen_seq ($kind) of $data to $target"

if [ -n "$keep" ]; then
  shopt -s nullglob
  backups=()
  for f in "$out"/state-*.db "$out"/state-*.snap; do
    s="${f##*/state-}"; s="${s%.*}"
    [[ "$s" =~ ^[0-9]+$ ]] && backups+=("$s $f")
  done
  shopt -u nullglob
  printf '%s\n' "${backups[@]}" | sort -n | head -n "-$keep" | while read -r _ old; do
    [ -n "$old" ] || continue
    rm -f -- "$old" "$old.sha256" "$old.info"
    note "removed the older backup $old"
  done
fi

echo "$target"
