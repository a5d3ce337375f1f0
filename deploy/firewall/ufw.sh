#!/usr/bin/env bash
# Bastion replica ports with ufw, for every replica host of deploy/cluster.toml. ufw denies
# incoming connections by default; this opens what Bastion needs and no more:
#   7000  replicaPort  from the other replicas only
#   7001  clientPort   from anywhere (Java clients)
#   443   webPort      from anywhere (HTTPS page and WSS)
#   9100  metrics      from the monitoring host only
# Addresses are the documentation ranges: put your replicas' and monitoring host's addresses in.
set -euo pipefail

replicas=(192.0.2.10 192.0.2.11 192.0.2.12 192.0.2.13)   # r0..r3.vote.example
monitoring=198.51.100.20                                 # mon.vote.example

for address in "${replicas[@]}"; do
  ufw allow proto tcp from "$address" to any port 7000 comment 'bastion replicas'
done
ufw allow 7001/tcp comment 'bastion clients'
ufw allow 443/tcp comment 'bastion web (HTTPS, WSS)'
ufw allow proto tcp from "$monitoring" to any port 9100 comment 'bastion metrics'
ufw status numbered
