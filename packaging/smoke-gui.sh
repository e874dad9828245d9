#!/usr/bin/env bash
# Start the built app under a private Xvfb, time it to its first window, screenshot it.
#
#   packaging/smoke-gui.sh [--runs N] [--shot FILE.png] [APP]
#
# APP defaults to dist/rbdesk/rbdesk (packaging/build-linux.sh). Each run starts
# APP with an empty data dir from a temporary folder and measures the time until
# a visible window titled "rbdesk..." exists (xdotool); the median is printed.
# With --shot, the first run's window is saved as a PNG 3 s after it appears.
# Needs: Xvfb, xdotool, ImageMagick's `import`, and Qt's xcb libraries
# (apt-get install xvfb xdotool imagemagick libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=3
SHOT=""
APP="$ROOT/dist/rbdesk/rbdesk"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --shot) SHOT="$(realpath -m "$2")"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) APP="$1"; shift ;;
    esac
done
[ -x "$APP" ] || { echo "smoke-gui: $APP is not executable (run packaging/build-linux.sh)" >&2; exit 1; }
for tool in Xvfb xdotool import; do
    command -v "$tool" >/dev/null || { echo "smoke-gui: $tool is not installed" >&2; exit 1; }
done

WORK="$(mktemp -d)"
XVFB_PID=""
APP_PID=""
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# A private server on a display number it picks itself (no clash with other X servers).
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/display" ] && break; sleep 0.05; done
[ -s "$WORK/display" ] || { echo "smoke-gui: Xvfb did not start" >&2; cat "$WORK/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$WORK/display")"

times=()
for run in $(seq 1 "$RUNS"); do
    mkdir -p "$WORK/$run/cwd"
    start=$(date +%s.%N)
    (cd "$WORK/$run/cwd" && RBDESK_DATA_DIR="$WORK/$run/data" exec "$APP") >"$WORK/$run/log" 2>&1 &
    APP_PID=$!
    wid=""
    for _ in $(seq 1 3000); do  # up to ~30 s
        wid="$(xdotool search --onlyvisible --name '^rbdesk' 2>/dev/null | head -n1 || true)"
        [ -n "$wid" ] && break
        kill -0 "$APP_PID" 2>/dev/null || break
        sleep 0.01
    done
    end=$(date +%s.%N)
    if [ -z "$wid" ]; then
        echo "smoke-gui: run $run: no window; the app said:" >&2
        cat "$WORK/$run/log" >&2
        exit 1
    fi
    seconds="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
    times+=("$seconds")
    echo "run $run: window \"$(xdotool getwindowname "$wid")\" after $seconds s"
    if [ "$run" = 1 ] && [ -n "$SHOT" ]; then
        sleep 3  # let the library list fill in
        import -window "$wid" "$SHOT"
        echo "screenshot: $SHOT"
    fi
    kill "$APP_PID"
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
done
median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (${#times[@]} + 1) / 2 ))p")"
echo "start to first window: median $median s over $RUNS runs (${times[*]})"
