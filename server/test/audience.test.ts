import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Call,
  type CallEvent,
  createCall,
  declinedBy,
  type EventSource,
  isLive,
  liveTransfer,
  type TransferAction,
  transition,
} from '#shared';
import { audience, consoleResync, type Delivery, wasOfferedTo } from '../src/calls/audience';

const T0 = 1_795_587_574_543;
const AGENTS = ['alice', 'bob', 'cleo'];

function outbound(devices = ['iphone', 'ipad']): Call {
  return createCall({
    id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    direction: 'outbound',
    agentId: 'alice',
    staffId: 'ana',
    deviceIds: devices,
    handle: 'Switchboard',
    callerName: 'Support · Alice',
    video: false,
    createdAt: T0,
    ringUntil: T0 + 45_000,
    source: 'agent',
  });
}

function inbound(): Call {
  return createCall({
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    direction: 'inbound',
    agentId: null,
    staffId: 'ana',
    deviceIds: ['iphone'],
    handle: '+15551234567',
    callerName: 'Ana',
    video: false,
    createdAt: T0,
    ringUntil: T0 + 45_000,
    source: 'device',
  });
}

function step(call: Call, event: CallEvent, source: EventSource, at = T0 + 1000): Call {
  const r = transition(call, event, at, source);
  if (!r.ok) throw new Error(`${event.type} refused: ${r.message}`);
  return r.call;
}

const agentsOf = (d: Delivery) => {
  const base =
    d.agents === null
      ? []
      : d.agents.to === 'everyone'
        ? AGENTS
        : d.agents.to === 'agents'
          ? d.agents.agentIds
          : [d.agents.agentId];
  return [...base, ...d.transferAgents];
};
const transfer = (action: TransferAction): CallEvent => ({ type: 'transfer', action });
const toBob = (kind: 'blind' | 'warm'): CallEvent =>
  transfer({
    type: 'start',
    kind,
    toAgentId: 'bob',
    fromName: 'Alice',
    toName: 'Bob',
    ringUntil: T0 + 9_000,
  });

describe('the audience rule', () => {
  it('tells each phone of a new outbound call once, and only its owner among consoles', () => {
    const call = outbound();
    const d = audience({ prev: null, next: call, actorDeviceId: null });
    expect(d.agents).toEqual({ to: 'agent', agentId: 'alice', event: 'call:changed' });
    expect(d.devices).toEqual([
      { deviceId: 'iphone', cancel: null },
      { deviceId: 'ipad', cancel: null },
    ]);
  });

  it('sends a push attempt to the owner only, never to phones', () => {
    const call = outbound();
    const d = audience({ prev: call, next: call, actorDeviceId: null, pushRecord: true });
    expect(agentsOf(d)).toEqual(['alice']);
    expect(d.devices).toEqual([]);
  });

  it('cancels the phone that lost the race, and only tells the winner the outcome', () => {
    const ringing = step(
      step(outbound(), { type: 'reported', deviceId: 'iphone' }, 'device'),
      {
        type: 'reported',
        deviceId: 'ipad',
      },
      'device',
    );
    const answered = step(ringing, { type: 'answered', deviceId: 'iphone' }, 'device');
    const d = audience({ prev: ringing, next: answered, actorDeviceId: 'iphone' });
    expect(d.devices).toEqual([
      { deviceId: 'iphone', cancel: null },
      { deviceId: 'ipad', cancel: 'answeredElsewhere' },
    ]);
    // Once its leg is over, the iPad hears nothing more of the call.
    const hungUp = step(answered, { type: 'hangup' }, 'agent');
    expect(audience({ prev: answered, next: hungUp, actorDeviceId: null }).devices).toEqual([
      { deviceId: 'iphone', cancel: 'completed' },
    ]);
  });

  it('never tells a phone that could not be rung at all', () => {
    const call = step(
      outbound(['iphone']),
      { type: 'legUnreachable', deviceId: 'iphone', detail: 'no token' },
      'server',
    );
    expect(audience({ prev: null, next: call, actorDeviceId: null }).devices).toEqual([]);
  });

  it('rings every console with an inbound call, tells them all who took it, then only the taker', () => {
    const call = inbound();
    expect(audience({ prev: null, next: call, actorDeviceId: 'iphone' }).agents).toEqual({
      to: 'everyone',
      event: 'call:incoming',
    });
    const taken = step(call, { type: 'accepted', agentId: 'bob' }, 'agent');
    expect(audience({ prev: call, next: taken, actorDeviceId: null }).agents).toEqual({
      to: 'everyone',
      event: 'call:changed',
    });
    const connected = step(taken, { type: 'connected' }, 'device');
    expect(agentsOf(audience({ prev: taken, next: connected, actorDeviceId: 'iphone' }))).toEqual(['bob']);
  });

  it('tells the agent a transfer rings until it ends, and the first agent the change that takes the call', () => {
    const active = step(
      step(outbound(['iphone']), { type: 'answered', deviceId: 'iphone' }, 'device'),
      { type: 'connected' },
      'device',
    );
    const ringing = step(active, toBob('blind'), 'agent');
    expect(agentsOf(audience({ prev: active, next: ringing, actorDeviceId: null }))).toEqual([
      'alice',
      'bob',
    ]);
    const muted = step(ringing, { type: 'mute', on: true }, 'agent');
    expect(agentsOf(audience({ prev: ringing, next: muted, actorDeviceId: null }))).toEqual(['alice', 'bob']);
    const taken = step(muted, transfer({ type: 'accept' }), 'agent');
    expect(agentsOf(audience({ prev: muted, next: taken, actorDeviceId: null }))).toEqual(['bob', 'alice']);
    const later = step(taken, { type: 'hold', on: true }, 'agent');
    expect(agentsOf(audience({ prev: taken, next: later, actorDeviceId: null }))).toEqual(['bob']);
    // Declined, the transfer's last change still reaches the agent it rang.
    const declined = step(step(active, toBob('warm'), 'agent'), transfer({ type: 'decline' }), 'agent');
    const before = step(active, toBob('warm'), 'agent');
    expect(agentsOf(audience({ prev: before, next: declined, actorDeviceId: null }))).toEqual([
      'alice',
      'bob',
    ]);
    expect(consoleResync('bob', [before]).map((r) => r.event)).toEqual(['call:changed']);
    expect(consoleResync('bob', [declined])).toEqual([]);
  });

  it('offers no console an inbound call that never rang', () => {
    const call = step(inbound(), { type: 'unreachable', detail: 'no agent is online' }, 'server');
    expect(audience({ prev: null, next: call, actorDeviceId: 'iphone' }).agents).toBeNull();
    const nobody = step(
      { ...inbound(), offeredTo: [] },
      { type: 'noAgentAvailable', detail: 'no agent is available' },
      'server',
    );
    expect(audience({ prev: null, next: nobody, actorDeviceId: 'iphone' }).agents).toBeNull();
  });

  it('rings only the agents an inbound call was offered to, and tells only them who took it', () => {
    const call: Call = { ...inbound(), offeredTo: ['alice', 'cleo'] };
    expect(agentsOf(audience({ prev: null, next: call, actorDeviceId: 'iphone' }))).toEqual([
      'alice',
      'cleo',
    ]);
    const taken = step(call, { type: 'accepted', agentId: 'cleo' }, 'agent');
    expect(audience({ prev: call, next: taken, actorDeviceId: null }).agents).toEqual({
      to: 'agents',
      agentIds: ['alice', 'cleo'],
      event: 'call:changed',
    });
    expect(consoleResync('bob', [call])).toEqual([]);
    expect(consoleResync('alice', [call])).toEqual([{ event: 'call:incoming', call }]);
  });

  it('resyncs a console with exactly the live calls it would hold from the live broadcasts', () => {
    const events: fc.Arbitrary<[CallEvent, EventSource]>[] = [
      fc.constantFrom<[CallEvent, EventSource]>(
        [{ type: 'reported', deviceId: 'iphone' }, 'device'],
        [{ type: 'reported', deviceId: 'ipad' }, 'device'],
        [{ type: 'answered', deviceId: 'iphone' }, 'device'],
        [{ type: 'answered', deviceId: 'ipad' }, 'device'],
        [{ type: 'declined', deviceId: 'ipad' }, 'device'],
        [{ type: 'connected' }, 'device'],
        [{ type: 'hold', on: true }, 'agent'],
        [{ type: 'hangup' }, 'agent'],
        [{ type: 'hangup', deviceId: 'iphone' }, 'device'],
        [{ type: 'timeout' }, 'server'],
      ),
      fc
        .constantFrom(...AGENTS)
        .map((agentId): [CallEvent, EventSource] => [{ type: 'accepted', agentId }, 'agent']),
      fc.constantFrom<[CallEvent, EventSource]>(
        [toBob('blind'), 'agent'],
        [toBob('warm'), 'agent'],
        [
          transfer({
            type: 'start',
            kind: 'warm',
            toAgentId: 'cleo',
            fromName: 'A',
            toName: 'C',
            ringUntil: T0,
          }),
          'agent',
        ],
        [transfer({ type: 'accept' }), 'agent'],
        [transfer({ type: 'decline' }), 'agent'],
        [transfer({ type: 'complete' }), 'agent'],
        [transfer({ type: 'cancel' }), 'agent'],
        [transfer({ type: 'timeout' }), 'server'],
      ),
    ];
    const script = fc.array(fc.record({ which: fc.nat(3), event: fc.oneof(...events) }), { maxLength: 30 });
    fc.assert(
      fc.property(script, (steps) => {
        // Four calls in flight at once: two outbound (alice's, bob's), one inbound that rings
        // everyone (from before availability) and one offered to bob and cleo only.
        let calls: Call[] = [
          outbound(),
          { ...outbound(), id: 'b1c2d3e4-0000-4000-8000-000000000002', agentId: 'bob' },
          inbound(),
          { ...inbound(), id: 'b1c2d3e4-0000-4000-8000-000000000004', offeredTo: ['bob', 'cleo'] },
        ];
        const held = new Map(AGENTS.map((a) => [a, new Map<string, Call>()]));
        const deliver = (prev: Call | null, next: Call) => {
          for (const agentId of agentsOf(audience({ prev, next, actorDeviceId: null }))) {
            const view = held.get(agentId)!;
            // What a console keeps: its own and unclaimed calls while live, unless it declined
            // them; others' calls it lets go.
            const open = next.agentId === null && !declinedBy(next).has(agentId);
            const asked = liveTransfer(next)?.toAgentId === agentId;
            const keep = isLive(next) && (next.agentId === agentId || open || asked);
            if (keep) view.set(next.id, next);
            else view.delete(next.id);
          }
        };
        for (const call of calls) deliver(null, call);
        for (const { which, event } of steps) {
          const prev = calls[which]!;
          // The server refuses an accept from an agent the call was not offered to.
          if (event[0].type === 'accepted' && !wasOfferedTo(prev, event[0].agentId)) continue;
          const r = transition(prev, event[0], T0 + 1, event[1]);
          if (!r.ok || !r.changed) continue;
          calls = calls.map((c, i) => (i === which ? r.call : c));
          deliver(prev, r.call);
        }
        const live = calls.filter(isLive);
        for (const agentId of AGENTS) {
          const resynced = consoleResync(agentId, live).map((r) => r.call);
          expect([...held.get(agentId)!.values()].sort(byId)).toEqual(resynced.sort(byId));
        }
      }),
      { numRuns: 300 },
    );
  });
});

const byId = (a: Call, b: Call) => a.id.localeCompare(b.id);
