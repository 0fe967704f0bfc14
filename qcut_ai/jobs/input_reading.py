"""Reading an input file for its slot: size, length, a small preview picture, and what the
upload checks need (type, size, whether its content can be sent).

`read_input` runs on a worker (it decodes), so it only builds QImages, which
are safe off the GUI thread; the slot turns them into pixmaps. The checks
themselves (`qcut_ai.core.input_checks`) then run on the GUI thread without
touching the file again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from qcut_ai.core.catalog_kinds import MediaRole
from qcut_ai.core.errors import MediaError, QcutError
from qcut_ai.core.media_kinds import MediaKind

if TYPE_CHECKING:
    from qcut_ai.core.input_checks import LocalFile

THUMB_SIZE = QSize(160, 90)  # logical pixels in the slot
# Previews are made at twice the slot size so they stay sharp on high-DPI screens.
_PREVIEW_SIZE = THUMB_SIZE * 2
# Roughly 16 megapixels: larger pictures are read scaled down (only the shape matters).
_MAX_DECODE_PIXELS = 16_000_000


@dataclass(frozen=True)
class Preview:
    """What a slot shows and the checks need. `error` set means the file is unusable."""

    path: str
    image: QImage | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    error: str | None = None
    local: LocalFile | None = None  # what the upload checks need (None for a URL)

    @property
    def size(self) -> tuple[int, int] | None:
        if self.width and self.height:
            return (self.width, self.height)
        return None

    def summary(self) -> str:
        """ "1920x1080 · 4.0 s", as much as is known."""
        parts = []
        if self.width and self.height:
            parts.append(f"{self.width}x{self.height}")
        if self.duration is not None:
            parts.append(f"{self.duration:.1f} s")
        return " · ".join(parts)


def _thumb(image: QImage) -> QImage:
    return image.scaled(
        _PREVIEW_SIZE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def _read_image(path: str) -> Preview:
    reader = QImageReader(path)
    reader.setAutoTransform(True)  # EXIF orientation: the shape a viewer shows
    stored = reader.size()
    if stored.isValid() and stored.width() * stored.height() > _MAX_DECODE_PIXELS:
        # Only the shape matters for the checks; a smaller decode saves time and memory.
        reader.setScaledSize(stored.scaled(QSize(2048, 2048), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        reason = reader.errorString() or "unknown format"
        raise MediaError(
            f"{Path(path).name} is not a readable image ({reason}).",
            hint="Open it in an image viewer to check, or export it as PNG or JPEG.",
        )
    width, height = image.width(), image.height()
    if stored.isValid():
        rotate = QImageIOHandler.Transformation.TransformationRotate90
        turned = bool(reader.transformation() & rotate)
        width, height = (
            (stored.height(), stored.width()) if turned else (stored.width(), stored.height())
        )
    return Preview(path, _thumb(image), width, height)


def _video_frame(path: str) -> QImage | None:
    """The first decodable picture of a video, as a thumbnail; None when there is none."""
    import av

    try:
        with av.open(path) as container:
            stream = container.streams.video[0]
            for frame in container.decode(stream):
                wide, high = _PREVIEW_SIZE.width(), _PREVIEW_SIZE.height()
                scale = min(wide / frame.width, high / frame.height, 1.0)
                w = max(2, int(frame.width * scale))
                h = max(2, int(frame.height * scale))
                rgb = frame.reformat(width=w, height=h, format="rgb24")
                plane: Any = rgb.planes[0]
                data = bytes(plane)
                image = QImage(data, w, h, plane.line_size, QImage.Format.Format_RGB888)
                return image.copy()  # own the pixels: `data` goes away
    except (av.FFmpegError, OSError, ValueError, IndexError, StopIteration):
        return None
    return None


def _read_av(path: str, role: MediaRole) -> Preview:
    from qcut_ai.library.probe import probe

    info = probe(Path(path), with_hash=False)
    wanted = MediaKind.AUDIO if role is MediaRole.AUDIO else MediaKind.VIDEO
    if info.kind != wanted:
        raise MediaError(f"{Path(path).name} is {info.kind.value}, not {wanted.value}.")
    image = _video_frame(path) if info.kind == MediaKind.VIDEO else None
    return Preview(path, image, info.width, info.height, info.duration, info.fps)


def read_preview(path: str, role: MediaRole) -> Preview:
    """Decode enough of `path` to preview and check it; errors become `Preview.error`."""
    try:
        if role in (MediaRole.IMAGE, MediaRole.END_IMAGE, MediaRole.REFERENCE_IMAGES):
            return _read_image(path)
        return _read_av(path, role)
    except QcutError as exc:
        return Preview(path, error=exc.user_text())


def read_input(path: str, role: MediaRole) -> Preview:
    """The preview of a local input plus its upload facts; a decoder bug becomes a sentence."""
    from dataclasses import replace

    from qcut_ai.services.uploads import inspect_local

    try:
        preview = read_preview(path, role)
        return replace(preview, local=inspect_local(path, role.value))
    except Exception as exc:  # worker boundary: a decoder bug becomes a line beside the slot
        name = Path(path).name
        return Preview(path, error=f"{name} could not be read ({type(exc).__name__}: {exc}).")


def decode_picture(path: str, size: QSize) -> QImage | None:
    """A thumbnail or filmstrip decoded at the shown size (QImage is safe off the GUI thread)."""
    reader = QImageReader(path)
    original = reader.size()
    if size.isValid() and original.isValid():
        wanted = original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio)
        if wanted.width() < original.width():
            # Decoding at the shown size is ~2x cheaper than decode-then-scale.
            reader.setScaledSize(wanted)
    image = reader.read()
    return None if image.isNull() else image
