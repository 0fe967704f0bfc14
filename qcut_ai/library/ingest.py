"""The library facade used by the job engine, the CLI and the Qt layer.

Each thread needs its own `Library` (SQLite connections are per-thread).
Probing, tagging, hashing and thumbnailing are slow enough that callers run
these methods in workers, never on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qcut_ai.core.errors import MediaError, QcutError
from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo, Provenance
from qcut_ai.library import leases
from qcut_ai.library import provenance as prov_io
from qcut_ai.library.db import write_transaction
from qcut_ai.library.layout import ProjectLayout
from qcut_ai.library.lineage import with_lineage
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.missing_files import check_missing
from qcut_ai.library.probe import sha256_file, verify_media
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.relink import MissingFileError
from qcut_ai.library.repository import MediaRepository
from qcut_ai.library.thumbnails import Thumbnails, make_thumbnails

log = logging.getLogger(__name__)


class Library:
    """One project's media library: add results, import files, query through `.repo`."""

    def __init__(
        self,
        project: ProjectLayout,
        thumbnail_dir: Path,
        *,
        abort: Callable[[], bool] | None = None,
    ) -> None:
        project.media.mkdir(parents=True, exist_ok=True)
        self.project = project
        self.thumbnail_dir = thumbnail_dir
        self.db = open_project_db(project, abort=abort)  # `abort` can stop its check
        self.repo = MediaRepository(self.db, project.root)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_generated(
        self,
        path: Path,
        provenance: Provenance,
        info: ProbeInfo | None = None,
        *,
        finish: bool = True,
    ) -> MediaItem:
        """Record a downloaded result with its provenance; the same request id is added once.

        With `finish=False` the row goes in as soon as the poster exists, so the
        clip is usable at once, and the caller runs `finish_generated` next
        (provenance tags, hash, filmstrip). `info` is the check the download
        already made (`verify_media(..., decode=False)`); without it the file
        is verified here.
        """
        if provenance.request_id:
            existing = self.repo.get_by_request_id(provenance.request_id)
            if existing is not None:
                return existing
        path = path.resolve()
        decoded = info is None
        if info is None:
            info = verify_media(path, expected=None)
        provenance = with_lineage(self.repo, provenance)
        prov_io.write_sidecar(path, provenance)
        thumbs = Thumbnails(poster_checked(path, info, self.thumbnail_dir, decoded=decoded))
        item = self.repo.add(
            NewMedia(
                path=path,
                probe=info.model_copy(update={"size": path.stat().st_size, "sha256": ""}),
                origin=Origin.AI,
                provenance=provenance,
                thumbnail=thumbs.poster,
            )
        )
        return self.finish_generated(item) if finish else item

    def finish_generated(self, item: MediaItem) -> MediaItem:
        """Embed the provenance tags, hash the file and make the filmstrip of a new result.

        Idempotent: an item already hashed is returned as it is, so a crash
        between the row and this step is mended by calling it again
        (`finish_pending`). The tags rewrite the container, so the hash and
        the poster's cache name are taken after them. Another process
        finishing the same item meanwhile is left to it (the item is returned
        as it is).
        """
        if item.probe.sha256 or item.missing:
            return item
        resource = f"media:{item.id}"
        if leases.claim(self.db, resource) is not None:
            return item
        try:
            current = self.repo.get(item.id)
            if current is None or current.probe.sha256 or current.missing:
                return current or item
            return self._finish(current)
        finally:
            leases.release(self.db, resource)

    def _finish(self, item: MediaItem) -> MediaItem:
        path = Path(item.path)
        provenance = item.provenance
        if (
            provenance is not None
            and prov_io.can_embed(path)
            and prov_io.read_embedded(path) is None
        ):
            prov_io.embed(path, provenance)
        info = item.probe.model_copy(
            update={"size": path.stat().st_size, "sha256": sha256_file(path)}
        )
        thumbs = self._thumbnails(path, info)
        return self.repo.set_finished(
            item.id,
            size=info.size,
            sha256=info.sha256,
            thumbnail=thumbs.poster,
            filmstrip=thumbs.filmstrip,
        )

    def finish_pending(self) -> list[MediaItem]:
        """Finish every generated item a crash left unhashed; the items it changed.

        Temporary copies that crashed processes left in the media folder go too.
        """
        prov_io.remove_stale_temps(self.project.media, leases.pid_alive)
        done: list[MediaItem] = []
        for item in self.repo.unfinished_generated():
            try:
                finished = self.finish_generated(item)
            except (QcutError, OSError) as exc:
                log.warning("Could not finish %s: %s", item.path, exc)
                continue
            if finished.probe.sha256:
                done.append(finished)
        return done

    def import_files(self, paths: Iterable[Path]) -> list[MediaItem | QcutError]:
        """Import each file in place; a bad file gives its error without stopping the rest."""
        results: list[MediaItem | QcutError] = []
        for raw in paths:
            try:
                results.append(self.import_file(Path(raw)))
            except QcutError as exc:
                results.append(exc)
        return results

    def import_file(self, path: Path) -> MediaItem:
        """Import one video, image or audio file, recovering its history when it has one."""
        path = path.expanduser().resolve()
        if path.is_dir():
            raise MediaError(f"{path.name} is a folder, not a media file.")
        existing = self.repo.get_by_path(path)
        if existing is not None:
            return existing
        (item,) = self.add_prepared([prepare_import(path, self.thumbnail_dir)])
        return self.refresh_thumbnails(item) if item.kind is MediaKind.VIDEO else item

    def add_prepared(self, prepared: Sequence[PreparedImport]) -> list[MediaItem]:
        """Rows for files `prepare_import` described, in one transaction, in order.

        A file whose history names a result already listed points that entry
        at it (a copy, or the original after a move) rather than adding a twin.
        """
        items: list[MediaItem] = []
        with write_transaction(self.db):
            for one in prepared:
                existing = self.repo.get_by_path(one.path)
                if existing is not None:  # another import got there first
                    items.append(existing)
                    continue
                recovered = one.recovered
                known = (
                    self.repo.get_by_request_id(recovered.request_id)
                    if recovered is not None and recovered.request_id
                    else None
                )
                if known is not None:
                    if known.missing or not Path(known.path).exists():
                        known = self.repo.set_path(known.id, one.path)
                    items.append(known)
                    continue
                items.append(
                    self.repo.add(
                        NewMedia(
                            path=one.path,
                            probe=one.probe,
                            origin=Origin.AI if recovered is not None else Origin.IMPORTED,
                            provenance=recovered,
                            thumbnail=one.poster,
                        )
                    )
                )
        return items

    def check_files(self) -> int:
        """Flag items whose file is gone, unflag returned ones; how many are missing.

        Run when a project is opened (one stat per item: ~10k files in tens of
        ms), so the views show missing badges from the start.
        """
        return check_missing(self.repo)

    def require_file(self, media_id: int) -> MediaItem:
        """The item, its file checked just before use (drag, open, regenerate).

        A file that is gone is flagged missing (the views show a badge) and
        MissingFileError says how to relink it; nothing is asked in a loop.
        """
        item = self.repo.check_present(media_id)
        if item.missing:
            raise MissingFileError(item)
        return item

    def refresh_thumbnails(self, item: MediaItem) -> MediaItem:
        """Rebuild an item's thumbnails when the cache lost them or the file changed.

        Cached thumbnails are reused as they are (their file name is a
        fingerprint of the media file), so calling this is cheap when nothing
        changed.
        """
        item = self.require_file(item.id)
        thumbs = self._thumbnails(Path(item.path), item.probe)
        if (thumbs.poster, thumbs.filmstrip) != (
            _as_path(item.thumbnail),
            _as_path(item.filmstrip),
        ):
            item = self.repo.set_thumbnails(item.id, thumbs.poster, thumbs.filmstrip)
        return item

    def _thumbnails(self, path: Path, info: ProbeInfo) -> Thumbnails:
        return _thumbnails(path, info, self.thumbnail_dir)


@dataclass(frozen=True)
class PreparedImport:
    """A file to import, described: the row `Library.add_prepared` writes for it."""

    path: Path
    probe: ProbeInfo
    recovered: Provenance | None
    poster: Path | None


def prepare_import(path: Path, thumbnail_dir: Path) -> PreparedImport:
    """Check, hash and poster one file without touching the database (any thread).

    The stream is not decoded to check it: the poster decodes a frame anyway,
    and only when none came out is the file proved decodable the slow way.
    The filmstrip is left to `Library.refresh_thumbnails`, after the row.
    """
    path = path.expanduser().resolve()
    if path.is_dir():
        raise MediaError(f"{path.name} is a folder, not a media file.")
    checked = verify_media(path, expected=None, decode=False)
    info = checked.model_copy(update={"sha256": sha256_file(path)})
    recovered = prov_io.read(path)
    poster = poster_checked(path, info, thumbnail_dir, decoded=False)
    return PreparedImport(path, info, recovered, poster)


def poster_checked(
    path: Path, info: ProbeInfo, thumbnail_dir: Path, *, decoded: bool
) -> Path | None:
    """The poster; a video none came out of must prove decodable to become an item."""
    poster = _thumbnails(path, info, thumbnail_dir, with_filmstrip=False).poster
    if poster is None and info.kind is MediaKind.VIDEO and not decoded:
        verify_media(path, expected=None)  # raises MediaError when it cannot be decoded
    return poster


def _thumbnails(
    path: Path, info: ProbeInfo, thumbnail_dir: Path, *, with_filmstrip: bool = True
) -> Thumbnails:
    # A file that probed fine but won't thumbnail is still worth keeping:
    # the views show a placeholder and refresh_thumbnails can retry.
    try:
        return make_thumbnails(path, info, thumbnail_dir, with_filmstrip=with_filmstrip)
    except (MediaError, OSError) as exc:
        log.warning("No thumbnail for %s: %s", path, exc)
        return Thumbnails(None, None)


def _as_path(value: str | None) -> Path | None:
    return Path(value) if value else None
