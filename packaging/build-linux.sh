#!/usr/bin/env bash
# Build the one-folder rbdesk desktop app on Linux from a clean checkout.
#
#   bash packaging/build-linux.sh
#
# Makes a throwaway venv in build/venv, installs rbdesk (from this checkout)
# and PyInstaller into it, freezes packaging/rbdesk.spec, smoke-tests the
# result and writes:
#   dist/rbdesk/                                 the app (run dist/rbdesk/rbdesk)
#   dist/rbdesk/desktop/install-desktop-entry.sh adds it to the application menu
#   dist/rbdesk-<version>-linux-x86_64.tar.gz    the same folder, packed
# Environment: PYTHON (default python3), PYINSTALLER_SPEC (default pyinstaller>=6.10).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
PYINSTALLER_SPEC="${PYINSTALLER_SPEC:-pyinstaller>=6.10}"
VENV="$ROOT/build/venv"
ARCH="$(uname -m)"

step() { printf '\n== %s\n' "$*"; }

step "fresh venv in build/venv ($("$PYTHON" --version))"
rm -rf "$VENV" "$ROOT/build/pyinstaller" "$ROOT/dist/rbdesk"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
step "pip install .[gui] $PYINSTALLER_SPEC"
"$VENV/bin/python" -m pip install --quiet "$ROOT[gui]" "$PYINSTALLER_SPEC"
VERSION="$("$VENV/bin/python" -c 'import rbdesk; print(rbdesk.__version__)')"

step "PyInstaller (packaging/rbdesk.spec)"
# Run outside the checkout so the installed wheel (not the source tree) is frozen.
(cd "$ROOT/build" && "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    "$ROOT/packaging/rbdesk.spec")

APP="$ROOT/dist/rbdesk"
# Menu entry kit: dist/rbdesk/desktop/install-desktop-entry.sh adds the app to the menu.
mkdir -p "$APP/desktop/icons"
cp "$ROOT/packaging/linux/"io.github.rbdesk.Rbdesk.* "$ROOT/packaging/linux/install-desktop-entry.sh" \
    "$ROOT/resources/rbdesk.svg" "$APP/desktop/"
cp "$ROOT/resources/icons/"rbdesk-*.png "$APP/desktop/icons/"
step "smoke test (from another folder, empty data dir)"
SMOKE="$(mktemp -d)"
trap 'rm -rf "$SMOKE"' EXIT
(
    cd "$SMOKE"
    export RBDESK_DATA_DIR="$SMOKE/data"
    "$APP/rbdesk" --version
    "$APP/rbdesk" show incidents/redis-memory-pressure.md --color never >show.txt
    head -n 3 show.txt
)

step "tarball"
TARBALL="$ROOT/dist/rbdesk-$VERSION-linux-$ARCH.tar.gz"
tar -C "$ROOT/dist" -czf "$TARBALL" rbdesk
echo "app folder: $APP ($(du -sh "$APP" | cut -f1))"
echo "tarball:    $TARBALL ($(du -h "$TARBALL" | cut -f1))"
