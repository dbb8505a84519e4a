import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/ops/metrics';
import { ringMetrics } from '../src/ring-health/metrics';

/**
 * deploy/grafana/switchboard-ring-health.json (issue 25 item 6) asks Prometheus only for series
 * this server exports, by labels they have: a renamed metric or label breaks this, not a
 * dashboard nobody looks at until a bad day.
 */
const dashboard = JSON.parse(
  readFileSync(new URL('../../deploy/grafana/switchboard-ring-health.json', import.meta.url), 'utf8'),
) as { panels: { title: string; targets: { expr: string }[] }[] };
/** Each metric the registry holds, with the labels it was declared with (values or none yet). */
const exportedOf = (registry: Registry) =>
  registry.getMetricsAsArray().map((m) => ({
    name: (m as unknown as { name: string }).name,
    labelNames: (m as unknown as { labelNames: string[] }).labelNames,
  }));

const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

describe('the sample Grafana dashboard', () => {
  it('queries only metrics and labels the server exports', async () => {
    const metrics = createMetrics();
    ringMetrics(metrics.registry);
    const labels = new Map(
      exportedOf(metrics.registry).map((m) => [m.name, new Set(['le', ...m.labelNames])]),
    );
    expect(exprs.length).toBeGreaterThan(0);
    for (const expr of exprs) {
      for (const [, name, selector] of expr.matchAll(/(switchboard_\w+)(\{[^}]*\})?/g)) {
        const base = name!.replace(/_(bucket|sum|count)$/, '');
        expect(labels.has(base), `${name} in ${expr}`).toBe(true);
        for (const [, label] of (selector ?? '').matchAll(/(\w+)\s*!?=/g)) {
          expect(labels.get(base)!.has(label!), `${label} of ${name}`).toBe(true);
        }
      }
      for (const [, by] of expr.matchAll(/by \(([^)]*)\)/g)) {
        for (const label of by!.split(',').map((l) => l.trim())) {
          expect(['le', 'outcome', 'reason'], `grouped by ${label}`).toContain(label);
        }
      }
    }
  });

  it('has no per-phone, per-staff or per-call series to ask for', async () => {
    const metrics = createMetrics();
    ringMetrics(metrics.registry);
    const ring = exportedOf(metrics.registry).filter((m) => /push_to_ring|ring_outcomes/.test(m.name));
    expect(ring.map((m) => m.name).sort()).toEqual([
      'switchboard_push_to_ring_seconds',
      'switchboard_ring_outcomes_total',
    ]);
    for (const m of ring) {
      for (const label of m.labelNames) {
        expect(['outcome', 'reason']).toContain(label);
      }
    }
  });
});
