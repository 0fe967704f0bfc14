"""scripts/run and .ci/run name (or install) the system packages Qt's window links."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import PySide6

ROOT = Path(__file__).resolve().parent.parent
HELPER = ROOT / "scripts" / "_system_libs.sh"


def _listed() -> dict[str, str]:
    text = HELPER.read_text(encoding="utf-8")
    return dict(re.findall(r'^\s+"(\S+) (\S+)"$', text, flags=re.MULTILINE))


def test_every_x11_library_the_xcb_plugin_links_is_listed_with_its_package() -> None:
    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    linked = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=30)
    names = re.findall(r"^\s*(lib(?:xcb|xkbcommon|X11)\S*\.so\.\d+)", linked.stdout, re.MULTILINE)
    assert names, linked.stdout + linked.stderr
    missing = sorted(set(names) - set(_listed()))
    assert missing == [], f"add these to scripts/_system_libs.sh: {missing}"


def test_a_missing_library_is_named_as_the_package_to_install_in_one_sentence() -> None:
    # Not root (so nothing is installed), and one library no machine has.
    script = (
        f"source {HELPER}; id() {{ echo 1000; }}; "
        'QT_SYSTEM_LIBS=("libnotthere.so.9 libnotthere9" "libc.so.6 libc6"); '
        "ensure_qt_system_libs"
    )
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "qcut-ai: Qt's window needs system packages that are not installed; on Debian or "
        "Ubuntu run: sudo apt-get install libnotthere9"
    ]


def test_nothing_is_said_when_every_library_is_present() -> None:
    script = f'source {HELPER}; QT_SYSTEM_LIBS=("libc.so.6 libc6"); ensure_qt_system_libs'
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and proc.stderr == ""


def test_run_scripts_use_the_shared_list() -> None:
    for script in (ROOT / "scripts" / "run", ROOT / ".ci" / "run"):
        assert "ensure_qt_system_libs" in script.read_text(encoding="utf-8"), script
