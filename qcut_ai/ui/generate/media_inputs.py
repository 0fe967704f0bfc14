"""The media inputs of a generation tab: image, first/last frame, audio, video, references.

Which slots show depends on the selected models. Files are read in workers
(QImageReader for pictures, PyAV for clips, the upload checks' stat and
content check); format, size and shape are then checked against every
selected model on the GUI thread without touching the file again, and
problems appear beside the slot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from qcut_ai.core.catalog import Category, MediaRole, ModelSpec
from qcut_ai.core.input_checks import (
    LocalFile,
    file_problem,
    frames_problem,
    is_remote,
    kind_of,
    models_with,
    ratio_problem,
    reference_problem,
)
from qcut_ai.core.input_labels import slot_label
from qcut_ai.core.selection import InputFacts
from qcut_ai.jobs.input_reading import Preview, read_input
from qcut_ai.jobs.tasks import TaskRunner, default_runners
from qcut_ai.ui.generate.media_slot import MediaSlot
from qcut_ai.ui.generate.reference_slot import ReferenceImages

ROLE_ORDER = (MediaRole.IMAGE, MediaRole.END_IMAGE, MediaRole.AUDIO, MediaRole.VIDEO)
_FAMILY = {MediaRole.END_IMAGE: MediaRole.IMAGE}


def _reference_reader(path: str) -> Callable[[object, object], Preview]:
    return lambda _abort, _progress: read_input(path, MediaRole.REFERENCE_IMAGES)


class MediaInputs(QWidget):
    """Input slots for the selected models of one category.

    Signals: inputs_changed(): a file, its preview or a check result changed
    """

    inputs_changed = Signal()

    def __init__(
        self,
        category: Category,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mediaInputs")
        self.category = category
        self._runner = runner or default_runners().media
        self._specs: list[ModelSpec] = []
        self._paths: dict[MediaRole, str] = {}
        self._previews: dict[MediaRole, Preview] = {}
        self._reading: set[MediaRole] = set()
        self._own: dict[MediaRole, str] = {}
        self._external: dict[MediaRole, str] = {}
        self.slots: dict[MediaRole, MediaSlot] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for role in ROLE_ORDER:
            slot = MediaSlot(role, self)
            slot.set_label(slot_label(category, role), required=False)
            slot.path_chosen.connect(lambda path, r=role: self.set_input(r, path))
            slot.hide()
            layout.addWidget(slot)
            self.slots[role] = slot
        self.references = ReferenceImages(self)
        self._ref_previews: dict[str, Preview] = {}  # each reference image as read
        self._ref_reading: set[str] = set()
        self.references.paths_changed.connect(self._on_references_changed)
        self.references.hide()
        layout.addWidget(self.references)

    # -- what the tab asks --------------------------------------------------------
    def roles(self) -> list[MediaRole]:
        """Roles some selected model takes, in form order."""
        return [r for r in ROLE_ORDER if models_with(self._specs, r)]

    def takes_references(self) -> bool:
        return bool(models_with(self._specs, MediaRole.REFERENCE_IMAGES))

    def reference_paths(self) -> list[str]:
        """The reference images given, when a selected model takes them."""
        return self.references.paths() if self.takes_references() else []

    def required(self, role: MediaRole) -> bool:
        """True when a selected model cannot run without this input."""
        for spec in models_with(self._specs, role):
            for name, r in spec.media_fields().items():
                field = spec.field(name)
                if r is role and field is not None and field.required:
                    return True
        return False

    def paths(self) -> dict[MediaRole, str]:
        """The files given for the roles the selection takes."""
        return {r: self._paths[r] for r in self.roles() if self._paths.get(r)}

    def preview(self, role: MediaRole) -> Preview | None:
        return self._previews.get(role)

    def pending(self) -> list[MediaRole]:
        """Roles whose file is still being read."""
        reading = [r for r in self.paths() if r in self._reading]
        if self._ref_reading & set(self.reference_paths()):
            reading.append(MediaRole.REFERENCE_IMAGES)
        return reading

    def problems(self) -> dict[MediaRole, str]:
        """Problems with the given files, by role, in form order."""
        shown = [*self.roles(), MediaRole.REFERENCE_IMAGES]
        return {r: text for r, text in self._own.items() if r in shown and text}

    def facts(self) -> InputFacts:
        """Sizes and lengths for validation and prices (None until read)."""
        given = self.paths()

        def read(role: MediaRole) -> Preview | None:
            preview = self._previews.get(role)
            ok = role in given and preview is not None and preview.error is None
            return preview if ok else None

        image, end, audio, video = (read(r) for r in ROLE_ORDER)
        source = None
        if video and video.size and video.fps and video.duration:
            source = (video.size[0], video.size[1], video.fps, video.duration)
        driving = audio or video
        return InputFacts(
            image_size=image.size if image else None,
            end_image_size=end.size if end else None,
            media_seconds=driving.duration if driving else None,
            source_video=source,
        )

    # -- changing -----------------------------------------------------------------
    def set_specs(self, specs: Sequence[ModelSpec]) -> None:
        """Show the slots the selected models take; files given before are kept."""
        self._specs = list(specs)
        shown = set(self.roles())
        for role, slot in self.slots.items():
            slot.set_label(slot_label(self.category, role), required=self.required(role))
            slot.setVisible(role in shown)
        references = MediaRole.REFERENCE_IMAGES
        self.references.set_specs(self._specs, required=self.required(references))
        self.references.setVisible(self.takes_references())
        self._recheck()

    def set_input(self, role: MediaRole | str, path: str) -> None:
        """Use `path` for `role` ("" clears it); reading starts in a worker."""
        role = MediaRole(role)
        if role is MediaRole.REFERENCE_IMAGES:
            self.references.set_paths([path] if path else [])
            return
        slot = self.slots[role]
        self._runner.cancel((id(self), role))  # a read of the file chosen before is dropped
        self._reading.discard(role)
        self._previews.pop(role, None)
        self._external.pop(role, None)
        if not path:
            self._paths.pop(role, None)
            slot.show_empty()
            self._recheck()
            return
        self._paths[role] = path
        if is_remote(path):
            slot.show_preview(Preview(path))  # already online: nothing local to read
        else:
            slot.show_loading(path)
            if Path(path).is_file() and kind_of(path) is _FAMILY.get(role, role):
                self._start_read(role, path)
            else:
                # Missing, or not this kind of file: the checks say so without a read.
                local = LocalFile(
                    path, exists=Path(path).is_file(), suffix=Path(path).suffix.lower()
                )
                self._previews[role] = Preview(path, local=local)
        self._recheck()

    def clear(self) -> None:
        for role in ROLE_ORDER:
            if role in self._paths:
                self.set_input(role, "")
        self.references.clear()

    def show_errors(self, errors: Mapping[MediaRole, str]) -> None:
        """Problems found by validating the request (shown where the slot has none of its own)."""
        self._external = dict(errors)
        self._show()

    # -- reading ------------------------------------------------------------------
    def _on_references_changed(self) -> None:
        """Read each newly chosen reference image in a worker (format, size, content)."""
        for path in self.references.paths():
            if path in self._ref_previews or path in self._ref_reading or is_remote(path):
                continue
            self._ref_reading.add(path)
            self._runner.start(
                _reference_reader(path),
                self._on_reference_read,
                key=(id(self), "reference", path),
                receiver=self,
                name="read reference image",
            )
        self._recheck()

    def _on_reference_read(self, preview: Preview) -> None:
        self._ref_reading.discard(preview.path)
        self._ref_previews[preview.path] = preview
        self._recheck()

    def _reference_problem(self) -> str | None:
        """The first problem of the chosen reference images: too many, or one unusable file."""
        paths = self.reference_paths()
        too_many = reference_problem(len(paths), self._specs)
        if too_many:
            return too_many
        role = MediaRole.REFERENCE_IMAGES
        for path in paths:
            preview = self._ref_previews.get(path)
            local = preview.local if preview else None
            problem = file_problem(local, path, role, self._specs) or (
                preview.error if preview else None
            )
            if problem:  # "broken.png is not a readable image (…)."
                return f"{Path(path).name} {problem[:1].lower()}{problem[1:]}"
        return None

    def _start_read(self, role: MediaRole, path: str) -> None:
        self._reading.add(role)
        self._runner.start(
            lambda _abort, _progress: read_input(path, role),
            lambda preview: self._on_read(role, preview),
            key=(id(self), role),  # newest answer wins: another file replaces this read
            receiver=self,
            name=f"read {role.value} input",
        )

    def _on_read(self, role: MediaRole, preview: Preview) -> None:
        self._reading.discard(role)
        self._previews[role] = preview
        self.slots[role].show_preview(preview)
        self._recheck()

    # -- checking -----------------------------------------------------------------
    def _recheck(self) -> None:
        own: dict[MediaRole, str] = {}
        for role in self.roles():
            path = self._paths.get(role)
            if not path:
                continue
            preview = self._previews.get(role)
            problem = file_problem(preview.local if preview else None, path, role, self._specs)
            if problem is None and preview is not None:
                problem = preview.error
                if problem is None and preview.size is not None:
                    problem = ratio_problem(preview.size, role, self._specs)
            if problem:
                own[role] = problem
        if MediaRole.END_IMAGE not in own and MediaRole.IMAGE not in own:
            facts = self.facts()
            mismatch = frames_problem(facts.image_size, facts.end_image_size, self._specs)
            if mismatch:
                own[MediaRole.END_IMAGE] = mismatch
        references = self._reference_problem()
        if references:
            own[MediaRole.REFERENCE_IMAGES] = references
        self._own = own
        self._show()
        self.inputs_changed.emit()

    def _show(self) -> None:
        for role, slot in self.slots.items():
            slot.show_error(self._own.get(role) or self._external.get(role, ""))
        references = MediaRole.REFERENCE_IMAGES
        text = self._own.get(references) or self._external.get(references, "")
        if text or not self.references.error_text():  # keep a refusal of the last add shown
            self.references.show_error(text)
