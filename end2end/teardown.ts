import * as fs from 'fs';
import * as path from 'path';

// After every test: the server must not have panicked on anything the browsers sent or
// asked for (a panic on one request shows only as a failed page, easy to miss). Then the
// run's data folder goes (it holds a 200 MB upload; runs would fill the disk), unless
// HEARTH_KEEP_TEST_DATA asks to keep it for a look.
export default function teardown() {
  const dir = process.env.HEARTH_TEST_DATA!;
  const log = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
  if (!process.env.HEARTH_KEEP_TEST_DATA) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const at = log.indexOf('panicked');
  if (at >= 0) {
    throw new Error(`the server panicked during the tests:\n${log.slice(at, at + 600)}`);
  }
}
