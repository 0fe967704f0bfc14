"""The adapter internals qcut_ai/interchange works around are still there, as pinned."""

from __future__ import annotations

import importlib.metadata

import opentimelineio as otio
from otio_fcpx_xml_adapter import fcpx_xml
from otio_kdenlive_adapter.adapters import kdenlive

from qcut_ai.interchange.fcpx import _FcpxWriter


def test_the_pinned_releases_are_installed() -> None:
    versions = {
        name: importlib.metadata.version(name)
        for name in (
            "opentimelineio",
            "otio-fcp-adapter",
            "otio-fcpx-xml-adapter",
            "otio-cmx3600-adapter",
            "otio-kdenlive-adapter",
        )
    }
    assert versions == {
        "opentimelineio": "0.18.1",
        "otio-fcp-adapter": "1.0.0",
        "otio-fcpx-xml-adapter": "1.0.0",
        "otio-cmx3600-adapter": "1.0.0",
        "otio-kdenlive-adapter": "0.0.3",
    }, "interchange/fcpx.py and kdenlive.py patch these releases: re-check them on upgrade"
    names = set(otio.adapters.available_adapter_names())
    assert {"otio_json", "fcp_xml", "fcpx_xml", "cmx_3600", "kdenlive"} <= names


def test_the_overridden_writer_methods_exist_in_the_adapter() -> None:
    for name in (
        "_asset_by_path",
        "_media_by_name",
        "_asset_clip_by_name",
        "_framerate_to_frame_duration",
        "_clip_format_name",
        "_find_or_create_format_from",
    ):
        assert name in vars(fcpx_xml.FcpxOtio), name
        assert name in vars(_FcpxWriter), name
    assert isinstance(kdenlive.marker_categories, dict)
