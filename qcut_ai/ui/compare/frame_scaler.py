"""FrameScaler: a decoded frame made into a picture of its cell's size, cheaply.

`QVideoFrame.toImage` converts the whole frame to RGB on the CPU (no RHI
here): 8-30 ms for a 1080p frame, on the GUI thread, holding the GIL. A cell
shows at most about 960×540 and usually far less, so most of that work is
thrown away by the scaling that follows. Instead the frame's planes are
mapped (free for the software frames QtMultimedia's FFmpeg backend hands
out), copied into a PyAV frame and scaled and converted in one swscale pass
straight to the cell's size: about 1 ms for 1080p to 480×270. Frames this
cannot read (an unknown pixel format, a rotated or mirrored clip, a GPU
texture) take the old road through `toImage`, as the preview pane does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

if TYPE_CHECKING:
    import av

# Qt pixel format names -> PyAV (FFmpeg) pixel formats with the same plane layout.
_AV_FORMATS = {
    "Format_YUV420P": "yuv420p",
    "Format_YUV422P": "yuv422p",
    "Format_NV12": "nv12",
    "Format_NV21": "nv21",
    "Format_YUV420P10": "yuv420p10le",
    "Format_P010": "p010le",
    "Format_UYVY": "uyvy422",
    "Format_YUYV": "yuyv422",
    "Format_BGRA8888": "bgra",
    "Format_BGRX8888": "bgr0",
    "Format_RGBA8888": "rgba",
    "Format_RGBX8888": "rgb0",
}
# Qt colour spaces -> the swscale matrix; anything else is read as BT.601.
_AV_COLORSPACES = {
    "ColorSpace_BT709": "ITU709",
    "ColorSpace_BT601": "ITU601",
    "ColorSpace_BT2020": "BT2020",
}


class _Picture:
    """A picture already made for its cell (VideoView asks frames for toImage)."""

    def __init__(self, image: QImage) -> None:
        self._image = image

    def toImage(self) -> QImage:
        return self._image


def fitted_size(width: int, height: int, box: QSize) -> tuple[int, int]:
    """`width`×`height` scaled to fit `box` keeping its shape, never larger than itself."""
    if width <= 0 or height <= 0:
        return 0, 0
    scale = min(box.width() / width, box.height() / height, 1.0)
    return max(2, round(width * scale)), max(2, round(height * scale))


def _name(value: Any) -> str:
    return str(getattr(value, "name", value))


class FrameScaler:
    """Turns one cell's frames into pictures; keeps the source buffer between frames."""

    def __init__(self) -> None:
        # Imported now, as the view opens, not on the first frame while the takes play.
        import av  # noqa: F401

        self._source: av.VideoFrame | None = None

    def picture(self, frame: Any, box: QSize) -> _Picture | None:
        """`frame` (a QVideoFrame) as a picture that fits `box`; None for an empty frame."""
        image = self._scaled(frame, box)
        if image is None:
            image = self._through_qt(frame, box)
        return None if image is None or image.isNull() else _Picture(image)

    @staticmethod
    def _through_qt(frame: Any, box: QSize) -> QImage | None:
        image = frame.toImage()
        if image.isNull():
            return None
        return image.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    def _scaled(self, frame: Any, box: QSize) -> QImage | None:
        """The swscale road, or None when this frame must go through Qt."""
        av_format = _AV_FORMATS.get(_name(frame.pixelFormat()))
        if av_format is None or not _plain_orientation(frame):
            return None
        width, height = frame.width(), frame.height()
        out_w, out_h = fitted_size(width, height, box)
        if out_w == 0 or not frame.map(_read_only()):
            return None
        try:
            source = self._source_for(av_format, width, height)
            if source is None or not _copy_planes(frame, source):
                return None
        finally:
            frame.unmap()
        fmt = frame.surfaceFormat()
        full_range = _name(fmt.colorRange()) == "ColorRange_Full"
        scaled = source.reformat(
            width=out_w,
            height=out_h,
            format="bgra",  # QImage.Format_RGB32's bytes on a little-endian machine
            src_colorspace=_AV_COLORSPACES.get(_name(fmt.colorSpace()), "ITU601"),
            src_color_range="JPEG" if full_range else "MPEG",
            interpolation="BILINEAR",
        )
        plane = scaled.planes[0]
        image = QImage(bytes(plane), out_w, out_h, plane.line_size, QImage.Format.Format_RGB32)
        return image.copy()  # its own pixels: the bytes above go away with this call

    def _source_for(self, av_format: str, width: int, height: int) -> av.VideoFrame | None:
        import av

        current = self._source
        if (
            current is None
            or current.width != width
            or current.height != height
            or current.format.name != av_format
        ):
            try:
                current = av.VideoFrame(width, height, av_format)
            except (ValueError, av.FFmpegError):
                return None
            self._source = current
        return current


def _read_only() -> Any:
    from PySide6.QtMultimedia import QVideoFrame

    return QVideoFrame.MapMode.ReadOnly


def _plain_orientation(frame: Any) -> bool:
    """True when the frame is shown as stored: no rotation, mirroring or bottom-up lines.

    Other frames keep the road the preview pane takes (`toImage`), so a clip
    looks the same in both.
    """
    fmt = frame.surfaceFormat()
    turned = (_name(frame.rotation()), _name(fmt.rotation()))
    if any(angle != "None_" for angle in turned) or frame.mirrored() or fmt.isMirrored():
        return False
    return _name(fmt.scanLineDirection()) == "TopToBottom"


def _copy_planes(frame: Any, target: av.VideoFrame) -> bool:
    """Copy the mapped frame's planes into `target`, row by row where the strides differ."""
    if frame.planeCount() != len(target.planes):
        return False
    for index, plane in enumerate(target.planes):
        source = frame.bits(index)
        if source is None:
            return False
        src = memoryview(source).cast("B")
        src_stride, dst_stride = frame.bytesPerLine(index), plane.line_size
        rows = plane.buffer_size // dst_stride
        if src_stride == dst_stride and len(src) >= plane.buffer_size:
            plane.update(src[: plane.buffer_size])  # type: ignore[arg-type]
            continue
        row = min(src_stride, dst_stride)
        if len(src) < src_stride * (rows - 1) + row:
            return False
        dst = memoryview(plane).cast("B")
        for r in range(rows):
            dst[r * dst_stride : r * dst_stride + row] = src[r * src_stride : r * src_stride + row]
    return True
