import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from './fixtures';
import { register, send } from './helpers';

// Every recording's bytes, kept where the test can read them: instrumentation of the
// test's own, the app exposes nothing.
const KEEP_RECORDINGS = () => {
  const Native = window.MediaRecorder;
  const kept: Blob[] = [];
  (window as any).__recorded = kept;
  window.MediaRecorder = class extends Native {
    constructor(stream: MediaStream, options?: MediaRecorderOptions) {
      super(stream, options);
      this.addEventListener('dataavailable', (e: BlobEvent) => kept.push(e.data));
    }
  } as typeof MediaRecorder;
};

/** Every file under the shared test server's data folder: database, log, uploads. */
function serverFiles(dir = process.env.HEARTH_TEST_DATA!): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.name === 'browser-home') return [];
    return e.isDirectory() ? serverFiles(p) : [p];
  });
}

test('a voice message recorded in one browser plays in the other, its length and waveform sealed', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  await annCtx.addInitScript(KEEP_RECORDINGS);
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'vera', 'Vera Voice', 'amber kettle window 4406');
  await register(ben, 'lionel', 'Lionel Listener', 'pebble canyon violet 7717');
  await ann.locator('li.person[data-username="lionel"] button').click();
  await send(ann, 'listen to this');
  await ben.locator('li.conversation[data-peer="vera"] button').click();

  // Tapped: it records (the fake microphone beeps) with a running clock and a meter,
  // until she sends it.
  await ann.getByRole('button', { name: 'Record a voice message' }).click();
  const bar = ann.getByRole('status', { name: 'Recording a voice message' });
  await expect(bar).toBeVisible();
  await expect(bar.locator('.time')).toHaveText('0:02', { timeout: 10_000 });
  await bar.getByRole('button', { name: 'Send voice message' }).click();
  await expect(bar).toBeHidden();
  const mine = ann.locator('.message.mine .voice-note');
  await expect(mine.locator('.time')).toHaveText(/^0:00 \/ 0:0[23]$/);

  // At Ben's: the same length and a waveform with sound in it, before anything is fetched.
  const note = ben.locator('.message .voice-note');
  await expect(note.locator('.time')).toHaveText(/^0:00 \/ 0:0[23]$/);
  const heights = await note.locator('.wave span').evaluateAll((bars) =>
    bars.map((b) => parseFloat((b as HTMLElement).style.height)));
  expect(heights.length).toBeGreaterThan(10);
  expect(heights.length).toBeLessThanOrEqual(48);
  expect(Math.max(...heights)).toBeGreaterThan(12);

  // He plays it: the audio advances, the waveform fills, and the speed goes to 1.5×.
  await note.getByRole('button', { name: 'Play voice message' }).click();
  await expect(note.getByRole('button', { name: 'Pause voice message' })).toBeVisible();
  await expect.poll(() => note.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime))
    .toBeGreaterThan(0.5);
  await expect(note.locator('.wave span.played').first()).toBeVisible();
  await note.getByRole('button', { name: 'Playback speed' }).click();
  await expect(note.getByRole('button', { name: 'Playback speed' })).toHaveText('1.5×');
  expect(await note.locator('audio').evaluate((a: HTMLAudioElement) => a.playbackRate)).toBe(1.5);

  // The server holds no byte of the recording, nor its length or waveform, in plain form.
  const recorded: number[] = await ann.evaluate(async () => {
    const blob = new Blob((window as any).__recorded);
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  expect(recorded.length).toBeGreaterThan(2000);
  const canaries = [0.3, 0.5, 0.7, 0.9].map((at) => {
    const from = Math.floor(recorded.length * at);
    return Buffer.from(recorded.slice(from, from + 32));
  });
  canaries.push(Buffer.from('"millis"'), Buffer.from('"levels"'), Buffer.from('Voice message.'));
  const files = serverFiles();
  expect(files.some((f) => f.includes('uploads'))).toBe(true);
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    for (const c of canaries) expect(bytes.includes(c), `${c.toString('hex')} found in ${f}`).toBe(false);
  }

  await Promise.all([annCtx.close(), benCtx.close()]);
});

test('held, the microphone records until let go; sliding away or Cancel sends nothing', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'holly', 'Holly Hold', 'amber kettle window 4417');
  await register(ben, 'sid', 'Sid Slide', 'pebble canyon violet 7728');
  await ann.locator('li.person[data-username="sid"] button').click();
  await send(ann, 'hold on');
  await ben.locator('li.conversation[data-peer="holly"] button').click();
  const mic = ann.getByRole('button', { name: 'Record a voice message' });
  const bar = ann.getByRole('status', { name: 'Recording a voice message' });
  const box = (await mic.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];

  // Held for two seconds, then let go: sent.
  await ann.mouse.move(x, y);
  await ann.mouse.down();
  await expect(bar.locator('.time')).toHaveText('0:02', { timeout: 10_000 });
  await ann.mouse.up();
  await expect(bar).toBeHidden();
  const notes = ben.locator('.message .voice-note');
  await expect(notes).toHaveCount(1);
  await expect(notes.locator('.time')).toHaveText(/^0:00 \/ 0:0[23]$/);

  // Held, then the finger slides left: cancelled at once, and letting go sends nothing.
  await ann.mouse.down();
  await expect(bar.locator('.time')).toHaveText('0:01', { timeout: 10_000 });
  await ann.mouse.move(x - 40, y, { steps: 4 });
  await expect(bar).toBeVisible();
  await ann.mouse.move(x - 120, y, { steps: 4 });
  await expect(bar).toBeHidden();
  await ann.mouse.up();

  // Tapped, then Cancel: nothing sent either.
  await mic.click();
  await expect(bar.locator('.time')).toHaveText('0:01', { timeout: 10_000 });
  await bar.getByRole('button', { name: 'Cancel' }).click();
  await expect(bar).toBeHidden();

  // A text sent after both arrives, and still only the one voice message came before it.
  await send(ann, 'only the first one was meant');
  await expect(ben.locator('.message', { hasText: 'only the first one was meant' })).toBeVisible();
  await expect(notes).toHaveCount(1);
  await expect(ann.locator('.message.mine .voice-note')).toHaveCount(1);
  await Promise.all([annCtx.close(), benCtx.close()]);
});
