import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { generate } from 'selfsigned';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? 'turnserver';

export interface TurnServer {
  /** `turn:127.0.0.1:PORT?transport=udp` */
  url: string;
  port: number;
  secret: string;
  /** The UDP ports this instance relays through (its relayed candidates' ports). */
  relayPorts: { from: number; to: number };
  /**
   * With `tls: true`: the TLS listener (TURN over TLS, what `turns:` URLs reach; port 443 in
   * production), its self-signed certificate (PEM), and the SHA-256 of its public key, base64,
   * which Chromium's --ignore-certificate-errors-spki-list takes to trust that key alone.
   */
  tls: { url: string; port: number; certificate: string; spki: string } | null;
  /** Everything coturn logged so far (its refusals name the user). */
  readonly log: string;
  /** Resolves once a log line matches (coturn writes errors at once, other lines when it flushes). */
  waitForLog(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Debian's coturn on loopback with the TURN REST scheme (`use-auth-secret`): credentials minted
 * from `secret` work until the time in their username. Loopback peers are allowed (coturn refuses
 * them by default, a protection that matters on a real network, not in a test). `port` reuses an
 * address (a restart); the relay ports come from a window of their own per instance.
 */
export async function startTurnServer(
  opts: {
    secret?: string;
    port?: number;
    tls?: boolean;
    /** The TLS listener's ports to try, in turn (test-support's own tests); else found free. */
    tlsPorts?: number[];
  } = {},
): Promise<TurnServer> {
  // A port found free is free only until someone binds it: on loopback the tests' own outgoing
  // connections take ephemeral ports too. Ports of our choosing are chosen again.
  const tries = opts.tlsPorts?.length ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(opts, opts.tlsPorts?.[attempt]);
    } catch (error) {
      if (!(error instanceof PortTaken) || opts.port !== undefined || attempt + 1 >= tries) throw error;
    }
  }
}

/** coturn could not bind a port it was given (another process took it after it was found free). */
class PortTaken extends Error {}

async function startOnce(
  opts: { secret?: string; port?: number; tls?: boolean },
  tlsPort: number | undefined,
): Promise<TurnServer> {
  const secret = opts.secret ?? randomBytes(16).toString('hex');
  const port = opts.port ?? (await freeUdpPort());
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-turn-'));
  const tls = opts.tls ? await tlsListener(dir, tlsPort) : null;
  const relayFrom = 50_000 + Math.floor(Math.random() * 150) * 100;
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${relayFrom}`,
    `--max-port=${relayFrom + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=switchboard.test',
    ...(tls
      ? [`--tls-listening-port=${tls.port}`, `--cert=${tls.certFile}`, `--pkey=${tls.keyFile}`]
      : ['--no-tls']),
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers',
    '--simple-log',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--db=${path.join(dir, 'turndb')}`,
  ];
  const logFile = path.join(dir, 'turnserver.log');
  const child: ChildProcess = spawn(TURNSERVER, [...args, `--log-file=${logFile}`], { stdio: 'ignore' });
  let failure = '';
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (e) => {
      failure = e.message;
      resolve();
    });
  });
  let running = true;
  void exited.then(() => {
    running = false;
  });
  // coturn's own log goes to a file (it buffers stdout when it is a pipe), read when asked.
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const waitForLog = async (pattern: RegExp) => {
    for (;;) {
      const match = pattern.exec(readLog());
      if (match) return match[0];
      if (!running) throw new Error(`turnserver exited; ${pattern} never appeared in its log:\n${readLog()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // Ready when it answers a STUN binding request, the first thing any TURN client sends.
  const deadline = Date.now() + 10_000;
  while (!(await answersStun(port)) || (tls && !(await answersTls(tls.port, tls.certificate)))) {
    const log = readLog();
    if (/Cannot bind .*listener socket/.test(log)) {
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      throw new PortTaken(`turnserver could not bind its ports:\n${log}`);
    }
    if (!running || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `turnserver did not start (is coturn installed? npm run setup) ${failure}\n${readLog()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    port,
    secret,
    relayPorts: { from: relayFrom, to: relayFrom + 99 },
    tls: tls && {
      url: `turns:127.0.0.1:${tls.port}?transport=tcp`,
      port: tls.port,
      certificate: tls.certificate,
      spki: tls.spki,
    },
    get log() {
      return readLog();
    },
    waitForLog,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A self-signed P-256 certificate for 127.0.0.1 and localhost, in files coturn reads. */
async function tlsListener(dir: string, port?: number) {
  const pems = await generate([{ name: 'commonName', value: 'coturn for the Switchboard tests' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const certFile = path.join(dir, 'turn-cert.pem');
  const keyFile = path.join(dir, 'turn-key.pem');
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  const der = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
  const spki = createHash('sha256').update(der).digest('base64');
  return { port: port ?? (await freeTcpPort()), certFile, keyFile, certificate: pems.cert, spki };
}

/** A TCP port free now on loopback (the TLS listener's). */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether a TLS handshake with the listener completes, trusting its own certificate. */
function answersTls(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A UDP port free now on loopback (coturn listens on UDP and TCP; a clash fails its start). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** One STUN binding request (RFC 5389) to 127.0.0.1:port; true if a response comes within 200 ms. */
function answersStun(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0);
    request.writeUInt32BE(0x2112a442, 4);
    randomBytes(12).copy(request, 8);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 200);
    socket.once('message', (msg) => done(msg.readUInt16BE(0) === 0x0101));
    socket.once('error', () => done(false));
    socket.send(request, port, '127.0.0.1');
  });
}
