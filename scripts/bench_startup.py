"""Startup benchmark: time to the main window shown, and `qcut-ai models --json`.

Each run is a fresh process timed from spawn until it prints "shown" after
the first event-loop turn with the window visible. Project: `cli.main()`'s
`parse_args` and `run_app()` (offscreen, no fal key: offline preview), once on an
empty project and once on a project whose library holds `--items` clips
(100,000; built once with the repository's bulk add and cached). Baseline: a
minimal QMainWindow with a QLabel, the same way. The app's runs also time
"ready": the generator tab on screen built (it is built right after the first
paint) and painted, and count the modules loaded when the window showed. The
CLI is timed to exit against `python -c pass`, and checked not to import Qt.

Every process runs with compiled bytecode kept (in the cache folder), as an
installed app has it: with PYTHONDONTWRITEBYTECODE set, each start would
compile the package from source and time the compiler instead.

    .venv/bin/python scripts/bench_startup.py [--smoke] [--items N] [--json out.json]
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
# The app says "shown", how many modules it had loaded then, and "ready" once the
# generator tab on screen is built and painted.
_APP_SHOWN = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
def shown():
    app = QApplication.instance()
    app.processEvents()  # the expose and paint the show() posted
    assert any(w.isVisible() for w in app.topLevelWidgets())
    print("shown", flush=True)
    print(len(sys.modules), flush=True)
    window = next(w for w in app.topLevelWidgets() if hasattr(w, "panel"))
    tabs = window.panel.tabs
    def ready():
        if not tabs.generate_tabs.is_built(tabs.current_category()):
            QTimer.singleShot(1, ready)
            return
        app.processEvents()  # the tab's paint
        print("ready", flush=True)
        for w in app.topLevelWidgets():
            w.close()
        app.quit()
    ready()
"""
# Qt is first imported by run_app, as when `qcut-ai` starts: the probe is queued
# once the window is built (its first event-loop turn is the same one).
APP = (
    "import sys\nfrom qcut_ai.cli import parse_args\n"
    "args = parse_args(['--project', sys.argv[1]])\n"
    "import qcut_ai.app.main as main\nbuild = main.build_window\n"
    "def build_window(*a, **k):\n"
    "    window = build(*a, **k)\n"
    + "".join(f"    {line}\n" for line in _APP_SHOWN.splitlines())
    + "    QTimer.singleShot(0, shown)\n    return window\n"
    "main.build_window = build_window\nmain.run_app(args)\n"
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


def large_project(cache: Path, items: int) -> Path:
    """A project whose library holds `items` clips (cached: built once, reused after)."""
    root = cache / f"startup-project-{items}"
    done = root / "built"
    if done.exists():
        return root / "project"
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.project_db import open_project_db
    from qcut_ai.library.repository import MediaRepository

    thumbs = bc.make_thumbnails(cache / "thumbs320", min(items, 500))
    project = ProjectPaths.at(root / "project").ensure()
    rows = bc.library_rows(items, thumbs, project.root)
    db = open_project_db(project)
    try:
        added = MediaRepository(db, project.root).add_many([bc.new_media(r) for r in rows])
    finally:
        db.close()
    if added != items:
        raise RuntimeError(f"the library got {added} of {items} clips")
    done.write_text(f"{items}\n", encoding="utf-8")
    return project.root


def until_shown(cmd: list[str], env: dict[str, str]) -> float:
    return until_ready(cmd, env, app=False)[0]


def until_ready(cmd: list[str], env: dict[str, str], *, app: bool = True) -> tuple[float, ...]:
    """Seconds to "shown" (and, for the app, to "ready", with the modules loaded at shown)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    shown = time.perf_counter() - start
    if not app:
        _, err = proc.communicate(timeout=60)
        if line.strip() != "shown" or proc.returncode != 0:
            raise RuntimeError(f"the window did not show: {err[-2000:]}")
        return (shown,)
    modules = proc.stdout.readline()
    last = proc.stdout.readline()
    ready = time.perf_counter() - start
    _, err = proc.communicate(timeout=60)
    if (line.strip(), last.strip()) != ("shown", "ready") or proc.returncode != 0:
        raise RuntimeError(f"the window did not show its generator: {err[-2000:]}")
    return shown, ready, float(modules)


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
    p.add_argument("--items", type=int, help="clips in the large project (default 100000)")
    args = p.parse_args(argv)
    runs = args.runs or (1 if args.smoke else 7)
    items = args.items or (200 if args.smoke else 100_000)
    py = sys.executable
    cache = bc.cache_dir(args)
    with bc.scratch_dir("startup") as tmp:
        skipped = ("FAL_KEY", "QCUT_AI_FAL_URL", "PYTHONDONTWRITEBYTECODE")
        env = {k: v for k, v in os.environ.items() if k not in skipped}
        env.update(
            QCUT_AI_HOME=str(Path(tmp) / "home"),
            QT_QPA_PLATFORM="offscreen",
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
            PYTHONPYCACHEPREFIX=str(cache / "pycache"),
        )
        project = str(Path(tmp) / "project")
        # Smoke runs build their small library afresh, in the scratch folder.
        big = large_project(Path(tmp) if args.smoke else cache, items)
        app_cmd = [py, "-c", APP, project]
        big_cmd = [py, "-c", APP, str(big)]
        cli_cmd = [py, "-m", "qcut_ai", "models", "--json"]
        if not args.smoke:
            # The first runs create the app folders and databases and compile the bytecode.
            until_ready(app_cmd, env)
            until_ready(big_cmd, env)
        app_runs: list[tuple[float, ...]] = []
        big_runs: list[tuple[float, ...]] = []

        def app_run(cmd: list[str], into: list[tuple[float, ...]]) -> float:
            into.append(until_ready(cmd, env))
            return into[-1][0]

        win_s, big_s, min_s = bc.interleave(
            runs,
            lambda: app_run(app_cmd, app_runs),
            lambda: app_run(big_cmd, big_runs),
            lambda: until_shown([py, "-c", MINIMAL], env),
        )
        cli_s, pass_s = bc.interleave(
            runs, lambda: until_exit(cli_cmd, env), lambda: until_exit([py, "-c", "pass"], env)
        )
        check = subprocess.run(
            [py, "-c", CLI_CHECK], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        window_imports = [] if args.smoke else slowest_imports(app_cmd, env)
        cli_imports = [] if args.smoke else slowest_imports(cli_cmd, env)
    win, large, minimal, cli, bare = (bc.stats_ms(s) for s in (win_s, big_s, min_s, cli_s, pass_s))
    ready = bc.stats_ms([r[1] for r in app_runs])
    ready_large = bc.stats_ms([r[1] for r in big_runs])
    modules = int(app_runs[-1][2])
    rows = [
        (
            "window shown (ms)",
            f"{win['median']:.0f}",
            f"{minimal['median']:.0f} (minimal Qt)",
            f"{win['median'] / minimal['median']:.2f}",
        ),
        (
            f"window shown, {items:,} clips (ms)",
            f"{large['median']:.0f}",
            f"{minimal['median']:.0f} (minimal Qt)",
            f"{large['median'] / minimal['median']:.2f}",
        ),
        (
            "generator ready, empty project (ms)",
            f"{ready['median']:.0f}",
            f"{minimal['median']:.0f} (minimal Qt)",
            f"{ready['median'] / minimal['median']:.2f}",
        ),
        (
            f"generator ready, {items:,} clips (ms)",
            f"{ready_large['median']:.0f}",
            f"{minimal['median']:.0f} (minimal Qt)",
            f"{ready_large['median'] / minimal['median']:.2f}",
        ),
        ("modules loaded when shown", str(modules), "", ""),
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
        params={
            "runs": runs,
            "platform": "offscreen",
            "project": "empty, offline preview",
            "large_project_items": items,
            "bytecode": "compiled, kept in the cache folder",
        },
        results={
            "window_shown_ms": win,
            "window_shown_large_ms": large,
            "generator_ready_ms": ready,
            "generator_ready_large_ms": ready_large,
            "modules_when_shown": modules,
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
            "window_large_vs_minimal": large["median"] / minimal["median"],
            "ready_vs_minimal": ready["median"] / minimal["median"],
            "models_vs_python": cli["median"] / bare["median"],
        },
        targets={
            "window_shown_ms": bc.target(win["median"], 600.0),
            "window_vs_minimal": bc.target(win["median"] / minimal["median"], 3.5),
            "window_shown_large_ms": bc.target(large["median"], 800.0),
            "models_json_ms": bc.target(cli["median"], 300.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
