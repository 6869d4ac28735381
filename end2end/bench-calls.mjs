// Not a test: measures 1:1 video calls in headless Chromium against a running server, for
// docs/PERFORMANCE.md. For each call, direct and then through the server's relay (both
// browsers refusing direct paths): the time from the caller's click to the callee's
// ring, from the answer to the first decoded video frame on both sides, and for a call
// held `seconds` long, the server process's CPU time and resident memory.
// Usage: node bench-calls.mjs http://127.0.0.1:3999 SERVER_PID [calls, default 5] [seconds, default 20]
//          [paths, default direct,relayed; a server with --no-relay has only direct]
import { chromium } from '@playwright/test';
import { benchUser } from './bench-user.mjs';
import * as fs from 'fs';

const [base, pid, callsArg, secondsArg, pathsArg] = process.argv.slice(2);
const PATHS = (pathsArg ?? 'direct,relayed').split(',');
const CALLS = Number(callsArg ?? 5);
const HOLD = Number(secondsArg ?? 20);
const HZ = 100; // /proc counts CPU time in clock ticks of 10 ms (getconf CLK_TCK)

/** The server's CPU seconds so far and resident MiB now, from /proc. */
function server() {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpu = (Number(stat[11]) + Number(stat[12])) / HZ;
  const rss = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
  return { cpu, rss };
}

const KEEP = (relayOnly) => {
  const Native = window.RTCPeerConnection;
  const kept = [];
  window.__connections = kept;
  window.RTCPeerConnection = function (config) {
    const pc = new Native(relayOnly ? { ...config, iceTransportPolicy: 'relay' } : config);
    kept.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection'],
});
const stamp = Date.now().toString(36);

const user = (name, relayOnly) => benchUser(browser, base, name, { init: [KEEP, relayOnly] });

/** Resolves when the page's newest connection has decoded a video frame. */
const firstFrame = (page) => page.waitForFunction(async () => {
  const pcs = window.__connections;
  let frames = 0;
  (await pcs[pcs.length - 1].getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
  });
  return frames > 0;
}, null, { polling: 10, timeout: 30_000 });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const path of PATHS) {
  const relayOnly = path === 'relayed';
  const caller = await user(`c${path}${stamp}`, relayOnly);
  const callee = await user(`a${path}${stamp}`, relayOnly);
  await caller.reload();
  await caller.locator(`li.person[data-username="a${path}${stamp}"] button`).click();
  const ring = [], media = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = Date.now();
    await caller.getByRole('button', { name: 'Video call' }).click();
    await callee.getByRole('button', { name: 'Answer' }).waitFor();
    const t1 = Date.now();
    await callee.getByRole('button', { name: 'Answer' }).click();
    await Promise.all([firstFrame(caller), firstFrame(callee)]);
    const t2 = Date.now();
    ring.push(t1 - t0);
    media.push(t2 - t1);
    // The path is read from the browser's statistics once connected.
    await caller.locator('.call-screen .path').filter({ hasText: /\w/ }).waitFor();
    const shown = await caller.locator('.call-screen .path').textContent();
    if (i < CALLS - 1) {
      await caller.getByRole('button', { name: 'Hang up' }).click();
      await caller.locator('.call-screen').waitFor({ state: 'hidden' });
    } else {
      console.log(`${path} (the screen says "${shown}"), ${CALLS} calls: click to ring ${median(ring)} ms ` +
        `(${Math.min(...ring)}–${Math.max(...ring)}), answer to first frame on both sides ` +
        `${median(media)} ms (${Math.min(...media)}–${Math.max(...media)})`);
    }
  }
  // The last call goes on: what it costs the server.
  const received = (page) => page.evaluate(async () => {
    const pcs = window.__connections;
    let bytes = 0;
    (await pcs[pcs.length - 1].getStats()).forEach((s) => { if (s.type === 'inbound-rtp') bytes += s.bytesReceived; });
    return bytes;
  });
  const before = { ...server(), bytes: (await received(caller)) + (await received(callee)) };
  await new Promise((r) => setTimeout(r, HOLD * 1000));
  const after = { ...server(), bytes: (await received(caller)) + (await received(callee)) };
  const mbps = (after.bytes - before.bytes) * 8 / HOLD / 1e6;
  console.log(`  one ${path} video call for ${HOLD} s (${mbps.toFixed(2)} Mbit/s of media, both ways): server CPU ` +
    `${((after.cpu - before.cpu) / HOLD * 100).toFixed(1)} % of a core, resident ${before.rss.toFixed(1)} → ${after.rss.toFixed(1)} MiB`);
  await caller.getByRole('button', { name: 'Hang up' }).click();
  await caller.context().close();
  await callee.context().close();
}
await browser.close();
