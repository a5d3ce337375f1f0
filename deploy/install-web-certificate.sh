#!/usr/bin/env bash
# Installs a new web certificate (chain and key) for a running Bastion replica, which serves it
# to new connections within a second: no restart, no signal. See docs/operations.md,
# "Certificate rotation".
set -euo pipefail
umask 077

program="$(basename "$0")"

usage() {
  cat <<'EOF'
Usage: install-web-certificate.sh --id N [--chain FILE --key FILE] [--dir DIR] [--group GROUP] [--host NAME]

Installs a PEM certificate chain (leaf first) and its private key as DIR/replica-N-web.crt and
DIR/replica-N-web.key, where bastion-replica@N reads them. Each file is replaced in one rename,
the key first: a replica that looks between the two renames sees a key that does not match its
chain, keeps what it serves, and takes the new pair once the chain follows.

Checks before it replaces anything: the key belongs to the chain's first certificate, which is
valid now (and, with --host, names that host). Warns when it expires within 14 days.

  --id N         the replica (the N of bastion-replica@N)
  --chain FILE   the new chain: bastion keygen's replica-N-web.crt, or an ACME client's fullchain.pem
  --key FILE     its private key: replica-N-web.key, or privkey.pem
  --dir DIR      where the replica reads them (default: /etc/bastion)
  --group GROUP  the group the replica runs as, which must read the key (default: bastion)
  --host NAME    the host name the certificate must name (the replica's host in cluster.toml)

As a certbot deploy hook, --chain and --key default to $RENEWED_LINEAGE/fullchain.pem and
$RENEWED_LINEAGE/privkey.pem:
  certbot certonly ... --deploy-hook '/opt/bastion/deploy/install-web-certificate.sh --id 0'

Exit status: 0 installed, 1 refused or failed (the old pair stays), 2 bad usage.
EOF
}

fail() { echo "$program: $*" >&2; exit 1; }
usage_error() { echo "$program: $*" >&2; echo "Try '$program --help'." >&2; exit 2; }
note() { echo "$program: $*" >&2; }

id="" chain="" key="" dir=/etc/bastion group=bastion host=""
while [ $# -gt 0 ]; do
  case "$1" in
    --id) [ $# -ge 2 ] || usage_error "--id needs a replica id"; id="$2"; shift 2 ;;
    --chain) [ $# -ge 2 ] || usage_error "--chain needs a file"; chain="$2"; shift 2 ;;
    --key) [ $# -ge 2 ] || usage_error "--key needs a file"; key="$2"; shift 2 ;;
    --dir) [ $# -ge 2 ] || usage_error "--dir needs a directory"; dir="$2"; shift 2 ;;
    --group) [ $# -ge 2 ] || usage_error "--group needs a group"; group="$2"; shift 2 ;;
    --host) [ $# -ge 2 ] || usage_error "--host needs a host name"; host="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
done
[[ "$id" =~ ^[0-9]+$ ]] || usage_error "give the replica's id with --id"
if [ -z "$chain" ] && [ -n "${RENEWED_LINEAGE:-}" ]; then chain="$RENEWED_LINEAGE/fullchain.pem"; fi
if [ -z "$key" ] && [ -n "${RENEWED_LINEAGE:-}" ]; then key="$RENEWED_LINEAGE/privkey.pem"; fi
if [ -z "$chain" ] || [ -z "$key" ]; then usage_error "give --chain and --key (or run as a certbot deploy hook)"; fi
[ -f "$chain" ] || fail "$chain: no such file"
[ -f "$key" ] || fail "$key: no such file"
[ -d "$dir" ] || fail "$dir: no such directory"
command -v openssl >/dev/null || fail "needs openssl to check the certificate"

# The checks, on the new files, before anything is replaced.
leaf_key="$(openssl x509 -in "$chain" -noout -pubkey 2>/dev/null)" || fail "$chain holds no PEM certificate"
own_key="$(openssl pkey -in "$key" -pubout 2>/dev/null)" || fail "$key holds no unencrypted PEM private key"
[ "$leaf_key" = "$own_key" ] || fail "$key does not belong to the first certificate of $chain"
openssl x509 -in "$chain" -noout -checkend 0 >/dev/null || fail "the certificate in $chain has expired"
if ! openssl x509 -in "$chain" -noout -checkend $((14 * 24 * 3600)) >/dev/null; then
  note "warning: the certificate in $chain expires within 14 days ($(openssl x509 -in "$chain" -noout -enddate))"
fi
if [ -n "$host" ]; then
  check=-checkhost
  if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then check=-checkip; fi
  openssl x509 -in "$chain" -noout "$check" "$host" | grep -q "does match" \
    || fail "the certificate in $chain does not name $host"
fi

crt_target="$dir/replica-$id-web.crt"
key_target="$dir/replica-$id-web.key"
crt_new="$dir/.replica-$id-web.crt.new.$$"
key_new="$dir/.replica-$id-web.key.new.$$"
trap 'rm -f -- "$crt_new" "$key_new"' EXIT

cp -- "$key" "$key_new"
cp -- "$chain" "$crt_new"
chmod 0640 -- "$key_new"
chmod 0644 -- "$crt_new"
if [ "$(id -u)" = 0 ]; then
  chown "root:$group" -- "$key_new" "$crt_new" || fail "cannot give the key to group $group"
fi
sync -- "$key_new" "$crt_new"
mv -- "$key_new" "$key_target"
mv -- "$crt_new" "$crt_target"
sync -- "$dir"
trap - EXIT

note "installed $(openssl x509 -in "$crt_target" -noout -subject) as $crt_target," \
  "valid until $(openssl x509 -in "$crt_target" -noout -enddate | cut -d= -f2);" \
  "replica $id serves it to new connections within a second"
