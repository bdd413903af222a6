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

NO_APT="build-cv: no apt-get here, so TeX cannot be installed automatically.
Install a TeX Live (2022 or newer) with: xelatex, moderncv, cm-unicode (fonts-extra),
pzdr.tfm (fonts-recommended), plus Noto Sans/Serif CJK SC fonts, poppler-utils and
bubblewrap (bwrap). On Debian/Ubuntu the packages are:
  ${PACKAGES[*]}"
# shellcheck source=scripts/apt.sh
. "$(dirname "$0")/apt.sh"
apt_install "${PACKAGES[@]}"
echo "build-cv: TeX installed: $(xelatex --version | head -n1)"
