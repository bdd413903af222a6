#!/usr/bin/env bash
# Installs headless Chromium for the HTML end-to-end test (tests/formats/html/test_browser.py).
# On Debian/Ubuntu it uses apt-get (Debian's package is `chromium`); elsewhere it says what
# to install and fails.
set -euo pipefail

# shellcheck source=scripts/apt.sh
. "$(dirname "$0")/apt.sh"
NO_APT="build-cv: no apt-get here; install Chromium (or Chrome) so that \`chromium\` runs"
apt_install --with-recommends chromium  # its fonts, for the page's screenshots
echo "build-cv: Chromium installed: $(chromium --version 2>/dev/null | head -n1)"
