import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { z } from 'zod';
import { describeZodError } from '#shared';
import { APNS_ENVIRONMENTS, type ApnsEmulator, type Fault } from './types';

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

/** What the control API drives: the emulator, what it reports of itself, its open event streams. */
export interface ControlTarget {
  emulator: ApnsEmulator;
  info(): Record<string, unknown>;
  /** Tracks a long-lived response (SSE) so close() can end it. */
  trackStream(res: AnyResponse): () => void;
}

/**
 * The emulator's control API, for peers in other processes (a virtual phone, a benchmark). JSON
 * over HTTPS (HTTP/1.1 or HTTP/2), no authentication: the emulator is a loopback development tool.
 *
 *   GET    /_emulator/info
 *   POST   /_emulator/devices                    {token, bundleId, environment?}  → device
 *   GET    /_emulator/devices/<token>                                             → device
 *   POST   /_emulator/devices/<token>/unregister {at?}                            → device
 *   POST   /_emulator/devices/<token>/online     {online}                         → device
 *   GET    /_emulator/devices/<token>/events     Server-Sent Events: `ready`, then one `delivery` per push
 *   GET    /_emulator/devices/<token>/deliveries                                  → deliveries
 *   POST   /_emulator/faults                     {token? ("*" = all), fault}
 *   DELETE /_emulator/faults[?token=<token>]
 *   GET    /_emulator/requests[?token=<token>]                                   → recorded requests
 */
export const CONTROL_PREFIX = '/_emulator';

const count = z.union([z.number().int().positive(), z.literal('forever')]).optional();
export const faultSchema: z.ZodType<Fault> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('unregister') }),
  z.object({ type: z.literal('throttle'), count }),
  z.object({ type: z.literal('status'), status: z.union([z.literal(500), z.literal(503)]), count }),
  z.object({ type: z.literal('delay'), ms: z.number().int().nonnegative(), count }),
  z.object({ type: z.literal('goaway'), count }),
  z.object({ type: z.literal('drop'), count }),
]);
const registerSchema = z.object({
  token: z.string().regex(/^[0-9a-fA-F]{64,200}$/, 'a device token is 64 to 200 hex digits'),
  bundleId: z.string().min(1),
  environment: z.enum(APNS_ENVIRONMENTS).optional(),
});
const onlineSchema = z.object({ online: z.boolean() });
const unregisterSchema = z.object({ at: z.number().int().nonnegative().optional() });
const faultRequestSchema = z.object({ token: z.string().min(1).default('*'), fault: faultSchema });

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(res: AnyResponse, status: number, value: unknown) {
  const text = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, text ? { 'content-type': 'application/json; charset=utf-8' } : {});
  res.end(text);
}

function parse<T>(schema: z.ZodType<T>, body: Buffer): T {
  let raw: unknown;
  try {
    raw = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    throw new ControlError(400, 'the body is not JSON');
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ControlError(400, describeZodError(result.error));
  }
  return result.data;
}

export async function handleControl(
  core: ControlTarget,
  req: AnyRequest,
  res: AnyResponse,
  body: Buffer,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://emulator.invalid');
  const parts = url.pathname
    .slice(CONTROL_PREFIX.length + 1)
    .split('/')
    .filter(Boolean);
  const method = req.method ?? 'GET';
  const emu = core.emulator;
  const device = (token: string) => {
    const d = emu.device(token);
    if (!d) throw new ControlError(404, `unknown device token ${token}`);
    return d;
  };
  try {
    const [head, token, action] = parts;
    if (head === 'info' && method === 'GET' && parts.length === 1) return json(res, 200, core.info());
    if (head === 'devices') {
      if (parts.length === 1 && method === 'POST') {
        return json(res, 201, emu.registerDevice(parse(registerSchema, body)));
      }
      if (token && parts.length === 2 && method === 'GET') return json(res, 200, device(token));
      if (token && action === 'unregister' && method === 'POST') {
        device(token);
        return json(res, 200, emu.unregister(token, parse(unregisterSchema, body).at));
      }
      if (token && action === 'online' && method === 'POST') {
        device(token);
        return json(res, 200, emu.setOnline(token, parse(onlineSchema, body).online));
      }
      if (token && action === 'deliveries' && method === 'GET') return json(res, 200, emu.deliveries(token));
      if (token && action === 'events' && method === 'GET') return streamEvents(core, token, res);
    }
    if (head === 'faults' && parts.length === 1) {
      if (method === 'POST') {
        const { token: target, fault } = parse(faultRequestSchema, body);
        if (fault.type === 'unregister') device(target);
        emu.fault(target, fault);
        return json(res, 204, undefined);
      }
      if (method === 'DELETE') {
        emu.clearFaults(url.searchParams.get('token') ?? undefined);
        return json(res, 204, undefined);
      }
    }
    if (head === 'requests' && parts.length === 1 && method === 'GET') {
      const t = url.searchParams.get('token');
      return json(res, 200, emu.requests(t ? { token: t } : {}));
    }
    throw new ControlError(404, `no control endpoint ${method} ${url.pathname}`);
  } catch (err) {
    if (err instanceof ControlError) return json(res, err.status, { error: err.message });
    return json(res, 400, { error: (err as Error).message });
  }
}

/** What SSE needs of a response, whichever HTTP version it came over. */
interface Writable {
  write(chunk: string): boolean;
}

function streamEvents(core: ControlTarget, token: string, res: AnyResponse) {
  const out = res as unknown as Writable;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const write = (event: string, data: unknown) => {
    out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const unsubscribe = core.emulator.subscribe(token, (delivery) => write('delivery', delivery));
  const untrack = core.trackStream(res);
  const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    unsubscribe();
    untrack();
  };
  // Not req's 'close': an HTTP/1.1 request emits it as soon as its (empty) body has been read.
  res.on('close', stop);
  write('ready', { token: token.toLowerCase() });
}
