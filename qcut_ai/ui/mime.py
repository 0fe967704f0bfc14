"""The drag payload other editors and our timeline accept.

`application/x-qcut-ai.media+json` carries versioned JSON with ids, absolute
paths and durations; `text/uri-list` carries file URLs for everyone else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QUrl

if TYPE_CHECKING:
    # The media records are pydantic models, loaded after the first paint.
    from qcut_ai.core.media import MediaItem


MEDIA_MIME = "application/x-qcut-ai.media+json"
PAYLOAD_VERSION = 1


def encode_items(items: Sequence[MediaItem]) -> QMimeData:
    payload = {
        "version": PAYLOAD_VERSION,
        "items": [
            {
                "id": item.id,
                "name": item.display_name,
                "path": item.path,
                "kind": item.kind.value,
                "duration": item.probe.duration,
                "width": item.probe.width,
                "height": item.probe.height,
            }
            for item in items
        ],
    }
    mime = QMimeData()
    mime.setData(MEDIA_MIME, json.dumps(payload).encode("utf-8"))
    mime.setUrls([QUrl.fromLocalFile(item.path) for item in items])
    return mime


def decode_items(mime: QMimeData) -> list[dict[str, Any]]:
    """The items of a payload, or [] when it is absent, malformed or of a newer version."""
    if not mime.hasFormat(MEDIA_MIME):
        return []
    try:
        payload = json.loads(bytes(mime.data(MEDIA_MIME).data()).decode("utf-8"))
    except ValueError:
        return []
    if not isinstance(payload, dict) or payload.get("version") != PAYLOAD_VERSION:
        return []
    items = payload.get("items")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
