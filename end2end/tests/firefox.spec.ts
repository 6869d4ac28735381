import puppeteer from 'puppeteer-core';
import { expect, test } from './fixtures';
import { register, send } from './helpers';
import { inbound, KEEP_CONNECTIONS } from './rtc';

// Firefox ESR (Debian's), driven over WebDriver BiDi, with a fake microphone allowed
// without asking and WebRTC on loopback. Its certificate store is its own profile's, so
// it is told to accept the test server's certificate rather than given the test CA.
async function firefox() {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    acceptInsecureCerts: true,
    // Without it Firefox ignores the remote settings server given below.
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      // Firefox's own remote settings, off (as in Mozilla's own test runs), so the
      // offline run sees only what Hearth sends.
      'services.settings.server': 'data:,#remote-settings-dummy/v1',
    },
  });
}

test('calls between Chromium and Firefox, each calling the other, carry sound both ways; voice messages play across', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const annCtx = await browser.newContext();
  await annCtx.addInitScript(KEEP_CONNECTIONS);
  const ann = await annCtx.newPage();
  await register(ann, 'chroma', 'Chroma Chromium', 'amber kettle window 4405');
  // Fiona's account is made in Chromium; she then signs in from Firefox, as from a
  // second device.
  const made = await browser.newContext();
  await register(await made.newPage(), 'fiona', 'Fiona Firefox', 'pebble canyon violet 7716');
  await made.close();

  const ff = await firefox();
  const errors: string[] = [];
  try {
    const fiona = await ff.newPage();
    fiona.on('pageerror', (e) => errors.push(String(e)));
    fiona.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await fiona.evaluateOnNewDocument(KEEP_CONNECTIONS);
    await fiona.goto(`${baseURL}/login`);
    // Typed key by key: Firefox's headless fill does not reach the fields (see the README
    // of these tests' machine).
    await fiona.waitForSelector('input[name="username"]:not([disabled])');
    await fiona.type('input[name="username"]', 'fiona');
    await fiona.type('input[name="password"]', 'pebble canyon violet 7716');
    await fiona.click('button[type="submit"]');
    await fiona.waitForSelector('.me .status.online', { timeout: 60_000 });

    await ann.locator('li.person[data-username="fiona"] button').click();
    await send(ann, 'a call across browsers');
    await fiona.waitForSelector('li.conversation[data-peer="chroma"]');
    await ann.getByRole('button', { name: 'Voice call' }).click();
    await fiona.waitForSelector('.incoming-call button.accept');
    await fiona.click('.incoming-call button.accept');
    await expect(ann.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);

    // Sound arrives both ways: Firefox's own statistics, and Chromium's.
    const heard = () => fiona.evaluate(async () => {
      const pcs = (window as any).__connections as RTCPeerConnection[];
      let bytes = 0;
      (await pcs[pcs.length - 1].getStats()).forEach((s: any) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived;
      });
      return bytes;
    });
    const [fFirst, aFirst] = [await heard(), (await inbound(ann)).audio];
    await expect.poll(async () => (await heard()) > fFirst + 2000 && (await inbound(ann)).audio > aFirst + 2000,
      { timeout: 30_000 }).toBe(true);
    expect(await fiona.$eval('.call-screen .clock', (e) => e.textContent)).toMatch(/^\d+:\d\d$/);

    await fiona.click('.call-screen button.hang-up');
    await expect(ann.locator('.call-screen')).toBeHidden();
    await expect(ann.locator('.message', { hasText: /📞 Call, \d+ s/ })).toBeVisible();
    await fiona.waitForSelector('.message ::-p-text(📞 Call,)');

    // And the other way round: Firefox's offer, Chromium's answer.
    await fiona.click('button[aria-label="Voice call"]');
    await ann.getByRole('button', { name: 'Answer' }).click();
    const [fAgain, aAgain] = [await heard(), (await inbound(ann)).audio];
    await expect.poll(async () => (await heard()) > fAgain + 2000 && (await inbound(ann)).audio > aAgain + 2000,
      { timeout: 30_000 }).toBe(true);
    await ann.getByRole('button', { name: 'Hang up' }).click();
    await expect(ann.locator('.message', { hasText: /📞 Call, \d+ s/ })).toHaveCount(2);

    // Voice messages: Firefox's recording (Opus) plays in Chromium, Chromium's in Firefox.
    await fiona.click('button.voice');
    await fiona.waitForFunction(() => document.querySelector('.recording .time')?.textContent === '0:01');
    await fiona.click('.recording button:not(.ghost)');
    const fromFirefox = ann.locator('.message:not(.mine) .voice-note');
    await fromFirefox.getByRole('button', { name: 'Play voice message' }).click();
    await expect.poll(() => fromFirefox.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime))
      .toBeGreaterThan(0.3);
    await ann.getByRole('button', { name: 'Record a voice message' }).click();
    await expect(ann.locator('.recording .time')).toHaveText('0:01');
    await ann.getByRole('button', { name: 'Send voice message' }).click();
    await fiona.waitForSelector('.message:not(.mine) .voice-note button.play');
    await fiona.click('.message:not(.mine) .voice-note button.play');
    await fiona.waitForFunction(() =>
      (document.querySelector('.message:not(.mine) .voice-note audio') as HTMLAudioElement)?.currentTime > 0.3);
  } finally {
    await ff.close();
  }
  expect(errors).toEqual([]);
  await annCtx.close();
});
