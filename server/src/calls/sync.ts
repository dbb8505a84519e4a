import { type AgentRequest, type Call, type DeviceRequest, isLive } from '#shared';
import type { CallStore } from '../storage/types';
import { agentMaySee, consoleResync } from './audience';
import type { LiveCalls } from './live';

/**
 * What a reconnecting console asks about the calls it still shows: what is live for it now, and
 * the ones among them that ended while it was away, whole. An id in neither list is no longer
 * the console's to show (another agent took it, or it never could see it).
 */
export async function syncConsole(
  agentId: string,
  req: AgentRequest<'call:sync'>,
  live: LiveCalls,
  calls: CallStore,
): Promise<{ live: Call[]; ended: Call[] }> {
  const current = consoleResync(agentId, live.list()).map((r) => r.call);
  const liveIds = new Set(current.map((c) => c.id));
  const ended: Call[] = [];
  for (const callId of req.callIds) {
    if (liveIds.has(callId) || live.get(callId)) continue;
    const call = await calls.get(callId);
    if (call && !isLive(call) && agentMaySee(agentId, call)) ended.push(call);
  }
  return { live: current, ended };
}

/** What a waking phone asks: which of its calls still go on, and how the others ended. */
export async function syncPhone(
  deviceId: string,
  req: DeviceRequest<'call:sync'>,
  live: LiveCalls,
  calls: CallStore,
) {
  const mine = (c: Call) => c.devices.find((l) => l.deviceId === deviceId);
  const current = live.list().filter((c) => {
    const leg = mine(c);
    return leg !== undefined && leg.state !== 'ended';
  });
  const liveIds = new Set(current.map((c) => c.id));
  const ended = [];
  for (const callId of req.callIds) {
    if (liveIds.has(callId)) continue;
    const call = live.get(callId) ?? (await calls.get(callId));
    const leg = call ? mine(call) : undefined;
    // An unknown call, or one this phone is not part of, is over as far as the phone goes.
    ended.push({ callId, endReason: leg ? (leg.endReason ?? call?.endReason ?? null) : null });
  }
  return { live: current, ended };
}
