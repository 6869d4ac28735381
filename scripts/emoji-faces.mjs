// Prints the shipped emoji font's @font-face rules for Hearth's stylesheet, from the
// stylesheet of npm @fontsource/noto-color-emoji (its path is the one argument):
// - the family is "Hearth Emoji", and each face tries the system's own emoji fonts
//   first (local()), so a machine that has one downloads nothing;
// - only the woff2 pieces, from /fonts/;
// - no code point below U+2000: digits, '#', '*', '©' and '®' are in the font too, but
//   text must keep its own font for them ("Hearth Emoji" comes first in the stack, since
//   on Linux `system-ui` claims every character, emoji included, and draws boxes).
import fs from 'fs';

const css = fs.readFileSync(process.argv[2], 'utf8');
const LOCAL = "local('Noto Color Emoji'), local('Apple Color Emoji'), local('Segoe UI Emoji')";
let faces = 0;
const out = css.replace(/@font-face\s*{([^}]*)}/g, (_, body) => {
  const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(body)?.[1];
  const range = /unicode-range:\s*([^;]+);/.exec(body)?.[1];
  if (!file || !range) throw new Error('the emoji font stylesheet changed shape');
  const kept = range.split(',').map((r) => r.trim()).filter((r) => {
    const start = parseInt(r.replace(/^U\+/i, '').split('-')[0], 16);
    return start >= 0x2000;
  });
  if (kept.length === 0) return '';
  faces++;
  return `@font-face { font-family: 'Hearth Emoji'; font-style: normal; font-display: swap; font-weight: 400;
  src: ${LOCAL}, url(/fonts/${file}) format('woff2');
  unicode-range: ${kept.join(', ')}; }`;
}).replace(/\/\*[^*]*\*\//g, '').replace(/\n{2,}/g, '\n').trim();
if (faces === 0) throw new Error('no emoji font faces found');
console.log(out);
