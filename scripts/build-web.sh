#!/usr/bin/env bash
# Builds the web client into $SITE: the hydrate WASM (size-tuned profile), its JS glue,
# wasm-opt, and the stylesheet.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"

# Nothing the web client is made from changed since $SITE was built from it: keep it (a
# rebuild with wasm-opt takes about a minute). The sources are hashed, not dated, so a
# fresh clone or another checkout sharing the target folder is told apart.
stamp=$( (find app frontend strength protocol/src protocol/Cargo.toml style web Cargo.toml Cargo.lock .cargo \
  scripts/build-web.sh scripts/emoji-faces.mjs scripts/env.sh -type f -print0 \
  | LC_ALL=C sort -z | xargs -0 sha256sum; echo "$WASM_BINDGEN_VERSION $BINARYEN_VERSION $EMOJI_FONT_VERSION $LUCIDE_VERSION ${RUSTFLAGS:-}") \
  | sha256sum | cut -c1-32)
if [ "$(cat "$SITE/.built-from" 2>/dev/null)" = "$stamp" ] && [ -f "$SITE/pkg/hearth_bg.wasm.gz" ]; then
  say "web client: $SITE is up to date"
  exit 0
fi
rm -f "$SITE/.built-from"

say "building the web client (WASM)"
# The target folder is shared by every checkout (CI's fresh clones among them). Cargo
# copies a finished binary to its fixed path only when it builds it, so after another
# checkout's build that path could hold the other's WASM: make it build this one.
touch "$ROOT/frontend/src/lib.rs" "$ROOT/strength/src/lib.rs"
# Two modules: the app, and the password strength estimate (zxcvbn), which only the pages
# taking a new password fetch (its dictionaries would otherwise be half the download).
# (.cargo/config.toml sets `erase_components` for this build and the server's alike.)
cargo build --manifest-path "$ROOT/Cargo.toml" -p frontend -p strength --target wasm32-unknown-unknown --profile wasm-release
mkdir -p "$SITE/pkg" "$SITE/style"
for pair in frontend:hearth strength:strength; do
  crate=${pair%%:*} name=${pair##*:}
  wasm-bindgen --target web --no-typescript --out-dir "$SITE/pkg" --out-name "$name" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/$crate.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "$SITE/pkg/${name}_bg.wasm" -o "$SITE/pkg/${name}_bg.wasm"
done
cp "$ROOT"/style/* "$SITE/style/"
# The emoji font, for machines that have none: its pieces (split by unicode-range, so a
# page fetches only those it shows) under faces named "Hearth Emoji" that try the
# system's own emoji fonts first (local()), so a machine with one downloads nothing.
font="$TOOLS/node_modules/@fontsource/noto-color-emoji"
rm -rf "$SITE/fonts" && mkdir -p "$SITE/fonts"
cp "$font"/files/*.woff2 "$SITE/fonts/"
cp "$font/LICENSE" "$SITE/fonts/OFL.txt"
faces=$(node "$ROOT/scripts/emoji-faces.mjs" "$font/index.css")
printf '\n/* The shipped emoji font (Noto Color Emoji, OFL: /fonts/OFL.txt). */\n%s\n' "$faces" >> "$SITE/style/hearth.css"
# The UI's icons, drawn (no font has to have them): each lucide SVG becomes a rule
# `.i-NAME { --icon: url(data:…) }` in the stylesheet; `.i` paints it in currentColor.
printf '\n/* Icons: lucide-static %s (ISC). */\n' "$LUCIDE_VERSION" >> "$SITE/style/hearth.css"
for icon in search lock paperclip smile smile-plus reply pencil trash-2 plus bell bell-off clock \
  phone phone-off video video-off mic mic-off monitor-up play pause settings; do
  svg=$(grep -v '^<!--' "$TOOLS/node_modules/lucide-static/icons/$icon.svg" | tr -s ' \n' ' ' \
    | sed -e 's/ class="[^"]*"//' -e "s/\"/'/g" -e 's/#/%23/g' -e 's/</%3C/g' -e 's/>/%3E/g')
  printf '.i-%s { --icon: url("data:image/svg+xml,%s"); }\n' "$icon" "$svg" >> "$SITE/style/hearth.css"
done
# The service worker's cache is named after this build (the server sends the same hash
# with every response, see router.rs), so a cached WASM never meets another build's page.
build=$(sha256sum "$SITE/pkg/hearth_bg.wasm" | cut -c1-16)
sed "s/__HEARTH_BUILD__/$build/" "$ROOT/web/sw.js" > "$SITE/sw.js"
cp "$ROOT/web/manifest.webmanifest" "$SITE/manifest.webmanifest"
# Sent compressed: the server answers a browser that takes gzip with a file's .gz copy
# (leptos_axum's static files), so a phone fetches the WASM at about a third of its size.
for f in "$SITE"/pkg/*.wasm "$SITE"/pkg/*.js "$SITE"/style/*.css "$SITE"/style/*.svg; do
  gzip -9 -k -f "$f"
done
raw=$(stat -c %s "$SITE/pkg/hearth_bg.wasm")
gz=$(gzip -9c "$SITE/pkg/hearth_bg.wasm" | wc -c)
sraw=$(stat -c %s "$SITE/pkg/strength_bg.wasm")
sgz=$(gzip -9c "$SITE/pkg/strength_bg.wasm" | wc -c)
say "web client: $SITE (WASM $((raw / 1024)) KiB, $((gz / 1024)) KiB gzipped; the strength module, loaded on demand: $((sraw / 1024)) KiB, $((sgz / 1024)) KiB gzipped)"
echo "$stamp" > "$SITE/.built-from"
