import { test as base, Browser, BrowserContext } from '@playwright/test';

// Everything Playwright's own module gives, but `test`: the specs import from here.
export * from '@playwright/test';

// What the browser itself prints when a connection cannot be made or breaks: the only
// console errors a test may declare expected, and only while it has the server down.
const CONNECTION_LOST = [
  /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|INTERNET_DISCONNECTED)/,
  /^WebSocket connection to '.*' failed/,
];

/**
 * Everything that went wrong in the pages of one test: uncaught errors (a Rust panic
 * ends in one, after its message on the console), console errors, crashed pages. Every
 * context a test opens is watched; the test fails at its end if anything was reported.
 * An error the client expects (a 401 after signing out, a taken name) must be handled
 * in the client, not listed here.
 */
export class PageProblems {
  readonly seen: string[] = [];
  private watched = new WeakSet<BrowserContext>();
  private down = false;
  private provoked: { pattern: RegExp; seen: number }[] = [];

  watch(ctx: BrowserContext) {
    if (this.watched.has(ctx)) return;
    this.watched.add(ctx);
    ctx.on('weberror', (e) => {
      const err = e.error();
      this.seen.push(`uncaught in ${e.page()?.url() ?? 'a page'}: ${err.stack ?? err.message}`);
    });
    ctx.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (this.down && CONNECTION_LOST.some((r) => r.test(text))) return;
      const at = m.location().url;
      const line = `${text}${at ? ` (${at})` : ''}`;
      const mine = this.provoked.find((p) => p.pattern.test(line));
      if (mine) {
        mine.seen++;
        return;
      }
      this.seen.push(`console error in ${m.page()?.url() ?? 'a worker'}: ${line}`);
    });
    ctx.on('page', (p) => p.on('crash', () => this.seen.push(`page crashed: ${p.url()}`)));
    for (const p of ctx.pages()) p.on('crash', () => this.seen.push(`page crashed: ${p.url()}`));
  }

  /**
   * The test takes the server away (stops it, or it shuts down): from now until
   * `serverBack`, the browser's own lines about refused or broken connections are expected.
   */
  serverDown() {
    this.down = true;
  }

  serverBack() {
    this.down = false;
  }

  /**
   * The test itself does what the browser reports as an error (injects a script the
   * policy refuses, asks for a file that is not there): that report is expected, and
   * must come.
   */
  provoke(pattern: RegExp) {
    this.provoked.push({ pattern, seen: 0 });
  }

  /** What went wrong, and what the test provoked that the browser never reported. */
  problems(): string[] {
    const missing = this.provoked.filter((p) => p.seen === 0).map((p) => `the browser never reported ${p.pattern}`);
    return [...this.seen, ...missing];
  }
}

/**
 * Makes every context the browser opens from now on watched by `problems`; the returned
 * function stops that and closes those contexts (the browser lives for the whole run,
 * and a test's pages left open would go on answering every later test's events).
 */
function watchBrowser(browser: Browser, problems: PageProblems): () => Promise<void> {
  const newContext = browser.newContext;
  const opened: BrowserContext[] = [];
  browser.newContext = async function (this: Browser, ...args: Parameters<Browser['newContext']>) {
    const ctx = await newContext.apply(this, args);
    problems.watch(ctx);
    opened.push(ctx);
    return ctx;
  };
  return async () => {
    browser.newContext = newContext;
    await Promise.all(opened.map((c) => c.close().catch(() => {})));
  };
}

export const test = base.extend<{ problems: PageProblems }>({
  problems: [
    async ({ browser }, use) => {
      const problems = new PageProblems();
      const unwatch = watchBrowser(browser, problems);
      try {
        await use(problems);
      } finally {
        await unwatch();
      }
      const found = problems.problems();
      if (found.length > 0) {
        throw new Error(`the pages reported ${found.length} problem(s):\n${found.join('\n')}`);
      }
    },
    { auto: true },
  ],
  context: async ({ context, problems }, use) => {
    problems.watch(context);
    await use(context);
  },
});
