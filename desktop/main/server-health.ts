/** What `GET /healthz` says of a server: whether a Switchboard server answers there, and how it is. */
export interface HealthProbe {
  reachable: boolean;
  ok: boolean;
  detail: string;
}

/** Asks `url`'s `/healthz`, three seconds at most; never throws (an unreachable server is an answer). */
export async function probeHealth(url: string, fetcher: typeof fetch = fetch): Promise<HealthProbe> {
  try {
    const res = await fetcher(new URL('/healthz', url), { signal: AbortSignal.timeout(3_000) });
    const body = (await res.json().catch(() => null)) as { ok?: unknown; failing?: unknown } | null;
    if (!body || typeof body.ok !== 'boolean') {
      return {
        reachable: false,
        ok: false,
        detail: `it answered ${res.status}, not as a Switchboard server`,
      };
    }
    // The server names the failing part only; why is in its log (Settings shows its last lines).
    const failing = Array.isArray(body.failing) ? body.failing.map(String).join(', ') : '';
    const detail = body.ok ? 'healthy' : `failing: ${failing || `HTTP ${res.status}`}; see the server's log`;
    return { reachable: true, ok: body.ok, detail };
  } catch (e) {
    const cause =
      e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : '';
    return { reachable: false, ok: false, detail: cause || 'no answer' };
  }
}
