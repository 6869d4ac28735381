import { expect, Page, test } from './fixtures';
import { register, send } from './helpers';
import { inbound, KEEP_CONNECTIONS } from './rtc';

/** The label of the device track the page's newest connection sends of `kind`
 * (null: nothing sent, as while muted). */
async function sending(page: Page, kind: 'audio' | 'video') {
  return page.evaluate((kind) => {
    const pcs = (window as any).__connections as RTCPeerConnection[];
    const sender = pcs[pcs.length - 1].getSenders().find((s) => s.track?.kind === kind);
    return sender?.track?.label ?? null;
  }, kind);
}

/** Chooses, in the call's device panel, the last entry of `select` other than the one in
 * use (the browser's "default" and "communications" stand for others). */
async function chooseAnother(page: Page, select: string) {
  const field = page.locator('.call-screen .devices').getByLabel(select);
  const options = await field.locator('option').evaluateAll((os) =>
    os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent!, on: (o as HTMLOptionElement).selected })));
  const other = options.filter((o) => !o.on && o.value !== 'default' && o.value !== 'communications').at(-1);
  expect(other, `${select}: ${JSON.stringify(options)}`).toBeDefined();
  await field.selectOption(other!.value);
  return other!;
}

async function rising(page: Page, kind: 'audio' | 'frames') {
  const first = await inbound(page);
  await expect.poll(async () => (await inbound(page))[kind] > first[kind], { timeout: 15_000 }).toBe(true);
}

test('during a call the microphone, camera and speaker can be switched, and the choice is kept', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  for (const ctx of [annCtx, benCtx]) await ctx.addInitScript(KEEP_CONNECTIONS);
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'devann', 'Dev Ann', 'amber kettle window 7312');
  await register(ben, 'devben', 'Dev Ben', 'pebble canyon violet 8423');
  await ann.locator('li.person[data-username="devben"] button').click();
  await send(ann, 'which headset is better?');
  await expect(ben.locator('li.conversation[data-peer="devann"]')).toBeVisible();

  await ann.getByRole('button', { name: 'Video call' }).click();
  await ben.getByRole('button', { name: 'Answer' }).click();
  await expect(ann.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);
  await rising(ben, 'audio');

  await ann.getByRole('button', { name: 'Devices' }).click();
  await expect(ann.getByRole('group', { name: 'Devices' })).toBeVisible();

  // Another microphone: it is what goes out, and the other side still hears.
  const mic = await chooseAnother(ann, 'Microphone');
  await expect.poll(() => sending(ann, 'audio')).toBe(mic.label);
  await rising(ben, 'audio');

  // Another camera: sent, and shown in the small picture of oneself.
  const firstCamera = await sending(ann, 'video');
  const camera = await chooseAnother(ann, 'Camera');
  await expect.poll(() => sending(ann, 'video')).toBe(camera.label);
  expect(camera.label).not.toBe(firstCamera);
  expect(await ann.locator('.call-screen video.self').evaluate((v) =>
    ((v as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0].label)).toBe(camera.label);
  await rising(ben, 'frames');

  // Another speaker: the other side plays there.
  const speaker = await chooseAnother(ann, 'Speaker');
  await expect.poll(() => ann.locator('.call-screen video.remote').evaluate((v) => (v as any).sinkId))
    .toBe(speaker.value);

  // Muted, a new microphone sends nothing until unmuted.
  await ann.getByRole('button', { name: 'Mute', exact: true }).click();
  await expect.poll(() => sending(ann, 'audio')).toBeNull();
  const quiet = await chooseAnother(ann, 'Microphone');
  await expect(ann.locator('.call-screen .devices').getByLabel('Microphone')).toHaveValue(quiet.value);
  expect(await sending(ann, 'audio')).toBeNull();
  await ann.getByRole('button', { name: 'Unmute', exact: true }).click();
  await expect.poll(() => sending(ann, 'audio')).toBe(quiet.label);
  await ann.getByRole('button', { name: 'Hang up' }).click();
  await expect(ann.locator('.message', { hasText: /📞 Video call, \d+ s/ })).toBeVisible();

  // The next call opens the devices chosen last; one chosen but since unplugged gives way
  // to the browser's default.
  await ben.evaluate(() => localStorage.setItem('hearth.device.mic', 'an-unplugged-headset'));
  await ann.getByRole('button', { name: 'Video call' }).click();
  await ben.getByRole('button', { name: 'Answer' }).click();
  await expect(ann.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);
  expect(await sending(ben, 'audio')).toBe('Fake Default Audio Input');
  await rising(ann, 'audio');
  expect(await sending(ann, 'audio')).toBe(quiet.label);
  expect(await sending(ann, 'video')).toBe(camera.label);
  await expect.poll(() => ann.locator('.call-screen video.remote').evaluate((v) => (v as any).sinkId))
    .toBe(speaker.value);
  await ann.getByRole('button', { name: 'Hang up' }).click();
  await Promise.all([annCtx.close(), benCtx.close()]);
});

// Every stream the page opens, kept where the test can look, and opened as slowly as the
// test asks: instrumentation of the test's own.
const KEEP_STREAMS = () => {
  const devices = navigator.mediaDevices;
  if (!devices) return; // about:blank, before the app's page
  const open = devices.getUserMedia.bind(devices);
  const kept: MediaStream[] = [];
  (window as any).__streams = kept;
  devices.getUserMedia = async (c?: MediaStreamConstraints) => {
    const stream = await open(c);
    kept.push(stream);
    await new Promise((r) => setTimeout(r, (window as any).__slowMedia ?? 0));
    return stream;
  };
};

test('a device still opening when the call ends is let go with the rest', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  for (const ctx of [annCtx, benCtx]) await ctx.addInitScript(KEEP_CONNECTIONS);
  await annCtx.addInitScript(KEEP_STREAMS);
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'slowann', 'Slow Ann', 'amber kettle window 7334');
  await register(ben, 'slowben', 'Slow Ben', 'pebble canyon violet 8445');
  await ann.locator('li.person[data-username="slowben"] button').click();
  await send(ann, 'a quick one');
  await expect(ben.locator('li.conversation[data-peer="slowann"]')).toBeVisible();
  await ann.getByRole('button', { name: 'Voice call' }).click();
  await ben.getByRole('button', { name: 'Answer' }).click();
  await expect(ann.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);

  await ann.getByRole('button', { name: 'Devices' }).click();
  await expect(ann.getByRole('group', { name: 'Devices' })).toBeVisible();
  await ann.evaluate(() => { (window as any).__slowMedia = 1_500; });
  await chooseAnother(ann, 'Microphone');
  await expect.poll(() => ann.evaluate(() => (window as any).__streams.length)).toBe(2);
  await ann.getByRole('button', { name: 'Hang up' }).click();
  await expect(ann.locator('.message', { hasText: /📞 Call, \d+ s/ })).toBeVisible();
  // Once the slow microphone has opened, nothing is left live: the microphone is off.
  await expect.poll(() => ann.evaluate(() => ((window as any).__streams as MediaStream[])
    .flatMap((s) => s.getTracks()).map((t) => t.readyState)), { timeout: 10_000 })
    .toEqual(['ended', 'ended']);
  await expect(ann.getByRole('alert', { name: 'About your call' })).toHaveCount(0);
  await Promise.all([annCtx.close(), benCtx.close()]);
});
