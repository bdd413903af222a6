# build-cv: `make pdf` builds out/cv.pdf from data/cv.yaml; `make all` also every variant
# (out/cv-short.pdf, out/cv-public.pdf); `make test` runs every check.
# The test tiers (pytest markers, see pyproject.toml): `make quick` runs every test that
# needs neither TeX nor Chromium, Hugo or Jekyll, and is not marked slow (about 16 s);
# `make test` runs them all (about 6 min, real TeX); `make quick-check` proves the first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Every package's version, so that a new release (ruff, mypy, pypdf...) cannot change a
# build or turn the tests red by itself; pyproject.toml keeps the ranges users install.
PINS   := constraints.txt
DATA   ?= data/cv.yaml
OUT    ?= out
QUICK  := not tex and not browser and not sitegen and not slow
# pytest rewrites the asserts of every test module as it imports it; where
# PYTHONDONTWRITEBYTECODE is set it threw that away, and redid it on every run (4 s of
# `make quick`). As for `bytecode` below, it may keep it (in tests/**/__pycache__).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest

.PHONY: pdf all formats preview tex browser sitegen bytecode test quick quick-check lint format bench doctor clean gallery pins

pdf: $(STAMP) tex bytecode
	-@$(VENV)/bin/build-cv lint --summary $(DATA)
	$(VENV)/bin/build-cv build $(DATA) --out $(OUT)

all: $(STAMP) tex bytecode
	$(VENV)/bin/build-cv build $(DATA) --out $(OUT) --variant all

# Every format (pdf, png, html, md, txt, json, bib) of the full CV and every variant.
formats: $(STAMP) tex bytecode
	$(VENV)/bin/build-cv build $(DATA) --out $(OUT) --variant all --format all

# The README's picture: page 1 of the default CV (a test checks it is current).
preview: $(STAMP) tex bytecode
	$(VENV)/bin/build-cv build data/cv.yaml --out $(OUT)/preview --format png
	cp $(OUT)/preview/cv.png docs/preview.png
	$(VENV)/bin/build-cv build data/cv.yaml --out $(OUT)/preview --format png --variant zh
	cp $(OUT)/preview/cv-zh.png docs/preview-zh.png

tex:
	@command -v xelatex >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
	  && command -v bwrap >/dev/null 2>&1 \
	  && kpsewhich moderncv.cls cmunss.otf pzdr.tfm >/dev/null 2>&1 \
	  && fc-list ':family=Noto Sans CJK SC' | grep -q . \
	  || bash scripts/install-tex.sh

browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || bash scripts/install-chromium.sh

# The Markdown end-to-end test builds a site with each generator (Debian's hugo and jekyll).
sitegen:
	@command -v hugo >/dev/null 2>&1 && command -v jekyll >/dev/null 2>&1 \
	  || bash scripts/install-sitegen.sh

# An editable install leaves build_cv uncompiled, and where PYTHONDONTWRITEBYTECODE is set
# (containers, CI) every run compiled it again: 0.1 s of each build. compileall skips what
# is current.
bytecode: $(STAMP)
	@$(PY) -m compileall -q build_cv >/dev/null

# -c adds to a constraint file the machine's pip configuration may name; PIP_CONSTRAINT
# would replace it. The build of build-cv itself (setuptools) is pinned too. The editable
# install is a plain path (`compat`), not setuptools' import hook: the hook made every
# start of the interpreter 18 ms slower, more than half of what a rebuild with nothing
# changed may cost (docs/performance.md).
$(STAMP): pyproject.toml $(PINS)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -c $(PINS) --upgrade pip
	$(PY) -m pip install --quiet -c $(PINS) --build-constraint $(PINS) -e '.[dev,pdfa]' \
	  --config-settings editable_mode=compat
	touch $(STAMP)

# Regenerate the pins: the newest releases pyproject.toml allows, in a fresh venv. Then
# read the diff, run `make test` and commit the two together.
pins:
	rm -rf .venv-pins
	python3 -m venv .venv-pins
	.venv-pins/bin/python -m pip install --quiet --upgrade pip setuptools
	.venv-pins/bin/python -m pip install --quiet -e '.[dev,pdfa]'
	{ echo '# Made by `make pins` from pyproject.toml; `make` installs these versions.'; \
	  .venv-pins/bin/python -m pip freeze --all --exclude-editable; } > $(PINS).new
	mv $(PINS).new $(PINS)
	rm -rf .venv-pins

test: $(STAMP) tex browser sitegen lint bytecode
	$(PYTEST) -q

quick: $(STAMP) lint bytecode  # while working: no TeX, no browser, no site generator, nothing slow
	$(PYTEST) -q -m "$(QUICK)"

# `make quick` on a PATH without TeX, Chromium, Hugo, Jekyll and bubblewrap: it passes only
# if no quick test starts one of them (a test that does needs its marker).
quick-check: $(STAMP)
	bash scripts/without-tex.sh $(MAKE) quick

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every style x paper x size (30 builds, each preflighted); page 1 of each style -> docs/gallery/.
gallery: $(STAMP) tex bytecode
	$(PY) scripts/gallery.py

bench: $(STAMP) tex bytecode
	$(PY) bench/bench.py

doctor: $(STAMP)
	$(VENV)/bin/build-cv doctor

clean:
	rm -rf $(OUT) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
