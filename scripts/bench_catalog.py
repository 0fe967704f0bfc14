"""Catalogue benchmark: importing 1,500 fal schemas, and `models --json` over a 1,500-model sync.

Import: 1,500 endpoint OpenAPI documents synthesised from the samples in
tests/data/openapi-samples/ (each sample under many endpoint ids) are read
from one JSON file and run through the schema importer; the baseline is a
plain `json.load` of the same file, in the same run.

Picker: the model picker holding every synced model, filtered one keystroke at a
time (typing "kling 3 pro", repaint included), against a bare
QSortFilterProxyModel with a fixed-string filter over the same names.

Listing: a stand-in whose registry holds 1,500 endpoints (the recorded ones
copied under new ids) is synced over HTTP with the real sync, then
`python -m qcut_ai models --json` is timed from spawn to exit against
`python -c pass`, alternating. Bytecode is written (and warmed once) as an
installed package would have it.

    .venv/bin/python scripts/bench_catalog.py [--smoke] [--json out.json]
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc

SAMPLES = bc.REPO / "tests" / "data" / "openapi-samples"


def retarget(document: dict[str, Any], endpoint_id: str) -> dict[str, Any]:
    """A copy of a queue document answering for another endpoint id."""
    old = document["info"]["x-fal-metadata"]["endpointId"]
    copied = copy.deepcopy(document)
    copied["paths"] = {
        k.replace("/" + old, "/" + endpoint_id, 1): v for k, v in copied["paths"].items()
    }
    copied["info"]["title"] = f"Queue OpenAPI for {endpoint_id}"
    copied["info"]["x-fal-metadata"]["endpointId"] = endpoint_id
    return copied


def synthesise(count: int, out: Path) -> list[str]:
    samples = [json.loads(p.read_text("utf-8")) for p in sorted(SAMPLES.glob("*.json"))]
    ids, documents = [], []
    for i in range(count):
        endpoint = f"bench-lab/model-{i:04d}/text-to-video"
        ids.append(endpoint)
        documents.append(
            {"endpoint_id": endpoint, "openapi": retarget(samples[i % len(samples)], endpoint)}
        )
    out.write_text(json.dumps(documents), "utf-8")
    return ids


def time_import(path: Path) -> float:
    from qcut_ai.core.schema_import import import_schema

    start = time.perf_counter()
    for entry in json.loads(path.read_text("utf-8")):
        import_schema(entry["openapi"], entry["endpoint_id"])
    return time.perf_counter() - start


def time_json_load(path: Path) -> float:
    start = time.perf_counter()
    json.loads(path.read_text("utf-8"))
    return time.perf_counter() - start


def sync_1500(count: int, home: Path) -> tuple[float, int]:
    """Sync a stand-in holding `count` endpoints into `home`; (seconds, models listed)."""
    os.environ["QCUT_AI_HOME"] = str(home)
    from qcut_ai.services.catalog_sync import sync_catalog
    from qcut_ai.services.fal_platform import FalPlatformClient
    from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
    from qcut_ai.services.rehearsal.registry import Registry, recorded_endpoints

    recorded = list(recorded_endpoints())
    records = []
    for i in range(count):
        base = recorded[i % len(recorded)]
        suffix = "" if i < len(recorded) else f"/bench-{i}"
        records.append({**base, "endpoint_id": base["endpoint_id"] + suffix, "deprecated": False})
    with StandIn() as standin:
        standin.registry = Registry(records)
        start = time.perf_counter()
        with FalPlatformClient(OFFLINE_KEY, base_url=standin.base_url) as client:
            report = sync_catalog(client, now=datetime.now(UTC), force=True)
        elapsed = time.perf_counter() - start
    return elapsed, report.listed


TYPED = "kling 3 pro"  # typed one key at a time into the picker's filter


def time_picker(runs: int) -> tuple[list[float], list[float], int]:
    """Per-keystroke filter time (s) of the model picker holding every synced model, and
    of a bare QSortFilterProxyModel over the same names; and how many models."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QListView

    from qcut_ai.core.catalog import reload_catalog
    from qcut_ai.ui.generate.model_picker import ModelPicker

    app = QApplication.instance() or QApplication([])
    specs = reload_catalog().offered()
    picker = ModelPicker(specs)
    picker.resize(480, 700)
    picker.show()
    names = QStandardItemModel()
    for spec in specs:
        names.appendRow(QStandardItem(f"{spec.name} {spec.vendor} {spec.tier.value}"))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(names)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    bare = QListView()
    bare.setModel(proxy)
    bare.resize(480, 700)
    bare.show()
    app.processEvents()

    def keystrokes(apply: Callable[[str], None]) -> list[float]:
        times = []
        for end in range(1, len(TYPED) + 1):
            start = time.perf_counter()
            apply(TYPED[:end])
            app.processEvents()  # the list repaints what the filter kept
            times.append(time.perf_counter() - start)
        apply("")
        app.processEvents()
        return times

    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        ours += keystrokes(picker.set_filter)
        theirs += keystrokes(proxy.setFilterFixedString)
    return ours, theirs, len(specs)


def until_exit(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = bc.parser(__doc__ or "")
    p.add_argument("--runs", type=int, help="runs of each timing (default 7, smoke 1)")
    args = p.parse_args(argv)
    runs = args.runs or (1 if args.smoke else 7)
    count = 30 if args.smoke else 1500
    py = sys.executable
    with bc.scratch_dir("catalog") as tmp:
        documents = Path(tmp) / "schemas.json"
        synthesise(count, documents)
        import_s, load_s = bc.interleave(
            runs, lambda: time_import(documents), lambda: time_json_load(documents)
        )
        home = Path(tmp) / "home"
        sync_s, listed = sync_1500(count, home)
        env = {k: v for k, v in os.environ.items() if k not in ("FAL_KEY", "QCUT_AI_FAL_URL")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(QCUT_AI_HOME=str(home), PYTHONPATH=str(bc.REPO))
        cli = [py, "-m", "qcut_ai", "models", "--json"]
        rows_out = subprocess.run(cli, env=env, check=True, capture_output=True, text=True).stdout
        models = json.loads(rows_out)
        cli_s, pass_s = bc.interleave(
            runs, lambda: until_exit(cli, env), lambda: until_exit([py, "-c", "pass"], env)
        )
        picker_s, proxy_s, picked = time_picker(runs)
    imp, load, cli_ms, bare = (bc.stats_ms(s) for s in (import_s, load_s, cli_s, pass_s))
    key, plain = bc.stats_ms(picker_s), bc.stats_ms(proxy_s)
    rows = [
        (
            f"import {count} schemas (ms)",
            f"{imp['median']:.0f}",
            f"{load['median']:.0f} (json.load)",
            f"{imp['median'] / load['median']:.1f}",
        ),
        (
            f"models --json, {len(models)} models (ms)",
            f"{cli_ms['median']:.0f}",
            f"{bare['median']:.0f} (python -c pass)",
            f"{cli_ms['median'] / bare['median']:.1f}",
        ),
        (
            f"picker filter, {picked} models, per keystroke (ms, max)",
            f"{key['median']:.1f} ({key['max']:.1f})",
            f"{plain['median']:.1f} (QSortFilterProxyModel)",
            f"{key['median'] / max(plain['median'], 0.001):.1f}",
        ),
    ]
    bc.report(
        "catalog",
        args,
        params={"runs": runs, "schemas": count, "synced_endpoints": count},
        results={
            "import_ms": imp,
            "json_load_ms": load,
            "models_json_ms": cli_ms,
            "python_pass_ms": bare,
            "schemas_imported": count,
            "models_listed": len(models),
            "sync_listed": listed,
            "sync_s": round(sync_s, 2),
            "picker_keystroke_ms": key,
            "proxy_keystroke_ms": plain,
            "picker_models": picked,
        },
        ratios={
            "import_vs_json_load": imp["median"] / load["median"],
            "models_vs_python": cli_ms["median"] / bare["median"],
            "picker_vs_proxy": key["median"] / max(plain["median"], 0.001),
        },
        targets={
            "import_s": bc.target(imp["median"] / 1000, 3.0),
            "models_json_ms": bc.target(cli_ms["median"], 300.0),
            "picker_keystroke_ms": bc.target(key["max"], 16.0),
        },
        rows=rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
