// Not a test: the screenshots in docs/screenshots/, of a fresh server with a little
// conversation in it, at desktop and phone widths, in the light and the dark theme.
// Usage: node screenshots.mjs http://127.0.0.1:3999 ../docs/screenshots
// (scripts/screenshots.sh starts the server and runs this).
import { chromium } from '@playwright/test';

const [base, out, setupCode] = process.argv.slice(2);
// A fake camera and microphone for the call screens.
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection'] });
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 760 };

async function user(name, display, pw, viewport, code) {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: viewport === PHONE ? 2 : 1 });
  const page = await ctx.newPage();
  await page.goto(base + '/register');
  if (code) await page.getByLabel('Setup code').fill(code);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Display name').fill(display);
  await page.getByLabel('Password', { exact: true }).fill(pw);
  await page.getByLabel('Repeat password').fill(pw);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'I have saved it' }).click({ timeout: 60_000 });
  await page.waitForURL(base + '/');
  await page.locator('.me .status.online').waitFor();
  return page;
}

/** Light and dark of the page as it is now. */
async function shoot(page, name) {
  // No hover toolbar or focus ring left over from the last click.
  await page.mouse.move(1, 1);
  await page.evaluate(() => document.activeElement?.blur());
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${out}/${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const box = (p) => p.getByRole('textbox', { name: 'Message', exact: true });
async function say(page, text) {
  await box(page).fill(text);
  await box(page).press('Enter');
  await page.locator('.message.mine:not(.pending)', { hasText: text.slice(0, 20) }).last().waitFor();
}

// The login page, before anyone has an account.
const first = await (await browser.newContext({ viewport: DESKTOP })).newPage();
await first.goto(base + '/login');
await shoot(first, 'login-desktop');

const ann = await user('ann', 'Ann Okafor', 'sapphire tundra lantern 77', DESKTOP, setupCode);
const ben = await user('ben', 'Ben Castillo', 'granite orchid bicycle 88', PHONE);
const cat = await user('cat', 'Cat Nguyen', 'meadow copper violin 99', DESKTOP);

// A group with some life in it: replies, a reaction, an edit, a mention.
await ann.getByRole('button', { name: 'New group' }).click();
const form = ann.locator('section[aria-label="New group"]');
await form.getByLabel('Name').fill('Lab 2');
await form.getByLabel('Description').fill('Bench bookings, lunch, and the coffee machine');
await form.getByRole('button', { name: '🧪' }).click();
for (const u of ['ben', 'cat']) await form.locator(`label[data-username="${u}"] input`).check();
await form.getByRole('button', { name: 'Create group' }).click();
await ann.locator('.thread-head .title', { hasText: 'Lab 2' }).waitFor();
await say(ann, 'Morning! The centrifuge is booked 10–12, **bench 3** is free all day.');
await cat.locator('li.conversation[data-group="Lab 2"] button').click();
await cat.locator('.message', { hasText: 'centrifuge' }).waitFor();
await say(cat, 'Thanks! I will take bench 3 after lunch 🙌');
await ben.locator('li.conversation[data-group="Lab 2"] button').click();
await ben.locator('.message', { hasText: 'bench 3 after lunch' }).waitFor();
await say(ben, 'Noodles at 12:30, anyone? 🍜 @ann @cat');
await ann.locator('.message', { hasText: 'Noodles' }).hover();
await ann.locator('.message', { hasText: 'Noodles' }).getByRole('button', { name: 'React' }).click();
await ann.getByRole('button', { name: 'React with 👍' }).click();
await cat.locator('.message', { hasText: 'Noodles' }).hover();
await cat.locator('.message', { hasText: 'Noodles' }).getByRole('button', { name: 'Reply' }).click();
await say(cat, 'In! Meet at the lift');
await say(ann, 'Coffee machine is fixed, by the way ☕');
await ann.locator('.message', { hasText: 'In! Meet' }).waitFor();
await ben.locator('.message', { hasText: 'Coffee machine' }).waitFor();
await shoot(ann, 'chat-desktop');
await shoot(ben, 'chat-phone');

// Search, over history decrypted in the browser.
await ann.getByRole('button', { name: 'Find messages' }).click();
const search = ann.getByRole('search', { name: 'Search messages' });
await search.getByLabel('Words to find').fill('bench');
await search.getByRole('button', { name: 'Find' }).click();
await search.locator('.hit').first().waitFor();
await shoot(ann, 'search-desktop');
await search.getByRole('button', { name: 'Close search' }).click();

// A direct conversation with its safety number, on the phone; the phone's list.
await ben.getByRole('button', { name: 'Back' }).click();
await ben.locator('li.person[data-username="ann"] button').click();
await say(ben, 'Can you sign my form before 5?');
await ann.locator('li.conversation[data-peer="ben"] button').click();
await say(ann, 'Sure, leave it on my desk 👍');
await ben.locator('.message', { hasText: 'leave it on my desk' }).waitFor();
await ben.getByRole('button', { name: 'Safety number' }).click();
await shoot(ben, 'safety-phone');
await ben.getByRole('button', { name: 'Back' }).click();
await shoot(ben, 'conversations-phone');

// A video call: ringing on the phone, then the call at both widths.
await ann.getByRole('button', { name: 'Video call' }).click();
await ben.getByRole('alertdialog').waitFor();
await shoot(ben, 'incoming-call-phone');
await ben.getByRole('button', { name: 'Answer' }).click();
for (const p of [ann, ben]) await p.locator('.call-screen .clock', { hasText: /^\d+:\d\d$/ }).waitFor();
// Until the other side's picture shows.
for (const p of [ann, ben]) {
  await p.waitForFunction(() => (document.querySelector('video.remote')?.videoWidth ?? 0) > 0);
}
await shoot(ann, 'call-desktop');
await shoot(ben, 'call-phone');
await ben.getByRole('button', { name: 'Devices' }).click();
await ben.getByRole('group', { name: 'Devices' }).waitFor();
await shoot(ben, 'call-devices-phone');
await ben.getByRole('button', { name: 'Devices' }).click();
await ann.getByRole('button', { name: 'Back to chat' }).click();
await shoot(ann, 'call-bar-desktop');
await ann.getByRole('button', { name: 'Hang up' }).click();
await ann.locator('.message', { hasText: '📞 Video call' }).waitFor();

// The account panel: devices signed in, password, two-step login.
await ann.locator('.account summary').click();
await ann.locator('li.session').first().waitFor();
await shoot(ann, 'account-desktop');

// The admin panel (Ann registered with the setup code, so she is the admin), wide and narrow.
await ann.getByRole('link', { name: 'Admin panel' }).click();
await ann.getByLabel('Password', { exact: true }).fill('sapphire tundra lantern 77');
await ann.getByRole('button', { name: 'Open the admin panel' }).click();
await ann.locator('li.user').first().waitFor({ timeout: 60_000 });
await ann.locator('.audit').waitFor();
await shoot(ann, 'admin-desktop');
await ann.setViewportSize(PHONE);
await shoot(ann, 'admin-phone');

await browser.close();
