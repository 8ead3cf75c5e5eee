#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine, and nothing twice.
#   npm ci                      the locked Node dependencies
#   etcd (Debian etcd-server)   only when no `etcd` is on PATH
# kubectl is expected on PATH for the compatibility tests; we check and say so.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "node_modules is up to date with package-lock.json"
else
  say "installing Node dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

if command -v etcd >/dev/null 2>&1; then
  say "etcd found: $(etcd --version | head -n 1)"
else
  install_cmd="apt-get install -y etcd-server"
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "etcd is missing: installing Debian's etcd-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $install_cmd
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    say "etcd is missing: installing Debian's etcd-server with sudo"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive $install_cmd
  else
    say "etcd is missing and cannot be installed automatically here. Run:"
    say "  sudo $install_cmd"
    exit 1
  fi
  # The Debian package may start a system-wide etcd on 127.0.0.1:2379. The simulator runs its
  # own etcd, so we stop that service where systemd manages it (a no-op in containers).
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
    say "stopping the system etcd service the package started (the simulator runs its own)"
    systemctl disable --now etcd >/dev/null 2>&1 || true
  fi
  say "etcd installed: $(etcd --version | head -n 1)"
fi

# Debian's Chromium drives the dashboard's browser tests (playwright-core never downloads a browser).
if command -v chromium >/dev/null 2>&1; then
  say "chromium found: $(chromium --version 2>/dev/null | head -n 1)"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "chromium is missing: installing Debian's chromium for the dashboard tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  say "chromium is missing: installing Debian's chromium with sudo"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  say "chromium is missing: the dashboard's browser tests need it. Run: sudo apt-get install -y chromium"
fi

if command -v kubectl >/dev/null 2>&1; then
  say "kubectl found: $(kubectl version --client 2>/dev/null | head -n 1)"
else
  say "kubectl is not on PATH: the cluster works without it, but the kubectl compatibility tests need it"
fi
say "done"
