import { createHash, createHmac, randomBytes } from 'node:crypto';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';

/**
 * Just enough of a TURN client (RFC 8656 Allocate with the long-term credential mechanism of
 * RFC 8489) to ask a relay over TLS, the way a browser behind a firewall that lets only TLS out
 * does: libwebrtc in Node (@roamhq/wrtc) checks a TURN server's certificate against its built-in
 * public roots only, so a test's own coturn over TLS is asked here instead.
 */

const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const SUCCESS = 0x0103;
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  realm: 0x0014,
  nonce: 0x0015,
  relayed: 0x0016,
  transport: 0x0019,
} as const;

export type Allocation =
  | { ok: true; relayed: { address: string; port: number }; lifetimeS: number }
  | { ok: false; code: number; reason: string };

/** Allocates a UDP relay on the TURN server at 127.0.0.1:port over TLS, trusting `ca`. */
export async function allocateOverTls(o: {
  port: number;
  ca: string;
  username: string;
  credential: string;
}): Promise<Allocation> {
  const socket = tlsConnect({ host: '127.0.0.1', port: o.port, ca: o.ca, servername: 'localhost' });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    const read = reader(socket);
    // The first Allocate is refused with 401 and the realm and nonce the signed one must carry.
    socket.write(message(ALLOCATE, [transportUdp()]));
    const challenge = await read();
    if (challenge.type === SUCCESS) throw new Error('the relay allocated without credentials');
    const realm = challenge.attrs.get(ATTR.realm)?.toString('utf8') ?? '';
    const nonce = challenge.attrs.get(ATTR.nonce) ?? Buffer.alloc(0);
    const key = createHash('md5').update(`${o.username}:${realm}:${o.credential}`).digest();
    const attrs = [
      transportUdp(),
      attr(ATTR.username, Buffer.from(o.username)),
      attr(ATTR.realm, Buffer.from(realm)),
      attr(ATTR.nonce, nonce),
    ];
    socket.write(signed(message(ALLOCATE, attrs), key));
    const answer = await read();
    if (answer.type !== SUCCESS) return { ok: false, ...errorOf(answer.attrs) };
    const relayed = answer.attrs.get(ATTR.relayed)!;
    return {
      ok: true,
      relayed: {
        port: relayed.readUInt16BE(2) ^ (MAGIC >>> 16),
        address: [0, 1, 2, 3].map((i) => relayed[4 + i]! ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)).join('.'),
      },
      lifetimeS: answer.attrs.get(ATTR.lifetime)?.readUInt32BE(0) ?? 0,
    };
  } finally {
    socket.destroy();
  }
}

function attr(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([head, value, padding]);
}

/** REQUESTED-TRANSPORT: UDP (17), the only relay transport RFC 8656 defines for Allocate. */
const transportUdp = () => attr(ATTR.transport, Buffer.from([17, 0, 0, 0]));

function message(type: number, attrs: Buffer[]): Buffer {
  const body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(body.length, 2);
  head.writeUInt32BE(MAGIC, 4);
  randomBytes(12).copy(head, 8);
  return Buffer.concat([head, body]);
}

/** MESSAGE-INTEGRITY: HMAC-SHA1 over the message, its length already counting the attribute. */
function signed(msg: Buffer, key: Buffer): Buffer {
  const withLength = Buffer.from(msg);
  withLength.writeUInt16BE(msg.length - 20 + 24, 2);
  const mac = createHmac('sha1', key).update(withLength).digest();
  return Buffer.concat([withLength, attr(ATTR.integrity, mac)]);
}

function errorOf(attrs: Map<number, Buffer>): { code: number; reason: string } {
  const e = attrs.get(ATTR.errorCode);
  if (!e) return { code: 0, reason: 'no ERROR-CODE' };
  return { code: (e[2]! & 0x7) * 100 + e[3]!, reason: e.subarray(4).toString('utf8') };
}

/** Reads whole STUN messages off a stream (over TCP and TLS each one says its own length). */
function reader(socket: TLSSocket) {
  let buffered = Buffer.alloc(0);
  const waiting: ((m: { type: number; attrs: Map<number, Buffer> }) => void)[] = [];
  const ready: { type: number; attrs: Map<number, Buffer> }[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 20 && buffered.length >= 20 + buffered.readUInt16BE(2)) {
      const length = 20 + buffered.readUInt16BE(2);
      const parsed = parse(buffered.subarray(0, length));
      buffered = buffered.subarray(length);
      const next = waiting.shift();
      if (next) next(parsed);
      else ready.push(parsed);
    }
  });
  return () =>
    new Promise<{ type: number; attrs: Map<number, Buffer> }>((resolve, reject) => {
      const first = ready.shift();
      if (first) return resolve(first);
      waiting.push(resolve);
      socket.once('close', () => reject(new Error('the relay closed the connection')));
    });
}

function parse(msg: Buffer): { type: number; attrs: Map<number, Buffer> } {
  const attrs = new Map<number, Buffer>();
  let at = 20;
  while (at + 4 <= msg.length) {
    const type = msg.readUInt16BE(at);
    const length = msg.readUInt16BE(at + 2);
    attrs.set(type, msg.subarray(at + 4, at + 4 + length));
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: msg.readUInt16BE(0), attrs };
}
