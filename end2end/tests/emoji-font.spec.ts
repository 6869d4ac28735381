import { chromium, CDPSession, expect, Page, test } from './fixtures';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { login, register, send } from './helpers';

const PASSWORD = 'copper meadow lantern 8123';

/** The fonts Chromium drew an element's text with (DevTools' "Rendered Fonts"). */
async function renderedFonts(page: Page, selector: string) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts;
}

/** Every request the page makes for a piece of the shipped emoji font. */
function fontFetches(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/fonts/')) seen.push(r.url()); });
  return seen;
}

test('without an emoji font the shipped one draws the emoji; with one, none of it is fetched', async ({ browser, problems }) => {
  // A browser on a machine with no emoji font: its fontconfig knows only DejaVu and Liberation.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-fonts-'));
  const conf = path.join(dir, 'fonts.conf');
  fs.writeFileSync(conf, `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <dir>/usr/share/fonts/truetype/liberation</dir>
  <cachedir>${dir}/cache</cachedir>
</fontconfig>
`);
  const launch = test.info().project.use.launchOptions ?? {};
  const bare = await chromium.launch({ ...launch, env: { ...launch.env, FONTCONFIG_FILE: conf } });
  const ctx = await bare.newContext({ baseURL: test.info().project.use.baseURL });
  problems.watch(ctx);
  const page = await ctx.newPage();
  const fetched = fontFetches(page);
  await register(page, 'odile', 'Odile Okoro', PASSWORD);
  await page.locator('li.conversation[data-group="Everyone"] button').click();
  await send(page, 'Party time 🎉');
  // Drawn from the shipped font once its piece has arrived (until then, a fallback).
  await expect.poll(() => renderedFonts(page, '.message.mine .text'), { timeout: 15_000 })
    .toContainEqual(expect.objectContaining({ familyName: 'Noto Color Emoji', isCustomFont: true }));
  expect(fetched.length).toBeGreaterThan(0);
  // The UI's own icons are drawn shapes, not characters: they need no font at all.
  const controls = ['Emoji', 'Find in this conversation', 'Mute sounds']
    .map((name) => page.getByRole('button', { name, exact: true }))
    .concat(page.locator('label.attach'));
  for (const control of controls) {
    expect((await control.textContent())?.trim()).toBe('');
    const mask = await control.locator('.i').evaluate((el) => getComputedStyle(el).maskImage);
    expect(mask).toContain('data:image/svg+xml');
  }
  await bare.close();

  // The usual browser here has the system's emoji font: the same message draws from it,
  // and nothing of the shipped font is fetched.
  const usual = await (await browser.newContext()).newPage();
  const none = fontFetches(usual);
  await login(usual, 'odile', PASSWORD);
  await usual.locator('li.conversation[data-group="Everyone"] button').click();
  await expect(usual.locator('.message.mine', { hasText: 'Party time 🎉' })).toBeVisible();
  const fonts = await renderedFonts(usual, '.message.mine .text');
  expect(fonts).toContainEqual(expect.objectContaining({ familyName: 'Noto Color Emoji', isCustomFont: false }));
  expect(none).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});
