import type { Call } from '#shared';

/** A call's timeline as a person reads it: offsets from the start, who did what, on which phone. */
export function formatTimeline(call: Call, names: Map<string, string> = new Map()): string {
  const lines = call.timeline.map((e) => {
    const offset = `+${e.at - call.createdAt} ms`.padEnd(10);
    const who = e.actorId ? (names.get(e.actorId) ?? e.actorId.slice(0, 8)) : '';
    const detail = e.detail ? `  ${e.detail}` : '';
    return `    ${offset} ${e.source.padEnd(6)} ${e.event.padEnd(15)} ${who}${detail}`.trimEnd();
  });
  const took = call.endedAt !== null ? ` after ${((call.endedAt - call.createdAt) / 1000).toFixed(1)} s` : '';
  return [`  → ${call.state === 'ended' ? call.endReason : call.state}${took}`, ...lines].join('\n');
}
