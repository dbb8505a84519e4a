import type { IncomingHttpHeaders } from 'node:http';

/** APNs' payload limits: 5120 bytes for VoIP pushes, 4096 for everything else. */
export const VOIP_MAX_PAYLOAD = 5120;
export const DEFAULT_MAX_PAYLOAD = 4096;
export const MAX_COLLAPSE_ID_BYTES = 64;

/** The `apns-push-type` values Apple accepts, and the topic suffix each one requires. */
const PUSH_TYPE_SUFFIX: Record<string, string> = {
  alert: '',
  background: '',
  location: '.location-query',
  voip: '.voip',
  complication: '.complication',
  fileprovider: '.pushkit.fileprovider',
  mdm: '',
  liveactivity: '.push-type.liveactivity',
  pushtotalk: '.voip-ptt',
  widgets: '.push-type.widgets',
};
const TOPIC_SUFFIXES = Object.entries(PUSH_TYPE_SUFFIX)
  .filter(([, suffix]) => suffix !== '')
  .sort((a, b) => b[1].length - a[1].length);

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const HEX_TOKEN = /^[0-9a-f]{64,200}$/i;

/** An answer other than 200: status, APNs reason, and extra body fields (`timestamp` for 410). */
export interface Refusal {
  status: number;
  reason: string;
  extra?: Record<string, unknown>;
}

/** A push that passed every check that does not depend on the emulator's devices. */
export interface CheckedPush {
  pushType: string;
  topic: string;
  /** The bundle id the topic names (the topic without its push type's suffix). */
  app: string;
  priority: number;
  expiration: number | null;
  collapseId: string | null;
  payload: object;
}

const refuse = (status: number, reason: string): { refused: Refusal } => ({ refused: { status, reason } });

/** One string per header, and whether a header came twice (Node joins repeats; the raw list shows them). */
export function readHeaders(req: { headers: IncomingHttpHeaders; rawHeaders: string[] }): {
  headers: Record<string, string>;
  duplicate: boolean;
} {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const names = new Set<string>();
  let duplicate = false;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (names.has(name)) duplicate = true;
    names.add(name);
  }
  return { headers, duplicate };
}

/** What APNs refuses before it reads the provider token. */
export function checkEnvelope(duplicate: boolean, requestedId: string | undefined): Refusal | null {
  if (duplicate) return { status: 400, reason: 'DuplicateHeaders' };
  if (requestedId !== undefined && !UUID.test(requestedId)) return { status: 400, reason: 'BadMessageId' };
  return null;
}

/** The token, headers and body of an authorized request, checked in the order APNs reports them. */
export function checkPush(
  token: string,
  headers: Record<string, string>,
  body: Buffer,
): { refused: Refusal } | { push: CheckedPush } {
  if (!token) return refuse(400, 'MissingDeviceToken');
  if (!HEX_TOKEN.test(token)) return refuse(400, 'BadDeviceToken');

  const pushType = headers['apns-push-type'];
  if (pushType === undefined || !(pushType in PUSH_TYPE_SUFFIX)) return refuse(400, 'InvalidPushType');
  const topic = headers['apns-topic'];
  if (!topic) return refuse(400, 'MissingTopic');
  const priorityHeader = headers['apns-priority'];
  // Apple takes 10 (now), 5 (power-considerate) and, lately, 1 (low).
  if (priorityHeader !== undefined && !['1', '5', '10'].includes(priorityHeader.trim())) {
    return refuse(400, 'BadPriority');
  }
  const expirationHeader = headers['apns-expiration'];
  if (expirationHeader !== undefined && !/^\d{1,12}$/.test(expirationHeader.trim())) {
    return refuse(400, 'BadExpirationDate');
  }
  const collapseId = headers['apns-collapse-id'] ?? null;
  if (collapseId !== null && Buffer.byteLength(collapseId, 'utf8') > MAX_COLLAPSE_ID_BYTES) {
    return refuse(400, 'BadCollapseId');
  }

  if (body.length === 0) return refuse(400, 'PayloadEmpty');
  const limit = pushType === 'voip' ? VOIP_MAX_PAYLOAD : DEFAULT_MAX_PAYLOAD;
  if (body.length > limit) return refuse(413, 'PayloadTooLarge');
  const payload = parseObject(body);
  // Apple documents no reason for a body that is not a JSON dictionary; this one is the emulator's.
  if (!payload) return refuse(400, 'BadPayload');

  const app = appOfTopic(topic, pushType);
  if (typeof app !== 'string') return { refused: app };
  return {
    push: {
      pushType,
      topic,
      app,
      priority: priorityHeader === undefined ? 10 : Number(priorityHeader),
      expiration: expirationHeader === undefined ? null : Number(expirationHeader),
      collapseId,
      payload,
    },
  };
}

/**
 * The topic must carry the suffix of its push type: a `.voip` topic is for voip pushes only, and a
 * voip push to the bare bundle id is refused like Apple does (the token is the .voip topic's).
 */
function appOfTopic(topic: string, pushType: string): string | Refusal {
  const suffix = PUSH_TYPE_SUFFIX[pushType]!;
  const foreign = TOPIC_SUFFIXES.find(([type, s]) => type !== pushType && topic.endsWith(s));
  if (foreign && !(suffix && topic.endsWith(suffix))) return { status: 400, reason: 'InvalidPushType' };
  if (suffix && !topic.endsWith(suffix)) return { status: 400, reason: 'DeviceTokenNotForTopic' };
  return suffix ? topic.slice(0, -suffix.length) : topic;
}

function parseObject(body: Buffer): object | null {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : null;
}
