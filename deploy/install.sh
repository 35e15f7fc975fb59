#!/usr/bin/env bash
# Installs GpuQos on a systemd host: the two binaries (gpuqos, Native AOT, and gpuqos-probe, the isolation-probe
# worker the audits start from beside it), the unit, a default configuration and the state directory. Run as
# root from a checkout (it publishes both) or with GPUQOS_BINARY=path to a gpuqos built elsewhere
# (dotnet publish src/Daemon -c Release -r linux-x64); gpuqos-probe is then taken from beside it, or from
# GPUQOS_PROBE_BINARY=path (dotnet publish src/ProbeWorker -c Release -r linux-x64).
#   sudo deploy/install.sh            install or upgrade, then (re)start the service
#   DESTDIR=/tmp/root deploy/install.sh   stage into a directory instead (no systemctl calls)
#   sudo deploy/install.sh --freeze   also install the drop-in that makes /sys/fs/cgroup writable, for
#                                     hosts whose policies use the freeze action (the cgroup tree is
#                                     read-only otherwise)
# An existing /etc/gpuqos/gpuqos.yaml is never overwritten; the shipped default goes beside it as
# gpuqos.yaml.default.
set -euo pipefail
cd "$(dirname "$0")/.."

destdir="${DESTDIR:-}"
freeze=no
if [ "${1:-}" = "--freeze" ]; then
  freeze=yes
fi
bin="$destdir/usr/local/bin"
unit_dir="$destdir/etc/systemd/system"
etc="$destdir/etc/gpuqos"
state="$destdir/var/lib/gpuqos"

if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install: run as root (or set DESTDIR to stage the files)" >&2
  exit 2
fi

binary="${GPUQOS_BINARY:-}"
probe="${GPUQOS_PROBE_BINARY:-}"
if [ -z "$binary" ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  echo "install: publishing gpuqos (Native AOT) and gpuqos-probe"
  dotnet publish src/Daemon -c Release -r linux-x64 -o "$out" --nologo --verbosity quiet
  dotnet publish src/ProbeWorker -c Release -r linux-x64 -o "$out" --nologo --verbosity quiet
  binary="$out/gpuqos"
fi
probe="${probe:-$(dirname "$binary")/gpuqos-probe}"
if [ ! -x "$probe" ]; then
  echo "install: $probe is missing or not executable: publish src/ProbeWorker beside gpuqos, or set GPUQOS_PROBE_BINARY" >&2
  exit 2
fi

install -d -m 0755 "$bin" "$unit_dir"
install -d -m 0755 "$etc"
install -d -m 0750 "$state"
install -m 0755 "$binary" "$bin/gpuqos"
install -m 0755 "$probe" "$bin/gpuqos-probe"
install -m 0644 deploy/systemd/gpuqos.service "$unit_dir/gpuqos.service"
if [ "$freeze" = yes ]; then
  install -d -m 0755 "$unit_dir/gpuqos.service.d"
  install -m 0644 deploy/systemd/gpuqos.service.d/freeze.conf "$unit_dir/gpuqos.service.d/freeze.conf"
fi
if [ -e "$etc/gpuqos.yaml" ]; then
  install -m 0644 deploy/gpuqos.yaml "$etc/gpuqos.yaml.default"
  echo "install: kept $etc/gpuqos.yaml; the new default is $etc/gpuqos.yaml.default"
else
  install -m 0644 deploy/gpuqos.yaml "$etc/gpuqos.yaml"
fi

"$bin/gpuqos" validate "$etc/gpuqos.yaml"
echo "install: $("$bin/gpuqos" --version) installed, with gpuqos-probe $("$bin/gpuqos-probe" --version)"

if [ -z "$destdir" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable gpuqos.service >/dev/null
  systemctl restart gpuqos.service
  systemctl --no-pager --lines=5 status gpuqos.service || true
fi
