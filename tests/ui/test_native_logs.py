"""Previewing a clip prints nothing on the terminal: Qt Multimedia's and its FFmpeg's
diagnostics (the container dump with the clip's provenance) stay in the log file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from qcut_ai.app.native_logs import is_media_diagnostic
from qcut_ai.services.ffmpeg_tools import run_ffmpeg

CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtWidgets import QApplication

    from qcut_ai.app.native_logs import route_native_logs
    from qcut_ai.services.logs import setup_logging

    setup_logging(level=10)
    app = QApplication([])
    route_native_logs()
    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    loop.exec()  # the window is up; the player comes with the first preview
    from PySide6.QtMultimedia import QMediaPlayer

    player = QMediaPlayer()  # loads Qt's media plugin (and its FFmpeg) now
    done = QEventLoop()
    player.mediaStatusChanged.connect(
        lambda status: done.quit() if status in (
            QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.InvalidMedia
        ) else None
    )
    player.setSource(QUrl.fromLocalFile(sys.argv[1]))
    done.exec()
    print(player.mediaStatus().name)
    """
)


def test_previewing_a_clip_keeps_media_diagnostics_off_stderr_and_in_the_log(
    tmp_path: Path,
) -> None:
    clip = tmp_path / "fox.mp4"
    source = ["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1"]
    provenance = ["-metadata", 'comment=qcut_ai_provenance: {"model": "kling"}']
    h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    run_ffmpeg([*source, *provenance, *h264, str(clip)])
    home = tmp_path / "home"
    env = {**os.environ, "QCUT_AI_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("QT_FFMPEG_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(clip)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout.strip() == "LoadedMedia", proc.stderr
    assert "Input #0" not in proc.stderr and "qcut_ai_provenance" not in proc.stderr
    assert "qt.multimedia" not in proc.stderr, proc.stderr
    logs = "".join(p.read_text(encoding="utf-8") for p in home.rglob("qcut-ai.log*"))
    assert "DEBUG   qt.multimedia" in logs


def test_only_media_categories_are_taken_off_the_terminal() -> None:
    assert is_media_diagnostic("qt.multimedia.ffmpeg", "Using Qt multimedia with FFmpeg")
    assert is_media_diagnostic("default", "FFmpeg log: Input #0")
    assert not is_media_diagnostic("qt.qpa.xcb", "could not connect to display")
