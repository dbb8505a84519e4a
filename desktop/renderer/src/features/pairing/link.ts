/**
 * The server a pairing link sends the phone to, when that is this computer itself (loopback),
 * which no phone can reach: the desktop app's server before phones are let in, or a server
 * started without --public-url.
 */
export function loopbackServer(link: string): string | null {
  let server: URL;
  try {
    server = new URL(new URL(link).searchParams.get('server') ?? '');
  } catch {
    return null;
  }
  return ['127.0.0.1', 'localhost', '[::1]'].includes(server.hostname) ? server.origin : null;
}
