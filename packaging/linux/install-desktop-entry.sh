#!/usr/bin/env bash
# Add rbdesk to the desktop's application menu for the current user.
#
#   packaging/linux/install-desktop-entry.sh [--exec PATH] [--uninstall]
#
# For a pip/pipx install (run from a checkout) or the built app folder
# (run dist/rbdesk/desktop/install-desktop-entry.sh). Copies the .desktop file,
# the AppStream metainfo and the icons into ${XDG_DATA_HOME:-~/.local/share}.
# --exec PATH   the rbdesk executable the menu entry starts (default: the app
#               folder's rbdesk next to this script, else `rbdesk` on PATH).
set -euo pipefail

APP_ID="io.github.rbdesk.Rbdesk"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
SIZES="16 32 48 64 128 256 512"

die() { echo "install-desktop-entry: $*" >&2; exit 1; }

EXEC=""
UNINSTALL=0
while [ $# -gt 0 ]; do
    case "$1" in
        --exec) [ $# -ge 2 ] || die "--exec needs a path"; EXEC="$2"; shift 2 ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (try --help)" ;;
    esac
done

refresh_caches() {
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA_HOME/applications" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" || true
}

if [ "$UNINSTALL" = 1 ]; then
    rm -f "$DATA_HOME/applications/$APP_ID.desktop" "$DATA_HOME/metainfo/$APP_ID.metainfo.xml" \
        "$DATA_HOME/icons/hicolor/scalable/apps/$APP_ID.svg"
    for n in $SIZES; do rm -f "$DATA_HOME/icons/hicolor/${n}x${n}/apps/$APP_ID.png"; done
    refresh_caches
    echo "removed the rbdesk menu entry from $DATA_HOME"
    exit 0
fi

# Source files: a checkout (packaging/linux + resources/) or the app folder (desktop/).
if [ -d "$HERE/../../resources/icons" ]; then
    ICONS="$(cd "$HERE/../../resources" && pwd)"
else
    ICONS="$HERE"
fi
[ -f "$HERE/$APP_ID.desktop" ] || die "$HERE/$APP_ID.desktop is missing"
[ -f "$ICONS/icons/rbdesk-48.png" ] || die "no icons in $ICONS/icons (run packaging/make_icons.py)"

if [ -z "$EXEC" ]; then
    if [ -x "$HERE/../rbdesk" ] && [ -f "$HERE/../rbdesk" ]; then
        EXEC="$(cd "$HERE/.." && pwd)/rbdesk"
    elif command -v rbdesk >/dev/null; then
        EXEC="$(command -v rbdesk)"
    else
        die "rbdesk is not on PATH: install it (pipx install '.[gui]') or pass --exec /path/to/rbdesk"
    fi
fi
[ -x "$EXEC" ] || die "$EXEC is not an executable file"
case "$EXEC" in /*) ;; *) EXEC="$(cd "$(dirname "$EXEC")" && pwd)/$(basename "$EXEC")" ;; esac
case "$EXEC" in *[\"\`\$\\]*) die "the path $EXEC has characters a .desktop Exec line cannot hold" ;; esac
EXEC_FIELD="$EXEC"
case "$EXEC" in *" "*) EXEC_FIELD="\"$EXEC\"" ;; esac

mkdir -p "$DATA_HOME/applications" "$DATA_HOME/metainfo" "$DATA_HOME/icons/hicolor/scalable/apps"
# Escape sed's replacement specials (& | \) in the path.
sed_escape() { printf '%s' "$1" | sed 's/[&|\\]/\\&/g'; }
sed -e "s|^Exec=rbdesk |Exec=$(sed_escape "$EXEC_FIELD") |" \
    -e "s|^TryExec=.*|TryExec=$(sed_escape "$EXEC")|" \
    "$HERE/$APP_ID.desktop" >"$DATA_HOME/applications/$APP_ID.desktop"
[ -f "$HERE/$APP_ID.metainfo.xml" ] && cp "$HERE/$APP_ID.metainfo.xml" "$DATA_HOME/metainfo/"
cp "$ICONS/rbdesk.svg" "$DATA_HOME/icons/hicolor/scalable/apps/$APP_ID.svg" 2>/dev/null || true
for n in $SIZES; do
    mkdir -p "$DATA_HOME/icons/hicolor/${n}x${n}/apps"
    cp "$ICONS/icons/rbdesk-$n.png" "$DATA_HOME/icons/hicolor/${n}x${n}/apps/$APP_ID.png"
done
refresh_caches
echo "installed the rbdesk menu entry in $DATA_HOME (starts $EXEC)"
