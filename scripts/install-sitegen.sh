#!/usr/bin/env bash
# Installs the static site generators for the Markdown end-to-end test
# (tests/formats/markdown/test_sitegen.py): Debian's `hugo` and `jekyll` build a minimal site
# from `--front-matter hugo|jekyll` output. On Debian/Ubuntu it uses apt-get; elsewhere it says
# what to install and fails.
set -euo pipefail

# shellcheck source=scripts/apt.sh
. "$(dirname "$0")/apt.sh"
NO_APT="build-cv: no apt-get here; install Hugo and Jekyll so that \`hugo\` and \`jekyll\` run"
apt_install hugo jekyll
echo "build-cv: $(hugo version 2>/dev/null | head -n1)"
echo "build-cv: $(jekyll --version 2>/dev/null | head -n1)"
