// Hearth's service worker. For now it does one thing: it lets a download be written to
// disk while the page decrypts it, so no whole file is ever held in memory. The page sends
// the decrypted pieces through a MessageChannel; a navigation to /_hearth/save/<token>
// answers with them as an attachment. Every other request goes to the network untouched.
'use strict';

const pending = new Map(); // token → { name, size, port }

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('message', event => {
  const { type, token, name, size } = event.data || {};
  if (type === 'save' && typeof token === 'string' && event.ports[0]) {
    pending.set(token, { name: String(name), size: Number(size), port: event.ports[0] });
    event.ports[0].postMessage({ type: 'ready' });
  }
});

self.addEventListener('fetch', event => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith('/_hearth/save/')) return;
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
