#!/usr/bin/env bash
# Installs Debian's headless Chromium for the dashboard browser tests (playwright-core drives it
# through executablePath: `npx playwright install` cannot download browsers here).
# Falls back to the full `chromium` package when the headless shell is not packaged.
# Prints the binary path it found.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

find_browser() {
  for p in /usr/bin/chromium-headless-shell /usr/lib/chromium/headless_shell /usr/bin/chromium /usr/lib/chromium/chromium; do
    if [ -x "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}

if ! find_browser >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium-headless-shell fonts-dejavu-core >/dev/null \
    || apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
find_browser
