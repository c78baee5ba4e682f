#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what Vireo needs on Debian 12 and nothing that is already there.
#   install-deps.sh build   toolchain + -dev packages to build the app
#   install-deps.sh test    build + libvirt/QEMU daemons, Xvfb, AT-SPI, guest-building tools
# libvirt and QEMU come from bookworm-backports (main has 9.0 / 7.2); see PLATFORM facts in the
# README. Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

what=${1:-build}
BPO=bookworm-backports

build_pkgs=(
  build-essential pkg-config gettext meson ninja-build
  libgtk-4-dev libadwaita-1-dev libglib2.0-dev libglib2.0-dev-bin
  "libvirt-dev/$BPO" "libvirt0/$BPO" "libvirt-common/$BPO"
  libgvnc-1.0-dev libspice-client-glib-2.0-dev libusb-1.0-0-dev "libudev-dev/$BPO" "libudev1/$BPO"
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libvte-2.91-gtk4-dev libgtksourceview-5-dev
  desktop-file-utils appstream
)
test_pkgs=(
  "libvirt-daemon/$BPO" "libvirt-daemon-driver-qemu/$BPO" "libvirt-clients/$BPO"
  "libvirt-daemon-driver-network/$BPO" "libvirt-daemon-log/$BPO" "libvirt-daemon-common/$BPO"
  "qemu-system-x86/$BPO" "qemu-system-common/$BPO" "qemu-system-data/$BPO" "seabios/$BPO"
  "qemu-system-modules-spice/$BPO" "qemu-block-extra/$BPO" "qemu-utils/$BPO"
  ovmf dnsmasq-base iptables nftables
  xvfb xauth xdotool xclip imagemagick dbus dbus-x11 at-spi2-core python3-pyatspi python3-gi
  busybox-static xorriso isolinux syslinux-common
)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

missing=()
for p in "${pkgs[@]}"; do
  name=${p%%/*}
  want=${p#*/}
  if [ "$want" != "$p" ]; then
    # backports-pinned: the installed version must be the backports one
    inst=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
    case "$inst" in *"ok installed"*bpo*) continue ;; esac
  elif dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'ok installed'; then
    continue
  fi
  missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "[deps] all ${#pkgs[@]} packages present"
else
  echo "[deps] installing: ${missing[*]}"
  # make sure bookworm-backports is a known suite
  if ! apt-cache policy 2>/dev/null | grep -q "$BPO"; then
    if [ -f /etc/apt/sources.list.d/debian.sources ] && grep -q '^Suites:.*bookworm-updates' /etc/apt/sources.list.d/debian.sources; then
      $SUDO sed -i "0,/^Suites:\(.*bookworm-updates\)\$/s//Suites:\1 $BPO/" /etc/apt/sources.list.d/debian.sources
    else
      echo "deb http://deb.debian.org/debian $BPO main" | $SUDO tee /etc/apt/sources.list.d/vireo-backports.list >/dev/null
    fi
    $SUDO apt-get update -o DPkg::Lock::Timeout=600 -qq
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "[deps] cargo not found: install Rust 1.95 with rustup (https://rustup.rs)" >&2
  exit 1
fi
