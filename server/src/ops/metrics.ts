import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per server instance, so several servers in one test process don't collide. */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    calls: new Counter({
      name: 'switchboard_calls_total',
      help: 'Calls that ended, by outcome (end reason) and direction',
      labelNames: ['outcome', 'direction'] as const,
      registers: [registry],
    }),
    pushes: new Counter({
      name: 'switchboard_push_results_total',
      help: 'APNs push attempts by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    pushLatency: new Histogram({
      name: 'switchboard_push_latency_seconds',
      help: 'Time from sending a VoIP push to the APNs response',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    consoles: new Gauge({
      name: 'switchboard_connected_consoles',
      help: 'Agent consoles connected',
      registers: [registry],
    }),
    phones: new Gauge({
      name: 'switchboard_connected_phones',
      help: 'Phones connected over Socket.IO',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A cluster node's changes of a call begun from its own copy of the call (cluster/lock.ts) that ran
 * again under the call's lock: another node had changed the call since, or the change needed the
 * lock for a write of its own. A few per thousand changes is the normal race between nodes; many
 * more mean the nodes hear each other's changes late (Redis).
 */
export function countCallReruns(metrics: Metrics, reruns: () => number): void {
  new Counter({
    name: 'switchboard_cluster_call_reruns_total',
    help: "Changes of a call begun from this node's copy and run again under the call's lock",
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(reruns());
    },
  });
}
