#!/usr/bin/env bash
# Installs the static site generators for the Markdown end-to-end test
# (tests/formats/markdown/test_sitegen.py): Debian's `hugo` and `jekyll` build a minimal site
# from `--front-matter hugo|jekyll` output. On Debian/Ubuntu it uses apt-get; elsewhere it says
# what to install and fails.
set -euo pipefail

if ! command -v apt-get >/dev/null 2>&1; then
  echo "build-cv: no apt-get here; install Hugo and Jekyll so that \`hugo\` and \`jekyll\` run" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "build-cv: run as root or install sudo to install: hugo jekyll" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends hugo jekyll >/dev/null
echo "build-cv: $(hugo version 2>/dev/null | head -n1)"
echo "build-cv: $(jekyll --version 2>/dev/null | head -n1)"
