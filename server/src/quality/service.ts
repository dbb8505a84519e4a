import {
  type Call,
  type CallQuality,
  type Clock,
  ERROR_CODES,
  markOf,
  type PhoneQuality,
  QUALITY_PHONE_DAYS,
  QUALITY_REPORT_WINDOW_MS,
  type QualityDay,
  type QualityReport,
  transfersOf,
  worstMark,
} from '#shared';
import { AppError, forbidden, notFound } from '../errors';
import type { QualityRow } from '../storage/quality-types';
import type { Storage } from '../storage/types';

const DAY_MS = 86_400_000;

/** Who sends a report: a console's agent or a phone. */
export type QualityParty = { agentId: string } | { deviceId: string };

/**
 * Call quality (issue 25 item 8): each end's reports kept with the call, the call's mark for
 * history (its worse end's), and a phone's quality over its recent calls.
 */
export class QualityService {
  constructor(private readonly o: { storage: Storage; clock: Clock }) {}

  async report(party: QualityParty, { callId, summary }: QualityReport): Promise<null> {
    const { storage, clock } = this.o;
    const call = await storage.calls.get(callId);
    if (!call) throw notFound('call');
    const partyId = 'agentId' in party ? party.agentId : party.deviceId;
    if (!isParty(call, party)) {
      throw forbidden("only the call's own agent and the phone that answered it report how it sounded");
    }
    const now = clock.now();
    if (call.endedAt !== null && now - call.endedAt > QUALITY_REPORT_WINDOW_MS) {
      throw new AppError(ERROR_CODES.CONFLICT, 'the call ended too long ago to take a quality report');
    }
    await storage.quality.save({
      callId: call.id,
      partyId,
      side: 'agentId' in party ? 'agent' : 'phone',
      deviceId: call.answeredByDeviceId,
      callCreatedAt: call.createdAt,
      at: now,
      mark: markOf(summary),
      mos: summary.mos?.avg ?? null,
      summary,
    });
    return null;
  }

  /** The quality of these calls (those any end reported on), by call id. */
  async forCalls(calls: readonly Pick<Call, 'id'>[]): Promise<Record<string, CallQuality>> {
    const rows = await this.o.storage.quality.forCalls(calls.map((c) => c.id));
    const byCall: Record<string, CallQuality> = {};
    for (const [id, reports] of groupBy(rows, (r) => r.callId)) byCall[id] = callQualityOf(reports);
    return byCall;
  }

  /** A phone's calls over QUALITY_PHONE_DAYS UTC days (today last), by their marks. */
  async phone(deviceId: string): Promise<PhoneQuality> {
    const today = Math.floor(this.o.clock.now() / DAY_MS) * DAY_MS;
    const from = today - (QUALITY_PHONE_DAYS - 1) * DAY_MS;
    const rows = await this.o.storage.quality.forDevice(deviceId, from);
    const calls = [...groupBy(rows, (r) => r.callId)].map(([callId, reports]) => ({
      callId,
      at: reports[0]!.callCreatedAt,
      ...callQualityOf(reports),
    }));
    const days = Array.from({ length: QUALITY_PHONE_DAYS }, (_, i) => {
      const start = from + i * DAY_MS;
      return { start, ...tally(calls.filter((c) => c.at >= start && c.at < start + DAY_MS)) };
    });
    const poor = calls.filter((c) => c.mark === 'poor').sort((a, b) => b.at - a.at)[0];
    return {
      deviceId,
      days,
      week: tally(calls.filter((c) => c.at >= today - 6 * DAY_MS)),
      lastPoor: poor ? { callId: poor.callId, at: poor.at, mos: poor.mos } : null,
    };
  }
}

function isParty(call: Call, party: QualityParty): boolean {
  if ('deviceId' in party) return call.answeredByDeviceId === party.deviceId;
  // The agent a transfer handed the call away from reports the part they were in.
  return (
    call.agentId === party.agentId ||
    transfersOf(call).some((t) => t.state === 'completed' && t.fromAgentId === party.agentId)
  );
}

/** A call's mark is its worse end's, its MOS the lower end's: each end hears another direction. */
export function callQualityOf(reports: readonly QualityRow[]): CallQuality {
  const scored = reports.map((r) => r.mos).filter((m): m is number => m !== null);
  return {
    mark: worstMark(reports.map((r) => r.mark)),
    mos: scored.length > 0 ? Math.min(...scored) : null,
    sides: [...reports]
      .sort((a, b) => a.side.localeCompare(b.side) || a.at - b.at)
      .map((r) => ({ side: r.side, partyId: r.partyId, at: r.at, mark: r.mark, summary: r.summary })),
  };
}

function tally(
  calls: readonly { mark: CallQuality['mark']; mos: number | null }[],
): Omit<QualityDay, 'start'> {
  const scored = calls.map((c) => c.mos).filter((m): m is number => m !== null);
  return {
    good: calls.filter((c) => c.mark === 'good').length,
    fair: calls.filter((c) => c.mark === 'fair').length,
    poor: calls.filter((c) => c.mark === 'poor').length,
    mos:
      scored.length > 0 ? Math.round((scored.reduce((a, b) => a + b, 0) / scored.length) * 100) / 100 : null,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
