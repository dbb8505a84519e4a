import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, helpText, OPTIONS, parseConfig } from '../src/config';

describe('server configuration', () => {
  it('has sensible defaults', () => {
    const { config } = parseConfig([], {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4780,
      dataDir: path.resolve('data'),
      db: `sqlite:${path.resolve('data', 'switchboard.db')}`,
      apns: null,
      ringTimeoutMs: 45_000,
      sessionTtlMs: 12 * 3600_000,
    });
  });

  it('reads flags over environment variables', () => {
    const { config } = parseConfig(['--port', '9000', '--ring-timeout', '30s'], {
      SWITCHBOARD_PORT: '8000',
      SWITCHBOARD_RING_TIMEOUT: '1m',
      SWITCHBOARD_DB: 'postgres://u@h:5432/d',
    });
    expect(config).toMatchObject({ port: 9000, ringTimeoutMs: 30_000, db: 'postgres://u@h:5432/d' });
  });

  it('takes the per-socket request rate and the cluster node TTL, and refuses nonsense', () => {
    expect(parseConfig([], {}).config).toMatchObject({
      socketRate: { perSecond: 20, burst: 60 },
      nodeTtlMs: 15_000,
    });
    const { config } = parseConfig(['--socket-rate', '50', '--node-ttl', '5s'], {});
    expect(config).toMatchObject({ socketRate: { perSecond: 50, burst: 150 }, nodeTtlMs: 5_000 });
    expect(parseConfig([], { SWITCHBOARD_SOCKET_RATE: '7' }).config.socketRate.perSecond).toBe(7);
    expect(() => parseConfig(['--socket-rate', '0'], {})).toThrow(/socket rate must be at least 1/);
    expect(() => parseConfig(['--socket-rate', '2.5'], {})).toThrow(/whole number/);
    expect(() => parseConfig(['--node-ttl', '200ms'], {})).toThrow(/node TTL must be at least 1s/);
  });

  it('takes the web console folder from --web-root or SWITCHBOARD_WEB_ROOT, else leaves the default to the server', () => {
    expect(parseConfig([], {}).config.webRoot).toBeUndefined();
    expect(parseConfig([], { SWITCHBOARD_WEB_ROOT: '/srv/console' }).config.webRoot).toBe('/srv/console');
    const flag = parseConfig(['--web-root', 'build/web'], { SWITCHBOARD_WEB_ROOT: '/srv/console' });
    expect(flag.config.webRoot).toBe(path.resolve('build/web'));
  });

  it('takes console origins from --console-origin (repeated) or SWITCHBOARD_CONSOLE_ORIGINS, and refuses URLs with a path', () => {
    expect(parseConfig([], {}).config.consoleOrigins).toEqual([]);
    const flags = ['--console-origin', 'https://a.example', '--console-origin', 'http://b.example:8080'];
    expect(parseConfig(flags, {}).config.consoleOrigins).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
    const env = { SWITCHBOARD_CONSOLE_ORIGINS: 'https://a.example, https://c.example/' };
    expect(parseConfig([], env).config.consoleOrigins).toEqual(['https://a.example', 'https://c.example']);
    expect(() => parseConfig(['--console-origin', 'https://a.example/console'], {})).toThrow(
      /is not an origin/,
    );
    expect(() => parseConfig(['--console-origin', 'a.example'], {})).toThrow(/is not an origin/);
  });

  it('takes trusted proxies and the metrics token, never the token as an argument', () => {
    expect(parseConfig([], {}).config).toMatchObject({ trustProxy: [], metricsToken: null });
    const { config } = parseConfig(['--trust-proxy', '10.0.0.5', '--trust-proxy', '10.1.0.0/16,loopback'], {
      SWITCHBOARD_METRICS_TOKEN: 'a-long-enough-token',
    });
    expect(config).toMatchObject({
      trustProxy: ['10.0.0.5', '10.1.0.0/16', 'loopback'],
      metricsToken: 'a-long-enough-token',
    });
    expect(() => parseConfig(['--trust-proxy', 'proxy.example'], {})).toThrow(/is not an address or CIDR/);
    expect(() => parseConfig(['--metrics-token', 'a-long-enough-token'], {})).toThrow(
      /--metrics-token would put the token in ps/,
    );
    expect(() => parseConfig([], { SWITCHBOARD_METRICS_TOKEN: 'short' })).toThrow(/at least 16 characters/);
  });

  it('builds the APNs settings and the emulator endpoint', () => {
    const { config } = parseConfig(
      [
        ...['--apns-key', 'k.p8', '--apns-key-id', 'ABC123DEFG', '--apns-team-id', 'TEAM123456'],
        ...[
          '--apns-bundle-id',
          'com.example.app',
          '--apns-endpoint',
          '127.0.0.1:2197',
          '--apns-ca',
          'ca.pem',
        ],
      ],
      {},
    );
    expect(config.apns).toEqual({
      keyPath: path.resolve('k.p8'),
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
      bundleId: 'com.example.app',
      forceEnvironment: undefined,
      endpoint: { address: '127.0.0.1', port: 2197, caPath: path.resolve('ca.pem') },
    });
  });

  it.each([
    [['--port', 'eighty'], /--port: /],
    [['--ring-timeout', 'soon'], /"soon" is not a duration; use e.g. 45s/],
    [['--db', 'mysql://x'], /use sqlite:PATH or postgres/],
    [['--apns-key', 'k.p8'], /APNs needs all four of its options; missing --apns-key-id, --apns-team-id/],
    [['--apns-endpoint', 'localhost'], /use host:port/],
    [['--apns-env', 'staging'], /--apns-env/],
    [['--bogus'], /Unknown option '--bogus'/],
    [
      ['--ring-timeout', '5s', '--not-rung-after', '5s'],
      /--not-rung-after \(5s\) must be shorter than --ring-timeout \(5s\)/,
    ],
  ])('explains %j', (args, message) => {
    expect(() => parseConfig(args, {})).toThrow(ConfigError);
    expect(() => parseConfig(args, {})).toThrow(message);
  });

  it('takes a ring timeout shorter than the default not-rung-after (which then never shows)', () => {
    expect(parseConfig(['--ring-timeout', '2s'], {}).config).toMatchObject({
      ringTimeoutMs: 2000,
      notRungAfterMs: 5000,
    });
    expect(() => parseConfig(['--ring-timeout', '2s'], { SWITCHBOARD_NOT_RUNG_AFTER: '3s' })).toThrow(
      '--not-rung-after (3s) must be shorter than --ring-timeout (2s)',
    );
  });

  it('lists every option and its environment variable in --help', () => {
    const help = helpText();
    for (const [name, spec] of Object.entries(OPTIONS)) {
      expect(help).toContain(`--${name}`);
      expect(help).toContain(spec.env);
    }
  });
});
