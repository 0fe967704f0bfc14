"""Qt's and its bundled FFmpeg's diagnostics go to the log file, not the user's terminal.

Qt Multimedia reports every backend it probes ("Couldn't load pipewire-0.3"),
and the FFmpeg inside Qt dumps each opened clip's container, metadata included
("Input #0 … qcut_ai_provenance: {…}"), to stderr for every clip previewed.
Those are diagnostics for the log, at debug level: a Qt message handler takes
Qt's messages, and Qt's FFmpeg is told to print nothing itself (its failures
still reach the log through Qt's own messages). With QT_FFMPEG_DEBUG set, Qt
routes FFmpeg's lines through its messages, so they land in the log too.

The player is built when a clip is first previewed, not with the window, so
Qt's FFmpeg is quieted when Qt says it loaded it ("Using Qt multimedia with
FFmpeg …", the first message of its category), before it opens any clip.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

AV_LOG_QUIET = -8
# Qt's own diagnostics of the media stack and of FFmpeg, whatever their level.
_MEDIA_CATEGORIES = ("qt.multimedia", "qt.ffmpeg")
_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_log = logging.getLogger("qcut_ai.qt")


def is_media_diagnostic(category: str | None, message: str) -> bool:
    """Qt Multimedia's and FFmpeg's chatter: logged at debug, never shown."""
    return bool(category and category.startswith(_MEDIA_CATEGORIES)) or message.startswith(
        "FFmpeg log:"
    )


# Qt's FFmpeg plugin announces itself in this category once loaded.
_FFMPEG_LOADED = ("qt.multimedia.ffmpeg", "qt.ffmpeg")
_quieted = False


def _on_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    global _quieted
    category = context.category or "default"
    if is_media_diagnostic(category, message):
        if not _quieted and category.startswith(_FFMPEG_LOADED):
            _quieted = True  # one attempt: the plugin (and its libavutil) is loaded now
            quiet_qt_ffmpeg()
        logging.getLogger(category).debug("%s", message)
        return
    level = _LEVELS.get(kind, logging.WARNING)
    _log.log(level, "%s: %s", category, message)
    if level >= logging.WARNING:
        # What is not media chatter stays where Qt would have put it, for whoever runs it.
        with contextlib.suppress(OSError, ValueError):
            print(message if category == "default" else f"{category}: {message}", file=sys.stderr)


def _qt_libavutil() -> Path | None:
    """The libavutil that Qt's FFmpeg media plugin uses (it ships inside PySide6)."""
    import PySide6

    root = Path(PySide6.__file__).parent
    for pattern in ("Qt/lib/libavutil.so.*", "Qt/lib/libavutil.*.dylib", "avutil-*.dll"):
        found = sorted(root.glob(pattern), key=lambda p: len(p.name))
        if found:
            return found[0]
    return None


def quiet_qt_ffmpeg() -> bool:
    """Tell Qt's FFmpeg to print nothing itself; False when its library is not loaded.

    Only the copy Qt's media plugin already loaded is opened: loading it alone
    fails (it resolves OpenSSL's symbols through Qt's stubs at plugin load)."""
    if os.environ.get("QT_FFMPEG_DEBUG"):
        return False  # asked for: Qt routes FFmpeg's lines through its messages
    path = _qt_libavutil()
    if path is None:
        return False
    try:
        library = ctypes.CDLL(str(path))
        library.av_log_set_level(ctypes.c_int(AV_LOG_QUIET))
    except (OSError, AttributeError) as exc:
        _log.debug("Qt's FFmpeg log level could not be set (%s)", exc)
        return False
    return True


def route_native_logs() -> None:
    """Install the Qt message handler: it quiets Qt's FFmpeg when Qt's media plugin has
    loaded it (asked before that, the library cannot be opened alone)."""
    qInstallMessageHandler(_on_qt_message)
