import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../test-support/harness';

/**
 * Sends the request line exactly as given (fetch would normalise some of these paths) and
 * resolves with the status and body, or with `no answer` when the server stays silent.
 */
function rawRequest(
  base: string,
  method: string,
  path: string,
): Promise<{ status: number | string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const req = request({ host: hostname, port, method, path, timeout: 3_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => {
      resolve({ status: 'no answer', body: '' });
      req.destroy();
    });
    req.on('error', (err) => resolve({ status: `error: ${err.message}`, body: '' }));
    req.end();
  });
}

// Issue 10 item 11: decodeURIComponent ran outside the router's try, so these hung forever.
// Fastify's URL handling now refuses them before routing; this keeps it that way.
describe('malformed URLs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apns: false });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each([
    ['GET', '/api/devices/%ZZ/directory'],
    ['GET', '/api/devices/%/directory'],
    ['GET', '/api/devices/%C0%80/directory'],
    ['POST', '/api/devices/%ZZ/pair'],
    ['POST', '/api/login%ZZ'],
    ['GET', '/api/%E0%A4%A'],
    ['GET', '/history/%ZZ'],
    ['GET', '/assets/%ZZ.js'],
  ])('%s %s answers 400 BAD_REQUEST at once', async (method, path) => {
    const res = await rawRequest(h.url, method, path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(res.body).toContain('malformed');
  });

  it('a malformed escape in the query string is not an error of the path', async () => {
    const res = await rawRequest(h.url, 'GET', '/healthz?x=%ZZ');
    expect(res.status).toBe(200);
  });
});
