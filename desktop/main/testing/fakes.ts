import type { LoginSession } from '#shared';
import type { SecretProtection } from '../../preload/contract';
import type { SecretBox } from '../apns-credentials';
import type { EmbeddedStatus } from '../embedded/controller';
import { type LogLine, LogTail } from '../embedded/logs';
import type { EmbeddedConfig } from '../embedded/protocol';
import type { EmbeddedControl } from '../services';

/**
 * safeStorage for tests: it really transforms the bytes (so a test can see the file is not the
 * plain text) and refuses what it did not encrypt, as safeStorage refuses another user's data.
 */
export function fakeSecretBox(opts: { available?: boolean; protection?: SecretProtection } = {}): SecretBox {
  const MAGIC = 'fake-safe-storage:';
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    protection: () => opts.protection ?? 'os',
    encryptString: (plain) => Buffer.from(MAGIC + Buffer.from(plain, 'utf8').toString('base64')),
    decryptString: (encrypted) => {
      const text = encrypted.toString('utf8');
      if (!text.startsWith(MAGIC))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(text.slice(MAGIC.length), 'base64').toString('utf8');
    },
  };
}

/**
 * The embedded server's controller without a process, for the main process's own logic (the real
 * one is tested with a real server process in embedded/embedded.test.ts). It records what it was
 * asked, and can be told to fail its next start.
 */
export function fakeEmbedded() {
  let status: EmbeddedStatus = {
    state: 'stopped',
    url: null,
    pid: null,
    startedAt: null,
    error: null,
    owner: null,
    database: null,
  };
  const logs = new LogTail(100);
  const fake = {
    starts: [] as EmbeddedConfig[],
    stops: [] as string[],
    sessions: 0,
    failNextStart: null as string | null,
    logs: logs as Pick<LogTail, 'recent'>,
    log(line: LogLine) {
      logs.push(line);
    },
    status: () => ({ ...status }),
    async start(config: EmbeddedConfig) {
      fake.starts.push(config);
      if (fake.failNextStart) {
        status = { ...status, state: 'failed', error: fake.failNextStart };
        fake.failNextStart = null;
        throw new Error(status.error!);
      }
      const url = `${config.tls ? 'https' : 'http'}://127.0.0.1:${config.port}`;
      status = {
        ...status,
        state: 'running',
        url,
        pid: 4242,
        startedAt: 1,
        error: null,
        owner: { agentId: 'a1', name: config.ownerName },
        database: `${config.dataDir}/switchboard.db`,
      };
      return url;
    },
    async stop(reason = 'stop') {
      if (status.state !== 'running') return { endedCalls: 0, killed: false };
      fake.stops.push(reason);
      status = { ...status, state: 'stopped', url: null, pid: null };
      return { endedCalls: 0, killed: false };
    },
    async ownerSession(): Promise<LoginSession> {
      fake.sessions += 1;
      return {
        token: `token-${fake.sessions}`,
        agentId: 'a1',
        name: status.owner?.name ?? '?',
        role: 'admin',
        expiresAt: 2,
      };
    },
  };
  return fake satisfies EmbeddedControl;
}
