#!/usr/bin/env bash
# Prepares the data directory of a stopped Bastion replica so that it starts like a replica whose
# disk was replaced: no protocol log, and the state of a backup (or none), which it brings up to
# date from its peers. See docs/operations.md, "Backup and restore".
set -euo pipefail
umask 077

program="$(basename "$0")"

usage() {
  cat <<'EOF'
Usage: restore.sh --data DIR (--backup FILE | --empty) [--owner USER:GROUP] [--discard-old]

For a STOPPED replica (systemctl stop bastion-replica@ID first):
  1. refuses while a process holds the replica's protocol log (the replica still runs);
  2. moves DIR aside to DIR.replaced-<UTC time> (with --discard-old: deletes it);
  3. creates DIR without a protocol log. A replica must never replay an old copy of its log: it
     would forget what it said since and could contradict itself. Without a log it behaves like
     a replica whose disk was wiped, which the cluster brings up to date;
  4. with --backup: checks the backup and puts its state where the replica reads it.

  --data DIR          the replica's data directory (its --data), e.g. /var/lib/bastion/0
  --backup FILE       a state-<seq>.db or state-<seq>.snap from backup.sh (its .sha256 beside it
                      is checked), or a checkpoint-<seq>.db / snapshot-<seq>.snap taken from a
                      data directory. The replica fetches only what the backup lacks.
  --empty             no state at all: the replica fetches the whole state from its peers
  --owner USER:GROUP  owner of the new DIR (default: the owner of the old DIR)
  --discard-old       delete the old DIR instead of keeping it aside

One replica: start it afterwards; it catches up from its peers. Until the cluster's stable
checkpoint has moved logSize (256 by default) sequence numbers past where it stands now, count it
as one of the f faulty replicas (docs/operations.md explains why).
Every replica lost its state: run this with the same backup on every host, then start them all.

Exit status: 0 done, 1 failed (nothing changed unless it says so), 2 bad usage.
EOF
}

fail() { echo "$program: $*" >&2; exit 1; }
usage_error() { echo "$program: $*" >&2; echo "Try '$program --help'." >&2; exit 2; }
note() { echo "$program: $*" >&2; }

data="" backup="" empty="" owner="" discard=""
while [ $# -gt 0 ]; do
  case "$1" in
    --data) [ $# -ge 2 ] || usage_error "--data needs a directory"; data="$2"; shift 2 ;;
    --backup) [ $# -ge 2 ] || usage_error "--backup needs a file"; backup="$2"; shift 2 ;;
    --empty) empty=yes; shift ;;
    --owner) [ $# -ge 2 ] || usage_error "--owner needs USER:GROUP"; owner="$2"; shift 2 ;;
    --discard-old) discard=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[ -n "$data" ] || usage_error "give the replica's data directory with --data"
if [ -n "$backup" ] && [ -n "$empty" ]; then usage_error "give --backup FILE or --empty, not both"; fi
if [ -z "$backup" ] && [ -z "$empty" ]; then usage_error "give --backup FILE, or --empty to start with no state"; fi
data="${data%/}"
if [ -z "$data" ]; then usage_error "--data must not be /"; fi

# ---------------------------------------------------------------- the backup, checked first

kind="" seq=""
if [ -n "$backup" ]; then
  [ -f "$backup" ] || fail "$backup: no such file"
  case "$backup" in
    *.db) kind=db ;;
    *.snap) kind=snap ;;
    *) fail "$backup: expected a .db (SQL service) or .snap (in-memory service) file from backup.sh" ;;
  esac
  base="$(basename "$backup")"
  if [[ "$base" =~ ^(state|checkpoint|snapshot)-0*([0-9]+)\.(db|snap)$ ]]; then
    seq="${BASH_REMATCH[2]}"
  fi
  if [ -f "$backup.sha256" ]; then
    expected="$(cut -d' ' -f1 "$backup.sha256")"
    actual="$(sha256sum "$backup" | cut -d' ' -f1)"
    [ "$expected" = "$actual" ] || fail "$backup does not match $backup.sha256 (sha256 $actual, expected $expected)"
  else
    note "no $backup.sha256 beside it: checking only the file's own structure"
  fi
  if [ "$kind" = db ]; then
    [ "$(head -c 16 "$backup" | tr -d '\0')" = "SQLite format 3" ] || fail "$backup is not an SQLite database"
    [ $(( $(stat -c %s "$backup") % 4096 )) -eq 0 ] || fail "$backup is not a whole number of 4 KiB pages"
    if command -v sqlite3 >/dev/null && [[ "$backup" != *[?#]* ]]; then
      at="$(sqlite3 -readonly "file:$backup?immutable=1" 'SELECT last_seq FROM bastion_position')" \
        || fail "$backup has no bastion_position table: it is not a Bastion replica's database"
      [ -z "$seq" ] || [ "$at" = "$seq" ] || fail "$backup holds the state after seq $at, not $seq as its name says"
      seq="$at"
      check="$(sqlite3 -readonly "file:$backup?immutable=1" 'PRAGMA quick_check')"
      [ "$check" = ok ] || fail "$backup fails SQLite's quick_check: $check"
    fi
  else
    [ "$(head -c 8 "$backup")" = "BSNAPv01" ] || fail "$backup is not a Bastion snapshot"
    header_seq="$((16#$(od -An -tx1 -j8 -N8 "$backup" | tr -d ' \n')))"
    [ -z "$seq" ] || [ "$header_seq" = "$seq" ] || fail "$backup holds seq $header_seq, not $seq as its name says"
    seq="$header_seq"
    header_digest="$(od -An -tx1 -j24 -N32 "$backup" | tr -d ' \n')"
    digest="$(tail -c +57 "$backup" | sha256sum | cut -d' ' -f1)"
    [ "$digest" = "$header_digest" ] || fail "$backup: the SHA-256 of its state does not match its header"
  fi
fi

# ---------------------------------------------------------------- the replica must be stopped

# A running replica holds a POSIX lock on DIR/log/lock; /proc/locks lists it by inode.
log_in_use() {
  local lock="$data/log/lock" inode
  [ -e "$lock" ] || return 1
  inode="$(stat -c %i -- "$lock")"
  awk -v inode="$inode" '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9a-f]+:[0-9a-f]+:[0-9]+$/) {
      n = split($i, part, ":"); if (part[n] == inode) found = 1 } } END { exit !found }' /proc/locks
}

if [ -e "$data" ]; then
  [ -d "$data" ] || fail "$data exists and is not a directory"
  if log_in_use; then
    fail "a process holds $data/log: stop the replica first (systemctl stop bastion-replica@ID); nothing changed"
  fi
fi

if [ -z "$owner" ] && [ -d "$data" ]; then
  owner="$(stat -c %U:%G -- "$data")"
fi

# ---------------------------------------------------------------- replace the directory

parent="$(dirname "$data")"
[ -d "$parent" ] || fail "$parent: no such directory"
fresh="$parent/.$(basename "$data").restoring.$$"
trap 'rm -rf -- "$fresh"' EXIT
mkdir -m 0700 -- "$fresh"
if [ -n "$backup" ]; then
  if [ "$kind" = db ]; then
    mkdir -m 0700 -- "$fresh/sql"
    cp -- "$backup" "$fresh/sql/state.db"
    chmod 0600 -- "$fresh/sql/state.db"
  else
    mkdir -m 0700 -- "$fresh/snapshots"
    target="$fresh/snapshots/$(printf 'snapshot-%020d.snap' "$seq")"
    cp -- "$backup" "$target"
    chmod 0600 -- "$target"
  fi
fi
if [ -n "$owner" ]; then
  chown -R -- "$owner" "$fresh" || fail "cannot give $fresh to $owner; nothing changed"
fi
sync -f -- "$fresh"   # the whole file system: the copied state and the new directories

if [ -e "$data" ]; then
  if [ -n "$discard" ]; then
    old="$parent/.$(basename "$data").discarded.$$"
    mv -- "$data" "$old"
  else
    old="$data.replaced-$(date -u +%Y%m%dT%H%M%SZ)"
    [ ! -e "$old" ] || fail "$old exists already; nothing changed"
    mv -- "$data" "$old"
  fi
fi
mv -- "$fresh" "$data"
trap - EXIT
sync -- "$parent"

if [ -n "$discard" ] && [ -n "${old:-}" ]; then
  rm -rf -- "$old"
  note "deleted the old data directory"
elif [ -n "${old:-}" ]; then
  note "the old data directory is now $old; delete it once the replica has caught up"
fi
if [ -n "$backup" ]; then
  note "$data now holds the state ${seq:+after seq $seq }of $(basename "$backup") and no protocol log"
else
  note "$data is now empty: the replica will fetch the whole state from its peers"
fi
note "start the replica; until the cluster's stable checkpoint (bastion_last_stable_seq) has moved"
note "logSize (256 by default) past its value now, count this replica as one of the f faulty ones"
