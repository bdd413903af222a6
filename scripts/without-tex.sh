#!/usr/bin/env bash
# Runs a command (default: `make quick`) on a PATH without TeX, Chromium, Hugo, Jekyll and
# bubblewrap, as on a machine where none of them is installed. `make quick-check` uses it
# to prove that the quick tier needs none of them: a test there that starts one fails.
#
# bubblewrap goes too: its sandbox shows all of /usr, TeX included, so through it a TeX
# program would still run. On a machine without TeX the sandbox cannot start TeX either,
# and build-cv then works as it does without bubblewrap.
set -euo pipefail

HIDDEN=(
  xelatex xetex xdvipdfmx kpsewhich latexmk pdflatex pdftex lualatex luatex tex latex
  mktexlsr fmtutil fmtutil-sys updmap tlmgr
  chromium chromium-browser google-chrome google-chrome-stable
  hugo jekyll bwrap
)
# On Debian and Ubuntu, also every other program the TeX, Chromium and generator packages
# install (there are some 200).
if command -v dpkg-query >/dev/null 2>&1; then
  mapfile -t packages < <(dpkg-query -W -f '${Package}\n' 'texlive*' tex-common latexmk \
    'chromium*' hugo jekyll bubblewrap 2>/dev/null || true)
  if [ "${#packages[@]}" -gt 0 ]; then
    mapfile -t owned < <(dpkg-query -L "${packages[@]}" 2>/dev/null \
      | sed -n 's@^/usr/\(local/\)\{0,1\}s\{0,1\}bin/@@p')
    HIDDEN+=("${owned[@]}")
  fi
fi

bin="$(mktemp -d "${TMPDIR:-/tmp}/build-cv-without-tex.XXXXXX")"
trap 'rm -rf "$bin"' EXIT
declare -A hidden=() seen=() linked=()
links=()
for name in "${HIDDEN[@]}"; do hidden["$name"]=1; done

IFS=: read -r -a folders <<<"$PATH"
for folder in "${folders[@]}"; do
  case "$folder" in */texlive/*) continue ;; esac  # a TeX Live installed from TUG
  [ -d "$folder" ] || continue
  real="$(cd "$folder" && pwd -P)"  # /bin is /usr/bin on a merged-/usr system
  [ -z "${seen[$real]:-}" ] || continue
  seen["$real"]=1
  for program in "$folder"/*; do
    name="${program##*/}"
    [ -x "$program" ] && [ ! -d "$program" ] || continue
    [ -z "${hidden[$name]:-}" ] && [ -z "${linked[$name]:-}" ] || continue
    linked["$name"]=1
    links+=("$program")
  done
done
ln -s -t "$bin" "${links[@]}"

for name in xelatex kpsewhich chromium bwrap hugo jekyll; do
  if PATH="$bin" command -v "$name" >/dev/null 2>&1; then
    echo "without-tex: $name is still on the PATH" >&2
    exit 1
  fi
done

if [ "$#" -eq 0 ]; then set -- make quick; fi
PATH="$bin" "$@"
