#!/usr/bin/env bash
# Follows each lesson of docs/teaching.md in a real viewer window under Xvfb at 1280x720,
# pressing the keys (and tapping the buttons) the lesson names, and saves screenshots to
# docs/img/teaching/: xvfb-lesson*.png for the lessons, and for every shipped exercise
# xvfb-exercise-NAME-before.png (two rows answered, nothing given away) and
# xvfb-exercise-NAME-after.png (after a tap on Reveal). Needs xvfb, xdotool and imagemagick
# (apt), and a built viewer: `cargo build`. Usage: docs/xvfb-lessons.sh [path/to/plainsight]
set -euo pipefail
bin=${1:-target/debug/plainsight}
out=docs/img/teaching
export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1280x720x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 2

# Saves the screen as an 8-bit PNG (boxes and text: a small palette loses nothing).
grab() {
  import -window root "$1"
  convert "$1" -colors 128 "PNG8:$1"
}

# Opens the viewer with ARGS, then runs the actions: a key name (xdotool's), `tap:X,Y` (a pen
# tap at window pixel X,Y) or `shot:FILE` (a screenshot now); a last screenshot goes to PNG.
shot() { # "args", png, actions...
  local args=$1 png=$2
  shift 2
  # shellcheck disable=SC2086 # the arguments are words
  "$bin" view $args >/dev/null 2>&1 &
  local pid=$!
  sleep "${START_WAIT:-12}"
  xdotool windowfocus --sync "$(xdotool search --name plainsight | head -1)" 2>/dev/null || true
  xdotool mousemove 600 300
  for a in "$@"; do
    case $a in
      tap:*) local xy=${a#tap:}; xdotool mousemove "${xy%,*}" "${xy#*,}" click 1; sleep 0.6 ;;
      shot:*) sleep 2; grab "${a#shot:}" ;;
      *) xdotool key "$a"; sleep 0.3 ;;
    esac
  done
  sleep 4
  grab "$png"
  kill "$pid"
  sleep 1
}

rights() { for _ in $(seq "$1"); do printf 'Right '; done; }

# Lesson 1, step 1: plain web, Right six times: Bob's phone has the words, and every reader of
# the database is still lit.
# shellcheck disable=SC2046
shot scenes/plain-web.ron "$out/xvfb-lesson1.png" $(rights 6)
# Lesson 1, step 1 (what if): W, then a pen tap on the `TLS on` tag of Alice's link: TLS
# off, the core re-runs and the bottom panel lists the cells that changed.
# shellcheck disable=SC2046
shot scenes/plain-web.ron "$out/xvfb-lesson1-whatif-tls-off.png" $(rights 3) w tap:253,204
# Lesson 1, step 2: M (encryption at rest), Home, five steps, X: the matrix with its headers.
# shellcheck disable=SC2046
shot scenes/plain-web.ron "$out/xvfb-lesson1-at-rest-matrix.png" m Home $(rights 5) x
# Lesson 1, step 3: M twice (end-to-end), Home, step to the store: only the phones are plain.
# shellcheck disable=SC2046
shot scenes/plain-web.ron "$out/xvfb-lesson1-e2e.png" m m Home $(rights 11)
# Lesson 1, wrap-up: C, the three models side by side, each with its picture of where the
# words were in the clear.
# shellcheck disable=SC2046
shot scenes/plain-web.ron "$out/xvfb-lesson1-compare.png" $(rights 8) c
# Lesson 2, step 1: server-encrypted, step to the database, Tab to the thief, H for the keys.
shot scenes/server-encrypted.ron "$out/xvfb-lesson2.png" \
  Right Right Right Right Right Tab Tab Tab Tab h
# Lesson 2, step 3: the nation state under e2e, A: the state's active run (paused, then to
# step 7, the key answer rewritten), its banner whole.
# shellcheck disable=SC2046
shot "scenes/nation-state.ron --model e2e" "$out/xvfb-lesson2-active-run.png" a space Home \
  $(rights 7)
# Lesson 2, step 2: federation, to the store at hachyderm.example: two admins read.
# shellcheck disable=SC2046
shot scenes/mastodon-federation.ron "$out/xvfb-lesson2-federation.png" $(rights 8)
# Lesson 2, step 4: the malicious server's active run (the scene opens on it), Tab to the
# operator, step 19 (mitm-open); then the verified scene at its seal (step 16).
# shellcheck disable=SC2046
shot scenes/key-substitution.ron "$out/xvfb-lesson2-substitution.png" Tab $(rights 19)
# shellcheck disable=SC2046
shot scenes/key-substitution-verified.ron "$out/xvfb-lesson2-verified.png" $(rights 16)
# Lesson 3, step 1: how many envelopes leave Alice's phone? The group DM's upload (step 69),
# per-recipient, then bagged.
keys=()
for _ in $(seq 69); do keys+=(Next); done
shot scenes/group-dm.ron "$out/xvfb-lesson3-per-recipient.png" "${keys[@]}"
shot scenes/group-dm-bagged.ron "$out/xvfb-lesson3-bagged.png" "${keys[@]}"
# Lesson 3, step 3: sender keys at m1's seal (step 23), W, fan-out tapped three times
# (per-recipient, bagged, shared ephemeral key): no cell changes, the cost line does.
# shellcheck disable=SC2046
shot scenes/group-sender-keys.ron "$out/xvfb-lesson3-whatif-fanout.png" $(rights 23) w \
  tap:1105,313 tap:1105,313 tap:1105,313
# Lesson 3, step 3: sender keys, a clicker's Page Down 21 times: the group message leaves once.
keys=()
for _ in $(seq 21); do keys+=(Next); done
shot scenes/group-sender-keys.ron "$out/xvfb-lesson3.png" "${keys[@]}"
# Lesson 3: the group DM, N twice: straight to the message after the key set-up.
shot scenes/group-dm.ron "$out/xvfb-lesson3-next-message.png" n

# Every exercise, by pen: one row tapped twice ([cannot]), the row above it once ([reads]), a
# screenshot; then Reveal. The rows start under the question: two lines for most, one for the
# shortest, four for Lesson 3's cost question.
for f in exercises/*.ron; do
  name=$(basename "$f" .ron)
  case $name in
    lesson3-cost) lower=285 upper=258 ;;
    *) lower=245 upper=218 ;;
  esac
  shot "--exercise $f" "$out/xvfb-exercise-$name-after.png" \
    "tap:1105,$lower" "tap:1105,$lower" "tap:1105,$upper" \
    "shot:$out/xvfb-exercise-$name-before.png" tap:1105,472
done
