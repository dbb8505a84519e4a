import { Counter, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, type RejectReason } from '#shared';
import type { RingLeg } from '../storage/types';

/**
 * Ring health for Prometheus (issue 25 item 6): the push→ring latency and what became of rings,
 * by outcome and reason. No phone, staff or call label: the series stay as many as the outcomes
 * and reasons are, whatever the size of the team (a phone's own record is the Health screen's).
 */
export function ringMetrics(registry: Registry) {
  const latency = new Histogram({
    name: 'switchboard_push_to_ring_seconds',
    help: 'From a call push going out (or the call being placed) to the phone reporting it rings',
    buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'switchboard_ring_outcomes_total',
    help: 'Call pushes accepted or refused (reason), and phones that rang, did not ring, or answered',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const push = (reason: RejectReason | null) =>
    outcomes.inc(reason === null ? { outcome: 'accepted', reason: '' } : { outcome: 'rejected', reason });
  return {
    /** What one call's phones came to, as their record counts it. */
    legs(legs: RingLeg[]): void {
      for (const leg of legs) {
        if (leg.push) push(leg.push.reason);
        if (leg.outcome === 'rang') {
          outcomes.inc({ outcome: 'rang', reason: '' });
          if (leg.latencyMs !== null) latency.observe(leg.latencyMs / 1000);
        } else if (leg.outcome === 'notRung') outcomes.inc({ outcome: 'not_rung', reason: '' });
        if (leg.answered) outcomes.inc({ outcome: 'answered', reason: '' });
      }
    },
  };
}

export type RingMetrics = ReturnType<typeof ringMetrics>;
