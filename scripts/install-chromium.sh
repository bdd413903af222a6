#!/usr/bin/env bash
# Installs headless Chromium for the HTML end-to-end test (tests/formats/html/test_browser.py).
# On Debian/Ubuntu it uses apt-get (Debian's package is `chromium`); elsewhere it says what
# to install and fails.
set -euo pipefail

if ! command -v apt-get >/dev/null 2>&1; then
  echo "build-cv: no apt-get here; install Chromium (or Chrome) so that \`chromium\` runs" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "build-cv: run as root or install sudo to install: chromium" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
echo "build-cv: Chromium installed: $(chromium --version 2>/dev/null | head -n1)"
