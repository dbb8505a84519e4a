import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/** Headers a proxy adds to name the client it forwards. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * Who a request comes from, the same way for HTTP (Fastify's `trustProxy`) and Socket.IO (the
 * handshake's request): the peer address, unless the peer is one of the `trustProxy` proxies
 * (addresses or CIDRs), whose X-Forwarded-For then names the client. Off by default: a client
 * can write any X-Forwarded-For it likes, so only proxies the operator names are believed.
 */
export function clientAddresses(trustProxy: readonly string[]) {
  const trust = trustProxy.length > 0 ? proxyAddr.compile([...trustProxy]) : () => false;
  const of = (req: IncomingMessage): string => proxyAddr(req, trust);
  return {
    /** For Fastify's `trustProxy`, so `request.ip` follows the same rule. */
    trust,
    of,
    /**
     * On this machine: the client's address is loopback, and nothing says it stands for someone
     * else. A proxy on this host that is not trusted still forwards remote clients from 127.0.0.1,
     * so a forwarding header from an untrusted peer rules loopback out.
     */
    isLoopback(req: IncomingMessage): boolean {
      const peer = req.socket.remoteAddress ?? '';
      const forwarded = FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
      if (forwarded && !trust(peer, 0)) return false;
      return isLoopbackAddress(of(req));
    },
  };
}

export type ClientAddresses = ReturnType<typeof clientAddresses>;

export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/** `trustProxy` entries: an IPv4 or IPv6 address, optionally with a /prefix, or proxy-addr's names. */
export function trustProxyProblem(entry: string): string | null {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return null;
  try {
    proxyAddr.compile(entry);
    return null;
  } catch (e) {
    return `"${entry}" is not an address or CIDR (${(e as Error).message}); use e.g. 10.0.0.5, 10.0.0.0/8 or loopback`;
  }
}
