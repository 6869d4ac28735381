import { defineConfig } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// One server for the run, with its own temporary data folder; its log goes to a file the
// tests read (to check that no secret is ever logged).
const port = Number(process.env.HEARTH_TEST_PORT ?? 3917);
const dataDir = process.env.HEARTH_TEST_DATA ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-'));
process.env.HEARTH_TEST_DATA = dataDir;
const bin = process.env.HEARTH_BIN ?? '../target/debug/hearth';
const site = process.env.HEARTH_SITE ?? '../target/site';

export default defineConfig({
  testDir: './tests',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  workers: 1,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `"${bin}" --addr 127.0.0.1 --port ${port} --data "${dataDir}" --site "${site}" > "${dataDir}/server.log" 2>&1`,
    url: `http://127.0.0.1:${port}/login`,
    timeout: 60_000,
    reuseExistingServer: false,
  },
});
