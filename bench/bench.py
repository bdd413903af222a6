"""Speed and memory of build-cv, as ratios measured in one run on this machine.

Absolute seconds drift up to 2x from hour to hour on shared machines, so every target is a
ratio against a baseline measured in the same run:
- build / bare latexmk: the whole `build-cv build` against latexmk alone on the same .tex;
- python stages / TeX: load + validate + render + preflight against one TeX compile;
- peak RSS of a build / RSS of an idle interpreter with the package imported.
Run `make bench`; exits 1 if a target is missed.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_cv.pipeline.build import Limits, expectations, load_cv, tex_for  # noqa: E402
from build_cv.pipeline.plan import source_date_epoch  # noqa: E402
from build_cv.preflight import preflight  # noqa: E402
from build_cv.typeset.engine import JOB, compile_tex, tex_environment  # noqa: E402
from build_cv.view import build_view  # noqa: E402

DATA = ROOT / "data" / "cv.yaml"
ROUNDS = 3
TARGETS = {
    "build / bare latexmk": 1.25,
    "python stages / TeX compile": 0.10,
    "peak RSS build / idle interpreter": 3.0,
}


def median_seconds(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_latexmk(tex: str, epoch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        build_dir = Path(tmp)
        (build_dir / f"{JOB}.tex").write_text(tex, encoding="utf-8")
        subprocess.run(
            ["latexmk", "-norc", "-xelatex", "-interaction=nonstopmode", "-silent", f"{JOB}.tex"],
            cwd=build_dir,
            env=tex_environment(epoch, build_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )


def cli_build(out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build_cv", "build", str(DATA), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=True,
    )


def rss_of(code: str) -> int:
    """Peak RSS in kB of a child Python running `code`."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{code}\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout.split()[-1])


def main() -> int:
    _, cv = load_cv(DATA)
    tex = tex_for(cv)
    epoch = source_date_epoch(cv)
    exp = expectations(build_view(cv), cv, cv.design.checks, Limits())

    with compile_tex(tex, source_date_epoch=epoch) as compiled:
        pdf = Path(tempfile.mkdtemp()) / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())

    def python_stages() -> None:
        _, model = load_cv(DATA)
        tex_for(model)
        preflight(pdf, exp)

    with tempfile.TemporaryDirectory() as out:
        t_build = median_seconds(lambda: cli_build(Path(out)))
    t_bare = median_seconds(lambda: bare_latexmk(tex, epoch))
    t_python = median_seconds(python_stages, rounds=10)
    rss_idle = rss_of("import build_cv.cli.main")
    rss_build = rss_of(
        "import tempfile; from pathlib import Path; from build_cv.pipeline.build import build\n"
        f"build(Path({str(DATA)!r}), Path(tempfile.mkdtemp()))"
    )
    ratios = {
        "build / bare latexmk": t_build / t_bare,
        "python stages / TeX compile": t_python / t_bare,
        "peak RSS build / idle interpreter": rss_build / rss_idle,
    }
    print(f"bare latexmk {t_bare:.2f} s, build {t_build:.2f} s, python stages {t_python:.3f} s")
    print(f"RSS idle {rss_idle / 1024:.0f} MB, build {rss_build / 1024:.0f} MB (children excluded)")
    ok = True
    for name, ratio in ratios.items():
        target = TARGETS[name]
        verdict = "ok" if ratio <= target else "MISSED"
        ok &= ratio <= target
        print(f"{name:<36} {ratio:6.3f}  (target <= {target})  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
