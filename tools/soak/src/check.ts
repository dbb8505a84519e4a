import { type Call, liveTransfer } from '#shared';
import type { Storage } from '../../../server/src';
import type { VirtualPhone } from '../../virtual-companion/src';
import type { PushLog } from './fleet';

/** A call id and the phone it concerns, with what went wrong: one line of the findings. */
export interface Finding {
  invariant: string;
  callId: string;
  deviceId?: string;
  detail: string;
}

export interface Verdict {
  calls: number;
  terminal: number;
  stuck: number;
  lost: number;
  cancelsMissing: number;
  metricsEqual: boolean;
  findings: Finding[];
  /** Calls by outcome in the database, for the report. */
  outcomes: Map<string, number>;
}

/** Every call in the database, a page at a time. */
export async function allCalls(storage: Storage): Promise<Call[]> {
  const calls: Call[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.calls.query({}, { cursor, limit: 500 });
    calls.push(...page.calls);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return calls;
}

/** `switchboard_calls_total` of a Prometheus text page, by `outcome/direction`. */
export function callsInMetrics(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^switchboard_calls_total\{([^}]*)\} (\d+)$/gm)) {
    const outcome = /outcome="([^"]*)"/.exec(m[1]!)?.[1];
    const direction = /direction="([^"]*)"/.exec(m[1]!)?.[1];
    const n = Number(m[2]);
    if (n > 0) counts.set(`${outcome}/${direction}`, n);
  }
  return counts;
}

/**
 * The soak's invariants, from the database and from the phones:
 * - every call is over, with every phone's part of it over too (no leg left pending or ringing)
 *   and no transfer left ringing or consulting, and no phone still shows a call as ringing or
 *   connected;
 * - every call the server acknowledged (to an agent or a calling phone) is in the database;
 * - every phone that was pushed a call either answered it, declined it itself, or was pushed its
 *   cancel (a phone in the background has no socket: only the push ends its call screen);
 * - the running server's `switchboard_calls_total` equals the calls that ended since it started.
 */
export function checkInvariants(o: {
  calls: Call[];
  acked: Set<string>;
  phones: { deviceId: string; phone: VirtualPhone }[];
  pushes: PushLog;
  metrics: Map<string, number>;
  /** When the server that served `metrics` started. */
  since: number;
}): Verdict {
  const findings: Finding[] = [];
  const byId = new Map(o.calls.map((c) => [c.id, c]));
  const outcomes = new Map<string, number>();
  let terminal = 0;
  for (const call of o.calls) {
    const open = call.devices.filter((l) => l.state !== 'ended');
    if (call.state === 'ended' && open.length === 0) terminal += 1;
    else if (call.state !== 'ended')
      findings.push({ invariant: 'stuck', callId: call.id, detail: `still ${call.state}` });
    for (const leg of call.state === 'ended' ? open : []) {
      findings.push({
        invariant: 'stuck',
        callId: call.id,
        deviceId: leg.deviceId,
        detail: `ended call, leg ${leg.state}`,
      });
    }
    // A transfer ends with its call: none may be left ringing or consulting on an ended one.
    const transfer = call.state === 'ended' ? liveTransfer(call) : null;
    if (transfer) {
      findings.push({
        invariant: 'stuck',
        callId: call.id,
        detail: `ended call, its ${transfer.kind} transfer to ${transfer.toName} still ${transfer.state}`,
      });
    }
    const key = call.endReason ?? call.state;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  for (const { deviceId, phone } of o.phones) {
    for (const local of phone.calls.values()) {
      if (local.state === 'ended') continue;
      findings.push({
        invariant: 'stuck',
        callId: local.id,
        deviceId,
        detail: `the phone still shows it ${local.state} (${local.history.join(' → ')}); server: ${byId.get(local.id)?.endReason ?? byId.get(local.id)?.state ?? 'unknown call'}`,
      });
    }
  }
  for (const id of o.acked) {
    if (!byId.has(id))
      findings.push({ invariant: 'lost', callId: id, detail: 'acknowledged, not in the database' });
  }
  for (const [callId, devices] of o.pushes.rung) {
    const call = byId.get(callId);
    for (const deviceId of devices) {
      if (!call) {
        findings.push({
          invariant: 'lost',
          callId,
          deviceId,
          detail: 'a phone was pushed a call the database does not have',
        });
        continue;
      }
      const leg = call.devices.find((l) => l.deviceId === deviceId);
      if (call.answeredByDeviceId === deviceId || leg?.endReason === 'declined') continue;
      if (o.pushes.cancelled.get(callId)?.has(deviceId)) continue;
      // It acknowledged the cancel it got over its socket: the server rightly sends no push then.
      if (o.phones.find((p) => p.deviceId === deviceId)?.phone.acknowledgedCancels.has(callId)) continue;
      findings.push({
        invariant: 'cancels_missing',
        callId,
        deviceId,
        detail: `pushed the call, never its cancel; the call ended ${call.endReason}, this phone's leg ${leg?.endReason ?? 'missing'}; pushes recorded for it: ${describePushes(call, deviceId)}`,
      });
    }
  }
  const metricsEqual = compareMetrics(o.calls, o.metrics, o.since, findings);
  const count = (name: string) => findings.filter((f) => f.invariant === name).length;
  return {
    calls: o.calls.length,
    terminal,
    stuck: count('stuck'),
    lost: count('lost'),
    cancelsMissing: count('cancels_missing'),
    metricsEqual,
    findings,
    outcomes,
  };
}

function describePushes(call: Call, deviceId: string): string {
  const mine = call.pushes.filter((p) => p.deviceId === deviceId);
  if (mine.length === 0) return 'none';
  return mine.map((p) => `${p.kind} ${p.outcome}${p.status ? ` ${p.status}` : ''}`).join(', ');
}

function compareMetrics(
  calls: Call[],
  metrics: Map<string, number>,
  since: number,
  findings: Finding[],
): boolean {
  const expected = new Map<string, number>();
  for (const call of calls) {
    if (call.state !== 'ended' || call.endedAt === null || call.endedAt < since) continue;
    const key = `${call.endReason ?? 'failed'}/${call.direction}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  let equal = true;
  for (const key of new Set([...expected.keys(), ...metrics.keys()])) {
    const want = expected.get(key) ?? 0;
    const got = metrics.get(key) ?? 0;
    if (want === got) continue;
    equal = false;
    findings.push({
      invariant: 'metrics',
      callId: '-',
      detail: `switchboard_calls_total{${key}} is ${got}; the database has ${want} calls that ended so since the server started`,
    });
  }
  return equal;
}
