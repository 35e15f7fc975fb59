#!/usr/bin/env bash
# Builds the GpuQos container image offline, from Debian's packages only (no container registry), and
# writes it as an OCI archive. The same image as the Containerfile beside this script, for machines
# with no registry at hand (CI among them):
#   1. mmdebstrap extracts the few Debian packages the daemon links against (libc6, libgcc-s1, libstdc++6,
#      libssl3 for System.Security.Cryptography) into a root file system, without running their
#      maintainer scripts, so no shell, package manager or coreutils come along;
#   2. buildah (vfs storage, chroot isolation: no daemon, no overlay mounts, no user namespaces) adds the
#      self-contained gpuqos binary, gpuqos-probe (the isolation-probe worker audits start from beside
#      gpuqos) and the default configuration, and commits the image.
# Usage: deploy/container/build.sh [--binary PATH] [--probe-binary PATH] [--out DIR]
#   --binary  a gpuqos built with `dotnet publish src/Daemon -c Release -r linux-x64` (default: publish one,
#             and gpuqos-probe beside it)
#   --probe-binary  the gpuqos-probe built with `dotnet publish src/ProbeWorker -c Release -r linux-x64`
#             (default: the one beside --binary)
#   --out     where the archive goes (default: artifacts/)
# Writes DIR/gpuqos_VERSION_amd64.oci.tar, whose image is named localhost/gpuqos:VERSION, and prints its
# path. VERSION is what the binary's --version says, without the +COMMIT suffix (tags cannot hold a '+').
# Needs root (mmdebstrap's root mode, buildah's vfs storage) and the Debian mirror apt already uses
# (GPUQOS_DEBIAN_MIRROR overrides it).
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
    *) echo "build: unknown argument $1 (usage: build.sh [--binary PATH] [--probe-binary PATH] [--out DIR])" >&2; exit 2 ;;
  esac
done
for tool in mmdebstrap buildah; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build: $tool is required (scripts/setup.sh installs it)" >&2; exit 2; }
done

work="$(mktemp -d)"
container=""
buildah_() { buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs "$@"; }
cleanup() {
  [ -z "$container" ] || buildah_ rm "$container" >/dev/null 2>&1 || true
  # vfs layers are plain directories, some of them read-only: make them removable first.
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$binary" ]; then
  echo "build: publishing the self-contained gpuqos and gpuqos-probe" >&2
  dotnet publish src/Daemon -c Release -r linux-x64 -o "$work/publish" --nologo --verbosity quiet >&2
  dotnet publish src/ProbeWorker -c Release -r linux-x64 -o "$work/publish" --nologo --verbosity quiet >&2
  binary="$work/publish/gpuqos"
fi
version="$("$binary" --version)"
tag="${version%%+*}"
if ! [[ "$tag" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "build: '$version' from $binary --version is not a version" >&2
  exit 2
fi
probe="${probe:-$(dirname "$binary")/gpuqos-probe}"
if [ ! -x "$probe" ]; then
  echo "build: $probe is missing or not executable: publish src/ProbeWorker beside gpuqos, or pass --probe-binary" >&2
  exit 2
fi
# The two are one release: the worker protocol is versioned, but a package of mismatched halves is a mistake.
probe_version="$("$probe" --version)"
if [ "$probe_version" != "$version" ]; then
  echo "build: $probe is version '$probe_version', gpuqos is '$version'" >&2
  exit 2
fi
image="localhost/gpuqos:$tag"
mkdir -p "$out"
archive="$(cd "$out" && pwd)/gpuqos_${tag}_amd64.oci.tar"

# Reproducible timestamps where the tree is a git checkout: the commit's time, not the build's.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH

# The root file system. Kept out: documentation, locales, iconv's character-set modules (gconv, 8 MiB: .NET
# converts text itself, and the daemon runs with invariant globalization), and what dpkg and apt leave for
# themselves, none of which the daemon reads. Added: the state directory the DaemonSet mounts over, and then, from
# rootfs/ beside this script (the Containerfile copies the same files), the two accounts the daemon names:
# root runs it, and probe workers drop to nobody (audit.workerUser).
mirror=()
[ -z "${GPUQOS_DEBIAN_MIRROR:-}" ] || mirror=("$GPUQOS_DEBIAN_MIRROR")
# mmdebstrap runs no hooks for the extract variant: trim the directory it leaves, then pack it.
mmdebstrap --quiet --mode=root --variant=extract \
  --include=libc6,libgcc-s1,libstdc++6,libssl3 \
  bookworm "$work/rootfs" "${mirror[@]}"
rootfs="$work/rootfs"
rm -rf "$rootfs"/usr/lib/x86_64-linux-gnu/gconv "$rootfs"/usr/share/doc "$rootfs"/usr/share/locale \
  "$rootfs"/usr/share/lintian "$rootfs"/usr/share/gcc "$rootfs"/usr/share/gdb "$rootfs"/etc/apt "$rootfs"/etc/dpkg \
  "$rootfs"/var/cache "$rootfs"/var/lib/apt "$rootfs"/var/lib/dpkg "$rootfs"/var/log \
  "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname "$rootfs"/etc/fstab
# Device nodes come from the runtime (a tmpfs /dev under Kubernetes), not from the image.
find "$rootfs"/dev -mindepth 1 -delete
install -d -m 0750 "$rootfs"/var/lib/gpuqos
install -d -m 1777 "$rootfs"/tmp
tar -C "$rootfs" --sort=name --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf "$work/rootfs.tar" .

container="$(buildah_ from --isolation chroot scratch)"
buildah_ add "$container" "$work/rootfs.tar" / >/dev/null
buildah_ copy "$container" deploy/container/rootfs/ / >/dev/null
buildah_ copy --chmod 0755 "$container" "$binary" /usr/bin/gpuqos >/dev/null
buildah_ copy --chmod 0755 "$container" "$probe" /usr/bin/gpuqos-probe >/dev/null
buildah_ copy --chmod 0644 "$container" deploy/gpuqos.yaml /etc/gpuqos/gpuqos.yaml >/dev/null
# As the DaemonSet runs it: root (with capabilities dropped by the pod spec), `args` after the entrypoint,
# the journal and the bundle's extracted native parts under the state directory.
buildah_ config \
  --entrypoint '["/usr/bin/gpuqos"]' --cmd 'run --config /etc/gpuqos/gpuqos.yaml' \
  --user 0:0 --workingdir /var/lib/gpuqos --port 9450/tcp --port 9451/tcp \
  --env DOTNET_BUNDLE_EXTRACT_BASE_DIR=/var/lib/gpuqos/.bundle --env DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  --label org.opencontainers.image.title=gpuqos \
  --label org.opencontainers.image.version="$tag" \
  --label org.opencontainers.image.revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  --label org.opencontainers.image.source=https://github.com/gpuqos/gpuqos \
  "$container"
rm -f "$archive"
buildah_ commit --quiet --format oci --timestamp "$SOURCE_DATE_EPOCH" "$container" "oci-archive:$archive:$image" >/dev/null
echo "build: $image written to $archive ($(du -m "$archive" | cut -f1) MB)" >&2
echo "$archive"
