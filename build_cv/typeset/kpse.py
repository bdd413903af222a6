"""Ask kpathsea where TeX finds a file, the way the sandboxed TeX itself would look.

kpathsea looks in the current directory first for most kinds of file, and in the user's
own trees (~/.texlive*, ~/texmf). What is found here is kept per installation and trusted
by every later build of every project, so the answer must not depend on where build-cv
happened to run: a `xelatex.fmt` or `pdftex.map` in a project folder would otherwise
become TeX's format or the driver's map from then on. So kpsewhich runs in an empty
folder, inside the sandbox where TeX runs there (it sees the system's trees only), with
TeX's environment, and only an absolute path to a regular file is taken.

Each question reads TeX's file database (0.05 s), so `find_kept` keeps the answers in the
user's cache, per installation (see `installation_stamp`).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from build_cv.typeset import sandbox
from build_cv.typeset.installation import installation_stamp
from build_cv.userdirs import keep, recall, user_cache


def find_kept(name: str, *options: str) -> Path | None:
    """`find`, asked once per installation."""
    folder = user_cache("kpse")
    memo = folder / f"{installation_stamp()}.json" if folder is not None else None
    kept = recall(memo) if memo is not None else None
    answers: dict[str, str] = kept if isinstance(kept, dict) else {}
    question = " ".join([*options, name])
    answer = answers.get(question)
    if isinstance(answer, str) and os.path.isabs(answer):
        return Path(answer)
    found = find(name, *options)
    if found is not None and memo is not None:
        keep(memo, {**answers, question: str(found)})
    return found


def find(name: str, *options: str) -> Path | None:
    """Where TeX would find `name` (kpsewhich `options` say as what); None when nowhere."""
    return find_each([name], *options).get(name)


def find_each(names: list[str], *options: str) -> dict[str, Path]:
    """Where TeX would find each of `names`, by name, in one call (each call reads the
    file database): the names found nowhere are left out."""
    found: dict[str, Path] = {}
    for line in _ask([*options, *names]):
        path = Path(line)
        if path.is_absolute() and path.is_file() and path.name in names:
            found.setdefault(path.name, Path(os.path.realpath(path)))
    return found


def _ask(arguments: list[str]) -> list[str]:
    """kpsewhich's answer lines, asked from an empty folder inside the sandbox."""
    with tempfile.TemporaryDirectory(prefix="build-cv-kpse-") as folder:
        program = ["kpsewhich", *arguments]
        bwrap = sandbox.usable_bwrap()
        if bwrap is not None:
            cmd, env = [*sandbox.command(bwrap, Path(folder)), *program], sandbox.environment({})
        else:
            cmd = program
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXMF", "TEXINPUTS"))}
        try:
            done = subprocess.run(
                cmd,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return []
    return done.stdout.splitlines()
