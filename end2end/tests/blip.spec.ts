import { execFileSync } from 'node:child_process';
import { Browser, expect, Page, test } from './fixtures';
import { register, send } from './helpers';
import { inbound, KEEP_CONNECTIONS, selectedPair } from './rtc';

// The network under a call drops: every UDP port the two browsers' connections use stops
// carrying anything, as when a laptop's Wi-Fi reconnects or a phone roams. Only new
// candidates (an ICE restart) get the media through again while the old ports stay cut.
// Cutting needs a network of the test's own: scripts/netns.sh makes one (and CI uses it).
const ownNetwork = process.env.HEARTH_NETNS === 'inside';

/** Every UDP port of the page's connection: its candidates' and the sockets behind them. */
async function ports(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as any).__connections as RTCPeerConnection[];
    const found: number[] = [];
    const pc = pcs[pcs.length - 1];
    (await pc.getStats()).forEach((s: any) => {
      if (s.type !== 'local-candidate') return;
      for (const p of [s.port, s.relatedPort]) if (p) found.push(p);
    });
    // The stats name only candidates in pairs so far: every one gathered is in the SDP
    // (its port, and for a relayed one the socket's, after "rport").
    for (const line of pc.localDescription!.sdp.split('\r\n')) {
      const c = line.match(/^a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ \S+(?: raddr \S+ rport (\d+))?/i);
      if (c) for (const p of [c[1], c[2]]) if (p && p !== '0') found.push(Number(p));
    }
    return found;
  });
}

const nft = (...args: string[]) => execFileSync('nft', args);

/** Two new people (names from `who`) in a voice call, its audio flowing both ways. */
async function voiceCall(browser: Browser, who: string) {
  const [annCtx, benCtx] = [await browser.newContext(), await browser.newContext()];
  for (const ctx of [annCtx, benCtx]) await ctx.addInitScript(KEEP_CONNECTIONS);
  const ann = await annCtx.newPage();
  const ben = await benCtx.newPage();
  await register(ann, `${who}ann`, 'Bea Blip', 'amber kettle window 5120');
  await register(ben, `${who}ben`, 'Bo Blip', 'pebble canyon violet 6231');
  await ann.locator(`li.person[data-username="${who}ben"] button`).click();
  await send(ann, 'calling you on the wobbly wifi');
  await expect(ben.locator(`li.conversation[data-peer="${who}ann"]`)).toBeVisible();

  await ann.getByRole('button', { name: 'Voice call' }).click();
  await ben.getByRole('button', { name: 'Answer' }).click();
  for (const page of [ann, ben]) {
    await expect(page.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);
  }
  const rising = async () => {
    const first = [await inbound(ann), await inbound(ben)];
    await expect.poll(async () => {
      const now = [await inbound(ann), await inbound(ben)];
      return now.every((n, i) => n.audio > first[i].audio + 2_000);
    }, { timeout: 25_000 }).toBe(true);
  };
  await rising();
  return { ann, ben, rising, close: () => Promise.all([annCtx.close(), benCtx.close()]) };
}


test('a call outlasts its network dropping: ICE restarts on new ports and the media flows again', async ({ browser }) => {
  test.skip(!ownNetwork, 'cutting the network needs the namespace scripts/netns.sh makes');
  const { ann, ben, rising, close } = await voiceCall(browser, 'blip');

  const cut = [...new Set([...(await ports(ann)), ...(await ports(ben))])].join(', ');
  nft('add', 'table', 'inet', 'blip');
  try {
    nft('add', 'chain', 'inet', 'blip', 'in', '{ type filter hook input priority 0; }');
    nft('add', 'rule', 'inet', 'blip', 'in', 'udp', 'sport', `{ ${cut} }`, 'drop');
    nft('add', 'rule', 'inet', 'blip', 'in', 'udp', 'dport', `{ ${cut} }`, 'drop');
    // Both sides see the link go and say so, then it comes back on other ports while the
    // old ones are still cut.
    for (const page of [ann, ben]) {
      await expect(page.locator('.call-screen .clock')).toHaveText('Reconnecting…', { timeout: 15_000 });
    }
    await rising();
    for (const page of [ann, ben]) {
      await expect(page.locator('.call-screen .clock')).toHaveText(/^\d+:\d\d$/);
      expect(cut.split(', ')).not.toContain(String((await selectedPair(page)).port));
    }
  } finally {
    nft('delete', 'table', 'inet', 'blip');
  }

  await ann.getByRole('button', { name: 'Hang up' }).click();
  for (const page of [ann, ben]) {
    await expect(page.locator('.message', { hasText: /📞 Call, \d+ s/ })).toBeVisible();
  }
  await close();
});

test('a call whose network does not come back ends on both sides, saying why', async ({ browser }) => {
  test.skip(!ownNetwork, 'cutting the network needs the namespace scripts/netns.sh makes');
  test.setTimeout(90_000);
  const { ann, ben, close } = await voiceCall(browser, 'gone');
  nft('add', 'table', 'inet', 'blip');
  try {
    nft('add', 'chain', 'inet', 'blip', 'in', '{ type filter hook input priority 0; }');
    nft('add', 'rule', 'inet', 'blip', 'in', 'meta', 'l4proto', 'udp', 'drop');
    for (const page of [ann, ben]) {
      await expect(page.locator('.call-screen .clock')).toHaveText('Reconnecting…', { timeout: 15_000 });
    }
    // Restarts gather, but nothing gets through: after 30 s down, the call is over.
    for (const page of [ann, ben]) {
      await expect(page.getByRole('alert', { name: 'About your call' }))
        .toContainText('the connection was lost', { timeout: 45_000 });
      await expect(page.locator('.call-screen')).toBeHidden();
    }
  } finally {
    nft('delete', 'table', 'inet', 'blip');
  }
  // The caller's line, as after a hang-up.
  for (const page of [ann, ben]) {
    await expect(page.locator('.message', { hasText: /📞 Call, \d+ s/ })).toBeVisible();
  }
  await close();
});

test('when the caller\'s tab dies mid-call, the callee\'s call ends and the callee writes the line', async ({ browser }) => {
  test.setTimeout(90_000);
  const { ann, ben, close } = await voiceCall(browser, 'died');
  // Gone without a word, as a crashed tab or a phone whose battery ran out.
  await ann.close();
  await expect(ben.locator('.call-screen .clock')).toHaveText('Reconnecting…', { timeout: 15_000 });
  await expect(ben.getByRole('alert', { name: 'About your call' }))
    .toContainText('the connection was lost', { timeout: 50_000 });
  const line = ben.locator('.message.mine', { hasText: /📞 Call, \d+ s/ });
  await expect(line).toHaveCount(1);
  // It counts the time talked, not the half minute spent trying to reconnect.
  const talked = Number((await line.textContent())!.match(/Call, (\d+) s/)![1]);
  expect(talked).toBeLessThan(20);
  await close();
});
