"""Engine settings kept as data, in a module light enough for the command line to import
before it knows whether TeX will run at all (a cached rebuild never starts it)."""

from __future__ import annotations

JOB = "cv"
DEFAULT_TIMEOUT = 120.0
# The line that ends the part of the document that changes with the design (and PDF/A
# metadata) only, in tex_templates/cv.tex.j2: TeX may start on it before the data is read.
HEAD_MARK = "% build-cv: TeX may start on the lines above before the data is read\n"
