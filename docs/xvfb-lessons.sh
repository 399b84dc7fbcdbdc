#!/usr/bin/env bash
# Follows each lesson of docs/teaching.md in a real viewer window under Xvfb at 1280x720,
# pressing the keys the lesson names, and saves one screenshot per lesson:
# docs/img/teaching/xvfb-lesson{1,2,3}.png. Needs xvfb, xdotool and imagemagick (apt), and a
# built viewer: `cargo build`. Usage: docs/xvfb-lessons.sh [path/to/plainsight]
set -euo pipefail
bin=${1:-target/debug/plainsight}
out=docs/img/teaching
export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1280x720x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 2

shot() { # scene, png, keys...
  local scene=$1 png=$2
  shift 2
  "$bin" view "$scene" >/dev/null 2>&1 &
  local pid=$!
  sleep 10
  xdotool windowfocus --sync "$(xdotool search --name plainsight | head -1)" 2>/dev/null || true
  xdotool mousemove 600 300
  for k in "$@"; do xdotool key "$k"; sleep 0.3; done
  sleep 4
  import -window root "$png"
  kill "$pid"
  sleep 1
}

# Lesson 1, step 1: plain web, Right six times: Bob's phone has the words, and every reader of
# the database is still lit.
shot scenes/plain-web.ron "$out/xvfb-lesson1.png" Right Right Right Right Right Right
# Lesson 2, step 1: server-encrypted, step to the database, Tab to the thief, H for the keys panel.
shot scenes/server-encrypted.ron "$out/xvfb-lesson2.png" \
  Right Right Right Right Right Tab Tab Tab Tab h
# Lesson 3, step 3: sender keys, a clicker's Page Down 21 times: the group message leaves once.
keys=()
for _ in $(seq 21); do keys+=(Next); done
shot scenes/group-sender-keys.ron "$out/xvfb-lesson3.png" "${keys[@]}"
