import { expect } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const bin = process.env.HEARTH_BIN ?? '../target/debug/hearth';
const site = process.env.HEARTH_SITE ?? '../target/site';

/**
 * A Hearth server of a spec's own, on plain HTTP at `host`, with a fresh data folder:
 * the account registered with its setup code is the admin, and the spec may shut it down. `start` in beforeAll,
 * `stop` in afterAll (which also fails the spec if the server panicked).
 */
export class OwnServer {
  readonly url: string;
  exited!: Promise<number | null>;
  private server?: ChildProcess;
  private data = '';
  private log = '';

  constructor(readonly host: string, readonly port: number, readonly name: string,
    readonly flags: string[] = []) {
    this.url = `http://${host}:${port}`;
  }

  /** Starts it; again after `halt`, on the same data folder. */
  async start() {
    if (!this.data) {
      this.data = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${this.name}-`));
      this.log = path.join(this.data, 'server.log');
    }
    const out = fs.openSync(this.log, 'a');
    this.server = spawn(bin, ['--addr', this.host, '--port', String(this.port), '--no-tls',
      '--data', this.data, '--site', site, ...this.flags], { stdio: ['ignore', out, out] });
    this.exited = new Promise((resolve) => this.server!.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 150; i++) {
      try {
        if ((await fetch(`${this.url}/login`)).ok) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the server for ${this.name} did not start`);
  }

  /** The setup code it printed at its first start (it has no admin yet). */
  setupCode(): string {
    const lines = fs.readFileSync(this.log, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('register with the setup code'));
    if (at < 0) throw new Error(`the server for ${this.name} printed no setup code`);
    return lines[at + 1].trim();
  }

  /** Resolves with the exit code, or 'still running' after `ms`. */
  async exit(ms: number) {
    return Promise.race([this.exited, new Promise((r) => setTimeout(() => r('still running'), ms))]);
  }

  /** Stops it as Ctrl-C would, keeping its data for the next `start`. */
  async halt() {
    this.server?.kill('SIGINT');
    expect(await this.exit(10_000)).toBe(0);
  }

  stop() {
    this.server?.kill();
    const text = fs.readFileSync(this.log, 'utf8');
    fs.rmSync(this.data, { recursive: true, force: true });
    expect(text).not.toContain('panicked');
  }
}
