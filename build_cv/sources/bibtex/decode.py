"""Turn the LaTeX found in .bib fields into plain Unicode text.

A CV typesets every character of its data literally, so a BibTeX field must become the
text its author meant before it reaches the writer: `{\\"o}` is ö, `--` an en dash, `{GPU}`
just GPU. Only a fixed, well-known subset is understood. A macro outside it is kept as
the text it was written as (`\\foo{x}` stays `\\foo{x}`), so nothing from a .bib file is
ever handed to TeX as a command and nothing is silently lost.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from build_cv.sources.bibtex.braces import MAX_DEPTH, scan

NBSP = "\u00a0"

_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
    "t": "\u0361",
}
_SPACING_ACCENTS = {"`": "`", "'": "´", "^": "^", "~": "~", "=": "¯", '"': "¨", ".": "˙"}

_SYMBOLS = {
    "&": "&",
    "%": "%",
    "_": "_",
    "$": "$",
    "#": "#",
    "{": "{",
    "}": "}",
    " ": " ",
    "\\": " ",
    ",": NBSP,
    ";": " ",
    ":": " ",
    "!": "",
    "-": "",
    "/": "",
    "@": "",
}

_WORDS = {
    "ss": "ß",
    "SS": "SS",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "dj": "đ",
    "DJ": "Đ",
    "ldots": "…",
    "dots": "…",
    "textellipsis": "…",
    "textendash": "–",
    "textemdash": "—",
    "textquoteleft": "‘",
    "textquoteright": "’",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textasciigrave": "`",
    "textbackslash": "\\",
    "textdollar": "$",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "textunderscore": "_",
    "textregistered": "®",
    "texttrademark": "™",
    "textcopyright": "©",
    "copyright": "©",
    "textdegree": "°",
    "S": "§",
    "P": "¶",
    "pounds": "£",
    "euro": "€",
    "guillemotleft": "«",
    "guillemotright": "»",
    "quad": " ",
    "qquad": " ",
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "BibTeX": "BibTeX",
}

# Greek and a few operators, in math or (wrongly, but often) in text.
_MATH = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ϵ",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "ϕ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "times": "×",
    "cdot": "·",
    "pm": "±",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "approx": "≈",
    "sim": "∼",
    "infty": "∞",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "ell": "ℓ",
    "oplus": "⊕",
    "otimes": "⊗",
    "cdots": "⋯",
    "log": "log",
}

# Commands whose one argument is the text itself; the formatting is not kept.
_TEXT_ARG = {
    "emph",
    "textit",
    "textbf",
    "textsc",
    "texttt",
    "textrm",
    "textsf",
    "textsl",
    "textup",
    "textmd",
    "textnormal",
    "textsuperscript",
    "textsubscript",
    "mbox",
    "hbox",
    "text",
    "mathrm",
    "mathit",
    "mathbf",
    "mathsf",
    "mathtt",
    "mathcal",
    "operatorname",
    "NoCaseChange",
    "nocase",
}
# Font switches and no-ops: they print nothing.
_DECLARATIONS = {
    "em",
    "it",
    "bf",
    "sc",
    "rm",
    "sf",
    "tt",
    "sl",
    "normalfont",
    "itshape",
    "bfseries",
    "scshape",
    "upshape",
    "mdseries",
    "rmfamily",
    "sffamily",
    "ttfamily",
    "protect",
    "relax",
    "displaystyle",
}
_SUPERSCRIPT = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUBSCRIPT = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))
_WORD = re.compile(r"[A-Za-z]+")
_SPACES = re.compile(r"[ \t\r\n]+")
# Text with nothing the decoder acts on, taken in one step rather than a character each.
_PLAIN = re.compile(r"[^\\{}$~\-`']+")


@lru_cache(maxsize=8192)
def decode_latex(text: str) -> str:
    """The plain text a BibTeX field value stands for, with whitespace runs collapsed.

    Raises TooDeep for braces nested deeper than MAX_DEPTH (check with `brace_depth`).
    Remembered, and plain text is taken whole: a .bib of a thousand entries decodes
    tens of thousands of values, most of them plain, many repeated (names, venues).
    """
    if _PLAIN.fullmatch(text):
        decoded = text
    else:
        decoded = _Decoder(text, scan(text, MAX_DEPTH).closing).run()
    return _SPACES.sub(" ", unicodedata.normalize("NFC", decoded)).strip()


def decode_verbatim(text: str) -> str:
    """A URL, DOI or eprint: only braces and backslash escapes go, nothing else changes."""
    text = re.sub(r"\\([_%&#$~{}])", r"\1", text)
    return re.sub(r"(?<!\\)[{}]", "", text).strip()


_Span = tuple[int, int]


class _Decoder:
    """Decodes text[pos:end]; the groups inside are decoded by decoders of their own span."""

    def __init__(
        self,
        text: str,
        closing: dict[int, int],
        math: bool = False,
        span: _Span | None = None,
    ) -> None:
        self.text = text
        self.closing = closing
        self.math = math
        self.pos, self.end = span or (0, len(text))

    def _sub(self, span: _Span, math: bool | None = None) -> str:
        return _Decoder(self.text, self.closing, self.math if math is None else math, span).run()

    def run(self) -> str:
        out: list[str] = []
        while self.pos < self.end:
            out.append(self._next())
        return "".join(out)

    def _next(self) -> str:
        if not self.math:
            m = _PLAIN.match(self.text, self.pos, self.end)
            if m is not None:
                self.pos = m.end()
                return m.group()
        ch = self.text[self.pos]
        if ch == "\\":
            return self._command()
        if ch == "{":
            return self._sub(self._group())
        if ch == "}":
            self.pos += 1
            return ""
        if ch == "$" and not self.math:
            return self._math()
        if self.math and ch in "^_":
            return self._script(ch)
        self.pos += 1
        if self.math:
            return "" if ch.isspace() else ch
        return self._ligature(ch)

    def _at(self, s: str) -> bool:
        return self.text.startswith(s, self.pos, self.end)

    def _ligature(self, ch: str) -> str:
        if ch == "~":
            return NBSP
        if ch == "-":
            if self._at("--"):
                self.pos += 2
                return "—"
            if self._at("-"):
                self.pos += 1
                return "–"
        if ch == "`":
            if self._at("`"):
                self.pos += 1
                return "“"
            return "‘"
        if ch == "'" and self._at("'"):
            self.pos += 1
            return "”"
        return ch

    def _group(self) -> _Span:
        """The span inside the brace group at `pos` (to its matching brace, or the end)."""
        start = self.pos
        close = min(self.closing.get(start, self.end), self.end)
        self.pos = min(close + 1, self.end)
        return start + 1, close

    def _skip_spaces(self) -> None:
        while self.pos < self.end and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def _argument(self) -> _Span:
        """The span of a command's next argument: a brace group, a command or one char."""
        self._skip_spaces()
        if self.pos >= self.end:
            return self.pos, self.pos
        ch = self.text[self.pos]
        if ch == "{":
            return self._group()
        start = self.pos
        if ch == "\\":
            m = _WORD.match(self.text, self.pos + 1, self.end)
            self.pos = m.end() if m else min(self.pos + 2, self.end)
        else:
            self.pos += 1
        return start, self.pos

    def _command(self) -> str:
        start = self.pos
        m = _WORD.match(self.text, self.pos + 1, self.end)
        if m is None:
            symbol = self.text[self.pos + 1 : min(self.pos + 2, self.end)]
            self.pos = min(self.pos + 2, self.end)
            if symbol in _ACCENTS:
                return self._accent(symbol)
            if symbol == "(" and not self.math:
                return self._inline_math()
            if symbol in _SYMBOLS:
                return _SYMBOLS[symbol]
            return self.text[start : self.pos]
        name = m.group()
        self.pos = m.end()
        if name in _ACCENTS:
            return self._accent(name)
        if name in _WORDS or name in _MATH or name in _DECLARATIONS:
            self._skip_spaces()
            return _WORDS.get(name) or _MATH.get(name) or ""
        if name in _TEXT_ARG:
            return self._sub(self._argument())
        if name in ("url", "path"):
            arg_start, arg_end = self._argument()
            return decode_verbatim(self.text[arg_start:arg_end])
        if name == "href":
            self._argument()
            return self._sub(self._argument())
        if name in ("MakeUppercase", "uppercase"):
            return self._sub(self._argument()).upper()
        if name in ("MakeLowercase", "lowercase"):
            return self._sub(self._argument()).lower()
        return self._unknown(start)

    def _unknown(self, start: int) -> str:
        """An unknown macro and the brace groups right after it, as written."""
        while self.pos < self.end and self.text[self.pos] == "{":
            self._group()
        return self.text[start : self.pos]

    def _accent(self, accent: str) -> str:
        base = unicodedata.normalize("NFC", self._sub(self._argument()))
        if not base:
            return _SPACING_ACCENTS.get(accent, "")
        first = {"ı": "i", "ȷ": "j"}.get(base[0], base[0])
        return unicodedata.normalize("NFC", first + _ACCENTS[accent]) + base[1:]

    def _math(self) -> str:
        end = self.pos + 1
        while end < self.end and self.text[end] != "$":
            end += 2 if self.text[end] == "\\" else 1
        end = min(end, self.end)
        inner = (self.pos + 1, end)
        self.pos = min(end + 1, self.end)
        return self._sub(inner, math=True)

    def _inline_math(self) -> str:
        """`\\( ... \\)`, the math DBLP writes in titles (`AC\\({}^{\\mbox{0}}\\)`)."""
        end = self.pos
        while end < self.end and not self.text.startswith("\\)", end, self.end):
            end += 2 if self.text[end] == "\\" else 1
        end = min(end, self.end)
        inner = (self.pos, end)
        self.pos = min(end + 2, self.end)
        return self._sub(inner, math=True)

    def _script(self, mark: str) -> str:
        self.pos += 1
        arg = self._sub(self._argument(), math=True)
        table = _SUPERSCRIPT if mark == "^" else _SUBSCRIPT
        if arg and all(c in table for c in arg):
            return "".join(table[c] for c in arg)
        return mark + arg


_ENCODE = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "`": r"\textasciigrave{}",
    NBSP: "~",
    "\n": " ",
    "\t": " ",
    "\r": " ",
}


def encode_latex(text: str) -> str:
    """Plain text as BibTeX-safe LaTeX that `decode_latex` turns back into the same text.

    Non-ASCII stays UTF-8 (BibTeX, biber and ORCID read it); only what LaTeX or BibTeX
    would act on is escaped, and `--` / `''` get an empty group so no ligature forms.
    """
    out: list[str] = []
    for i, ch in enumerate(text):
        out.append(_ENCODE.get(ch, ch))
        if ch in "-'" and text[i + 1 : i + 2] == ch:
            out.append("{}")
    return "".join(out)
