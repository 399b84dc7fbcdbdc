#!/usr/bin/env bash
# Re-renders every picture in the docs that `plainsight render` drew: the command is written in
# the docs beside each picture (`plainsight render ... --out docs/img/...`), and this runs them
# all, plus the three frames of the nation state's active run (docs/threats.md, "N = 12, 30,
# 31") and the gallery's GIF. Look at what changed before committing. Usage, from the repo:
# docs/render-pictures.sh [path/to/plainsight] (default: target/release/plainsight).
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/plainsight}
cmds=$(grep -rhoE --include='*.md' 'plainsight render [^`]*--out docs/img[^`]*' docs README.md | sort -u)
state="The state (compels mastodon.example, taps links)"
while IFS= read -r cmd; do
  eval "\"\$bin\" ${cmd#plainsight }"
done <<< "$cmds"
for n in 12 30 31; do
  "$bin" render scenes/nation-state.ron --model e2e --observer "$state" --acting --step "$n" \
    --out "docs/img/acting/nation-state-acting-$n.png"
done
"$bin" render scenes/e2e.ron --frames 14..21 --width 960 --height 540 --delay 1500 \
  --gif docs/img/gallery/e2e.gif
