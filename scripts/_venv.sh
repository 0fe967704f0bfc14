# Shared by scripts/run and scripts/test: create .venv on first use and keep it in step
# with pyproject.toml (re-installs only when pyproject.toml changed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.qcut-ai-installed"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
    echo "qcut-ai: installing into .venv (first run or pyproject.toml changed)…" >&2
    LOG="$VENV/install.log"
    if ! "$VENV/bin/python" -m pip install -e "$ROOT[dev]" >"$LOG" 2>&1; then
        tail -n 30 "$LOG" >&2
        echo "qcut-ai: installing dependencies failed; the full log is $LOG" >&2
        exit 1
    fi
    touch "$STAMP"
fi
