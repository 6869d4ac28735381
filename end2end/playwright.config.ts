import { defineConfig } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// One server for the run, with its own temporary data folder; its log goes to a file the
// tests read (to check that no secret is ever logged). It serves HTTPS as it does by
// default, with its own CA, which Chromium trusts the way a person's device would: the
// CA certificate is in the browser's certificate store (an NSS database under a HOME of
// its own), not waved through with ignoreHTTPSErrors.
const port = Number(process.env.HEARTH_TEST_PORT ?? 3917);
const httpsPort = port + 1;
const bin = process.env.HEARTH_BIN ?? '../target/debug/hearth';
const site = process.env.HEARTH_SITE ?? '../target/site';

// This file is evaluated again in every worker: set up once, pass the paths on by env.
if (!process.env.HEARTH_TEST_DATA) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-'));
  const home = path.join(dataDir, 'browser-home');
  const nss = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(nss, { recursive: true });
  const ca = path.join(dataDir, 'ca.pem');
  fs.writeFileSync(ca, execFileSync(bin, ['--data', dataDir, 'ca']));
  execFileSync('certutil', ['-d', `sql:${nss}`, '-N', '--empty-password']);
  execFileSync('certutil', ['-d', `sql:${nss}`, '-A', '-t', 'C,,', '-n', 'Hearth test CA', '-i', ca]);
  process.env.HEARTH_TEST_DATA = dataDir;
  process.env.HEARTH_TEST_HOME = home;
}
const dataDir = process.env.HEARTH_TEST_DATA!;

export default defineConfig({
  testDir: './tests',
  globalTeardown: './teardown.ts',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  workers: 1,
  reporter: 'list',
  use: {
    baseURL: `https://127.0.0.1:${httpsPort}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      env: { ...process.env, HOME: process.env.HEARTH_TEST_HOME! },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             // A name for this machine that is not localhost, on loopback: a page over plain
             // HTTP there is not a secure context, as on a LAN (commands.spec.ts). And
             // Chromium's own services (sign-in, autofill, updates) resolve to nothing, so
             // the offline run (scripts/test/offline.sh) sees only what Hearth sends; a
             // page that loaded anything from them would fail on its console error.
             '--host-resolver-rules=MAP lan.hearth.test 127.0.0.1, MAP *.google.com ~NOTFOUND, '
               + 'MAP *.googleapis.com ~NOTFOUND, MAP *.gstatic.com ~NOTFOUND, MAP *.gvt1.com ~NOTFOUND',
             // Calls (calls.spec.ts): fake cameras and microphones, allowed without asking,
             // and WebRTC between two pages of this machine. Three cameras: devices.spec.ts
             // switches from the first to the third (the second gives 16-bit depth frames,
             // which no video encoder takes).
             '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream=device-count=3',
             '--allow-loopback-in-peer-connection'],
    },
  },
  webServer: {
    // Every test registers its people from this one machine: more than a burst's worth.
    command: `"${bin}" --addr 127.0.0.1 --port ${port} --https-port ${httpsPort} --data "${dataDir}" --site "${site}" --turn-port 0 --registrations-per-address 200 > "${dataDir}/server.log" 2>&1`,
    // The trust page on the plain port answers once the server is up.
    url: `http://127.0.0.1:${port}/`,
    timeout: 60_000,
    reuseExistingServer: false,
  },
});
