#!/usr/bin/env bash
# Installs what GpuQos needs to build, run and test on a fresh Debian machine, and nothing else:
#   gcc, make     build the NVML stand-in (tests/NvmlStub) that the NVML backend's tests load
#   clang, zlib1g-dev
#                 link the Native AOT gpuqos (dotnet publish src/Daemon -r linux-x64), which the daemon tests run
#   prometheus    promtool checks the exposition and the rules; a real Prometheus scrapes the daemon in tests
#   chromium      renders the audit's HTML report headless in a test
#   nodejs, npm   validate deploy/kubernetes offline against the Kubernetes schemas (deploy/kubernetes/validate)
#   systemd       systemd-analyze verifies deploy/systemd/gpuqos.service
#   cargo, librust-nvml-wrapper-dev
#                 build tests/NvmlClient, an NVML client written by others (the Rust nvml-wrapper crate), offline
#                 from Debian's cargo registry, to read the NVML stand-in in a test
#   shellcheck    checks scripts/gpu-check.sh, which runs on GPU hosts this project does not have
#   tmux          a real 120-column terminal in which a test runs gpuqos status and reads back what it shows
#   mmdebstrap, buildah, lintian
#                 build the container image offline from Debian's packages (deploy/container/build.sh), check
#                 the .deb (deploy/debian/build.sh) and install it into a clean Debian root (tests/Daemon.Tests/Packaging)
#   python3       scripts/gen-fleet.py writes the simulated fleet the fleet test loads into Prometheus
# It is idempotent: on a machine that has everything it only checks, and returns in a second.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (https://dot.net). Install it, then run this again." >&2
  exit 2
fi

need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || need+=(make)
command -v clang >/dev/null 2>&1 || need+=(clang)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v cargo >/dev/null 2>&1 || need+=(cargo)
compgen -G "/usr/share/cargo/registry/nvml-wrapper-0.9.*" >/dev/null || need+=(librust-nvml-wrapper-dev)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v lintian >/dev/null 2>&1 || need+=(lintian)
command -v python3 >/dev/null 2>&1 || need+=(python3)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Debian package starts a Prometheus service on :9090 where systemd runs; tests start their own
# Prometheus on free loopback ports, so the packaged one is left alone.
dotnet restore GpuQos.sln --verbosity quiet
# The Kubernetes and prometheus-operator schema validators, pinned by package-lock.json.
[ -d deploy/kubernetes/validate/node_modules ] || npm ci --prefix deploy/kubernetes/validate --no-audit --no-fund --loglevel=error >/dev/null
echo "setup: ok (dotnet $(dotnet --version), $(promtool --version 2>&1 | head -n1))"
