"""Speed of build-cv, as ratios against one bare XeLaTeX pass measured in the same run.

Absolute seconds drift up to 2x from hour to hour on shared machines, so every target is a
ratio against a baseline timed in the same run: one bare `xelatex` pass over a fixed
reference document (bench/reference/cv.tex, the default CV as build-cv generated it in
December 2026: the older reference loaded xeCJK, which the TeX install no longer has).
The cold builds are judged against a closer floor (issue 24): one bare `xelatex` pass
over the `.tex` that build wrote, timed right after it. Each round times the reference,
then each size's cold build and its bare pass, then the rebuilds, and a figure is the
median over the rounds of its ratio to that round's base: a slow minute on a shared
machine slows both sides of a ratio. Each build is the command a user runs
(`python -m build_cv build ...`), so start-up and imports count.

Run `make bench`; it prints every ratio beside its target and exits 1 on a miss.
`--quick` runs each measurement once on small inputs (a test uses it to check that the
bench runs; no test judges its times).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REFERENCE = Path(__file__).resolve().parent / "reference" / "cv.tex"
EPOCH = "1718409600"  # the default CV's `updated`, as the build uses it


def reference_pass(work: Path) -> None:
    """One bare xelatex pass over the fixed reference document."""
    bare_pass(REFERENCE, work)


def build(data: Path, out: Path, *extra: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "build_cv", "build", str(data), "--out", str(out), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )


def copy_data(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in DATA.iterdir():
        if f.suffix in (".yaml", ".bib"):
            shutil.copyfile(f, target / f.name)
    return target / "cv.yaml"


def publications_cv(n: int) -> str:
    """A synthetic CV with `n` publications typed in the YAML (the scaling figure)."""
    lines = [
        "person: {name: Ada Lovelace, email: ada@example.org}",
        "updated: 2024-06-15",
        "sections:",
        "  - title: Publications",
        "    kind: publications",
        "    entries:",
    ]
    for i in range(n):
        lines += [
            f"      - title: On the analytical engine, part {i}",
            "        authors: [Ada Lovelace, Charles Babbage, Luigi Menabrea]",
            f"        venue: Proceedings of the Society, volume {i}",
            f"        year: {1800 + i % 200}",
        ]
    return "\n".join(lines) + "\n"


_BIB_KEY = re.compile(r"^(@\w+\{)([^,\s]+),", re.MULTILINE)


def long_default_cv(target: Path, n: int) -> Path:
    """The default CV with its .bib repeated to `n` publications (issue 24's measure of a
    senior academic's CV): each copy has keys and titles of its own, and the page budget
    is lifted."""
    data = copy_data(target)
    bib = (DATA / "publications.bib").read_text(encoding="utf-8")
    entries = [e for e in re.split(r"(?m)^(?=@)", bib) if e.startswith("@")]
    # Preprints and papers in turn, so that a short list still fills both sections.
    preprints = [e for e in entries if "preprint" in e]
    papers = [e for e in entries if "preprint" not in e]
    entries = [e for pair in zip(preprints, papers, strict=False) for e in pair]
    entries += papers[len(preprints) :] + preprints[len(papers) :]
    copies = []
    for i in range(n):
        entry = entries[i % len(entries)]
        copy = i // len(entries)
        if copy:
            entry = _BIB_KEY.sub(rf"\g<1>\g<2>-{copy},", entry, count=1)
            entry = entry.replace("title     = {{", f"title     = {{{{Part {copy}: ", 1)
        copies.append(entry)
    (target / "publications.bib").write_text("".join(copies), encoding="utf-8")
    text = data.read_text(encoding="utf-8")
    lifted = re.sub(r"(?m)^(    max_pages:) \d+$", r"\1 5000", text)
    data.write_text(lifted, encoding="utf-8")
    return data


def bare_pass(tex: Path, work: Path) -> None:
    """One bare xelatex pass over `tex`: no latexmk, no sandbox, nothing of build-cv; the
    floor a build is judged by."""
    shutil.copyfile(tex, work / "cv.tex")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "FORCE_SOURCE_DATE": "1"}
    subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-no-shell-escape", "cv.tex"],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    if not (work / "cv.pdf").exists():
        raise SystemExit(f"bench: a bare pass over {tex} made no PDF; is TeX installed (make tex)?")


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    rounds = 1 if quick else 7
    work = Path(tempfile.mkdtemp(prefix="build-cv-bench-"))
    # The bench's builds keep their cache, heads and installation answers apart from the
    # user's: a head left by the user's own CV must not make a cold build look faster.
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    try:
        results = measure(work, rounds, quick)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(results, quick)


Result = tuple[float, str, float, str]  # value, "<=" or ">=" or "" (informative), target, detail


def measure(work: Path, rounds: int, quick: bool) -> dict[str, Result]:
    counter = iter(range(10**6))

    def fresh(name: str) -> Path:
        path = work / f"{name}{next(counter)}"
        path.mkdir()
        return path

    data = copy_data(work / "data")
    warm_out = fresh("warm")
    build(data, warm_out)  # also fills what is kept per installation (format, templates)
    sizes = (17, 20, 24) if quick else (10, 100, 1000)  # the default .bib has 17
    long = {n: long_default_cv(work / f"long{n}", n) for n in sizes}
    edited = long[sizes[1]]
    edit_out = fresh("edit")
    build(edited, edit_out)
    words = iter(f"experience{i}" for i in range(10**6))
    original = edited.read_text(encoding="utf-8")

    def edit_and_build() -> None:
        edited.write_text(original.replace("extensive experience", next(words)), "utf-8")
        build(edited, edit_out)

    watching = Watch(long_default_cv(work / "watched", sizes[1]), fresh("watch"))

    times: dict[str, list[float]] = {}

    def timed(kind: str, run: Callable[..., object], *args: Any) -> None:
        start = time.perf_counter()
        run(*args)
        times.setdefault(kind, []).append(time.perf_counter() - start)

    try:
        for _ in range(rounds):
            timed("ref", lambda: reference_pass(fresh("ref")))
            for n in sizes:
                out = fresh(f"cold{n}-")
                timed(f"cold{n}", build, long[n], out, "--no-cache")
                timed(f"bare{n}", bare_pass, out / "cv.tex", fresh("bare"))
            timed("edit", edit_and_build)
            timed("watch", watching.edit, next(words))
            watching.settle()
            timed("warm", lambda: build(data, warm_out))
    finally:
        watching.stop()
    edited.write_text(original, encoding="utf-8")

    def ratio(kind: str, base: str) -> float:
        return statistics.median(t / r for t, r in zip(times[kind], times[base], strict=True))

    def median(kind: str) -> float:
        return statistics.median(times[kind])

    results: dict[str, Result] = {}
    for n in sizes:
        results[f"cold build, {n} publications / a bare pass over its .tex"] = (
            ratio(f"cold{n}", f"bare{n}"),
            "<=",
            1.2,
            f"{median(f'cold{n}'):.2f} s / {median(f'bare{n}'):.2f} s",
        )
    middle = sizes[1]
    results[f"rebuild after a one-word edit, {middle} publications / its bare pass"] = (
        ratio("edit", f"bare{middle}"),
        "<=",
        0.8,
        f"{median('edit'):.2f} s",
    )
    results[f"watch: rebuild after a one-word edit, {middle} publications / its bare pass"] = (
        ratio("watch", f"bare{middle}"),
        "<=",
        0.8,
        f"{median('watch'):.2f} s from the save to the new PDF",
    )
    results["rebuild, nothing changed / reference pass"] = (
        ratio("warm", "ref"),
        "<=",
        0.05,
        f"{median('warm'):.3f} s",
    )
    results.update(scaling(work, quick, fresh))
    serial, parallel = batch_times(work, 2 if quick else 20)
    results["batch of CVs: make -j2 time / make -j1 time"] = (
        parallel / serial,
        "<=",
        0.6,
        f"{parallel:.1f} s / {serial:.1f} s",
    )
    results.update(batch_command(work, 4 if quick else 50))
    results["reference pass on this machine, seconds"] = (median("ref"), "", 0.0, "")
    return results


class Watch:
    """`build-cv watch` of a CV, as a person at an editor uses it: each edit is a save of
    the YAML with one word changed, timed until watch says the new PDF is written."""

    def __init__(self, data: Path, out: Path) -> None:
        self.data = data
        self.original = data.read_text(encoding="utf-8")
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "build_cv", "watch", str(data), "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self._round()
        self.settle()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def _round(self) -> None:
        while True:
            line = self.lines.get(timeout=300)
            if " built in " in line:
                return
            if " failed in " in line:
                raise RuntimeError(f"watch: {line.strip()}")

    def edit(self, word: str) -> None:
        temp = self.data.with_name(f".{self.data.name}.swp")  # as editors save
        temp.write_text(self.original.replace("extensive experience", word), "utf-8")
        temp.replace(self.data)
        self._round()

    def settle(self) -> None:
        """Let watch start its next TeX pass before anything else is timed."""
        time.sleep(1)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def scaling(work: Path, quick: bool, fresh: Callable[[str], Path]) -> dict[str, Result]:
    """Whether the cost per publication stays flat from 10 to 1,000 (linear growth)."""
    sizes = (2, 4, 6) if quick else (10, 500, 1000)
    for n in sizes:
        (work / f"pubs{n}.yaml").write_text(publications_cv(n), encoding="utf-8")
    runs: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(1 if quick else 5):  # one build per size is at the mercy of a noisy minute
        for n in sizes:
            start = time.perf_counter()
            build(work / f"pubs{n}.yaml", fresh("pubs"), "--no-cache")
            runs[n].append(time.perf_counter() - start)
    seconds = {n: statistics.median(times) for n, times in runs.items()}
    first, middle, last = sizes
    slope = (seconds[last] - seconds[first]) / (last - first) * 100
    early = (seconds[middle] - seconds[first]) / (middle - first)
    late = (seconds[last] - seconds[middle]) / max(last - middle, 1)
    return {
        "scaling: cost per publication, 2nd half / 1st half": (
            late / early if early > 0 else 1.0,
            "<=",
            1.5,
            f"slope {slope:.2f} s per 100 publications",
        )
    }


def batch_times(work: Path, count: int) -> tuple[float, float]:
    """Many CVs built by make, one after another and two at a time, in turn: the median
    serial and parallel times over the pairs (each pair measured back to back)."""
    folder = work / "batch"
    copy_data(folder)
    names = []
    for i in range(count):
        shutil.copyfile(folder / "cv.yaml", folder / f"cv{i}.yaml")
        names.append(f"cv{i}")
    rules = [f"all: {' '.join(f'out/{n}.pdf' for n in names)}"]
    python = sys.executable
    for n in names:
        rules.append(
            f"out/{n}.pdf: {n}.yaml\n\t@cd {ROOT} && {python} -m build_cv build "
            f"{folder / n}.yaml --out {folder}/out --no-cache >/dev/null"
        )
    (folder / "Makefile").write_text("\n".join(rules) + "\n")

    def run(jobs: int) -> float:
        shutil.rmtree(folder / "out", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(["make", "-s", f"-j{jobs}", "-C", str(folder)], check=True)
        return time.perf_counter() - start

    pairs = [(run(1), run(2)) for _ in range(1 if count < 20 else 3)]
    ratios = sorted(pairs, key=lambda p: p[1] / p[0])
    return ratios[len(ratios) // 2]


def synthetic_cv(i: int) -> str:
    """Person `i` of a department that does not exist: CVs of different lengths (1 to 6
    positions, 0 to 9 publications), each with a `short` variant."""
    jobs, papers = 1 + i % 6, (i * 7) % 10
    lines = [
        f"person: {{name: Person Number{i}, email: person{i}@example.org}}",
        "updated: 2024-06-15",
        "summary: Works on things that matter, and says so in two lines.",
        "sections:",
        "  - title: Experience",
        "    kind: experience",
        "    entries:",
    ]
    for j in range(jobs):
        lines += [
            f"      - position: Researcher, grade {j + 1}",
            f"        organization: Institute {i}-{j}",
            f'        start: "{1990 + i % 20 + j}-01"',
            f'        end: "{1991 + i % 20 + j}-01"',
            "        tags: [short]" if j == 0 else "        tags: []",
            "        highlights: [Did one measurable thing, Did another]",
        ]
    if papers:
        lines += ["  - title: Publications", "    kind: publications", "    entries:"]
        for k in range(papers):
            lines += [
                f"      - title: On the subject, part {k}",
                f"        authors: [Person Number{i}, A. Colleague]",
                f"        venue: Journal of Examples {k}",
                f"        year: {2000 + k}",
            ]
    lines += ["variants:", "  short: {only_tags: [short], description: one page}"]
    return "\n".join(lines) + "\n"


def batch_command(work: Path, count: int) -> dict[str, Result]:
    """`build-cv batch` of `count` synthetic CVs: its -j2 / -j1 time on the full CVs
    (cold builds), then the full CV and a variant of each, built whole, rebuilt with
    nothing changed (every target must be a cache hit), and built as two shards apart,
    each into a folder of its own (together they must be the whole run, byte for byte)."""
    folder = work / "department"
    (folder / "people").mkdir(parents=True)
    for i in range(count):
        (folder / "people" / f"p{i:03d}.yaml").write_text(synthetic_cv(i), encoding="utf-8")
    people = "".join(f"  - people/p{i:03d}.yaml\n" for i in range(count))
    (folder / "full.yaml").write_text(f"people:\n{people}", encoding="utf-8")
    both = f"defaults:\n  variants: [short]\npeople:\n{people}"
    (folder / "both.yaml").write_text(both, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}

    def run(manifest: str, out: str, *extra: str) -> tuple[float, dict[str, Any]]:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "build_cv", "batch", manifest, "--out", out, "--json", *extra],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        took = time.perf_counter() - start
        summary = json.loads(proc.stdout)
        if proc.returncode != 0 or not summary["ok"]:
            raise SystemExit(f"bench: the batch failed:\n{proc.stderr[-2000:]}")
        return took, summary

    serial, _ = run("full.yaml", "j1", "-j", "1", "--no-cache")
    parallel, _ = run("full.yaml", "j2", "-j", "2", "--no-cache")
    both_took, _ = run("both.yaml", "whole", "-j", "2")
    rerun, again = run("both.yaml", "whole", "-j", "2")
    hits = again["counts"]["hits"] / max(len(again["targets"]), 1)
    whole = _files(folder / "whole")
    apart: dict[str, bytes] = {}
    for shard in ("1/2", "2/2"):
        out = f"shard{shard[0]}"
        run("both.yaml", out, "-j", "2", "--no-cache", "--shard", shard)
        apart.update(_files(folder / out))
    same = sum(apart.get(name) == data for name, data in whole.items())
    equal = 1.0 if apart == whole else same / max(len(whole), len(apart), 1)
    per_cv = serial / count
    per_variant = (both_took - parallel) / count
    return {
        f"batch of {count} CVs: batch -j2 time / -j1 time": (
            parallel / serial,
            "<=",
            0.6,
            f"{parallel:.1f} s / {serial:.1f} s",
        ),
        "batch: 2 shards built apart / whole run, files equal": (
            equal,
            ">=",
            1.0,
            f"{same} of {len(whole)} files",
        ),
        "batch rebuilt, nothing changed: cache hits / targets": (hits, ">=", 1.0, f"{rerun:.1f} s"),
        "batch: seconds per CV, one worker (full CV)": (per_cv, "", 0.0, ""),
        "batch: seconds per CV, two workers (full CV)": (parallel / count, "", 0.0, ""),
        "batch: seconds per variant added, two workers": (per_variant, "", 0.0, ""),
    }


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".build-cv.lock"
    }


def report(results: dict[str, Result], quick: bool) -> int:
    missed = []
    width = max(len(k) for k in results)
    for name, (value, op, target, detail) in results.items():
        ok = value <= target if op == "<=" else value >= target if op == ">=" else True
        shown = f"{op} {target:g}" if op else ""
        print(f"{'ok  ' if ok else 'MISS'} {name:<{width}} {value:6.2f} {shown:>7}  {detail}")
        if not ok:
            missed.append(name)
    if quick:
        print("(quick run: each figure measured once on small inputs; not a verdict)")
        return 0
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
