import http from 'node:http';
import net from 'node:net';

/**
 * A small sticky load balancer for `npm run cluster`: it pins each client to one node, so that
 * Socket.IO's HTTP long-polling (every poll must reach the node holding the session) works as it
 * would behind nginx or a cloud balancer. A client is pinned, in order, by the `sb_node` cookie it
 * was given, by the Engine.IO session id (`sid`) it polls with (learned from the handshake the
 * node answered), or else given the next node in turn. WebSocket upgrades are passed through raw.
 */
export interface StickyProxy {
  url: string;
  port: number;
  /** How many requests and upgrades each node received (index = node). */
  served: number[];
  close(): Promise<void>;
}

const COOKIE = 'sb_node';

export async function startStickyProxy(
  targets: { host: string; port: number }[],
  listen: { port: number; host: string },
): Promise<StickyProxy> {
  const served = targets.map(() => 0);
  const bySid = new Map<string, number>();
  let next = 0;
  const sockets = new Set<net.Socket>();

  const choose = (req: http.IncomingMessage): { node: number; fresh: boolean } => {
    const cookie = /(?:^|;\s*)sb_node=(\d+)/.exec(req.headers.cookie ?? '');
    const pinned = cookie ? Number(cookie[1]) : Number.NaN;
    if (pinned >= 0 && pinned < targets.length) return { node: pinned, fresh: false };
    const sid = new URL(req.url ?? '/', 'http://x').searchParams.get('sid');
    const known = sid ? bySid.get(sid) : undefined;
    if (known !== undefined) return { node: known, fresh: false };
    const node = next;
    next = (next + 1) % targets.length;
    return { node, fresh: true };
  };

  const server = http.createServer((req, res) => {
    const { node, fresh } = choose(req);
    served[node] = (served[node] ?? 0) + 1;
    const target = targets[node]!;
    const upstream = http.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const headers = { ...up.headers };
        if (fresh) {
          const set = headers['set-cookie'] ?? [];
          headers['set-cookie'] = [...set, `${COOKIE}=${node}; Path=/; HttpOnly; SameSite=Lax`];
        }
        res.writeHead(up.statusCode ?? 502, headers);
        if (isHandshake(req.url)) learnSid(up, node);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`node ${node} (${target.host}:${target.port}) is unreachable: ${err.message}\n`);
    });
    req.pipe(upstream);
  });

  /** An Engine.IO polling handshake answers `0{"sid":"…",…}`: remember which node issued it. */
  const learnSid = (up: http.IncomingMessage, node: number) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const m = /"sid":"([^"]+)"/.exec(head);
      if (m || head.length > 4096) {
        up.off('data', onData);
        if (m) bySid.set(m[1]!, node);
        if (bySid.size > 100_000) bySid.delete(bySid.keys().next().value as string);
      }
    };
    up.on('data', onData);
  };

  server.on('upgrade', (req, client, head) => {
    const { node } = choose(req);
    served[node] = (served[node] ?? 0) + 1;
    const target = targets[node]!;
    const upstream = net.connect(target.port, target.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client as net.Socket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', drop);
    client.on('error', drop);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${listen.host}:${port}`,
    port,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const isHandshake = (url: string | undefined) => {
  const q = new URL(url ?? '/', 'http://x').searchParams;
  return q.has('EIO') && !q.has('sid');
};
