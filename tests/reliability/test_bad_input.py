"""Bad input, one table: every case ends in one clear sentence and nothing half-made.

Each case drives a real entry point: request validation (`build_arguments`),
the local input check (`check_local_input`), the `qcut-ai` command, or the job
engine against the fal stand-in with a hostile answer. A refused case must
give one readable sentence naming the problem; an odd but valid input must go
through with a safe file name. Either way no partial file and no library row
may be left behind, and nothing may be submitted (paid) for a refused request.
Server-side faults must keep the paid job so that a resume can finish it.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from reliability_support import (
    animated_gif,
    assert_clear_sentence,
    assert_nothing_half_made,
    cli,
    cli_error,
    cmyk_jpeg,
    grown,
    journal_rows,
    media_files,
    png,
    text_file,
    truncated,
    wav,
)

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.errors import QcutError
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import TERMINAL_STATES, JobRecord, JobState
from qcut_ai.core.requests import GenerationRequest, build_arguments
from qcut_ai.services.rehearsal.state import Job
from qcut_ai.services.uploads import check_local_input

MB = 1024 * 1024
I2V = "kling-2.5-turbo-pro-i2v"
FLF = "veo3.1-flf"
AVATAR = "kling-avatar-pro"
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


class Ctx:
    """What a case can reach: input files, the command, validation, and the engine."""

    def __init__(self, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        self.tmp = tmp_path
        self.project = tmp_path / "P"
        self.inputs = tmp_path / "inputs"
        self.inputs.mkdir()
        self.items = 0  # library items a case expects to have made
        self.record: JobRecord | None = None
        self.resume_clears = False  # the fault is gone on the next try: resume must finish
        self._request = request

    def file(self, name: str) -> Path:
        return self.inputs / name

    @cached_property
    def engine(self) -> Any:
        return self._request.getfixturevalue("engine")

    # -- entry points ------------------------------------------------------------------

    def generate(self, *args: str, offline: bool = True) -> str | None:
        """`qcut-ai generate`: the user's sentence when it fails, else None."""
        if not offline:
            self._request.getfixturevalue("fal_env")
        extra = ["--offline"] if offline else []
        code, self.out, err = cli(
            ["generate", "--quiet", "--yes", "--project", str(self.project), *extra, *args]
        )
        if code == 0:
            self.items += 1
            return None
        return cli_error(err)

    def command(self, *args: str) -> str | None:
        code, self.out, err = cli(args)
        return None if code == 0 else cli_error(err)

    @staticmethod
    def build(
        model: str,
        *,
        image_size: tuple[int, int] | None = None,
        end_image_size: tuple[int, int] | None = None,
        **fields: Any,
    ) -> str | None:
        try:
            build_arguments(
                load_catalog().get(model),
                GenerationRequest(**fields),
                image_size=image_size,
                end_image_size=end_image_size,
            )
        except QcutError as exc:
            return exc.user_text()
        return None

    @staticmethod
    def check(path: Path | str, role: str, model: str) -> str | None:
        spec = load_catalog().get(model)
        field = next(name for name, r in spec.media_fields().items() if r.value == role)
        try:
            check_local_input(str(path), role, spec.endpoint, field)
        except QcutError as exc:
            return exc.user_text()
        return None

    def server(
        self,
        fault: str | None = None,
        *,
        mutate: Callable[[Job, Any], None] | None = None,
        prompt: str = "a paper boat on a pond",
    ) -> str | None:
        """Run one job through the engine against a stand-in answering badly."""
        engine = self.engine
        self.project = engine.project.root
        standin = engine.standin
        if fault is not None:
            standin.inject(fault, times=None)
            self.resume_clears = True

        def hostile(event: JobEvent) -> None:
            # The job waits in the stand-in's queue until it is finished here, with
            # its answer rewritten, before the first status poll.
            assert mutate is not None and event.request_id
            job = standin.jobs.get(event.request_id)
            assert job is not None
            standin.complete_now(job)
            mutate(job, standin)

        if mutate is not None:
            prompt += " [queue:30]"
        job_id = engine.journal(prompt=prompt)
        self.record = engine.run(job_id, on_submitted=hostile if mutate else None)
        assert len(standin.submissions) == 1
        if self.record.state is JobState.DONE:
            self.items += 1
            return None
        return self.record.error

    def resume_finishes(self) -> None:
        """After the fault clears, resuming the same job lands the paid result once."""
        assert self.record is not None
        engine = self.engine
        engine.standin.clear_faults()
        final = engine.run(self.record.id)
        assert final.state is JobState.DONE, final.error
        assert len(engine.standin.submissions) == 1
        assert_nothing_half_made(self.project, items=1)


@dataclass(frozen=True)
class Case:
    id: str
    act: Callable[[Ctx], str | None]
    expect: tuple[str, ...] | None  # words, any of which the sentence names; None: accepted


CASES: list[Case] = []


def case(case_id: str, *expect: str, accepted: bool = False) -> Callable[..., Any]:
    def register(fn: Callable[[Ctx], str | None]) -> Callable[[Ctx], str | None]:
        CASES.append(Case(case_id, fn, None if accepted else expect))
        return fn

    return register


def _safe_name(ctx: Ctx) -> str:
    (video,) = [p for p in media_files(ctx.project) if not p.name.endswith(".qcut.json")]
    name = video.name
    assert unicodedata.is_normalized("NFC", name)
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in name), name
    assert not _BIDI_CONTROLS & set(name), f"direction controls in {name!r}"
    assert "\x1b" not in ctx.out
    return name


# -- prompts -------------------------------------------------------------------------------


@case("prompt-empty", "empty")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "wan-2.2-turbo", "--prompt", "")


@case("prompt-whitespace", "empty")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "kling-2.5-turbo-pro", "--prompt", " \t\n  ")


@case("prompt-missing", "required")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "veo3.1")


@case("prompt-over-long", "over the limit")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "veo3.1", "--prompt", "a" * 20_001)


@case("prompt-over-long-words", "over the limit")
def _(ctx: Ctx) -> str | None:
    error = ctx.generate("--model", "kling-2.5-turbo-pro", "--prompt", "lantern " * 400)
    assert error is None or "lantern lantern" not in error  # the prompt is not echoed
    return error


@case("prompt-over-long-one-of-a-batch", "Kling")
def _(ctx: Ctx) -> str | None:
    error = ctx.generate("--model", "veo3.1,kling-2.5-turbo-pro", "--prompt", "dunes " * 500)
    assert journal_rows(ctx.project) == []  # all or nothing: Veo was not sent either
    return error


@case("prompt-control-characters", accepted=True)
def _(ctx: Ctx) -> str | None:
    error = ctx.generate(
        "--model",
        "wan-2.2-turbo",
        "--prompt",
        "a fox\x07 \x1b[31mred\x1b[0m\x00 tail",
        offline=False,
    )
    if error is None:
        _safe_name(ctx)
    return error


@case("prompt-right-to-left", accepted=True)
def _(ctx: Ctx) -> str | None:
    error = ctx.generate(
        "--model", "wan-2.2-turbo", "--prompt", "قارب ورقي على بحيرة هادئة", offline=False
    )
    if error is None:
        assert "قارب" in _safe_name(ctx)
    return error


@case("prompt-direction-override", accepted=True)
def _(ctx: Ctx) -> str | None:
    # U+202E makes "clip\u202egnp.exe" display as "clipexe.png": never in a file name.
    error = ctx.generate(
        "--model", "wan-2.2-turbo", "--prompt", "clip\u202egnp.exe \u2067x\u2069", offline=False
    )
    if error is None:
        _safe_name(ctx)
    return error


@case("prompt-emoji", accepted=True)
def _(ctx: Ctx) -> str | None:
    error = ctx.generate(
        "--model", "wan-2.2-turbo", "--prompt", "🦊 fox family 👨‍👩‍👧 at sea 🌊", offline=False
    )
    if error is None:
        assert "fox family" in _safe_name(ctx)
    return error


# -- durations and options -----------------------------------------------------------------


@case("duration-negative", "not offered")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "kling-2.5-turbo-pro", "--prompt", "x", "--duration", "-5")


@case("duration-zero", "not offered")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "kling-2.5-turbo-pro", "--prompt", "x", "--duration", "0")


@case("duration-absurd", "not offered")
def _(ctx: Ctx) -> str | None:
    return ctx.build("veo3.1", prompt="x", duration=10**12)


@case("duration-on-a-model-without-one", "no duration option")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "hailuo-02-pro", "--prompt", "x", "--duration", "6")


@case("duration-raw-field-negative", "not allowed")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "happy-horse-1.1", "--prompt", "x", "--set", "duration=-4")


@case("duration-raw-field-wrong-type", "must be")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "happy-horse-1.1", "--prompt", "x", "--set", 'duration="eight"')


@case("resolution-unknown", "not allowed")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "happy-horse-1.1", "--prompt", "x", "--resolution", "16k")


@case("field-unknown", "no such field")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "happy-horse-1.1", "--prompt", "x", "--set", "duraton=8")


# -- model ids ---------------------------------------------------------------------------------


@case("model-unknown", "No model")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "no-such-model", "--prompt", "x")


@case("model-near-miss", "Did you mean")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "veo-3", "--prompt", "x")


@case("model-path-traversal", "No model")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "fal-ai/../../etc/passwd", "--prompt", "x")


@case("model-shell-characters", "No model")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", "veo3;rm -rf ~", "--prompt", "x")


@case("model-list-empty", "model")
def _(ctx: Ctx) -> str | None:
    return ctx.generate("--model", " , ", "--prompt", "x")


# -- images ------------------------------------------------------------------------------------


@case("image-too-many-bytes", "10 MB limit")
def _(ctx: Ctx) -> str | None:
    return ctx.check(grown(png(ctx.file("big.png")), 11 * MB), "image", I2V)


@case("image-over-a-stricter-model-limit", "8 MB limit")
def _(ctx: Ctx) -> str | None:
    return ctx.check(grown(png(ctx.file("big.png")), 9 * MB), "image", "veo3.1-fast-i2v")


@case("image-not-an-image", "not a readable image", "not an image")
def _(ctx: Ctx) -> str | None:
    return ctx.check(text_file(ctx.file("photo.png")), "image", I2V)


@case("image-web-page-saved-as-jpeg", "not a readable image", "not an image", "web page")
def _(ctx: Ctx) -> str | None:
    page = text_file(ctx.file("photo.jpg"), "<!DOCTYPE html><html><body>Sign in</body></html>")
    return ctx.check(page, "image", I2V)


@case("image-truncated", "damaged", "incomplete", "truncated", "not a readable image")
def _(ctx: Ctx) -> str | None:
    return ctx.check(truncated(png(ctx.file("cut.png"), (640, 360))), "image", I2V)


@case("image-1x1", "too small")
def _(ctx: Ctx) -> str | None:
    return ctx.check(png(ctx.file("dot.png"), (1, 1)), "image", I2V)


@case("image-cmyk-jpeg", "CMYK")
def _(ctx: Ctx) -> str | None:
    return ctx.check(cmyk_jpeg(ctx.file("print.jpg")), "image", I2V)


@case("image-animated-gif", "animated")
def _(ctx: Ctx) -> str | None:
    return ctx.check(animated_gif(ctx.file("loop.gif")), "image", I2V)


@case("image-still-gif", accepted=True)
def _(ctx: Ctx) -> str | None:
    return ctx.check(png(ctx.file("still.gif"), (160, 90), "P"), "image", I2V)


@case("image-empty-file", "empty")
def _(ctx: Ctx) -> str | None:
    path = ctx.file("empty.png")
    path.write_bytes(b"")
    return ctx.check(path, "image", I2V)


@case("image-unsupported-format", "not accepted")
def _(ctx: Ctx) -> str | None:
    path = ctx.file("scan.bmp")
    png(path)
    return ctx.check(path, "image", I2V)


@case("image-missing", "not found")
def _(ctx: Ctx) -> str | None:
    return ctx.check(ctx.file("gone.png"), "image", I2V)


@case("image-is-a-folder", "not found", "folder")
def _(ctx: Ctx) -> str | None:
    folder = ctx.file("album.png")
    folder.mkdir()
    return ctx.check(folder, "image", I2V)


@case("image-on-a-text-only-model", "no image option")
def _(ctx: Ctx) -> str | None:
    picture = png(ctx.file("p.png"))
    return ctx.generate("--model", "wan-2.2-turbo", "--prompt", "x", "--image", str(picture))


@case("end-image-on-a-model-without-one", "no end_image option")
def _(ctx: Ctx) -> str | None:
    picture = png(ctx.file("p.png"))
    return ctx.build("happy-horse-1.1-i2v", prompt="x", image=str(picture), end_image=str(picture))


@case("frames-of-different-shapes", "does not match")
def _(ctx: Ctx) -> str | None:
    return ctx.build(
        FLF,
        prompt="x",
        image="a.png",
        end_image="b.png",
        image_size=(1280, 720),
        end_image_size=(720, 1280),
    )


@case("frames-of-different-shapes-from-files", "does not match")
def _(ctx: Ctx) -> str | None:
    first = png(ctx.file("first.png"), (160, 90))
    last = png(ctx.file("last.png"), (90, 160))
    error = ctx.generate(
        "--model", FLF, "--prompt", "x", "--image", str(first), "--end-image", str(last)
    )
    assert journal_rows(ctx.project) == []  # refused before anything was journaled or sent
    return error


# -- audio ---------------------------------------------------------------------------------------


@case("audio-not-audio", "not audio", "not an audio", "not a readable audio")
def _(ctx: Ctx) -> str | None:
    return ctx.check(text_file(ctx.file("voice.mp3")), "audio", AVATAR)


@case("audio-too-long", "too long", "longer than", "minutes")
def _(ctx: Ctx) -> str | None:
    return ctx.check(wav(ctx.file("speech.wav"), 600), "audio", AVATAR)


@case("audio-too-many-bytes", "50 MB limit")
def _(ctx: Ctx) -> str | None:
    return ctx.check(grown(wav(ctx.file("speech.wav"), 1), 51 * MB), "audio", AVATAR)


@case("audio-unsupported-format", "not accepted")
def _(ctx: Ctx) -> str | None:
    return ctx.check(wav(ctx.file("speech.ogg"), 1), "audio", AVATAR)


# -- symlinks and paths --------------------------------------------------------------------------


@case("symlink-to-a-text-file", "not a readable image", "not an image")
def _(ctx: Ctx) -> str | None:
    secret = text_file(ctx.tmp / "outside-notes.txt", "password=hunter2\n")
    link = ctx.file("innocent.png")
    link.symlink_to(secret)
    return ctx.check(link, "image", I2V)


@case("symlink-dangling", "not found")
def _(ctx: Ctx) -> str | None:
    link = ctx.file("dangling.png")
    link.symlink_to(ctx.tmp / "nowhere.png")
    return ctx.check(link, "image", I2V)


@case("symlink-loop", "not found")
def _(ctx: Ctx) -> str | None:
    link = ctx.file("loop.png")
    link.symlink_to(link)
    return ctx.check(link, "image", I2V)


@case("path-traversal-to-a-system-file", "not accepted")
def _(ctx: Ctx) -> str | None:
    up = os.path.relpath("/etc/hostname", ctx.inputs)
    return ctx.check(str(ctx.inputs / up), "image", I2V)


@case("project-is-a-file", "folder", "directory")
def _(ctx: Ctx) -> str | None:
    not_a_folder = text_file(ctx.tmp / "project.txt")
    error = ctx.command("jobs", "--project", str(not_a_folder))
    assert not_a_folder.read_text(encoding="utf-8").startswith("These are notes")
    return error


@case("media-folder-is-a-file", "folder", "directory")
def _(ctx: Ctx) -> str | None:
    ctx.project.mkdir()
    text_file(ctx.project / "media")
    return ctx.generate("--model", "wan-2.2-turbo", "--prompt", "x")


@case("import-a-text-file-from-outside", "not a media file", "web page or text", "cannot")
def _(ctx: Ctx) -> str | None:
    notes = text_file(ctx.tmp / "notes.mp4")
    error = ctx.command("library", "import", str(notes), "--project", str(ctx.project))
    # Imports report each file as "<path>: <sentence>".
    return error.removeprefix(f"{notes}: ") if error else error


# -- server responses (the engine against a hostile stand-in) ---------------------------------


def _kept(ctx: Ctx, error: str | None) -> str | None:
    """A bad result must leave the paid job open (not failed) for a later resume."""
    assert ctx.record is not None
    assert ctx.record.state not in TERMINAL_STATES, ctx.record.state
    return error


@case("server-html-with-200", "web page")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server("file-html"))


@case("server-zero-bytes", "empty")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server("file-empty"))


@case("server-truncated-mp4", "damaged", "incomplete", "truncated")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server("file-truncated"))


@case("server-huge-content-length", "limit")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server("file-huge"))


@case("server-redirect-to-another-host", "another host")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server("redirect-host"))


@case("server-redirect-to-file-url", "non-web address")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server("redirect-file"))


@case("server-expired-result", "404")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server("file-404"))


@case("server-status-not-json", accepted=True)
def _(ctx: Ctx) -> str | None:
    # One garbled status answer must not end a paid job: it finishes, now or on resume.
    return _finishes(ctx, ctx.server("status-non-json"))


@case("server-status-unknown-string", accepted=True)
def _(ctx: Ctx) -> str | None:
    return _finishes(ctx, ctx.server("status-unknown"))


def _finishes(ctx: Ctx, error: str | None) -> str | None:
    assert ctx.record is not None
    if error is None:
        return None
    assert_clear_sentence(error)
    assert ctx.record.state not in TERMINAL_STATES, f"paid job ended: {error}"
    ctx.items += 1
    ctx.resume_finishes()
    ctx.resume_clears = False
    return None


def _relabel(content_type: str) -> Callable[[Job, Any], None]:
    """Serve the same MP4 under a new URL with another Content-Type (header and JSON)."""

    def mutate(job: Job, standin: Any) -> None:
        video = job.output["video"]
        stored = standin.files.lookup(video["url"].removeprefix(standin.base_url))
        new = standin.files.publish(
            stored.path, "output.mp4", content_type, request_id=job.request_id
        )
        video["url"] = standin.base_url + new.url_path
        video["content_type"] = content_type

    return mutate


@case("server-wrong-content-type-text", accepted=True)
def _(ctx: Ctx) -> str | None:
    # The type is decided by probing the bytes, not by what the server claims.
    return ctx.server(mutate=_relabel("text/plain"))


@case("server-wrong-content-type-webm", accepted=True)
def _(ctx: Ctx) -> str | None:
    return ctx.server(mutate=_relabel("video/webm"))


@case("server-wrong-content-type-gif", accepted=True)
def _(ctx: Ctx) -> str | None:
    return ctx.server(mutate=_relabel("image/gif"))


@case("server-image-instead-of-video", "image", "not a video")
def _(ctx: Ctx) -> str | None:
    picture = png(ctx.file("still.png"))

    def mutate(job: Job, standin: Any) -> None:
        new = standin.files.publish(picture, "output.mp4", "video/mp4", request_id=job.request_id)
        job.output["video"]["url"] = standin.base_url + new.url_path

    return _kept(ctx, ctx.server(mutate=mutate))


def _named(file_name: str) -> Callable[[Job, Any], None]:
    def mutate(job: Job, standin: Any) -> None:
        job.output["video"]["file_name"] = file_name

    return mutate


@case("server-file-name-traversal", accepted=True)
def _(ctx: Ctx) -> str | None:
    before = {p for p in ctx.tmp.rglob("*") if "standin" not in p.parts}
    error = ctx.server(mutate=_named("../../../../escaped.mp4"))
    after = {p for p in ctx.tmp.rglob("*") if "standin" not in p.parts}
    new = {p for p in after - before if ctx.project not in p.parents and p != ctx.project}
    assert not {p for p in new if "thumbs" not in p.parts}, new
    if error is None:
        assert "escaped" not in _safe_name_of(ctx)
    return error


@case("server-file-name-reserved", accepted=True)
def _(ctx: Ctx) -> str | None:
    error = ctx.server(mutate=_named('CON:<>|*?".mp4'))
    if error is None:
        assert not set('<>|*?":') & set(_safe_name_of(ctx))
    return error


def _safe_name_of(ctx: Ctx) -> str:
    (video,) = [p for p in media_files(ctx.project) if not p.name.endswith(".qcut.json")]
    assert video.parent == ctx.project / "media"
    return video.name


def _pointed_at(url: str) -> Callable[[Job, Any], None]:
    def mutate(job: Job, standin: Any) -> None:
        job.output["video"]["url"] = url

    return mutate


@case("server-result-url-file-scheme", "http(s)")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server(mutate=_pointed_at("file:///etc/passwd")))


@case("server-result-url-foreign-host", "not one of fal's media hosts")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server(mutate=_pointed_at("https://files.example.com/clip.mp4")))


@case("server-result-url-plain-http", "only https")
def _(ctx: Ctx) -> str | None:
    return _kept(ctx, ctx.server(mutate=_pointed_at("http://v3.fal.media/files/clip.mp4")))


@case("server-result-without-video", "no video URL")
def _(ctx: Ctx) -> str | None:
    def mutate(job: Job, standin: Any) -> None:
        job.output = {"seed": 7, "video": {"url": None}}

    return ctx.server(mutate=mutate)


@case("server-model-error", "model failed")
def _(ctx: Ctx) -> str | None:
    return ctx.server("model-error")


@case("server-content-policy", "content-policy")
def _(ctx: Ctx) -> str | None:
    return ctx.server("content-policy")


@case("server-validation-422", "rejected")
def _(ctx: Ctx) -> str | None:
    return ctx.server("http-422-validation")


@case("server-key-refused", "key was refused")
def _(ctx: Ctx) -> str | None:
    engine = ctx.engine
    engine.standin.inject("http-401", times=None)
    record = engine.run(engine.journal())
    assert engine.standin.submissions == []
    return record.error


# -- the table ------------------------------------------------------------------------------------


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.fixture
def ctx(tmp_path: Path, request: pytest.FixtureRequest) -> Ctx:
    return Ctx(tmp_path, request)


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_bad_input(bad: Case, ctx: Ctx) -> None:
    error = bad.act(ctx)
    if bad.expect is None:
        assert error is None, f"refused: {error}"
    else:
        text = assert_clear_sentence(error)
        assert any(word.lower() in text.lower() for word in bad.expect), text
    assert_nothing_half_made(ctx.project, items=ctx.items)
    if ctx.record is None and error is not None:
        # Refused before fal: nothing may have been submitted (and paid) for it.
        assert not [r for r in journal_rows(ctx.project) if r["request_id"]]
    if ctx.record is not None and ctx.resume_clears and not ctx.record.state.terminal:
        ctx.resume_finishes()
