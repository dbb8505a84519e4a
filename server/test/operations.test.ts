import { request } from 'node:http';
import type BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerStatus } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

/** A GET with headers fetch() will not send (a chosen X-Forwarded-For), answered as status and body. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** A logger whose lines the test can read: details that /healthz keeps to itself go here. */
function capturedLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

let h: Harness;
afterEach(async () => {
  await h?.close();
});

// Issue 20 item 5: /metrics answered any address; /healthz told anyone the engine, the uptime and
// the database's error text.
describe('/metrics and /healthz say only what their callers need', () => {
  const REMOTE = { 'x-forwarded-for': '203.0.113.7' };

  it('answers /metrics on loopback without a token, and elsewhere only with the bearer token', async () => {
    h = await startHarness({
      apns: false,
      config: { metricsToken: 's3cret-token', trustProxy: ['127.0.0.1'] },
    });
    expect((await get(`${h.url}/metrics`)).status).toBe(200);
    const refused = await get(`${h.url}/metrics`, REMOTE);
    expect(refused.status).toBe(401);
    expect(refused.body).not.toContain('switchboard_');
    expect(JSON.parse(refused.body).error.message).toMatch(/Bearer/);
    expect((await get(`${h.url}/metrics`, { ...REMOTE, authorization: 'Bearer wrong' })).status).toBe(401);
    const allowed = await get(`${h.url}/metrics`, { ...REMOTE, authorization: 'Bearer s3cret-token' });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('switchboard_connected_consoles');
  });

  it('takes a client behind a proxy it does not trust for a remote one, and without a token refuses it', async () => {
    h = await startHarness({ apns: false });
    // A proxy on this host forwards remote clients from 127.0.0.1: its header rules loopback out.
    const refused = await get(`${h.url}/metrics`, REMOTE);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error.message).toMatch(/SWITCHBOARD_METRICS_TOKEN/);
    expect((await get(`${h.url}/metrics`, { ...REMOTE, authorization: 'Bearer anything' })).status).toBe(401);
  });

  it('says ok, or which component fails, and puts the details in the log', async () => {
    const { logger, lines } = capturedLogger();
    h = await startHarness({ apns: false, logger });
    h.clock.advance(1234);
    const ok = await get(`${h.url}/healthz`, REMOTE);
    expect(ok).toEqual({ status: 200, body: JSON.stringify({ ok: true }) });
    await h.storage.close();
    const sick = await get(`${h.url}/healthz`, REMOTE);
    expect(sick.status).toBe(503);
    expect(JSON.parse(sick.body)).toEqual({ ok: false, failing: ['storage'] });
    const log = lines.join('\n');
    expect(log).toMatch(
      /"failing":\["storage"\].*"problem":"the database is closed".*"msg":"health check failed"/,
    );
    expect(log).toContain('driver has already been destroyed');
  });
});

// Issue 20 item 12: /healthz said ok while writes failed on a full disk (its one-row probe still
// fit in the WAL). SQLite's max_page_count fills the database for real: writes that need a new
// page fail with SQLITE_FULL, as on a full disk, while the probe's update in place still commits.
describe('a database that cannot save', () => {
  it('makes storage unhealthy for a minute after a failed write, and tells the consoles why', async () => {
    let raw: BetterSqlite3.Database | null = null;
    const { logger, lines } = capturedLogger();
    h = await startHarness({ apns: false, logger, sqliteConnection: (db) => (raw = db) });
    const agent = await h.agent('alice');
    const statuses: ServerStatus[] = [];
    agent.socket.on('server:status', (s: ServerStatus) => statuses.push(s));
    expect((await get(`${h.url}/healthz`)).status).toBe(200);

    const pages = Number(raw!.pragma('page_count', { simple: true }));
    raw!.pragma(`max_page_count = ${pages}`);
    let failed = null;
    for (let i = 0; i < 500 && !failed; i++) {
      const ack = await agent.request('staff:create', { name: `Staff member number ${i} with a long name` });
      if (!ack.ok) failed = ack.error;
    }
    expect(failed).toEqual({ code: 'UNAVAILABLE', message: 'the server cannot save right now: disk full' });

    const sick = await get(`${h.url}/healthz`);
    expect(sick.status).toBe(503);
    expect(JSON.parse(sick.body)).toEqual({ ok: false, failing: ['storage'] });
    expect(lines.join('\n')).toContain('SQLITE_FULL');
    await agent.waitFor('server:status', (s) => (s as ServerStatus).storage?.ok === false);
    expect(statuses.at(-1)?.storage).toEqual({ ok: false, problem: 'disk full', since: expect.any(Number) });

    // Space is freed; a quiet minute later storage is healthy again and the consoles hear it.
    raw!.pragma('max_page_count = 1073741823');
    h.clock.advance(60_000);
    await agent.waitFor('server:status', (s) => (s as ServerStatus).storage?.ok === true);
    expect((await get(`${h.url}/healthz`)).status).toBe(200);
  });
});
