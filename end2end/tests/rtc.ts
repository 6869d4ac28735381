import { Page } from './fixtures';

// Every RTCPeerConnection a page makes, kept where the test can ask it for its stats:
// instrumentation of the test's own, the app exposes nothing.
export const KEEP_CONNECTIONS = () => {
  const Native = window.RTCPeerConnection;
  const kept: RTCPeerConnection[] = [];
  (window as any).__connections = kept;
  window.RTCPeerConnection = function (config?: RTCConfiguration) {
    // A test may forbid direct paths, as Wi-Fi that isolates its clients does.
    const policy = (window as any).__icePolicy as RTCIceTransportPolicy | undefined;
    const pc = new Native(policy ? { ...config, iceTransportPolicy: policy } : config);
    kept.push(pc);
    return pc;
  } as any;
  window.RTCPeerConnection.prototype = Native.prototype;
};

/** Only relayed paths for the page's connections (with KEEP_CONNECTIONS). */
export const RELAY_ONLY = () => {
  (window as any).__icePolicy = 'relay';
};

/** What the newest connection of a page has sent: bytes per kind. */
export async function outbound(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as any).__connections as RTCPeerConnection[];
    const out = { audio: 0, video: 0 };
    (await pcs[pcs.length - 1].getStats()).forEach((s: any) => {
      if (s.type === 'outbound-rtp') out[s.kind as 'audio' | 'video'] += s.bytesSent;
    });
    return out;
  });
}

/** The width of the video a page receives now (frames decoded lately). */
export async function receivedWidth(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as any).__connections as RTCPeerConnection[];
    let width = 0;
    (await pcs[pcs.length - 1].getStats()).forEach((s: any) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') width = s.frameWidth ?? 0;
    });
    return width;
  });
}

/** What the newest connection of a page has received: bytes per kind, video frames decoded. */
export async function inbound(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as any).__connections as RTCPeerConnection[];
    const pc = pcs[pcs.length - 1];
    const out = { audio: 0, video: 0, frames: 0, iceServers: (pc.getConfiguration().iceServers ?? []).map((s) => [s.urls].flat()) };
    (await pc.getStats()).forEach((s: any) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'audio') out.audio += s.bytesReceived;
      if (s.kind === 'video') {
        out.video += s.bytesReceived;
        out.frames += s.framesDecoded ?? 0;
      }
    });
    return out;
  });
}


/** The kinds of candidate (host, relay…) at each end of the pair in use, and the local
 * UDP port it goes through (for a relay candidate, that of the socket behind it). */
export async function selectedPair(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as any).__connections as RTCPeerConnection[];
    const stats = new Map<string, any>();
    (await pcs[pcs.length - 1].getStats()).forEach((s: any) => stats.set(s.id, s));
    const transport = [...stats.values()].find((s) => s.type === 'transport');
    const pair = stats.get(transport?.selectedCandidatePairId);
    const local = stats.get(pair?.localCandidateId);
    return {
      local: local?.candidateType,
      remote: stats.get(pair?.remoteCandidateId)?.candidateType,
      port: (local?.relatedPort || local?.port) as number | undefined,
    };
  });
}
