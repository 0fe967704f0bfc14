"""Startup benchmark: time to the main window shown, and `qcut-ai models --json`.

Each run is a fresh process timed from spawn until it prints "shown" after
the first event-loop turn with the window visible. Project: `cli.main()`'s
parser and `run_app()` (offscreen, no fal key: offline preview, an empty
project). Baseline: a minimal QMainWindow with a QLabel, the same way. The
CLI is timed to exit against `python -c pass`, and checked not to import Qt.

    .venv/bin/python scripts/bench_startup.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc

_SHOWN = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
def shown():
    app = QApplication.instance()
    app.processEvents()  # the expose and paint the show() posted
    assert any(w.isVisible() for w in app.topLevelWidgets())
    print("shown", flush=True)
    for w in app.topLevelWidgets():
        w.close()
    app.quit()
"""
APP = (
    "import sys\nfrom qcut_ai.cli import build_parser\n"
    "args = build_parser().parse_args(['--project', sys.argv[1]])\n"
    + _SHOWN
    + "app = QApplication(sys.argv[:1])\nQTimer.singleShot(0, shown)\n"
    "from qcut_ai.app.main import run_app\nrun_app(args)\n"
)
MINIMAL = (
    "import sys\nfrom PySide6.QtWidgets import QMainWindow, QLabel\n"
    + _SHOWN
    + "app = QApplication(sys.argv[:1])\nw = QMainWindow()\nw.setCentralWidget(QLabel('hi'))\n"
    "w.resize(1280, 800)\nw.show()\nQTimer.singleShot(0, shown)\napp.exec()\n"
)

# Runs `models --json` in-process, then says whether any PySide6 module got imported.
CLI_CHECK = (
    "import sys, io, contextlib\nfrom qcut_ai.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n    rc = main(['models', '--json'])\n"
    "print(rc, int(any(m.startswith('PySide6') for m in sys.modules)))"
)


def until_shown(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    _, err = proc.communicate(timeout=60)
    if line.strip() != "shown" or proc.returncode != 0:
        raise RuntimeError(f"the window did not show: {err[-2000:]}")
    return elapsed


def until_exit(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def slowest_imports(cmd: list[str], env: dict[str, str], top: int = 8) -> list[tuple[str, float]]:
    """The heaviest imports (cumulative ms): top-level packages, PySide6 and qcut_ai modules."""
    err = subprocess.run(
        [*cmd[:1], "-X", "importtime", *cmd[1:]],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    found = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[12:].split("|"))
        name = name.strip()
        if cumulative.isdigit() and ("." not in name or name.startswith(("qcut_ai.", "PySide6."))):
            found.append((name, int(cumulative) / 1000))
    return sorted(found, key=lambda x: -x[1])[:top]


def main(argv: list[str] | None = None) -> int:
    p = bc.parser(__doc__ or "")
    p.add_argument("--runs", type=int, help="runs of each (default 7, smoke 1)")
    args = p.parse_args(argv)
    runs = args.runs or (1 if args.smoke else 7)
    py = sys.executable
    with bc.scratch_dir("startup") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("FAL_KEY", "QCUT_AI_FAL_URL")}
        env.update(
            QCUT_AI_HOME=str(Path(tmp) / "home"),
            QT_QPA_PLATFORM="offscreen",
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        project = str(Path(tmp) / "project")
        app_cmd = [py, "-c", APP, project]
        cli_cmd = [py, "-m", "qcut_ai", "models", "--json"]
        if not args.smoke:
            until_shown(app_cmd, env)  # the first run creates the app folders and database
        win_s, min_s = bc.interleave(
            runs, lambda: until_shown(app_cmd, env), lambda: until_shown([py, "-c", MINIMAL], env)
        )
        cli_s, pass_s = bc.interleave(
            runs, lambda: until_exit(cli_cmd, env), lambda: until_exit([py, "-c", "pass"], env)
        )
        check = subprocess.run(
            [py, "-c", CLI_CHECK], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        window_imports = [] if args.smoke else slowest_imports(app_cmd, env)
        cli_imports = [] if args.smoke else slowest_imports(cli_cmd, env)
    win, minimal, cli, bare = (bc.stats_ms(s) for s in (win_s, min_s, cli_s, pass_s))
    rows = [
        (
            "window shown (ms)",
            f"{win['median']:.0f}",
            f"{minimal['median']:.0f} (minimal Qt)",
            f"{win['median'] / minimal['median']:.2f}",
        ),
        (
            "models --json (ms)",
            f"{cli['median']:.0f}",
            f"{bare['median']:.0f} (python -c pass)",
            f"{cli['median'] / bare['median']:.2f}",
        ),
    ]
    bc.report(
        "startup",
        args,
        params={"runs": runs, "platform": "offscreen", "project": "empty, offline preview"},
        results={
            "window_shown_ms": win,
            "minimal_window_ms": minimal,
            "models_json_ms": cli,
            "python_pass_ms": bare,
            "models_json_exit_code": int(check[0]),
            "models_json_imports_qt": bool(int(check[1])),
            "window_slowest_imports_ms": window_imports,
            "models_slowest_imports_ms": cli_imports,
        },
        ratios={
            "window_vs_minimal": win["median"] / minimal["median"],
            "models_vs_python": cli["median"] / bare["median"],
        },
        targets={
            "window_shown_ms": bc.target(win["median"], 1500.0),
            "models_json_ms": bc.target(cli["median"], 400.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
