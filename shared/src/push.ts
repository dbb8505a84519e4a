import { z } from 'zod';
import { callId, END_REASONS, epochMs } from './call';
import { describeZodError } from './validation';
import { PROTOCOL_VERSION } from './version';

/** APNs refuses VoIP payloads over 5120 bytes (UTF-8, the whole JSON body). */
export const VOIP_PAYLOAD_LIMIT = 5120;

/** The payload's own top-level key, beside no `aps` alert: VoIP pushes never show a banner. */
export const PUSH_KEY = 'switchboard';

export const callPushSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  kind: z.literal('call'),
  callId,
  handle: z.string().max(64),
  callerName: z.string().max(120),
  video: z.boolean(),
  sentAt: epochMs,
  ringUntil: epochMs,
});
export const cancelPushSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  kind: z.literal('cancel'),
  callId,
  reason: z.enum(END_REASONS),
});
export const pushContentSchema = z.discriminatedUnion('kind', [callPushSchema, cancelPushSchema]);
export const pushPayloadSchema = z.object({ [PUSH_KEY]: pushContentSchema });

export type CallPush = z.infer<typeof callPushSchema>;
export type CancelPush = z.infer<typeof cancelPushSchema>;
export type PushContent = z.infer<typeof pushContentSchema>;

export class PushPayloadTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(
      `VoIP push payload is ${bytes} bytes; APNs accepts at most ${VOIP_PAYLOAD_LIMIT}. ` +
        'Shorten the caller name or handle.',
    );
    this.name = 'PushPayloadTooLargeError';
  }
}

/** Serialises a VoIP push body, refusing (PushPayloadTooLargeError) anything APNs would refuse. */
export function encodePushBody(body: unknown): string {
  const json = JSON.stringify(body);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > VOIP_PAYLOAD_LIMIT) throw new PushPayloadTooLargeError(bytes);
  return json;
}

/** Validates and serialises a push. The schema's field limits keep it far below 5120 bytes. */
export function buildPushPayload(content: PushContent): string {
  return encodePushBody({ [PUSH_KEY]: pushContentSchema.parse(content) });
}

export const buildCallPush = (p: Omit<CallPush, 'v' | 'kind'>) =>
  buildPushPayload({ v: PROTOCOL_VERSION, kind: 'call', ...p });

export const buildCancelPush = (p: Omit<CancelPush, 'v' | 'kind'>) =>
  buildPushPayload({ v: PROTOCOL_VERSION, kind: 'cancel', ...p });

export type ParsedPush =
  | { ok: true; push: PushContent }
  /** Still carries the call id when one could be read, so the phone can report and end that call. */
  | { ok: false; error: string; callId: string | null };

/**
 * Never throws: iOS kills an app that does not report a VoIP push to CallKit, so the phone needs
 * a result for every push, even a malformed one, to report and end at once.
 */
export function parsePushPayload(raw: unknown): ParsedPush {
  let value = raw;
  if (typeof raw === 'string') {
    if (Buffer.byteLength(raw, 'utf8') > VOIP_PAYLOAD_LIMIT) {
      return { ok: false, error: 'payload larger than 5120 bytes', callId: null };
    }
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'payload is not JSON', callId: null };
    }
  }
  const result = pushPayloadSchema.safeParse(value);
  if (result.success) return { ok: true, push: result.data[PUSH_KEY] };
  const inner = (value as Record<string, unknown> | null)?.[PUSH_KEY] as Record<string, unknown> | undefined;
  const id = callId.safeParse(inner?.callId);
  return {
    ok: false,
    error: describeZodError(result.error),
    callId: id.success ? id.data : null,
  };
}

/**
 * Whether a call push has rung out: judged from the push's own ring window (`ringUntil − sentAt`,
 * both on the server's clock) counted from the moment it arrived on the phone's clock. Comparing
 * `ringUntil` with the phone's clock would make a phone whose clock runs ahead treat every push as
 * stale and never ring. A stale push is still reported to CallKit, then ended at once.
 */
export const isStale = (
  push: Pick<CallPush, 'sentAt' | 'ringUntil'>,
  arrivedAt: number,
  now: number,
): boolean => now - arrivedAt >= push.ringUntil - push.sentAt;
