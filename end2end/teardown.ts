import * as fs from 'fs';
import * as path from 'path';

// After every test: the server must not have panicked on anything the browsers sent or
// asked for (a panic on one request shows only as a failed page, easy to miss).
export default function teardown() {
  const log = fs.readFileSync(path.join(process.env.HEARTH_TEST_DATA!, 'server.log'), 'utf8');
  const at = log.indexOf('panicked');
  if (at >= 0) {
    throw new Error(`the server panicked during the tests:\n${log.slice(at, at + 600)}`);
  }
}
