#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make-test-guest.sh OUTDIR — builds Vireo's tiny offline test guest from Debian packages.
#
# Outputs, all in OUTDIR:
#   test-guest.iso       hybrid isolinux ISO: Debian kernel + busybox initramfs
#   vmlinuz, initrd.gz   the same kernel and initramfs, for direct kernel boot
#   vireo-test-{vnc,spice}.xml (+ .qcow2)   domains: 256 MiB, 1 vCPU, q35, boots the ISO
#   domain-type          cached result of the KVM probe (kvm|qemu)
#
# The guest prints a marker line, then a coloured "tick N" line every second on tty0 and ttyS0,
# so console tests see a changing screen; the ACPI power button powers it off (virsh shutdown);
# the kernel argument vireo.flood=1 scrolls coloured lines on tty0 without pause (stress load).
# Input from the consoles (PS/2 keyboard and mouse, USB tablet) is logged on ttyS0, one line
# per event: "input key 30 1", "input btn 272 0" (evdev code; 1 down, 0 up, 2 repeat), motion
# at most every 0.1 s per device as "input rel DX DY", "input wheel N" or "input abs X Y", and
# each device once as 'input device event2 "NAME"'. Ctrl+Alt+Del does not reboot: it prints
# "ctrl-alt-del received". F9 pressed plays about 2 s of a 500 Hz square wave on the sound
# card, between "tone start" and "tone end" ("tone: no sound card" on the VNC guest).
#
# The SPICE guest also runs a minimal SPICE agent (shell, on the virtio port
# com.redhat.spice.0): "agent: started on /dev/vportNpM"; once a client's capabilities arrive
# it takes the clipboard ("clipboard grabbed") and answers the client's request with the text
# "vireo guest clipboard" ("clipboard sent"); text the client offers it asks for and prints as
# "clipboard from host: TEXT". With the agent attached spice-server sends the client's pointer
# to it, not to the USB tablet: the agent logs it as the tablet would, "input btn 272 1" and
# so on, but "input abs X Y" in display pixels, not the tablet's 0..32767. Its domain has a
# sound card (SPICE audio) and two USB redirection channels too.
#
# Domain type: KVM only where KVM really boots this guest (some hosts advertise KVM that cannot,
# e.g. kvm_pvm), found by booting the kernel once under KVM; else TCG (type='qemu').
# VIREO_GUEST_DOMTYPE=kvm|qemu overrides the probe.
#
# Idempotent: the ISO is rebuilt only when missing or older than this script.
# Needs busybox-static xorriso isolinux syslinux-common qemu-utils qemu-system-x86
# (build-aux/install-deps.sh test); downloads the kernel .deb with apt-get unless it is cached.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
SELF="${BASH_SOURCE[0]}"
MARKER="=== vireo test guest ==="
log() { echo "[test-guest] $*"; }
WORK_DIRS=()
trap 'rm -rf "${WORK_DIRS[@]}"' EXIT

build_guest() {
  local kpkg deb kver busybox root work
  work=$(mktemp -d)
  WORK_DIRS+=("$work")

  # Kernel: the real package behind the linux-image-amd64 metapackage, unpacked, not installed.
  kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  local debs=(/var/cache/apt/archives/"$kpkg"_*.deb)
  if [ ! -e "${debs[0]}" ]; then
    log "downloading $kpkg"
    # stderr only on failure: as root apt always warns that the download is unsandboxed
    if ! (cd "$work" && apt-get download -q "$kpkg" 2>"$work/apt.err"); then
      cat "$work/apt.err" >&2
      exit 1
    fi
    debs=("$work/$kpkg"_*.deb)
  fi
  deb=${debs[0]}
  # Extract only what the guest uses: the kernel image and a handful of modules.
  # Input: atkbd and i8042 are built in; psmouse for the PS/2 mouse; the USB stack and HID
  # for the USB tablet (absolute pointer). virtio_console for the SPICE agent's port; the HDA
  # driver with OSS emulation (/dev/dsp) for the test tone.
  local mods=(virtio virtio_ring virtio_pci virtio_pci_legacy_dev virtio_pci_modern_dev
    virtio_balloon virtio_blk virtio_net net_failover failover evdev button psmouse
    usb_common usbcore xhci_hcd xhci_pci hid usbhid hid_generic
    virtio_console
    soundcore snd snd_timer snd_pcm snd_hwdep snd_intel_sdw_acpi snd_intel_dspcfg ledtrig_audio
    snd_hda_core snd_hda_codec snd_hda_codec_generic snd_hda_intel snd_mixer_oss snd_pcm_oss)
  local patterns=('./boot/vmlinuz-*')
  # module file names mix - and _ (xhci-pci.ko, virtio_pci.ko); modprobe takes either
  for m in "${mods[@]}"; do patterns+=("*/${m//_/[-_]}.ko"); done
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards "${patterns[@]}"
  kver=$(ls "$work/lib/modules")
  # The list above must hold every module's dependencies (depends= in its .modinfo).
  local ko dep missing=''
  while IFS= read -r ko; do
    for dep in $(busybox strings -a "$ko" | sed -n 's/^depends=//p' | tr , ' '); do
      [ -n "$(find "$work/lib/modules" -name "${dep//[-_]/[-_]}.ko")" ] || missing="$missing $dep(${ko##*/})"
    done
  done < <(find "$work/lib/modules" -name '*.ko')
  [ -z "$missing" ] || { echo "modules missing from the list:$missing" >&2; exit 1; }
  cp "$work/boot/vmlinuz-$kver" "$OUT/vmlinuz"

  # Initramfs: static busybox, those modules (Debian builds virtio as modules) and /init.
  root=$work/root
  mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,var/run,usr/share/udhcpc,lib/modules/"$kver"}
  busybox=$(command -v busybox)
  cp "$busybox" "$root/bin/busybox"
  for a in $("$busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
  (cd "$work/lib/modules/$kver" && find . -name '*.ko' -exec cp --parents {} "$root/lib/modules/$kver/" \;)
  "$busybox" depmod -b "$root" "$kver"

  cat >"$root/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# udhcpc only reports a lease; applying it is the script's job.
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
    echo "$ip" >/tmp/ip ;;
esac
exit 0
EOF
  chmod +x "$root/usr/share/udhcpc/default.script"

  # A minimal SPICE guest agent (spice-protocol's vd_agent.h) on the virtio port
  # com.redhat.spice.0: clipboard both ways (UTF-8 text, by demand, no selections) and the
  # client's pointer, which spice-server sends to an attached agent instead of the tablet.
  cat >"$root/bin/vireo-agent" <<'EOF'
#!/bin/sh
# vireo-agent /dev/vportNpM. All integers little-endian. On the port: VDIChunkHeader
# {u32 port, u32 size} + size bytes of a message stream; a message is VDAgentMessage
# {u32 protocol 1, u32 type, u64 opaque, u32 size} + size bytes of data.
exec 4<>"$1" || exit 1 # the port opens once only: read and write on one descriptor
say() { echo "$*" >/dev/ttyS0; }
say "agent: started on $1"

# le32 N...: appends the numbers as 4 little-endian bytes each, printf escapes, to $e
le32() {
  for v; do
    for s in 0 8 16 24; do
      b=$((v >> s & 255))
      e="$e\\$((b >> 6))$((b >> 3 & 7))$((b & 7))"
    done
  done
}
# send TYPE SIZE DATA: one message in one chunk for the client port (1); DATA as printf escapes
send() {
  e=''
  le32 1 $((20 + $2)) 1 "$1" 0 0 "$2"
  # shellcheck disable=SC2059 # the format is the message
  printf "$e$3" >&4
}
# ANNOUNCE_CAPABILITIES (6) {u32 request, u32 caps}: MOUSE_STATE (0), MONITORS_CONFIG (1),
# CLIPBOARD_BY_DEMAND (5)
announce() { e=''; le32 "$1" 35; send 6 8 "$e"; }
# u32 at the start of the arguments (decimal bytes), in $v
u32() { v=$((${1:-0} | ${2:-0} << 8 | ${3:-0} << 16 | ${4:-0} << 24)); }

# The client's pointer: VDAgentMouseState {u32 x, u32 y, u32 buttons, u8 display}. Logged as
# the tablet's events are: buttons as evdev codes (left 272, right 273, middle 274), the
# wheel from the up/down "buttons", the position once per batch read from the port.
mx=-1 my=-1 px=-1 py=-1 mb=0
mouse_flush() {
  [ $mx = $px ] && [ $my = $py ] && return
  say "input abs $mx $my"
  px=$mx py=$my
}
mouse() {
  mx=$(($1 | $2 << 8 | $3 << 16 | $4 << 24)) my=$(($5 | $6 << 8 | $7 << 16 | $8 << 24))
  b=$(($9 | ${10} << 8))
  [ $b = $mb ] && return
  mouse_flush
  for m in 2:272 8:273 4:274; do
    bit=${m%:*} code=${m#*:}
    [ $((b & bit)) = $((mb & bit)) ] && continue
    if [ $((b & bit)) = 0 ]; then say "input btn $code 0"; else say "input btn $code 1"; fi
  done
  [ $((b & 16 & ~mb)) = 0 ] || say "input wheel 1"
  [ $((b & 32 & ~mb)) = 0 ] || say "input wheel -1"
  mb=$b
}

# handle TYPE DATA...: one message, its data as decimal bytes
handle() {
  t=$1
  shift
  case $t in
    6) # ANNOUNCE_CAPABILITIES: answer a request; then offer the guest's clipboard
      u32 "$@"
      [ $v = 1 ] && announce 0
      send 7 4 '\001\000\000\000' # CLIPBOARD_GRAB {types: UTF8_TEXT (1)}
      say "clipboard grabbed" ;;
    7) # CLIPBOARD_GRAB {u32 types[]}: ask for the text
      while [ $# -ge 4 ]; do
        u32 "$@"
        if [ $v = 1 ]; then
          send 8 4 '\001\000\000\000' # CLIPBOARD_REQUEST {type 1}
          break
        fi
        shift 4
      done ;;
    8) # CLIPBOARD_REQUEST {u32 type}: the guest's text
      u32 "$@"
      if [ $v = 1 ]; then
        send 4 25 '\001\000\000\000vireo guest clipboard' # CLIPBOARD {type 1, text}
        say "clipboard sent"
      fi ;;
    4) # CLIPBOARD {u32 type, text}: one line, control characters as spaces
      u32 "$@"
      [ $v = 1 ] || return
      shift 4
      e=''
      for b; do
        [ "$b" -lt 32 ] && b=32
        e="$e\\$((b >> 6))$((b >> 3 & 7))$((b & 7))"
      done
      # shellcheck disable=SC2059
      printf "clipboard from host: $e\n" >/dev/ttyS0 ;;
    1) [ $# -ge 12 ] && mouse "$@" ;; # MOUSE_STATE
    2) # MONITORS_CONFIG {u32 count, u32 flags, {u32 height, width, depth, s32 x, y}[]}:
      # the client asks for this screen size (this guest's text console cannot follow)
      [ $# -ge 16 ] || return
      shift 8
      u32 "$@"
      h=$v
      shift 4
      u32 "$@"
      say "agent: monitors config ${v}x$h" ;;
  esac # others (CLIENT_DISCONNECTED, ...) are skipped
}

announce 1
raw='' # bytes read and not yet parsed as chunks, decimal
msg='' # the message stream: chunks' data not yet parsed as messages
while :; do
  # one read() returns what the host wrote at once: whole, part of or several chunks
  in=$(dd bs=4096 count=1 <&4 2>/dev/null | od -An -v -tu1)
  if [ -z "$in" ]; then sleep 1; continue; fi # no host side yet
  raw="$raw $in"
  while :; do # chunks
    # shellcheck disable=SC2086 # the bytes are meant to be split
    set -- $raw
    [ $# -ge 8 ] || break
    n=$(($5 | $6 << 8 | $7 << 16 | $8 << 24))
    [ $# -ge $((8 + n)) ] || break
    shift 8
    c=''
    while [ "$n" -gt 0 ]; do c="$c $1" n=$((n - 1)); shift; done
    msg="$msg$c" raw="$*"
  done
  while :; do # messages
    # shellcheck disable=SC2086
    set -- $msg
    [ $# -ge 20 ] || break
    n=$((${17} | ${18} << 8 | ${19} << 16 | ${20} << 24))
    [ $# -ge $((20 + n)) ] || break
    t=$(($5 | $6 << 8))
    shift 20
    d='' i=$n
    while [ "$i" -gt 0 ]; do d="$d $1" i=$((i - 1)); shift; done
    msg="$*"
    # shellcheck disable=SC2086
    handle $t $d
  done
  mouse_flush
done
EOF
  chmod +x "$root/bin/vireo-agent"

  # /dev/console is whichever console= came last, so write to both screens explicitly.
  sed "s/@MARKER@/$MARKER/" >"$root/init" <<'EOF'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "$*" >/dev/ttyS0 2>/dev/null; echo "$*" >/dev/tty0 2>/dev/null; }
say "@MARKER@ (busybox on $(uname -r))"
# Ctrl+Alt+Del: the kernel signals PID 1 (SIGINT) instead of rebooting.
echo 0 >/proc/sys/kernel/ctrl-alt-del
trap 'say "ctrl-alt-del received"' INT
for m in virtio_pci virtio_net virtio_blk virtio_balloon evdev button psmouse; do modprobe $m 2>/dev/null; done

# F9 pressed (below): about 2 s of a 500 Hz square wave on /dev/dsp (the sound card's OSS
# emulation; its default is 8000 Hz, 8-bit unsigned, mono: 8 bytes high, 8 low), one at a
# time, as "tone start" and "tone end" on ttyS0. Only then: under TCG it costs CPU.
tone() {
  mkdir /tmp/tone.lock 2>/dev/null || return
  if [ -c /dev/dsp ]; then
    [ -s /tmp/tone.u8 ] || printf '\300\300\300\300\300\300\300\300@@@@@@@@%.0s' $(seq 1000) >/tmp/tone.u8
    echo "tone start" >/dev/ttyS0
    cat /tmp/tone.u8 >/dev/dsp # closing waits until it has played
    echo "tone end" >/dev/ttyS0
  else
    echo "tone: no sound card" >/dev/ttyS0
  fi
  rmdir /tmp/tone.lock
}

# Input events, one line each on ttyS0: "input key CODE VALUE" and "input btn CODE VALUE" (evdev
# code, VALUE 1 down, 0 up, 2 repeat); pointer motion at most every 0.1 s per device, summed:
# "input rel DX DY", "input wheel N", or the latest position: "input abs X Y".
input_motion() {
  [ $rel = 1 ] && echo "input rel $dx $dy" >/dev/ttyS0
  [ $wheel != 0 ] && echo "input wheel $wheel" >/dev/ttyS0
  [ $abs = 1 ] && echo "input abs $ax $ay" >/dev/ttyS0
  moved=$((rel | abs)) rel=0 abs=0 dx=0 dy=0 wheel=0
}
input_reader() { # eventN
  ax=0 ay=0 rel=0 abs=0 dx=0 dy=0 wheel=0
  exec 3<"/dev/input/$1" || exit
  # open before saying so: a test may send input as soon as it reads this line
  echo "input device $1 \"$(cat /sys/class/input/"$1"/device/name)\"" >/dev/ttyS0
  while :; do
    # one read() returns whole events (24 bytes: timeval, u16 type, u16 code, s32 value)
    # shellcheck disable=SC2046 # the numbers are meant to be split
    set -- $(dd bs=1536 count=1 <&3 2>/dev/null | od -An -v -w24 -tu2)
    [ $# -ge 12 ] || exit # device gone
    while [ $# -ge 12 ]; do
      t=$9 c=${10} v=$((${11} + ${12} * 65536))
      [ "${12}" -ge 32768 ] && v=$((v - 4294967296))
      shift 12
      case $t in
        1) input_motion
          if [ "$c" -ge 256 ] && [ "$c" -lt 352 ]; then k=btn; else k=key; fi
          echo "input $k $c $v" >/dev/ttyS0
          if [ "$c" = 67 ] && [ "$v" = 1 ]; then tone & fi ;;
        2) case $c in 0) dx=$((dx + v)) rel=1 ;; 1) dy=$((dy + v)) rel=1 ;; 8) wheel=$((wheel + v)) ;; esac ;;
        3) case $c in 0) ax=$v abs=1 ;; 1) ay=$v abs=1 ;; esac ;;
      esac
    done
    input_motion
    [ $moved = 1 ] && sleep 0.1
  done
}
# The USB tablet's event device appears seconds later: keep looking for new devices.
(
  for m in xhci_pci usbhid hid_generic; do modprobe $m 2>/dev/null; done
  seen='' n=0
  while :; do
    for s in /sys/class/input/event*; do
      e=${s##*/}
      case " $seen " in *" $e "*) continue ;; esac
      [ -c "/dev/input/$e" ] || continue
      seen="$seen $e"
      input_reader "$e" &
    done
    n=$((n + 1))
    if [ $n -lt 20 ]; then sleep 0.5; else sleep 2; fi
  done
) &
# The SPICE guest's agent, on the virtio port named com.redhat.spice.0 (the VNC guest has
# none), and its sound card (the codec driver first: nothing loads it on demand here).
(
  modprobe virtio_console 2>/dev/null
  n=0
  while [ $n -lt 10 ]; do
    for f in /sys/class/virtio-ports/*/name; do
      name=''
      [ -r "$f" ] && read -r name <"$f"
      [ "$name" = com.redhat.spice.0 ] || continue
      p=${f%/name}
      p=/dev/${p##*/}
      [ -c "$p" ] && exec vireo-agent "$p"
    done
    n=$((n + 1))
    sleep 0.5
  done
) &
(for m in snd_hda_codec_generic snd_hda_intel snd_pcm_oss; do modprobe $m 2>/dev/null; done) &
ip link set lo up
if ip link show eth0 >/dev/null 2>&1; then
  ip link set eth0 up
  udhcpc -i eth0 -t 5 -T 2 -n -q -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
fi
# virsh shutdown presses the ACPI power button: button.ko reports it as a key on
# /dev/input/event*, busybox acpid runs /etc/acpi/PWRF/00000080 for it.
mkdir -p /etc/acpi/PWRF /var/log
printf '#!/bin/sh\necho "power button: powering off" >/dev/ttyS0\npoweroff -f\n' >/etc/acpi/PWRF/00000080
chmod +x /etc/acpi/PWRF/00000080
sleep 0.5   # devtmpfs needs a moment to create the event node of the just-loaded button
acpid -f -d >/dev/ttyS0 2>&1 &
if grep -q 'vireo.flood=1' /proc/cmdline; then
  say "flood mode"
  n=0
  while :; do
    n=$((n + 1))
    printf '\033[1;37;%dm flood %d %s \033[0m\n' $((41 + n % 6)) $n "$(cut -d' ' -f1 /proc/uptime)" >/dev/tty0
  done
fi
n=0
while :; do
  n=$((n + 1))
  line="tick $n  uptime $(cut -d' ' -f1 /proc/uptime)s  ip $(cat /tmp/ip 2>/dev/null || echo none)"
  # white on a background colour cycling through 41..46
  say "$(printf '\033[1;37;%dm %s \033[0m' $((41 + n % 6)) "$line")"
  sleep 1
done
EOF
  chmod +x "$root/init"
  (cd "$root" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -9) >"$OUT/initrd.gz"

  # BIOS ISO through isolinux; hybrid MBR so it also boots as a disk image.
  local iso=$work/iso
  mkdir -p "$iso/isolinux" "$iso/boot"
  cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
  cp "$OUT/vmlinuz" "$OUT/initrd.gz" "$iso/boot/"
  cat >"$iso/isolinux/isolinux.cfg" <<'EOF'
DEFAULT vireo
PROMPT 0
TIMEOUT 1
LABEL vireo
  KERNEL /boot/vmlinuz
  APPEND initrd=/boot/initrd.gz console=ttyS0,115200 console=tty0 panic=10
EOF
  local out # xorriso prints a banner on stderr even with -quiet: show it only on failure
  if ! out=$(xorriso -as mkisofs -quiet -o "$OUT/test-guest.iso" -V VIREO_TEST \
    -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
    -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$iso" 2>&1); then
    echo "$out" >&2
    exit 1
  fi
  chmod a+r "$OUT/test-guest.iso" "$OUT/vmlinuz" "$OUT/initrd.gz"
  rm -f "$OUT/domain-type"   # a new kernel deserves a new probe
  log "built $OUT/test-guest.iso ($kpkg)"
}

# Boots the kernel under KVM and watches the serial port for the marker, at most 20 s.
# Capabilities cannot answer this: kvm_pvm lists KVM yet a stock kernel never gets to /init.
probe_kvm() {
  local serial pid
  serial=$(mktemp)
  qemu-system-x86_64 -enable-kvm -m 256 -display none -monitor none -no-reboot \
    -serial "file:$serial" -kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.gz" \
    -append 'console=ttyS0 panic=-1' >/dev/null 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 20)) ok=1
  while [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
    if grep -qF "$MARKER" "$serial"; then ok=0; break; fi
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$serial"
  return $ok
}

t0=$SECONDS
if [ -s "$OUT/test-guest.iso" ] && [ "$OUT/test-guest.iso" -nt "$SELF" ] &&
  [ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initrd.gz" ]; then
  log "ISO up to date, not rebuilt"
else
  build_guest
  log "build took $((SECONDS - t0)) s"
fi

t0=$SECONDS
if [ -n "${VIREO_GUEST_DOMTYPE:-}" ]; then
  case $VIREO_GUEST_DOMTYPE in kvm | qemu) ;; *) echo "VIREO_GUEST_DOMTYPE must be kvm or qemu" >&2; exit 2 ;; esac
  domtype=$VIREO_GUEST_DOMTYPE
  why="set by VIREO_GUEST_DOMTYPE"
elif [ -s "$OUT/domain-type" ]; then
  domtype=$(cat "$OUT/domain-type")
  why="cached probe result in $OUT/domain-type"
elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
  domtype=qemu
  why="/dev/kvm missing or not accessible"
  echo "$domtype" >"$OUT/domain-type"
elif probe_kvm; then
  domtype=kvm
  why="probe: the guest reached /init under KVM in $((SECONDS - t0)) s"
  echo "$domtype" >"$OUT/domain-type"
else
  domtype=qemu
  why="probe: no guest output under KVM within 20 s"
  echo "$domtype" >"$OUT/domain-type"
fi
log "domain type '$domtype' ($why)"

# A NIC only when it can work: a domain on an inactive network refuses to start.
interface=
netinfo=$(virsh -q -c qemu:///system net-info default 2>/dev/null || true)
if grep -Eq '^Active:[[:space:]]+yes' <<<"$netinfo"; then
  interface="<interface type='network'><source network='default'/><model type='virtio'/></interface>"
  log "network 'default' active: domains get a virtio NIC"
else
  log "network 'default' not active: domains have no NIC"
fi

write_domain() { # name graphics video [more devices]
  local name=$1 graphics=$2 video=$3 more=${4:-} uuid
  # UUID derived from the name: re-running and re-defining updates the same domain.
  uuid=$(printf %s "$name" | md5sum | cut -c1-32)
  uuid="${uuid:0:8}-${uuid:8:4}-4${uuid:13:3}-8${uuid:17:3}-${uuid:20:12}"
  [ -f "$OUT/$name.qcow2" ] || qemu-img create -q -f qcow2 "$OUT/$name.qcow2" 64M
  cat >"$OUT/$name.xml" <<EOF
<!-- SPDX-License-Identifier: GPL-3.0-or-later -->
<!-- generated by make-test-guest.sh -->
<domain type='$domtype'>
  <name>$name</name>
  <uuid>$uuid</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='cdrom'/>
  </os>
  <features><acpi/><apic/></features>
  <!-- no <cpu>: host-passthrough aborts QEMU in some nested setups; the default model boots -->
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='$OUT/test-guest.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$OUT/$name.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    $interface
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <!-- absolute pointer: VNC and SPICE clients' pointer lands where it is drawn -->
    <controller type='usb' model='qemu-xhci'/>
    <input type='tablet' bus='usb'/>
    <graphics type='$graphics' autoport='yes' listen='127.0.0.1'>
      <listen type='address' address='127.0.0.1'/>
    </graphics>
    <video><model type='$video'/></video>
    <memballoon model='virtio'><stats period='2'/></memballoon>$more
  </devices>
</domain>
EOF
}
write_domain vireo-test-vnc vnc vga
# SPICE: the agent's port (the guest runs a minimal agent: clipboard, client pointer), a
# sound card (F9 in the guest plays a test tone) and two USB redirection channels.
write_domain vireo-test-spice spice qxl "
    <controller type='virtio-serial'/>
    <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
    <sound model='ich9'/>
    <redirdev bus='usb' type='spicevmc'/>
    <redirdev bus='usb' type='spicevmc'/>"
log "wrote $OUT/vireo-test-vnc.xml and $OUT/vireo-test-spice.xml"
