"""Only the font map lines a document uses, for xdvipdfmx.

xdvipdfmx reads every font map its configuration names before it converts a page, and
TeX Live's pdftex.map holds 4 MB of them (every Type 1 font in the distribution), parsed
a character at a time: half of the 0.3 s the driver took for a CV. In a XeLaTeX document
nearly every font is an OpenType font that the document names itself and no map needs;
the few TFM fonts (moderncv's dingbat bullets) need their own lines only. So the build
lists the TFM fonts in the XDV file's postamble and, when each has its own line in
pdftex.map, runs the driver with a configuration that reads a map of those lines instead
of the whole file. The PDF is byte for byte the same (tested). When a font has no line of its own
(a virtual font, which maps through others, or one the map does not know), or anything here
is not as expected, the driver reads the full map, as it would by itself.

The configuration is the installation's own with that one line changed. It is written
after TeX has ended, in a folder TeX never could write to, which the driver searches
first: xdvipdfmx obeys its configuration's commands (`D` runs a program), so it must never
come from where the document could have put a file.

A document with no TFM font at all (the default CV), which names no other file of the
tree for the driver (no raw LaTeX, which could name an image or a CMap; no PDF/A, whose
colour profile is found in the tree), needs nothing else from TeX's tree but a handful
of files: what the configuration includes, the other maps it names and the glyph lists.
These are copied beside the configuration too, and the driver runs without TeX's file
database, which it otherwise reads and hashes before anything else (130,000 names, half
of what is left of its time).
"""

from __future__ import annotations

import re
import shutil
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from build_cv.typeset import kpse

CONFIG = "dvipdfmx.cfg"
FONTS = "build-cv-fonts.map"
GLYPH_LISTS = ("glyphlist.txt", "pdfglyphlist.txt", "texglyphlist.txt")
_FULL_MAP = re.compile(r"^f\s+pdftex\.map\s*$", re.MULTILINE)
_NAMED = re.compile(r"^[ \t]*([if])[ \t]+(\S+)[ \t]*(?:%.*)?$", re.MULTILINE)  # include, map
_NAMING = re.compile(r"^[ \t]*[if](?:[ \t]|$)", re.MULTILINE)  # any line that names one

_POST, _POST_POST, _FILLER = 248, 249, 223
_FNT_DEF = {243: 1, 244: 2, 245: 3, 246: 4}  # fnt_def1..4: the size of the font number
_NATIVE_FONT_DEF = 252  # XeTeX's OpenType fonts, which no map concerns
_NOP = 138  # allowed between font definitions
_COLORED, _VARIATIONS, _EXTEND, _SLANT, _EMBOLDEN = 0x0200, 0x0800, 0x1000, 0x2000, 0x4000


@dataclass(frozen=True)
class Installed:
    """Where the installation keeps the driver's configuration and the full font map,
    and the files a driver without the file database needs (None: it cannot do without)."""

    config: Path
    full_map: Path
    support: tuple[Path, ...] | None


@dataclass(frozen=True)
class Prepared:
    """What `write_driver_files` wrote: with `alone`, every file the driver reads besides
    the fonts (which the XDV names by path), so that it needs no file database."""

    alone: bool


def tfm_fonts(xdv: bytes) -> list[str] | None:
    """The TFM font names an XDV file defines, from its postamble; None when the file is
    not laid out as expected."""
    try:
        return _postamble_fonts(xdv)
    except (IndexError, struct.error, UnicodeDecodeError, ValueError):
        return None


def _postamble_fonts(xdv: bytes) -> list[str] | None:
    end = len(xdv.rstrip(bytes([_FILLER])))
    if end < 6 or xdv[end - 6] != _POST_POST:
        return None
    (at,) = struct.unpack(">I", xdv[end - 5 : end - 1])
    if xdv[at] != _POST:
        return None
    at += 29  # post p[4] num[4] den[4] mag[4] l[4] u[4] s[2] t[2]
    names: list[str] = []
    while (op := xdv[at]) != _POST_POST:
        if op == _NOP:
            at += 1
        elif op in _FNT_DEF:
            at += 1 + _FNT_DEF[op] + 12  # k, checksum[4], size[4], design size[4]
            area, length = xdv[at], xdv[at + 1]
            names.append(xdv[at + 2 + area : at + 2 + area + length].decode("ascii"))
            at += 2 + area + length
        elif op == _NATIVE_FONT_DEF:
            (flags,) = struct.unpack(">H", xdv[at + 9 : at + 11])
            if flags & _VARIATIONS:
                return None
            at += 11 + 1 + xdv[at + 11] + 4  # k[4] size[4] flags[2] l[1] name[l] index[4]
            at += 4 * sum(bool(flags & f) for f in (_COLORED, _EXTEND, _SLANT, _EMBOLDEN))
        else:
            return None
    return names


def own_lines(names: list[str], full_map: str) -> str | None:
    """Each name's lines in the full map, in its order (a later line for a name replaces
    an earlier one, for xdvipdfmx as here); None when a name has none."""
    wanted = set(names)
    lines = [
        line
        for line in full_map.splitlines()
        if (first := line.split(maxsplit=1)) and first[0] in wanted
    ]
    found = {line.split(maxsplit=1)[0] for line in lines}
    return "".join(f"{line}\n" for line in lines) if found == wanted else None


def pruned_config(config: str, fonts_map: str) -> str | None:
    """The installation's configuration with its one `f pdftex.map` line reading
    `fonts_map` instead; None when it has no such line, or more than one."""
    if len(_FULL_MAP.findall(config)) != 1:
        return None
    return _FULL_MAP.sub(lambda _: f"f  {fonts_map}", config)


def write_driver_files(xdv: Path, folder: Path, tree_free: bool = False) -> Prepared | None:
    """Write the configuration and the font map for `xdv` into `folder`, which the driver
    must search first for both; None when it should read the full map. `tree_free`: the
    document names no file of the tree for the driver (see above)."""
    installed = installation()
    if installed is None:
        return None
    try:
        names = tfm_fonts(xdv.read_bytes())
        if names is None:
            return None
        # most documents have no TFM font: then the 4 MB map need not be read (0.04 s)
        full_map = installed.full_map.read_text("utf-8", "replace") if names else ""
        lines = own_lines(names, full_map)
        config = installed.config.read_text("utf-8")
    except OSError:
        return None
    pruned = pruned_config(config, FONTS) if lines is not None else None
    if pruned is None or lines is None:
        return None
    (folder / FONTS).write_text(lines, "utf-8")
    (folder / CONFIG).write_text(pruned, "utf-8")
    alone = tree_free and not names and _copied(installed.support, folder)
    return Prepared(alone=alone)


def support_files(config: str) -> list[Path] | None:
    """The files the driver reads for a document without TFM fonts, besides the
    configuration and the fonts: what `config` includes, the maps it names (ours aside)
    and the glyph lists, as the driver finds them; None when one is not found, or an
    included file names more files."""
    named = _NAMED.findall(config)
    if len(named) != len(_NAMING.findall(config)):
        return None  # a line this does not understand: the driver may read more
    found = []
    for kind, name in named:
        if name == FONTS:
            continue
        path = _found(name, "othertext" if kind == "i" else "map")
        if path is None:
            return None
        if kind == "i" and _NAMING.search(_text(path)):
            return None
        found.append(path)
    for name in GLYPH_LISTS:
        path = _found(name, "map")
        if path is None:
            return None
        found.append(path)
    return found


def _found(name: str, kind: str) -> Path | None:
    return kpse.find_kept(name, "-progname=dvipdfmx", f"-format={kind}")


def _text(path: Path) -> str:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return "i unreadable"  # as if it named more: the database stays


def _copied(files: tuple[Path, ...] | None, folder: Path) -> bool:
    """Copy `files` into `folder`, all or none: the driver searches it first either way."""
    if files is None or len({f.name for f in files}) != len(files):
        return False
    try:
        for path in files:
            shutil.copyfile(path, folder / path.name)
    except OSError:
        for path in files:
            (folder / path.name).unlink(missing_ok=True)
        return False
    return True


@cache
def installation() -> Installed | None:
    """The driver's configuration and the full map, as the driver finds them, and the
    support files its configuration calls for (asked once per process)."""
    config = kpse.find_kept(CONFIG, "-progname=dvipdfmx", "-format=othertext")
    full_map = kpse.find_kept("pdftex.map", "-progname=dvipdfmx")
    if config is None or full_map is None:
        return None
    pruned = pruned_config(_text(config), FONTS)
    support = support_files(pruned) if pruned is not None else None
    return Installed(config, full_map, tuple(support) if support is not None else None)
