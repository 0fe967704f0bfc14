# Shared by scripts/run and .ci/run: the system libraries Qt's xcb platform plugin (the
# window on X11 and XWayland) links, and the Debian/Ubuntu packages that hold them.
# The list is what PySide6's plugins/platforms/libqxcb.so and libQt6XcbQpa.so.6 need
# (`ldd`), plus libEGL and fontconfig, which Qt's GUI library loads on every platform.
QT_SYSTEM_LIBS=(
    "libGL.so.1 libgl1"
    "libEGL.so.1 libegl1"
    "libfontconfig.so.1 libfontconfig1"
    "libglib-2.0.so.0 libglib2.0-0"
    "libX11.so.6 libx11-6"
    "libX11-xcb.so.1 libx11-xcb1"
    "libxcb.so.1 libxcb1"
    "libxcb-cursor.so.0 libxcb-cursor0"
    "libxcb-icccm.so.4 libxcb-icccm4"
    "libxcb-image.so.0 libxcb-image0"
    "libxcb-keysyms.so.1 libxcb-keysyms1"
    "libxcb-randr.so.0 libxcb-randr0"
    "libxcb-render.so.0 libxcb-render0"
    "libxcb-render-util.so.0 libxcb-render-util0"
    "libxcb-shape.so.0 libxcb-shape0"
    "libxcb-shm.so.0 libxcb-shm0"
    "libxcb-sync.so.1 libxcb-sync1"
    "libxcb-util.so.1 libxcb-util1"
    "libxcb-xfixes.so.0 libxcb-xfixes0"
    "libxcb-xkb.so.1 libxcb-xkb1"
    "libxkbcommon.so.0 libxkbcommon0"
    "libxkbcommon-x11.so.0 libxkbcommon-x11-0"
)

_qt_known_libs() {
    { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | awk '{print $1}'
}

# The packages whose libraries are missing, one line, space separated ("" when none).
qt_missing_packages() {
    local known entry lib pkg missing=()
    known="$(_qt_known_libs)"
    if [ -z "$known" ]; then
        return 0  # no ldconfig cache to ask (not glibc): let Qt say what it lacks
    fi
    for entry in "${QT_SYSTEM_LIBS[@]}"; do
        lib="${entry% *}"
        pkg="${entry#* }"
        if ! grep -qxF "$lib" <<<"$known"; then
            missing+=("$pkg")
        fi
    done
    echo "${missing[*]:-}"
}

# Install the missing packages when running as root with apt-get; otherwise say in one
# sentence what to install. Returns 1 when packages are still missing.
ensure_qt_system_libs() {
    local missing
    missing="$(qt_missing_packages)"
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "qcut-ai: installing the system libraries Qt's window needs: $missing" >&2
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086  # one package per word
        if apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null; then
            return 0
        fi
    fi
    echo "qcut-ai: Qt's window needs system packages that are not installed; on Debian or Ubuntu run: sudo apt-get install $missing" >&2
    return 1
}
