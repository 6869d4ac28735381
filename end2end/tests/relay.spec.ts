import { expect, test } from './fixtures';
import { register, send } from './helpers';
import { inbound, KEEP_CONNECTIONS, RELAY_ONLY, selectedPair } from './rtc';

// Wi-Fi that keeps its clients apart, played by both browsers refusing every direct path
// (iceTransportPolicy 'relay'): the call must go through the relay built into Hearth.
test('with no direct path between the two, a call goes through Hearth\'s relay and says so', async ({ browser }) => {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  for (const ctx of [annCtx, benCtx]) {
    await ctx.addInitScript(RELAY_ONLY);
    await ctx.addInitScript(KEEP_CONNECTIONS);
  }
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, 'isla', 'Isla Isolated', 'amber kettle window 4404');
  await register(ben, 'ottoline', 'Otto Across', 'pebble canyon violet 7715');
  await ann.locator('li.person[data-username="ottoline"] button').click();
  await send(ann, 'can you hear me through the server?');
  await expect(ben.locator('li.conversation[data-peer="isla"]')).toBeVisible();

  await ann.getByRole('button', { name: 'Video call' }).click();
  await ben.getByRole('button', { name: 'Answer' }).click();
  for (const page of [ann, ben]) {
    await expect(page.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);
  }
  // Audio and video arrive both ways, through relays at both ends.
  const first = [await inbound(ann), await inbound(ben)];
  await expect.poll(async () => {
    const now = [await inbound(ann), await inbound(ben)];
    return now.every((n, i) => n.audio > first[i].audio && n.frames > first[i].frames);
  }, { timeout: 20_000 }).toBe(true);
  for (const page of [ann, ben]) {
    expect(await selectedPair(page)).toMatchObject({ local: 'relay', remote: 'relay' });
    await expect(page.locator('.call-screen .path')).toHaveText('Relayed');
  }
  // Nothing in either side's setup names an address but the test's own.
  const candidates = await ann.evaluate(() => {
    const pcs = (window as any).__connections as RTCPeerConnection[];
    const pc = pcs[pcs.length - 1];
    return [pc.localDescription!.sdp, pc.remoteDescription!.sdp]
      .flatMap((sdp) => sdp.split('\r\n'))
      .filter((l) => l.startsWith('a=candidate:'));
  });
  expect(candidates.length).toBeGreaterThan(0);
  for (const c of candidates) expect(c).toMatch(/ 127\.0\.0\.1 \d+ typ relay /);

  await ann.getByRole('button', { name: 'Hang up' }).click();
  for (const page of [ann, ben]) {
    await expect(page.locator('.message', { hasText: /📞 Video call, \d+ s/ })).toBeVisible();
  }
  await Promise.all([annCtx.close(), benCtx.close()]);
});
