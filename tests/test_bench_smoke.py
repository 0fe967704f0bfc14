"""Every benchmark in scripts/ runs once at its tiny "smoke" size, so none of them can rot.

Nothing here asserts a timing: only that each bench finishes, writes its JSON
summary with the expected keys, and did the work it measures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def run_bench(name: str, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / f"{name}.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / f"bench_{name}.py"),
            "--smoke",
            "--json",
            str(out),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert summary["bench"] == name
    assert summary["mode"] == "smoke"
    assert summary["machine"]["cores"] >= 1 and summary["machine"]["python"]
    assert summary["ratios"] and all(v > 0 for v in summary["ratios"].values())
    for target in summary["targets"].values():
        assert set(target) == {"value", "limit", "op", "met"}
        assert isinstance(target["met"], bool)
    return summary


def test_ingest_bench_adds_clips_with_posters(tmp_path: Path) -> None:
    res = run_bench("ingest", tmp_path)["results"]
    assert res["items_ingested"] >= 1 and res["posters_made"] >= 1
    assert res["project_ms"]["median"] > 0 and res["baseline_ms"]["median"] > 0
    assert {"download", "poster", "after_row_filmstrip"} <= set(res["project_phases_ms"])


def test_download_bench_fetches_whole_file(tmp_path: Path) -> None:
    summary = run_bench("download", tmp_path)
    res, params = summary["results"], summary["params"]
    assert res["bytes_downloaded"] == params["bytes"] * params["runs"]
    assert res["project_mb_s"] > 0 and res["curl_mb_s"] > 0
    assert 0 <= res["project_rss_growth_mb"] < 500


def test_gui_stall_bench_finishes_batch(tmp_path: Path) -> None:
    res = run_bench("gui_stall", tmp_path)["results"]
    assert res["errors"] == []
    assert res["jobs_done"] == res["media_added"] == len(res["models"])
    assert res["idle"]["beats"] > 0 and res["batch"]["beats"] > 0
    assert res["batch"]["max_ms"] >= res["batch"]["p99_ms"] > 0


def test_library_bench_measures_each_size(tmp_path: Path) -> None:
    summary = run_bench("library", tmp_path)
    for size in summary["params"]["sizes"]:
        res = summary["results"][str(size)]
        assert res["search_hits"] > 0
        for key in ("search_ms", "page_ms", "panel_query_ms", "panel_query_rank_tail_ms", "add_ms"):
            assert res[key]["project"] > 0 and res[key]["baseline"] > 0
        for side in ("project", "baseline"):
            grid = res["grid"][side]
            assert grid["rows"] > 0 and grid["visible"] > 0 and grid["first_paint_ms"] > 0


def test_startup_bench_cli_stays_without_qt(tmp_path: Path) -> None:
    res = run_bench("startup", tmp_path)["results"]
    assert res["models_json_exit_code"] == 0
    assert res["models_json_imports_qt"] is False
    assert res["window_shown_ms"]["median"] > res["python_pass_ms"]["median"] > 0
    assert res["window_shown_large_ms"]["median"] > res["python_pass_ms"]["median"]
    assert res["generator_ready_ms"]["median"] > res["window_shown_ms"]["median"]
    assert res["modules_when_shown"] > 0


def test_batch_bench_runs_every_job(tmp_path: Path) -> None:
    summary = run_bench("batch", tmp_path)
    res = summary["results"]
    assert res["jobs_done"] == len(summary["params"]["models"])
    assert all(job["state"] == "done" and job["status_requests"] > 0 for job in res["jobs"])
    assert res["wall_s"] > 0 and res["max_requests_per_min_per_job"] > 0


def test_catalog_bench_imports_and_lists_every_model(tmp_path: Path) -> None:
    summary = run_bench("catalog", tmp_path)
    res = summary["results"]
    assert res["schemas_imported"] == summary["params"]["schemas"] > 0
    assert res["models_listed"] >= res["sync_listed"] > 0
    assert res["import_ms"]["median"] > 0 and res["json_load_ms"]["median"] > 0
    assert res["models_json_ms"]["median"] > res["python_pass_ms"]["median"] > 0


def test_compare_bench_plays_four_takes_together(tmp_path: Path) -> None:
    summary = run_bench("compare", tmp_path)
    res = summary["results"]
    assert len(res["clips"]) == summary["params"]["takes"] == 4
    assert all(shown > 0 for shown in res["frames_shown"])
    assert res["drift_samples"] > 0 and res["drift_frames_max"] >= 0
    assert res["idle"]["beats"] > 0 and res["playing"]["max_ms"] >= res["playing"]["p99_ms"] > 0


def test_import_bench_imports_the_folder_and_cancels_the_second(tmp_path: Path) -> None:
    summary = run_bench("import", tmp_path)
    res, files = summary["results"], summary["params"]["files"]
    assert res["items_imported"] == res["rows_in_view"] == files
    assert res["import_errors"] == [] and res["panel_errors"] == []
    assert res["baseline"]["rows"] == res["baseline"]["posters"] == files
    assert res["progress_updates"] >= 1 and res["progress_always_visible"]
    assert res["importing"]["beats"] > 0 and res["idle"]["beats"] > 0
    assert res["cancel"]["cancel_to_finished_ms"] is not None
    assert res["workers_left_after_import"] == res["cancel"]["workers_left"] == 0


def test_soak_bench_runs_every_batch_and_times_the_queries(tmp_path: Path) -> None:
    summary = run_bench("soak", tmp_path)
    res = summary["results"]
    assert res["errors"] == []
    assert res["jobs_done"] == res["media_added"] == summary["params"]["batches"] * 5
    assert res["per_job_ms_first"] > 0 and res["per_job_ms_last"] > 0
    assert set(res["queries_ms"]) == {"first", "last"}
    for when in res["queries_ms"].values():  # each query in wall and in CPU time
        assert set(when) == {"wall", "cpu"} and set(when["wall"]) == set(when["cpu"])
    # History, the tally and the journal read from the session's journal and the early copy.
    names = ("history", "own_tally", "journal_unfinished", "journal_recent_50")
    assert {f"{n}_{s}" for n in names for s in ("now", "early")} == set(res["same_moment_ms"])
    assert len(res["rss_mb"]) >= 1
    assert res["growth"][-1]["job_rows"] == res["jobs_done"]  # under the kept 50: all shown


def test_search_matches_bench_times_each_match_count(tmp_path: Path) -> None:
    summary = run_bench("search_matches", tmp_path)
    results = summary["results"]
    assert len(results) == 8
    for count, res in results.items():
        assert res["matches"] == int(count)  # each word is matched by its own count
        assert res["newest_ms"] > 0 and res["best_match_ms"] > 0 and res["join_ms"] > 0
