import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export interface LossyUdp {
  /** Where clients send instead of the target (127.0.0.1). */
  port: number;
  /** Datagrams passed on and dropped so far, both directions together. */
  readonly counts: { passed: number; dropped: number };
  /** From now on, drop with this probability (0: a clean path again). */
  setLoss(loss: number): void;
  close(): Promise<void>;
}

/**
 * A lossy stretch of network in front of a UDP server (coturn, in the tests): every datagram,
 * both ways, is dropped with probability `loss` and otherwise passed on after `delayMs`. The
 * kernel here has no netem (its qdisc is not built in) and tests should not need root, so the
 * loss is made in user space: each client gets its own upstream socket, as a NAT would give it.
 * Drops follow a seeded generator: every run draws the same sequence.
 */
export async function startLossyUdp(o: {
  target: number;
  loss: number;
  delayMs?: number;
  seed?: number;
}): Promise<LossyUdp> {
  const random = mulberry32(o.seed ?? 0x5eed);
  let loss = o.loss;
  const counts = { passed: 0, dropped: 0 };
  const front = createSocket('udp4');
  const upstreams = new Map<string, Socket>();
  // Delayed datagrams still in flight when the test closes the path are dropped with it.
  const inFlight = new Set<NodeJS.Timeout>();
  let closed = false;
  const pass = (send: () => void) => {
    if (closed) return;
    if (random() < loss) {
      counts.dropped += 1;
      return;
    }
    counts.passed += 1;
    if (!o.delayMs) return send();
    const timer = setTimeout(() => {
      inFlight.delete(timer);
      if (!closed) send();
    }, o.delayMs);
    inFlight.add(timer);
  };
  const upstreamFor = (client: RemoteInfo): Socket => {
    const key = `${client.address}:${client.port}`;
    let socket = upstreams.get(key);
    if (!socket) {
      const s = createSocket('udp4');
      s.on('message', (msg) => pass(() => front.send(msg, client.port, client.address)));
      s.bind(0, '127.0.0.1');
      upstreams.set(key, s);
      socket = s;
    }
    return socket;
  };
  front.on('message', (msg, client) => {
    const upstream = upstreamFor(client);
    pass(() => upstream.send(msg, o.target, '127.0.0.1'));
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    port: front.address().port,
    counts,
    setLoss(p) {
      loss = p;
    },
    async close() {
      closed = true;
      for (const timer of inFlight) clearTimeout(timer);
      inFlight.clear();
      const all = [front, ...upstreams.values()];
      await Promise.all(all.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** A small seeded generator (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
