import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import { login, systemClock } from '#shared';
import { TestClient } from '../../../test-support/socket-client';
import { DEMO_AGENT, type Demo, demoBanner, startDemo } from '../src/demo';

type Changed = { call: Call };

describe('demo mode', () => {
  let demo: Demo;
  let agent: TestClient;
  let staff: StaffEntry[];
  const dataDir = path.join(os.tmpdir(), `switchboard-demo-${process.pid}`);

  beforeAll(async () => {
    demo = await startDemo({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      ringTimeoutMs: 45_000,
      clock: systemClock(),
      logger: pino({ level: 'silent' }),
    });
    const { token } = await login(demo.url, DEMO_AGENT.name, DEMO_AGENT.password);
    agent = await TestClient.connect(`${demo.url}/agent`, { token });
    staff = (await agent.waitFor<{ staff: StaffEntry[] }>('roster:snapshot')).staff;
  });
  afterAll(async () => {
    agent.close();
    await demo.close();
  });

  it('seeds three staff with a phone each, and prints how to sign in and call', () => {
    expect(staff.map((s) => s.name)).toEqual(['Ana Answers', 'Ben Declines', 'Cleo Offline']);
    expect(staff.map((s) => s.devices[0]?.presence)).toEqual(['online', 'online', 'reachable']);
    const banner = demoBanner(demo, dataDir);
    expect(banner).toContain(demo.url);
    expect(banner).toContain('name "demo", password "demo"');
    expect(banner).toContain('npm run demo:call');
  });

  it('Ben declines; Cleo, offline, rings only by push and is cancelled by the agent', async () => {
    const ben = await agent.ok<Call>('call:place', { staffId: staff[1]!.id });
    const declined = await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === ben.id && p.call.state === 'ended',
    );
    expect(declined.call.endReason).toBe('declined');

    const cleo = await agent.ok<Call>('call:place', { staffId: staff[2]!.id });
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === cleo.id && p.call.pushes.length > 0);
    const cancelled = await agent.ok<Call>('call:hangup', { callId: cleo.id });
    expect(cancelled.endReason).toBe('cancelled');
    expect(cancelled.timeline.some((e) => e.event === 'reported')).toBe(false);
  });
});
