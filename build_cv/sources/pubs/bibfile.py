"""A `.bib` file as blocks that render back byte for byte, so an import edits only what it
means to: every comment, `@string` and `@preamble`, every entry's layout and the order of
entries stay as the user wrote them.

The text between entries is kept as it is. An entry is its head (`@type{key,`), its
fields (each the text from the end of the one before to its own comma, so a comment line
above a field stays with it) and its tail (`}`). An entry that is not edited renders as
its original text; an edited one renders its head, its fields and its tail, of which
only the new or changed fields are new text. Braces are found as the reader finds them
(a backslash escapes the next character).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from build_cv.errors import InputError

_AT = re.compile(r"@\s*([A-Za-z][\w-]*)\s*([{(])")
_KEY = re.compile(r"\s*([^\s,{}()=\"#%']*)\s*")
_NAME = re.compile(r"[^\s\"#%'(),={}]+")
_BARE = re.compile(r"[^\s,#{}()\"%]+")
_GAP = re.compile(r"(?:\s+|%[^\n]*(?:\n|$))*")
_LAYOUT = re.compile(r"\n([ \t]*)([^\s=]+)([ \t]*)=")
SKIPPED_BLOCKS = ("comment", "string", "preamble")


@dataclass
class Field:
    """One field: its lower-case name, the value as written (`{…}`, `"…"`, `2021`,
    `jpdc # " 12"`), and its whole text in the file (or None when it is new)."""

    name: str
    value: str
    text: str | None = None


@dataclass
class Entry:
    """One entry of the file, editable; `original` is None for an entry new to it."""

    entry_type: str
    key: str
    fields: list[Field]
    head: str = ""
    tail: str = "\n}"
    original: str | None = None
    type_changed: bool = False
    edited: bool = False

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def render(self) -> str:
        if self.original is not None and not self.edited:
            return self.original
        head = self.head or f"@{self.entry_type}{{{self.key},"
        if self.type_changed:
            head = re.sub(r"^@\s*[\w-]+", f"@{self.entry_type}", head)
        pad, indent = self._layout()
        parts = [head]
        for i, f in enumerate(self.fields):
            text = f.text if f.text is not None else _field_text(f, indent, pad)
            last = i == len(self.fields) - 1
            if not last and not text.rstrip().endswith(","):
                text = _with_comma(text)
            parts.append(text)
        tail = self.tail
        if self.fields and self.fields[-1].text is None and "\n" not in tail:
            tail = "\n" + tail.lstrip()
        return "".join(parts) + tail

    def _layout(self) -> tuple[int, str]:
        """The indentation of the entry's fields, and the width their names are padded to
        before `=` when they are aligned (else 0), so a field added looks like the others."""
        found = [
            m for f in self.fields if f.text is not None for m in [_LAYOUT.search(f.text)] if m
        ]
        if not found:  # a new entry: the default data's layout
            return (10 if self.original is None else 0), "  "
        widths = Counter(len(m.group(2)) + len(m.group(3)) for m in found)
        width, count = max(widths.items(), key=lambda wc: (wc[1], wc[0]))
        # Aligned: most fields end their names at one column (a long name may stick
        # out), or the one field left pads its name. An import that replaced all but one
        # field of an entry it wrote must not make the next field it adds unaligned.
        padded = any(len(m.group(3)) > 1 for m in found if len(m.group(2)) < width)
        aligned = count * 2 > len(found) and (count > 1 or padded)
        return (width if aligned else 0), found[0].group(1)


def _field_text(f: Field, indent: str, pad: int) -> str:
    name = f.name.ljust(pad) if pad > len(f.name) else f"{f.name} "
    return f"\n{indent}{name}= {f.value},"


def _with_comma(text: str) -> str:
    """A field's text with its comma (a field's text never ends in a comment: a comment
    after it belongs to the next field's text, or to the entry's tail)."""
    return text if text.rstrip().endswith(",") else text + ","


@dataclass
class BibFile:
    """The file: text between entries (str) and entries, in order."""

    blocks: list[str | Entry] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [b for b in self.blocks if isinstance(b, Entry)]

    def render(self) -> str:
        return "".join(b if isinstance(b, str) else b.render() for b in self.blocks)

    def insert_before(self, anchor: Entry | None, entry: Entry) -> None:
        """Put `entry` before `anchor` and the comment lines right above it (they are
        about the anchor), or, with no anchor, at the end of the file."""
        if anchor is None:
            last = self.blocks[-1] if self.blocks else None
            if isinstance(last, str):
                self.blocks.pop()
                if last.strip() or self.blocks:
                    self.blocks.append(last.rstrip("\n") + "\n\n")
            elif self.blocks:
                self.blocks.append("\n\n")
            self.blocks += [entry, "\n"]
            return
        at = self.blocks.index(anchor)
        before = self.blocks[at - 1] if at > 0 else None
        if isinstance(before, str):
            split = _comment_start(before)
            self.blocks[at - 1 : at] = [before[:split], entry, "\n\n" + before[split:]]
        else:
            self.blocks[at:at] = [entry, "\n\n"]


def _comment_start(text: str) -> int:
    """Where the run of comment lines that ends `text` (no blank line between them and
    what follows) begins; len(text) when there is none."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        tail_line = lines.pop()  # the indentation before the `@`
        if tail_line.strip():
            return len(text)
    start = sum(len(line) for line in lines)
    for line in reversed(lines):
        if not line.lstrip().startswith("%"):
            break
        start -= len(line)
    return start


def parse(text: str, path: Path) -> BibFile:
    """The blocks of `text`; render() gives `text` back exactly."""
    out = BibFile()
    pos = 0
    plain_start = 0
    while True:
        m = _AT.search(text, pos)
        if m is None:
            break
        kind = m.group(1).lower()
        closing = "}" if m.group(2) == "{" else ")"
        if kind in SKIPPED_BLOCKS:
            end = _skip_group(text, m.end(), closing)
            pos = m.end() if end is None else end
            continue
        entry, end = _entry(text, m, closing, path)
        if text[plain_start : m.start()] or out.blocks:
            out.blocks.append(text[plain_start : m.start()])
        out.blocks.append(entry)
        pos = plain_start = end
    if text[plain_start:]:
        out.blocks.append(text[plain_start:])
    return out


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _error(text: str, at: int, path: Path, message: str) -> InputError:
    return InputError(
        f"{path}:{_line(text, at)}: {message}; build-cv edits only a file it can read"
    )


def _skip_group(text: str, start: int, closing: str) -> int | None:
    """The end of a group opened just before `start`, or None if it never closes."""
    depth = 1
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{" or (closing == ")" and c == "("):
            depth += 1
        elif c == "}" or (closing == ")" and c == ")"):
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _value(text: str, at: int, closing: str, path: Path) -> int:
    """The end of the value expression starting at `at` (pieces joined by `#`)."""
    i = at
    while True:
        if i < len(text) and text[i] == "{":
            end = _skip_group(text, i + 1, "}")
            if end is None:
                raise _error(text, i, path, "a `{` is never closed")
            i = end
        elif i < len(text) and text[i] == '"':
            i = _quoted(text, i, path)
        else:
            m = _BARE.match(text, i)
            if m is None or (closing == ")" and ")" in m.group(0)):
                raise _error(text, i, path, "a field has no value")
            i = m.end()
        m = re.compile(r"\s*#\s*").match(text, i)
        if m is None:
            return i
        i = m.end()


def _quoted(text: str, at: int, path: Path) -> int:
    depth = 0
    i = at + 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            return i + 1
        i += 1
    raise _error(text, at, path, 'a `"` is never closed')


def _entry(text: str, m: re.Match[str], closing: str, path: Path) -> tuple[Entry, int]:
    key_m = _KEY.match(text, m.end())
    assert key_m is not None
    key = key_m.group(1)
    i = key_m.end()
    if i < len(text) and text[i] == ",":
        i += 1
    head = text[m.start() : i]
    fields: list[Field] = []
    while True:
        chunk_start = i
        gap = _GAP.match(text, i)
        i = gap.end() if gap else i
        if i >= len(text):
            raise _error(text, m.start(), path, f"the entry `{key}` is never closed")
        if text[i] == closing:
            entry = Entry(
                m.group(1), key, fields, head, text[chunk_start : i + 1], text[m.start() : i + 1]
            )
            return entry, i + 1
        name = _NAME.match(text, i)
        if name is None:
            raise _error(text, i, path, f"`{text[i]}` where a field of `{key}` should start")
        eq = re.compile(r"\s*=\s*").match(text, name.end())
        if eq is None or not eq.group(0).strip():
            raise _error(text, i, path, f"the field `{name.group(0)}` has no `=`")
        value_end = _value(text, eq.end(), closing, path)
        value = text[eq.end() : value_end]
        after = re.compile(r"\s*,").match(text, value_end)
        end = after.end() if after else value_end
        fields.append(Field(name.group(0).lower(), value, text[chunk_start:end]))
        i = end
        if after is None:
            gap = _GAP.match(text, i)
            j = gap.end() if gap else i
            if j < len(text) and text[j] != closing:
                raise _error(text, j, path, f"a field of `{key}` is not followed by `,`")
