#!/usr/bin/env bash
# Builds the Debian package gpuqos_VERSION_amd64.deb with dpkg-deb, from a published gpuqos:
#   /usr/bin/gpuqos                            the daemon and CLI (Native AOT: one native executable)
#   /usr/bin/gpuqos-probe                      the isolation-probe worker audits start (ILGPU, JIT, single file)
#   /lib/systemd/system/gpuqos.service         deploy/systemd/gpuqos.service, run from /usr/bin
#   /etc/gpuqos/gpuqos.yaml                    deploy/gpuqos.yaml, a conffile (dpkg keeps local changes)
#   /usr/share/gpuqos/prometheus/rules/        deploy/prometheus/rules/*.yaml
#   /usr/share/gpuqos/dashboards/              dashboards/*.json (Grafana)
#   /usr/share/gpuqos/systemd/freeze.conf      the drop-in for policies that use the freeze action
#   /var/lib/gpuqos (0750, root)               made by postinst, kept on remove, deleted on purge
# Usage: deploy/debian/build.sh [--binary PATH] [--probe-binary PATH] [--out DIR]
#   --binary  a gpuqos built with `dotnet publish src/Daemon -c Release -r linux-x64` (default: publish one,
#             and gpuqos-probe beside it)
#   --probe-binary  the gpuqos-probe built with `dotnet publish src/ProbeWorker -c Release -r linux-x64`
#             (default: the one beside --binary)
#   --out     where the package goes (default: artifacts/)
# Prints the package's path. Its version is the binary's --version without +COMMIT, with a pre-release's
# '-' turned into '~' so that 0.2.0-dev.3 sorts before 0.2.0, as Debian versions do.
set -euo pipefail
cd "$(dirname "$0")/../.."

binary=""
probe=""
out="artifacts"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --probe-binary) probe="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "build-deb: unknown argument $1 (usage: build.sh [--binary PATH] [--probe-binary PATH] [--out DIR])" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$binary" ]; then
  echo "build-deb: publishing the self-contained gpuqos and gpuqos-probe" >&2
  dotnet publish src/Daemon -c Release -r linux-x64 -o "$work/publish" --nologo --verbosity quiet >&2
  dotnet publish src/ProbeWorker -c Release -r linux-x64 -o "$work/publish" --nologo --verbosity quiet >&2
  binary="$work/publish/gpuqos"
fi
version="$("$binary" --version)"
release="${version%%+*}"
if ! [[ "$release" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "build-deb: '$version' from $binary --version is not a version" >&2
  exit 2
fi
probe="${probe:-$(dirname "$binary")/gpuqos-probe}"
if [ ! -x "$probe" ]; then
  echo "build-deb: $probe is missing or not executable: publish src/ProbeWorker beside gpuqos, or pass --probe-binary" >&2
  exit 2
fi
# The two are one release: the worker protocol is versioned, but a package of mismatched halves is a mistake.
probe_version="$("$probe" --version)"
if [ "$probe_version" != "$version" ]; then
  echo "build-deb: $probe is version '$probe_version', gpuqos is '$version'" >&2
  exit 2
fi
debversion="${release/-/\~}"
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH

root="$work/root"
doc="$root/usr/share/doc/gpuqos"
share="$root/usr/share/gpuqos"
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/gpuqos" \
  "$doc" "$share/prometheus/rules" "$share/dashboards" "$share/systemd"
install -m 0755 "$binary" "$root/usr/bin/gpuqos"
install -m 0755 "$probe" "$root/usr/bin/gpuqos-probe"
# The unit as deploy/install.sh installs it, but with the binary where packages put it.
sed -e 's|/usr/local/bin/gpuqos|/usr/bin/gpuqos|g' \
    -e 's|^# Installed by deploy/install.sh to /etc/systemd/system/gpuqos.service.|# Installed by the gpuqos Debian package.|' \
  deploy/systemd/gpuqos.service > "$root/lib/systemd/system/gpuqos.service"
chmod 0644 "$root/lib/systemd/system/gpuqos.service"
install -m 0644 deploy/gpuqos.yaml "$root/etc/gpuqos/gpuqos.yaml"
install -m 0644 deploy/prometheus/rules/*.yaml "$share/prometheus/rules/"
install -m 0644 dashboards/*.json "$share/dashboards/"
install -m 0644 deploy/systemd/gpuqos.service.d/freeze.conf "$share/systemd/freeze.conf"
install -m 0644 deploy/debian/copyright "$doc/copyright"
install -d -m 0755 "$root/usr/share/lintian/overrides"
install -m 0644 deploy/debian/lintian-overrides "$root/usr/share/lintian/overrides/gpuqos"
# A native package's changelog: one entry for this version, dated by the commit.
{
  echo "gpuqos ($debversion) unstable; urgency=medium"
  echo
  echo "  * Built from $(git rev-parse --short HEAD 2>/dev/null || echo 'a tree without git') ($version)."
  echo "    Changes: https://github.com/gpuqos/gpuqos/commits"
  echo
  echo " -- ${DEB_MAINTAINER:-GpuQos maintainers <maintainers@gpuqos.dev>}  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$root/DEBIAN/"
echo /etc/gpuqos/gpuqos.yaml > "$root/DEBIAN/conffiles"
installed_kb="$(du -k -s --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s|@VERSION@|$debversion|" -e "s|@INSTALLED_SIZE@|$installed_kb|" \
    -e "s|@MAINTAINER@|${DEB_MAINTAINER:-GpuQos maintainers <maintainers@gpuqos.dev>}|" \
  deploy/debian/control.in > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$(cd "$out" && pwd)/gpuqos_${debversion}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -m "$deb" | cut -f1) MB)" >&2
echo "$deb"
