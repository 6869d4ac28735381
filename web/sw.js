// Hearth's service worker. It does two things:
// 1. An instant start: the app shell (stylesheet, script, WASM, icons) is kept in a cache
//    named after the build, so a visit loads the 2 MB of WASM from disk. Pages come from
//    the network first (falling back to the last copy when the server cannot be reached);
//    a page from a different build than the cache clears the cache, so a page and its
//    WASM always match. Nothing else is cached: not the API, the socket, or any file.
// 2. Downloads written to disk while the page decrypts them, so no whole file is held in
//    memory: the page sends decrypted pieces through a MessageChannel, and a navigation
//    to /_hearth/save/<token> answers with them as an attachment.
'use strict';

// Replaced at build time by a hash of the WASM (scripts/build-web.sh).
const BUILD = '__HEARTH_BUILD__';
const SHELL = 'hearth-shell-' + BUILD;
const PRECACHE = ['/style/hearth.css', '/pkg/hearth.js', '/pkg/hearth_bg.wasm',
  '/manifest.webmanifest', '/style/icon.svg', '/icons/icon-192.png', '/pkg/emoji.txt'];
const pending = new Map(); // token → { name, size, port }

self.addEventListener('install', event => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    // One by one: a file that cannot be fetched now comes from the network when used, and
    // does not stop the worker (which also streams downloads) from installing.
    await Promise.allSettled(PRECACHE.map(url => cache.add(new Request(url, { cache: 'reload' }))));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', event => event.waitUntil((async () => {
  for (const key of await caches.keys()) {
    if (key.startsWith('hearth-shell-') && key !== SHELL) await caches.delete(key);
  }
  await self.clients.claim();
})()));

const isShell = path => path.startsWith('/pkg/') || path.startsWith('/style/') ||
  path.startsWith('/icons/') || path === '/manifest.webmanifest';

// Pages are kept by path: a query string does not make another copy.
const pageKey = request => new URL(request.url).pathname;

async function page(request) {
  try {
    const res = await fetch(request);
    const build = res.headers.get('x-hearth-build');
    if (build && build !== BUILD) {
      // The server runs a newer (or older) build: this cache no longer matches its pages.
      await caches.delete(SHELL);
      self.registration.update();
    } else if (res.ok && build && (res.headers.get('content-type') || '').startsWith('text/html')) {
      (await caches.open(SHELL)).put(pageKey(request), res.clone());
    }
    return res;
  } catch (e) {
    return lastCopy(pageKey(request), e);
  }
}

// The copy kept from the last time, when the server cannot be reached.
async function lastCopy(key, error) {
  const copy = await caches.match(key, { cacheName: SHELL });
  if (copy) return copy;
  throw error;
}

// The emoji table is the server's (not part of the build the cache is named after):
// from the network when it answers, else the last copy.
async function fresh(request) {
  try {
    const res = await fetch(request);
    if (res.ok) (await caches.open(SHELL)).put(request, res.clone());
    return res;
  } catch (e) {
    return lastCopy(request, e);
  }
}

// A piece of the emoji font, fetched the first time a page shows one of its emoji: kept
// from then on, so it is there offline too.
async function kept(request) {
  const copy = await caches.match(request, { cacheName: SHELL });
  if (copy) return copy;
  const res = await fetch(request);
  if (res.ok) (await caches.open(SHELL)).put(request, res.clone());
  return res;
}

async function shell(request) {
  const copy = await caches.match(request, { cacheName: SHELL });
  if (copy) return copy;
  // Past the browser's HTTP cache, which may still hold another build's file.
  return fetch(request, { cache: 'no-cache' });
}

self.addEventListener('message', event => {
  const { type, token, name, size } = event.data || {};
  if (type === 'save' && typeof token === 'string' && event.ports[0]) {
    pending.set(token, { name: String(name), size: Number(size), port: event.ports[0] });
    event.ports[0].postMessage({ type: 'ready' });
  }
});

self.addEventListener('fetch', event => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== 'GET') return;
  if (!url.pathname.startsWith('/_hearth/save/')) {
    if (event.request.mode === 'navigate') event.respondWith(page(event.request));
    else if (url.pathname === '/pkg/emoji.txt') event.respondWith(fresh(event.request));
    else if (url.pathname.startsWith('/fonts/')) event.respondWith(kept(event.request));
    else if (isShell(url.pathname) && !url.search) event.respondWith(shell(event.request));
    return;
  }
  const token = url.pathname.slice('/_hearth/save/'.length);
  const job = pending.get(token);
  if (!job) {
    event.respondWith(new Response('This download is no longer available.', { status: 404 }));
    return;
  }
  pending.delete(token);
  const { port } = job;
  // Pulled, not pushed: the page sends the next piece only when the download asks for it,
  // so at most a few pieces wait here.
  const stream = new ReadableStream({
    start(controller) {
      port.onmessage = e => {
        const m = e.data;
        if (m.type === 'piece') controller.enqueue(new Uint8Array(m.bytes));
        else if (m.type === 'end') controller.close();
        else if (m.type === 'error') controller.error(new Error(m.message));
      };
    },
    pull() { port.postMessage({ type: 'pull' }); },
    cancel() { port.postMessage({ type: 'cancel' }); },
  }, { highWaterMark: 2 });
  const quoted = encodeURIComponent(job.name).replace(/['()*]/g, c => '%' + c.charCodeAt(0).toString(16));
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename*=UTF-8''${quoted}`,
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
  };
  if (Number.isFinite(job.size)) headers['Content-Length'] = String(job.size);
  event.respondWith(new Response(stream, { headers }));
});
