"""How a library item is worded: durations, sizes, models, stars, summaries, tooltip and
the details pane's rows (plain text and HTML for Qt labels; no widgets here)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcut_ai.core.media_kinds import MediaKind, Origin
from qcut_ai.ui.library.lineage_text import lineage_rows

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem

# Provenance arguments already shown under their own heading.
_SHOWN_ELSEWHERE = {"prompt", "negative_prompt", "seed"}


def duration_text(seconds: float | None) -> str:
    """`m:ss` (or `h:mm:ss`), "" when the item has no duration."""
    if seconds is None:
        return ""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def _retired_note(item: MediaItem) -> str:
    """ " (retired by fal (date); use X)" for a clip whose model fal has retired since."""
    from qcut_ai.core.catalog import load_catalog  # loaded after the window's first paint

    catalog = load_catalog()
    key = item.model or ""
    if not key or key not in catalog:
        return ""
    spec = catalog.get(key)
    if spec.active:
        return ""
    instead = [s.name for s in catalog.successors_of(spec)][:2]
    return f" ({spec.retired_text}" + (f"; use {' or '.join(instead)})" if instead else ")")


def model_label(item: MediaItem) -> str:
    """The model's display name, "" for items without one."""
    if item.model_name:
        return item.model_name  # painted for every badge: the stored JSON stays unparsed
    prov = item.provenance
    return (prov.model_name if prov else "") or item.model or ""


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def summary_line(item: MediaItem) -> str:
    """Model · duration · resolution · rating, for the list view's second line."""
    p = item.probe
    parts = [
        model_label(item) or ("Imported" if item.origin == Origin.IMPORTED else ""),
        duration_text(p.duration),
        f"{p.width}×{p.height}" if p.width and p.height else "",
        stars(item.rating),
        "Missing" if item.missing else "",
    ]
    return " · ".join(part for part in parts if part)


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _format_line(item: MediaItem) -> str:
    p = item.probe
    parts = [item.kind.value.capitalize()]
    if p.width and p.height:
        parts.append(f"{p.width}×{p.height}")
    if p.fps and item.kind == MediaKind.VIDEO:
        parts.append(f"{p.fps:g} fps")
    codecs = " + ".join(c for c in (p.video_codec, p.audio_codec) if c)
    if codecs:
        parts.append(codecs)
    return " · ".join(parts)


def details_rows(item: MediaItem, loaded: Sequence[MediaItem] = ()) -> list[tuple[str, str]]:
    """Every fact worth showing about an item, as (label, text) rows in reading order."""
    prov = item.provenance
    rows: list[tuple[str, str]] = []
    if item.missing:
        rows.append(("Status", "File missing: use Relink to point at its new folder"))
    rows += [
        ("Format", _format_line(item)),
        ("Duration", duration_text(item.probe.duration)),
        ("Size", size_text(item.probe.size) if item.probe.size else ""),
        ("Origin", "Generated with AI" if item.origin == Origin.AI else "Imported from disk"),
        ("Model", model_label(item) + _retired_note(item)),
        ("Endpoint", item.model or ""),
        ("Prompt", item.prompt or (prov.prompt if prov else "")),
    ]
    if prov is not None:
        rows.append(("Negative prompt", prov.negative_prompt))
        rows.append(("Seed", "" if prov.seed is None else str(prov.seed)))
        uploaded = {str(entry.get("field")) for entry in prov.inputs if entry.get("field")}
        for key, value in prov.arguments.items():
            # An uploaded input's URL means nothing to the user; its file is shown below.
            if key not in _SHOWN_ELSEWHERE and key not in uploaded:
                rows.append((key.replace("_", " ").capitalize(), _value(value)))
        for entry in prov.inputs:
            role = str(entry.get("role", "input")).replace("_", " ")
            rows.append((f"Input ({role})", Path(str(entry.get("path", ""))).name))
    rows += lineage_rows(item, loaded)
    rows.append(("Request ID", item.request_id or ""))
    cost = item.cost_estimate_usd
    if cost is None and prov is not None:
        cost = prov.cost_estimate_usd
    if cost is not None:
        rows.append(("Estimated cost", f"${cost:.2f}"))
    elif item.origin == Origin.AI:
        rows.append(("Estimated cost", "unknown"))
    if prov is not None:
        rows += [
            ("Submitted", _when(prov.submitted_at)),
            ("Completed", _when(prov.completed_at)),
            ("App version", prov.app_version),
        ]
    rows += [
        ("Tags", ", ".join(item.tags)),
        ("Rating", stars(item.rating)),
        ("Favourite", "Yes" if item.favourite else ""),
        ("Added", _when(item.created_at)),
        ("File", item.path),
    ]
    return [(label, text) for label, text in rows if text]


def _rows_html(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='color:#8a8f98; padding-right:8px; white-space:nowrap' valign='top'>"
        f"{html.escape(label)}</td><td>{html.escape(text)}</td></tr>"
        for label, text in rows
    )
    return f"<table cellspacing='2'>{cells}</table>"


def details_html(item: MediaItem, loaded: Sequence[MediaItem] = ()) -> str:
    """The details pane's rich text: the name as a heading, then every row."""
    rows = _rows_html(details_rows(item, loaded))
    return f"<h3>{html.escape(item.display_name)}</h3>{rows}"


def tooltip_html(item: MediaItem) -> str:
    """A compact tooltip: the same facts without the long settings and file rows."""
    wanted = {
        "Status",
        "Format",
        "Duration",
        "Model",
        "Prompt",
        "Request ID",
        "Estimated cost",
        "Tags",
        "Rating",
    }
    rows = [(label, text) for label, text in details_rows(item) if label in wanted]
    return f"<b>{html.escape(item.display_name)}</b>{_rows_html(rows)}"


def parse_tags(text: str) -> list[str]:
    """Tags as typed, separated by commas: "coast, night ," -> ["coast", "night"]."""
    return [t.strip() for t in text.split(",") if t.strip()]
