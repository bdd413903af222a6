"""One lock for PDFium, which the preflight (text and glyph boxes) and the PNG writer use.

PDFium keeps global state and is not thread-safe, and builds run in threads (the gallery
builds its combinations in parallel): two documents open at once in two threads can
crash the interpreter. Every use of pypdfium2 holds this lock.
"""

from __future__ import annotations

import threading

LOCK = threading.Lock()
