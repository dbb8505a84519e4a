import { randomBytes } from 'node:crypto';
import { type ClientHttp2Session, connect, type OutgoingHttpHeaders } from 'node:http2';
import { type ApnsEmulator, type GeneratedProviderKey, signProviderToken } from '../src';

export const BUNDLE = 'com.example.switchboard';
export const TOPIC = `${BUNDLE}.voip`;

export const newToken = () => randomBytes(32).toString('hex');

export interface RawResponse {
  status: number;
  apnsId: string | undefined;
  reason: string | undefined;
  json: Record<string, unknown> | undefined;
}

/** A bare HTTP/2 client for crafting any request the emulator should judge. */
export function rawClient(emu: ApnsEmulator, key: GeneratedProviderKey) {
  let session: ClientHttp2Session | null = null;
  const jwt = signProviderToken(key);
  const open = () => {
    if (!session || session.closed || session.destroyed) {
      session = connect(emu.url, { ca: emu.ca });
      session.on('error', () => {});
    }
    return session;
  };
  return {
    get session() {
      return open();
    },
    jwt,
    /** Sends a voip push to `token` with valid headers, overridden (or removed, with null) by `over`. */
    push(
      token: string,
      over: Record<string, string | number | string[] | null> = {},
      body: string | Buffer = '{"switchboard":{"v":1}}',
    ): Promise<RawResponse> {
      const headers: OutgoingHttpHeaders = {
        ':method': 'POST',
        ':path': `/3/device/${token}`,
        authorization: `bearer ${jwt}`,
        'apns-push-type': 'voip',
        'apns-topic': TOPIC,
        'apns-priority': '10',
      };
      for (const [k, v] of Object.entries(over)) {
        if (v === null) delete headers[k];
        else headers[k] = Array.isArray(v) ? v : String(v);
      }
      return request(open(), headers, body);
    },
    close() {
      session?.close();
    },
  };
}

export function request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body: string | Buffer = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    let status = 0;
    let apnsId: string | undefined;
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      apnsId = h['apns-id'] as string | undefined;
    });
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => {
      if (!status) return reject(new Error(`stream ended without an answer (rstCode ${stream.rstCode})`));
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      resolve({ status, apnsId, reason: json?.reason as string | undefined, json });
    });
    stream.on('error', reject);
    stream.on('close', () => {
      if (!status) reject(new Error(`stream closed without an answer (rstCode ${stream.rstCode})`));
    });
    if (headers[':method'] === 'GET') return;
    stream.end(body);
  });
}
