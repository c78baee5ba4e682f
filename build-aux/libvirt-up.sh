#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts libvirt for Vireo's tests on a machine without systemd (containers, CI runners).
#   libvirt-up.sh [up]   start virtlogd + libvirtd, fix /dev/kvm, bring up network 'default'
#   libvirt-up.sh stop   stop libvirtd (guests keep running; virtlogd stays for them)
# Idempotent: only starts what is not running. Needs root (uses sudo otherwise). Assumes the
# packages are installed (build-aux/install-deps.sh test).
set -euo pipefail

if [ "$(id -u)" != 0 ]; then exec sudo -- "$0" "$@"; fi

VIRSH=(virsh -q -c qemu:///system)
LIBVIRTD_PID=/run/libvirtd.pid
VIRTLOGD_PID=/run/virtlogd.pid
log() { echo "[libvirt-up] $*"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ "${1:-up}" = stop ]; then
  if alive "$LIBVIRTD_PID"; then
    pid=$(cat "$LIBVIRTD_PID")
    kill "$pid"
    # libvirtd removes its pid file on a clean exit; wait for that, at most 10 s
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    log "libvirtd (pid $pid) stopped"
  else
    log "libvirtd not running"
  fi
  exit 0
fi
[ "${1:-up}" = up ] || { echo "usage: $0 [up|stop]" >&2; exit 2; }

# Without udev /dev/kvm stays root:root 0600 and QEMU (user libvirt-qemu, group kvm) cannot
# open it. Whether KVM can really boot a guest is another matter: make-test-guest.sh probes.
if [ -e /dev/kvm ]; then
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
else
  log "warning: no /dev/kvm, only TCG (type='qemu') guests will run"
fi

# Monolithic daemons (Debian 12 backports has no modular virtqemud setup without systemd).
# virtlogd first: QEMU's output goes through it from the moment a guest starts.
alive "$VIRTLOGD_PID" || { log "starting virtlogd"; virtlogd -d; }
if ! alive "$LIBVIRTD_PID"; then
  log "starting libvirtd"
  # a socket left behind by a killed daemon must not be mistaken for the new one
  rm -f /run/libvirt/libvirt-sock /run/libvirt/libvirt-sock-ro
  libvirtd -d
fi

# "Up" means a real API call answers, not just that the socket exists. At most 30 s.
deadline=$((SECONDS + 30))
until "${VIRSH[@]}" version >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || { log "libvirtd did not answer within 30 s"; exit 1; }
  sleep 0.2
done
log "libvirtd up (pid $(cat "$LIBVIRTD_PID")), virtlogd pid $(cat "$VIRTLOGD_PID")"

# NAT network 'default'. The stock definition ships in libvirt-daemon-config-network, which
# drags in systemd units, so we define the same network ourselves.
if ! "${VIRSH[@]}" net-info default >/dev/null 2>&1; then
  netxml=$(mktemp)
  cat >"$netxml" <<'EOF'
<network>
  <name>default</name>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
EOF
  "${VIRSH[@]}" net-define "$netxml" >/dev/null
  rm -f "$netxml"
  "${VIRSH[@]}" net-autostart default >/dev/null
  log "network 'default' defined"
fi
# captured first: `virsh | grep -q` can die of SIGPIPE under pipefail
info=$("${VIRSH[@]}" net-info default)
if grep -Eq '^Active:[[:space:]]+yes' <<<"$info"; then
  log "network 'default' active"
elif "${VIRSH[@]}" net-start default >/dev/null; then
  log "network 'default' started"
else
  # e.g. no bridge/netfilter support in this kernel or container; guests then go without NIC
  log "warning: network 'default' could not start; use guests without <interface>"
fi
