#!/bin/sh
# Runs a command in a private network namespace: loopback plus a dead-end veth
# with a default route. Chromium gathers no WebRTC ICE candidates on loopback
# alone (../shared/RECIPES.md); with this it does, and nothing can leave the
# namespace. Servers the tests start (broker, PostgreSQL, Redis, coturn) live
# on 127.0.0.1 inside it; X still works through its socket file.
set -e
exec unshare -n sh -c 'ip link set lo up && ip link add v0 type veth peer name v1 &&
  ip addr add 10.99.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up &&
  ip route add default dev v0 && TANDEM_NETNS=1 exec "$@"' sh "$@"
