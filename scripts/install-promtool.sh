#!/usr/bin/env bash
# Puts promtool (from Debian's `prometheus` package) in .bin/prometheus/usr/bin/promtool without
# installing the Prometheus service: the exposition tests run `promtool check metrics` on our output.
# Idempotent; PROMTOOL or a promtool on PATH wins.
set -euo pipefail
cd "$(dirname "$0")/.."

target=".bin/prometheus/usr/bin/promtool"
if [ -n "${PROMTOOL:-}" ] && [ -x "${PROMTOOL}" ]; then exit 0; fi
if command -v promtool >/dev/null 2>&1; then exit 0; fi
if [ -x "$target" ]; then exit 0; fi

mkdir -p .bin/deb
cd .bin/deb
if ! ls prometheus_*.deb >/dev/null 2>&1; then
  apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus; }
fi
dpkg -x "$(ls prometheus_*.deb | head -n 1)" ../prometheus
cd ../..
"$target" --version >/dev/null
echo "promtool installed at $target"
