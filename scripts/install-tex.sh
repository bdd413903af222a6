#!/usr/bin/env bash
# Installs the TeX Live subset build-cv needs (what each package is for: docs/tex.md), and
# bubblewrap, which isolates TeX from the rest of the machine (docs/security.md).
# On Debian/Ubuntu it uses apt-get; elsewhere it prints what to install and fails.
set -euo pipefail

PACKAGES=(
  poppler-utils
  texlive-xetex texlive-latex-extra texlive-fonts-recommended
  texlive-fonts-extra
  fonts-noto-cjk
  fonts-ebgaramond-extra
  bubblewrap
)

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
build-cv: no apt-get here, so TeX cannot be installed automatically.
Install a TeX Live (2022 or newer) with: xelatex, moderncv, cm-unicode (fonts-extra),
pzdr.tfm (fonts-recommended), plus Noto Sans/Serif CJK SC fonts, poppler-utils and
bubblewrap (bwrap). On Debian/Ubuntu the packages are:
  ${PACKAGES[*]}
MSG
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "build-cv: run as root or install sudo to install: ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
echo "build-cv: TeX installed: $(xelatex --version | head -n1)"
