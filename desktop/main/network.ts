import os from 'node:os';

/**
 * This computer's IPv4 address on the local network, for the phones' pairing QR code: the first
 * non-internal one, preferring private ranges (a VPN's or a public address is a worse guess).
 */
export function lanAddress(interfaces = os.networkInterfaces()): string | null {
  const candidates = Object.values(interfaces)
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i && i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
  const isPrivate = (a: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a);
  return candidates.find(isPrivate) ?? candidates[0] ?? null;
}
