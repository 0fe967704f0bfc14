"""qcut-ai: an AI video generation media panel for desktop video editors."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "qcut-ai"
