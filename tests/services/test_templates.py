"""User templates: saved per user as JSON, listed, rendered with values, clear errors."""

from __future__ import annotations

import json

import pytest

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.errors import ConfigError, InvalidRequestError, QcutError
from qcut_ai.core.templates import (
    MissingTemplateValueError,
    UnknownTemplateError,
    parse_vars,
    template_variables,
)
from qcut_ai.services.template_store import TemplateStore

FOX = "A {subject} walking through {place} at dawn, {subject} looks back"


def test_saved_templates_live_in_the_config_folder_and_survive_a_new_store() -> None:
    store = TemplateStore()
    store.save("Fox walk", FOX, aspect_ratio="9:16", duration=6)
    store.save("alpha", "A {thing} spinning")
    path = app_dirs().config / "templates.json"
    assert store.path == path and path.exists()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {t["name"] for t in data["templates"]} == {"Fox walk", "alpha"}

    again = TemplateStore()
    assert [t.name for t in again.list()] == ["alpha", "Fox walk"]  # sorted, any case
    fox = again.get("fox WALK")
    assert (fox.prompt, fox.aspect_ratio, fox.duration) == (FOX, "9:16", 6)
    assert fox.variables == ("subject", "place")
    # No temporary files are left behind by the atomic write.
    assert sorted(p.name for p in path.parent.iterdir()) == ["templates.json"]


def test_saving_the_same_name_replaces_it_and_remove_deletes_it() -> None:
    store = TemplateStore()
    store.save("Fox", "old {a}")
    store.save("fox", "new {b}")
    assert [(t.name, t.prompt) for t in store.list()] == [("fox", "new {b}")]
    removed = store.remove("FOX")
    assert removed.prompt == "new {b}"
    assert store.list() == []
    with pytest.raises(UnknownTemplateError):
        store.remove("fox")


def test_render_fills_every_variable_and_keeps_literal_braces() -> None:
    store = TemplateStore()
    store.save("Fox", FOX + " {{logo}}", aspect_ratio="16:9", duration=10)
    rendered = store.render("fox", {"subject": "red fox", "place": " a snowy forest "})
    assert rendered.prompt == (
        "A red fox walking through a snowy forest at dawn, red fox looks back {logo}"
    )
    assert (rendered.name, rendered.aspect_ratio, rendered.duration) == ("Fox", "16:9", 10)


def test_a_missing_or_blank_value_is_a_clear_error_that_names_it() -> None:
    store = TemplateStore()
    store.save("Fox", FOX)
    with pytest.raises(MissingTemplateValueError) as caught:
        store.render("Fox", {"subject": "wolf", "place": "  "})
    error = caught.value
    assert isinstance(error, InvalidRequestError) and isinstance(error, QcutError)
    assert error.missing == ("place",)
    assert "{place}" in error.user_text() and "Fox" in error.user_text()
    assert "--var" in error.user_text()


def test_a_value_for_an_unknown_variable_is_refused_unless_lenient() -> None:
    store = TemplateStore()
    store.save("Fox", FOX)
    values = {"subject": "fox", "place": "woods", "plaec": "x"}
    with pytest.raises(InvalidRequestError, match="has no variable plaec; its variables are"):
        store.render("Fox", values)
    assert store.render("Fox", values, strict=False).prompt.startswith("A fox walking")


def test_unknown_template_suggests_close_names() -> None:
    store = TemplateStore()
    with pytest.raises(UnknownTemplateError, match="No templates are saved yet"):
        store.get("fox")
    store.save("Fox walk", FOX)
    with pytest.raises(UnknownTemplateError, match="Did you mean Fox walk"):
        store.get("fox wlak")


def test_blank_name_or_prompt_is_refused_before_anything_is_written() -> None:
    store = TemplateStore()
    with pytest.raises(InvalidRequestError) as caught:
        store.save("  ", "  ")
    assert {e.field for e in caught.value.errors} == {"name", "prompt"}
    with pytest.raises(InvalidRequestError, match="duration"):
        store.save("x", "y", duration=0)
    assert not store.path.exists()


def test_a_damaged_file_is_reported_not_overwritten() -> None:
    store = TemplateStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="could not be read"):
        store.list()
    with pytest.raises(ConfigError):
        store.save("x", "y")
    assert store.path.read_text(encoding="utf-8") == "{not json"


def test_parse_vars() -> None:
    assert parse_vars(["subject=fox", "place=a=b", "subject=wolf", "empty="]) == {
        "subject": "wolf",
        "place": "a=b",
        "empty": "",
    }
    for bad in ("novalue", "=x", "two words=x", "1st=x"):
        with pytest.raises(InvalidRequestError, match="NAME=VALUE"):
            parse_vars([bad])


def test_template_variables_in_order_without_escapes() -> None:
    assert template_variables("{b} {a} {b} {{c}} {not valid} {_x1}") == ("b", "a", "_x1")
