import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCallPush, systemClock } from '#shared';
import { createApnsPushGateway, parseConfig } from '../../../server/src';
import { runScript } from '../../../test-support/process';
import { ApnsEmulatorClient } from '../src';
import { helpText, parseCli, prepareDataDir, UsageError } from '../src/cli';
import { BUNDLE, newToken } from './helpers';

const CLI = 'tools/apns-emulator/src/cli.ts';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const run = (args: string[]) => runScript(CLI, args);

const FLAGS = /^--apns-endpoint .*$/m;

// Each run pays for a Node start with tsx: run them side by side.
describe.concurrent('apns-emulator CLI', () => {
  it('lists its options with --help', () => {
    for (const option of [
      '--port',
      '--host',
      '--environment',
      '--data-dir',
      '--accept-unknown-tokens',
      '--help',
    ]) {
      expect(helpText()).toContain(option);
    }
    expect(parseCli(['--help']).help).toBe(true);
  });

  it('has defaults, and refuses bad options with a clear message', () => {
    expect(parseCli([])).toMatchObject({ port: 2197, host: '127.0.0.1', environment: 'sandbox' });
    expect(parseCli([]).dataDir).toBe(path.resolve('.apns-emulator'));
    expect(() => parseCli(['--port', 'abc'])).toThrow(/--port "abc" is not a port/);
    expect(() => parseCli(['--port', '70000'])).toThrow(UsageError);
    expect(() => parseCli(['--environment', 'staging'])).toThrow(/must be sandbox or production/);
    expect(() => parseCli(['--log-level', 'loud'])).toThrow(/--log-level/);
    expect(() => parseCli(['extra'])).toThrow(UsageError);
  });

  it('exits with code 2 and says why on a bad option', async () => {
    const r = run(['--bogus']);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toMatch(/Unknown option '--bogus'/);
    expect(r.stderr()).toContain('--help');
  });

  it('reuses the key and certificate in its data folder', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'apns-emulator-data-'));
    dirs.push(dataDir);
    const first = await prepareDataDir(dataDir);
    const second = await prepareDataDir(dataDir);
    expect(second).toEqual(first);
    expect(path.basename(first.keyPath)).toBe(`AuthKey_${first.keyId}.p8`);
    expect(statSync(first.keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.caPath, 'utf8')).toBe(first.tls.cert);
  });

  it('prints server flags that work, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'apns-emulator-cli-'));
    dirs.push(dataDir);
    const first = run(['--port', '0', '--data-dir', dataDir]);
    const flagsLine = FLAGS.exec(await first.until(FLAGS))![0];

    // The printed flags, plus the bundle id, are what the server's own option parser takes.
    const { config } = parseConfig([...flagsLine.split(' '), '--apns-bundle-id', BUNDLE], {});
    const apns = config.apns!;
    expect(path.basename(apns.keyPath)).toBe(`AuthKey_${apns.keyId}.p8`);
    expect(statSync(apns.keyPath).mode & 0o777).toBe(0o600);
    expect(apns.endpoint?.caPath).toBe(path.join(dataDir, 'ca.pem'));

    const ca = readFileSync(apns.endpoint!.caPath!, 'utf8');
    const control = new ApnsEmulatorClient({
      url: `https://${apns.endpoint!.address}:${apns.endpoint!.port}`,
      ca,
    });
    const token = newToken();
    await control.registerDevice({ token, bundleId: BUNDLE });
    const delivered = await control.subscribe(token);
    const gateway = createApnsPushGateway({
      ...apns,
      clock: systemClock(),
      logger: pino({ level: 'silent' }),
    });
    const callId = randomUUID();
    const payload = buildCallPush({
      callId,
      handle: '+15551234567',
      callerName: 'Support',
      video: false,
      sentAt: Date.now(),
      ringUntil: Date.now() + 45_000,
    });
    const result = await gateway.send({
      deviceId: 'd1',
      token,
      environment: 'sandbox',
      kind: 'call',
      payload,
      collapseId: callId,
      deadline: Date.now() + 45_000,
    });
    expect(result.outcome).toBe('accepted');
    expect((await delivered.next()).collapseId).toBe(callId);
    await gateway.close();
    control.close();

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(first.stdout()).toContain('APNs emulator stopped (SIGTERM)');
  });
});
