#!/usr/bin/env bash
# Puts promtool and prometheus (from Debian's `prometheus` package) in .bin/prometheus/usr/bin/
# without installing the Prometheus service: the exposition tests run `promtool check metrics` on
# our output, and test/e2e/grafana.test.ts starts a real Prometheus against `tokentrace serve`.
# Idempotent; PROMTOOL and PROMETHEUS (or both on PATH) win.
set -euo pipefail
cd "$(dirname "$0")/.."

target=".bin/prometheus/usr/bin/promtool"
if [ -n "${PROMTOOL:-}" ] && [ -x "${PROMTOOL}" ] && [ -n "${PROMETHEUS:-}" ] && [ -x "${PROMETHEUS}" ]; then exit 0; fi
if [ -x "$target" ] && [ -x ".bin/prometheus/usr/bin/prometheus" ]; then exit 0; fi

mkdir -p .bin/deb
cd .bin/deb
if ! ls prometheus_*.deb >/dev/null 2>&1; then
  apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus; }
fi
dpkg -x "$(ls prometheus_*.deb | head -n 1)" ../prometheus
cd ../..
"$target" --version >/dev/null
.bin/prometheus/usr/bin/prometheus --version >/dev/null
echo "promtool and prometheus installed in .bin/prometheus/usr/bin/"
