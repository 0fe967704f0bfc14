"""Where the catalogue's files are: the shipped resources and the user's synced copy.

Kept free of pydantic and the catalogue classes, so that a cached
`models --json` listing can be found and checked without building a model.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SNAPSHOT_FILE = "fal_snapshot.json"
OVERLAY_FILE = "model_overlay.json"
CACHE_NAME = "fal-catalog.json"


def resource_text(name: str) -> str:
    """A file of the `qcut_ai.resources` package (the checkout's resources/ folder)."""
    try:
        return (resources.files("qcut_ai.resources") / name).read_text("utf-8")
    except ModuleNotFoundError:
        # Running from a source checkout that was not installed: the package
        # mapping in pyproject.toml does not exist yet, so read the folder.
        checkout = Path(__file__).resolve().parents[2] / "resources" / name
        return checkout.read_text("utf-8")


def user_catalog_path() -> Path:
    """The user's cached sync, in the app's data folder."""
    from qcut_ai.core.app_dirs import app_dirs

    return app_dirs().data / "catalog" / CACHE_NAME
