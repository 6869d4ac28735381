import { expect, test, Page } from './fixtures';
import { login, register, send } from './helpers';
import { inbound, KEEP_CONNECTIONS, outbound, receivedWidth, selectedPair } from './rtc';


test('a video call: ringing in both tabs of the callee, media both ways, mute, screen sharing, back to the chat, a line in the conversation after', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  for (const ctx of [annCtx, benCtx]) await ctx.addInitScript(KEEP_CONNECTIONS);
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'callie', 'Callie Caller', 'amber kettle window 4401');
  await register(ben, 'reese', 'Reese Receiver', 'pebble canyon violet 7712');
  // A second tab of Ben's browser, signed in there too.
  const ben2 = await benCtx.newPage();
  await login(ben2, 'reese', 'pebble canyon violet 7712');

  await ann.locator('li.person[data-username="reese"] button').click();
  await send(ann, 'calling you now');
  // Both of Ben's tabs are up and listening.
  for (const tab of [ben, ben2]) {
    await expect(tab.locator('li.conversation[data-peer="callie"]')).toBeVisible();
  }
  await ann.getByRole('button', { name: 'Video call' }).click();
  await expect(ann.getByRole('dialog', { name: 'Call with Reese Receiver' })).toBeVisible();
  await expect(ann.locator('.call-screen .clock')).toHaveText('Ringing…');

  // Both of Ben's tabs ring; one answers, the other stops.
  for (const tab of [ben, ben2]) {
    await expect(tab.getByRole('alertdialog', { name: 'Callie Caller is calling' })).toBeVisible();
  }
  await ben.getByRole('button', { name: 'Answer' }).click();
  await expect(ben2.getByRole('alertdialog')).toHaveCount(0);
  await expect(ben2.locator('.call-screen')).toBeHidden();

  // Connected: the clock runs on both sides, and audio and video arrive both ways.
  for (const page of [ann, ben]) {
    await expect(page.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);
  }
  const first = [await inbound(ann), await inbound(ben)];
  await expect.poll(async () => {
    const now = [await inbound(ann), await inbound(ben)];
    return now.every((n, i) => n.audio > first[i].audio && n.video > first[i].video && n.frames > first[i].frames);
  }, { timeout: 20_000 }).toBe(true);
  // And each sees the other's picture: the video on screen has the other camera's size.
  for (const page of [ann, ben]) {
    await expect.poll(() => page.evaluate(() => document.querySelector<HTMLVideoElement>('video.remote')?.videoWidth))
      .toBe(640);
  }
  // The only ICE server is Hearth's own relay, at the address the page came from: no
  // public STUN server is ever asked. Here the devices reach each other directly.
  for (const f of first) expect(f.iceServers).toEqual([[expect.stringMatching(/^turn:127\.0\.0\.1:\d+\?transport=udp$/)]]);
  for (const page of [ann, ben]) {
    await expect(page.locator('.call-screen .path')).toHaveText('Direct');
    expect(await selectedPair(page)).toMatchObject({ local: 'host', remote: 'host' });
  }

  // Muted, Ann sends no sound at all while her video goes on; unmuted, sound again.
  await ann.getByRole('button', { name: 'Mute', exact: true }).click();
  await expect(ann.getByRole('button', { name: 'Unmute', exact: true })).toBeVisible();
  await expect.poll(async () => {
    const a = await outbound(ann);
    await ann.waitForTimeout(1500);
    const b = await outbound(ann);
    return b.audio === a.audio && b.video > a.video;
  }, { timeout: 20_000 }).toBe(true);
  await ann.getByRole('button', { name: 'Unmute', exact: true }).click();
  const unmuted = await outbound(ann);
  await expect.poll(async () => (await outbound(ann)).audio > unmuted.audio).toBe(true);

  // Her screen (the fake one is 1280 wide) replaces her camera (640) at Ben's, and back.
  expect(await receivedWidth(ben)).toBe(640);
  await ann.getByRole('button', { name: 'Share screen' }).click();
  await expect(ann.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await expect.poll(() => receivedWidth(ben), { timeout: 20_000 }).toBe(1280);
  await ann.getByRole('button', { name: 'Stop sharing' }).click();
  await expect.poll(() => receivedWidth(ben), { timeout: 20_000 }).toBe(640);

  // Back to the chat during the call: a bar keeps it in view while she writes.
  await ann.getByRole('button', { name: 'Back to chat' }).click();
  await expect(ann.locator('.call-screen')).toBeHidden();
  const bar = ann.getByRole('region', { name: 'Call in progress' });
  await expect(bar).toContainText('Reese Receiver');
  await expect(bar.locator('.clock')).toHaveText(/^\d+:\d\d$/);
  await send(ann, 'typed during the call');
  await expect(ben.locator('.message', { hasText: 'typed during the call' })).toBeVisible();
  await bar.getByRole('button', { name: 'Return to call' }).click();
  await expect(ann.getByRole('dialog', { name: 'Call with Reese Receiver' })).toBeVisible();
  await expect(bar).toBeHidden();

  // Ann hangs up: both screens close, and both conversations show the call, after a reload too.
  await ann.getByRole('button', { name: 'Hang up' }).click();
  for (const page of [ann, ben]) {
    await expect(page.locator('.call-screen')).toBeHidden();
  }
  await expect(ann.locator('.message', { hasText: /📞 Video call, \d+ s/ })).toBeVisible();
  await ben.reload();
  await ben.locator('li.conversation[data-peer="callie"] button').click();
  await expect(ben.locator('.message', { hasText: /📞 Video call, \d+ s/ })).toBeVisible();

  await Promise.all([annCtx.close(), benCtx.close()]);
});

test('a call nobody answers is a missed call; a declined one says so', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  // Ann's clock runs as usual until the test moves it on (to the end of the ringing).
  await annCtx.clock.install();
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'mona', 'Mona Missed', 'amber kettle window 4402');
  await register(ben, 'dex', 'Dex Decliner', 'pebble canyon violet 7713');
  await ann.locator('li.person[data-username="dex"] button').click();

  await ann.getByRole('button', { name: 'Voice call' }).click();
  await expect(ben.getByRole('alertdialog', { name: 'Mona Missed is calling' })).toBeVisible();
  await ben.getByRole('button', { name: 'Decline' }).click();
  await expect(ann.locator('.call-screen')).toBeHidden();
  await expect(ann.locator('.message', { hasText: '📞 Call declined' })).toBeVisible();

  // Given up by the caller before an answer: missed, on both sides.
  await ann.getByRole('button', { name: 'Voice call' }).click();
  await expect(ben.getByRole('alertdialog', { name: 'Mona Missed is calling' })).toBeVisible();
  await ann.getByRole('button', { name: 'Hang up' }).click();
  await expect(ben.getByRole('alertdialog')).toHaveCount(0);
  await expect(ann.locator('.message', { hasText: '📞 Missed call' })).toBeVisible();
  await ben.locator('li.conversation[data-peer="mona"] button').click();
  await expect(ben.locator('.message', { hasText: '📞 Missed call' })).toBeVisible();

  // Nobody answers: after 45 s of ringing Ann's tab gives up, Ben's stops ringing, and
  // both see a second missed call.
  await ann.getByRole('button', { name: 'Voice call' }).click();
  await expect(ben.getByRole('alertdialog', { name: 'Mona Missed is calling' })).toBeVisible();
  await ann.clock.fastForward(44_000);
  await expect(ann.locator('.call-screen .clock')).toHaveText('Ringing…');
  await ann.clock.fastForward(2_000);
  await expect(ben.getByRole('alertdialog')).toHaveCount(0);
  for (const page of [ann, ben]) {
    await expect(page.locator('.message', { hasText: '📞 Missed call' })).toHaveCount(2);
  }

  await Promise.all([annCtx.close(), benCtx.close()]);
});

test('a call whose setup was changed on the way is refused, and the person is told why', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  // Between the server and Ben sits someone who changes one character of every call
  // signal's sealed envelope (where a substituted certificate fingerprint would be).
  let changed = 0;
  await ben.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      const frame = typeof m === 'string' ? JSON.parse(m) : null;
      if (frame?.type === 'signal') {
        const at = 100;
        const c = frame.envelope[at] === 'A' ? 'B' : 'A';
        frame.envelope = frame.envelope.slice(0, at) + c + frame.envelope.slice(at + 1);
        changed++;
        ws.send(JSON.stringify(frame));
      } else {
        ws.send(m);
      }
    });
  });
  await register(ann, 'tamsin', 'Tamsin Tampered', 'amber kettle window 4403');
  await register(ben, 'wendel', 'Wendel Wary', 'pebble canyon violet 7714');
  await ann.locator('li.person[data-username="wendel"] button').click();
  await send(ann, 'ring ring');
  await ben.locator('li.conversation[data-peer="tamsin"] button').click();

  await ann.getByRole('button', { name: 'Video call' }).click();
  const warning = ben.getByRole('alert', { name: 'About your call' });
  await expect(warning).toContainText('A call from Tamsin Tampered was refused');
  await expect(warning).toContainText('may be trying to listen in');
  await expect(ben.getByRole('alertdialog')).toHaveCount(0);
  expect(changed).toBeGreaterThan(0);
  // Unanswered at Ben's, the call goes on ringing at Ann's until she gives up.
  await expect(ann.locator('.call-screen .clock')).toHaveText('Ringing…');
  await ann.getByRole('button', { name: 'Hang up' }).click();
  await expect(ann.locator('.message', { hasText: '📞 Missed call' })).toBeVisible();

  await Promise.all([annCtx.close(), benCtx.close()]);
});
