import {
  type Call,
  type CallEvent,
  createCall,
  type EventSource,
  type PushRecord,
  recordPush,
  transition,
} from '#shared';

/** A signed-in admin, agent-1, whose session holds for a minute. */
export const session = (name = 'demo') => ({
  token: 't'.repeat(20),
  agentId: 'agent-1',
  name,
  role: 'admin' as const,
  expiresAt: Date.now() + 60_000,
});

/** Calls built by the real state machine, as the server builds them, for the renderer's unit tests. */
export const T0 = 1_764_000_000_000;

export function newCall(
  direction: 'outbound' | 'inbound',
  deviceIds: string[],
  agentId: string | null,
): Call {
  return createCall({
    id:
      direction === 'outbound'
        ? '6f1d5b3e-8a0e-4b53-9c55-0a3c1d2e4f10'
        : '0b6c1f7e-2d1a-4c3b-9e8f-7a6b5c4d3e2f',
    direction,
    agentId,
    staffId: 'staff-ana',
    deviceIds,
    handle: '+15550100000',
    callerName: 'Ana Answers',
    video: false,
    createdAt: T0,
    ringUntil: T0 + 45_000,
    source: direction === 'outbound' ? 'agent' : 'device',
  });
}

export type Step = [atMs: number, event: CallEvent, source: EventSource] | ['push', PushRecord];

export function play(call: Call, steps: Step[]): Call {
  let c = call;
  for (const step of steps) {
    if (step[0] === 'push') {
      c = recordPush(c, step[1]);
      continue;
    }
    const [at, event, source] = step;
    const r = transition(c, event, T0 + at, source);
    if (!r.ok) throw new Error(`${event.type}: ${r.message}`);
    c = r.call;
  }
  return c;
}

export function accepted(deviceId: string, atMs: number, latencyMs: number): PushRecord {
  return {
    deviceId,
    kind: 'call',
    at: T0 + atMs,
    apnsId: 'apns-1',
    status: 200,
    reason: null,
    outcome: 'accepted',
    attempt: 1,
    latencyMs,
  };
}
