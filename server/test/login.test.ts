import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginError, login } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

/** A plain HTTP server that is not Switchboard: it answers every request with this status and body. */
async function otherServer(status: number, body: string): Promise<{ url: string; server: Server }> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('the sign-in was expected to fail');
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(LoginError);
      return err as LoginError;
    },
  );

describe('login(): the one sign-in every client uses', () => {
  let h: Harness;
  const others: Server[] = [];
  beforeAll(async () => {
    h = await startHarness({ apns: false });
    await h.login('alice'); // creates alice with the harness's password
  });
  afterAll(async () => {
    for (const s of others) s.close();
    await h.close();
  });

  it('resolves with a session the server accepts', async () => {
    const session = await h.login('alice');
    expect(session).toMatchObject({
      agentId: (await h.storage.agents.findByName('alice'))?.id,
      name: 'alice',
    });
    expect(session.expiresAt).toBeGreaterThan(h.clock.now());
    const agent = await h.agent('alice');
    expect(agent.agentId).toBe(session.agentId);
  });

  it("a refusal carries the server's code, status and words", async () => {
    const err = await failure(login(h.url, 'alice', 'not the password'));
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(err.message).toBe(`sign-in as "alice" at ${h.url} refused: wrong name or password`);
  });

  it('nobody listening is UNAVAILABLE, naming where it looked', async () => {
    const { url, server } = await otherServer(200, '{}');
    await new Promise((resolve) => server.close(resolve));
    const err = await failure(login(url, 'alice', 'x'));
    expect(err).toMatchObject({ code: 'UNAVAILABLE', status: null });
    expect(err.message).toContain(`cannot reach a server at ${url}`);
  });

  it('an answer that is not a session, or an error without the envelope, says so', async () => {
    const notSession = await otherServer(200, '{"hello":"world"}');
    const broken = await otherServer(502, '<html>bad gateway</html>');
    others.push(notSession.server, broken.server);
    const a = await failure(login(notSession.url, 'alice', 'x'));
    expect(a).toMatchObject({ code: 'INTERNAL', status: 200 });
    expect(a.message).toMatch(/not a session \(token: .*\); is it a Switchboard server/);
    const b = await failure(login(broken.url, 'alice', 'x'));
    expect(b).toMatchObject({ code: 'INTERNAL', status: 502 });
    expect(b.message).toContain('refused: HTTP 502');
  });
});
