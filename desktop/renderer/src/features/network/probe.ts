import type { IceServer, RtcIce } from '#shared';

/**
 * The Network test (issue 25 item 9): from where the agent sits, which of the team's ICE servers
 * answer, by the browser's own ICE gathering against each one alone (what a call would do), and
 * the round trip through a relay that answered.
 */

/** How a URL reaches its server: STUN (UDP), TURN over UDP, over TCP, or over TLS (`turns:`). */
export type ProbeKind = 'stun' | 'udp' | 'tcp' | 'tls';

export interface ProbeResult {
  kind: ProbeKind;
  url: string;
  ok: boolean;
  /** From asking to the first candidate it gave (ok), or to giving up. */
  ms: number;
  /** What ICE said when it failed (onicecandidateerror), e.g. "701 Failed to establish connection". */
  error: string | null;
}

export interface NetworkReport {
  probes: ProbeResult[];
  /** Round trip between two peers relayed through the first relay that answered (ms), or null. */
  rttMs: number | null;
  /** The relay the round trip went through. */
  rttKind: ProbeKind | null;
  /** The server forces every call through TURN (`--ice-policy relay`). */
  relayOnly: boolean;
}

export interface ProbeDeps {
  createPeer: (config: RTCConfiguration) => RTCPeerConnection;
  now: () => number;
  /** How long a server that does not answer gets before it counts as unreachable. */
  timeoutMs: number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (id: unknown) => void;
}

export function kindOf(url: string): ProbeKind {
  if (url.startsWith('stun:') || url.startsWith('stuns:')) return 'stun';
  if (url.startsWith('turns:')) return 'tls';
  return /[?&]transport=tcp\b/i.test(url) ? 'tcp' : 'udp';
}

/** Each URL alone, as its own ICE server (the credentials of the entry it came from). */
function eachUrl(servers: readonly IceServer[]): { kind: ProbeKind; server: RTCIceServer; url: string }[] {
  return servers.flatMap((s) =>
    (Array.isArray(s.urls) ? s.urls : [s.urls]).map((url) => ({
      kind: kindOf(url),
      url,
      server: { urls: url, username: s.username, credential: s.credential },
    })),
  );
}

export async function runNetworkTest(ice: RtcIce, deps: ProbeDeps): Promise<NetworkReport> {
  const probes: ProbeResult[] = [];
  // One at a time: a slow TLS handshake should not make a UDP answer look late.
  for (const entry of eachUrl(ice.iceServers)) probes.push(await probe(entry, deps));
  const order: ProbeKind[] = ['udp', 'tcp', 'tls'];
  const relay = order
    .map((kind) => eachUrl(ice.iceServers).find((e, i) => e.kind === kind && probes[i]?.ok))
    .find((e) => e !== undefined);
  const rttMs = relay ? await roundTrip(relay.server, deps) : null;
  return {
    probes,
    rttMs,
    rttKind: rttMs === null ? null : (relay?.kind ?? null),
    relayOnly: ice.iceTransportPolicy === 'relay',
  };
}

/** Gathers against one server: a relay candidate for TURN, a server-reflexive one for STUN. */
function probe(
  entry: { kind: ProbeKind; server: RTCIceServer; url: string },
  deps: ProbeDeps,
): Promise<ProbeResult> {
  const started = deps.now();
  const wanted = entry.kind === 'stun' ? 'srflx' : 'relay';
  const pc = deps.createPeer({
    iceServers: [entry.server],
    iceTransportPolicy: entry.kind === 'stun' ? 'all' : 'relay',
  });
  return new Promise<ProbeResult>((resolve) => {
    let error: string | null = null;
    const finish = (ok: boolean) => {
      deps.clearTimer(timer);
      pc.onicecandidate = null;
      pc.onicegatheringstatechange = null;
      pc.close();
      resolve({ kind: entry.kind, url: entry.url, ok, ms: deps.now() - started, error: ok ? null : error });
    };
    const timer = deps.setTimer(() => {
      error ??= `no answer in ${Math.round(deps.timeoutMs / 1000)} s`;
      finish(false);
    }, deps.timeoutMs);
    pc.onicecandidate = (e) => {
      if (e.candidate?.type === wanted || e.candidate?.candidate.includes(` typ ${wanted} `)) finish(true);
    };
    pc.onicecandidateerror = (e) => {
      const failure = e as RTCPeerConnectionIceErrorEvent;
      error = `${failure.errorCode} ${failure.errorText}`.trim();
    };
    // Gathering over without the candidate: the server refused or never answered.
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') finish(false);
    };
    pc.createDataChannel('network-test');
    void pc
      .createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .catch((e: unknown) => {
        error = e instanceof Error ? e.message : String(e);
        finish(false);
      });
  });
}

/**
 * Two peers on this page, both only through the relay, connected to each other: the selected
 * pair's round trip is there and back through it (twice this machine's distance to the relay).
 */
async function roundTrip(server: RTCIceServer, deps: ProbeDeps): Promise<number | null> {
  const config: RTCConfiguration = { iceServers: [server], iceTransportPolicy: 'relay' };
  const a = deps.createPeer(config);
  const b = deps.createPeer(config);
  a.onicecandidate = (e) => void (e.candidate && b.addIceCandidate(e.candidate).catch(() => undefined));
  b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate).catch(() => undefined));
  const channel = a.createDataChannel('network-test-rtt');
  try {
    const open = new Promise<boolean>((resolve) => {
      const timer = deps.setTimer(() => resolve(false), deps.timeoutMs);
      channel.onopen = () => {
        deps.clearTimer(timer);
        resolve(true);
      };
    });
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    if (!(await open)) return null;
    return await pairRtt(a, deps);
  } finally {
    a.close();
    b.close();
  }
}

/** The selected pair's RTT, once a consent check has measured one (they run every second or so). */
async function pairRtt(pc: RTCPeerConnection, deps: ProbeDeps): Promise<number | null> {
  const deadline = deps.now() + deps.timeoutMs;
  while (deps.now() < deadline) {
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const rtt = pair?.currentRoundTripTime;
    if (typeof rtt === 'number') return Math.round(rtt * 1000);
    // getStats has no event for a new measurement: look again shortly.
    await new Promise<void>((r) => deps.setTimer(() => r(), 200));
  }
  return null;
}
