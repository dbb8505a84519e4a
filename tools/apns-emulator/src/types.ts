/** The two APNs environments. An emulator instance serves exactly one, like Apple's two hosts. */
export type ApnsEnvironment = 'sandbox' | 'production';
export const APNS_ENVIRONMENTS = ['sandbox', 'production'] as const;

/** A provider (.p8) key the emulator trusts: the public half, by key id and team id. */
export interface ProviderKey {
  keyId: string;
  teamId: string;
  publicKeyPem: string;
}

/** A freshly generated provider key: what Apple's developer portal would hand out, plus its public half. */
export interface GeneratedProviderKey extends ProviderKey {
  /** PKCS#8 PEM: the format of an AuthKey_<KEYID>.p8 file. */
  privateKeyPem: string;
}

export interface DeviceRegistration {
  /** The PushKit token, hex. */
  token: string;
  /** The app's bundle id (without `.voip`). */
  bundleId: string;
  /** Which APNs environment issued the token; default: the emulator's own. */
  environment?: ApnsEnvironment;
}

export interface DeviceState {
  token: string;
  bundleId: string;
  environment: ApnsEnvironment;
  online: boolean;
  /** When the token stopped being valid (410 Unregistered from then on), epoch ms. */
  unregisteredAt: number | null;
  /** Pushes stored while offline, waiting for the device to come back. */
  stored: number;
}

/** How many requests a fault applies to; `forever` until cleared. Default 1. */
export type FaultCount = number | 'forever';

export type Fault =
  /** The token becomes invalid now: 410 Unregistered from now on. */
  | { type: 'unregister' }
  /** 429 TooManyRequests. */
  | { type: 'throttle'; count?: FaultCount }
  /** 500 InternalServerError or 503 ServiceUnavailable. */
  | { type: 'status'; status: 500 | 503; count?: FaultCount }
  /** Answers (normally) after `ms` on the emulator's clock. */
  | { type: 'delay'; ms: number; count?: FaultCount }
  /** Sends HTTP/2 GOAWAY on the request's session instead of answering; the request is refused. */
  | { type: 'goaway'; count?: FaultCount }
  /** Destroys the TCP connection without answering. */
  | { type: 'drop'; count?: FaultCount };

export type FaultType = Fault['type'];

/** A notification as the phone receives it. */
export interface Delivery {
  token: string;
  apnsId: string;
  topic: string;
  pushType: string;
  priority: number;
  /** `apns-expiration` in epoch seconds; null when the header was absent. */
  expiration: number | null;
  collapseId: string | null;
  /** The request body, parsed. */
  payload: unknown;
  /** When APNs accepted it (epoch ms, emulator clock). */
  receivedAt: number;
  /** When it reached the device (later than receivedAt when the device was offline). */
  deliveredAt: number;
}

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  /** The device token from the path, when there was one. */
  token: string | null;
  /** Request headers, pseudo-headers and `authorization` included. */
  headers: Record<string, string>;
  body: string;
  /** null when the request was never answered (goaway, drop). */
  status: number | null;
  reason: string | null;
  apnsId: string | null;
  /** The scripted fault that shaped the answer, if any. */
  fault: FaultType | null;
}

/** Told of every push delivered to a token. */
export type DeliveryListener = (delivery: Delivery) => void;

/** A running emulator, as its starter and its control API drive it. */
export interface ApnsEmulator {
  readonly host: string;
  readonly port: number;
  /** `https://host:port` */
  readonly url: string;
  /** The PEM certificate clients must trust (self-signed: it is its own CA). */
  readonly ca: string;
  readonly environment: ApnsEnvironment;
  /** Registers (or re-registers, which makes an unregistered token valid again) a device token. */
  registerDevice(device: DeviceRegistration): DeviceState;
  device(token: string): DeviceState | undefined;
  /** The token answers 410 Unregistered from now on (timestamp: `at`, default now). */
  unregister(token: string, at?: number): DeviceState;
  /** Offline devices keep pushes (one per collapse id) until they come back or the push expires. */
  setOnline(token: string, online: boolean): DeviceState;
  /** Scripts a fault for one token, or `*` for every token without one of its own. */
  fault(token: string, fault: Fault): void;
  /** Clears the scripted faults of one token, or all of them. */
  clearFaults(token?: string): void;
  /** Calls `listener` for every push delivered to the token; returns the unsubscribe function. */
  subscribe(token: string, listener: DeliveryListener): () => void;
  /** How many listeners (in-process or Server-Sent Events) the token has. */
  subscriberCount(token: string): number;
  /** The last pushes delivered to the token (at most 100). */
  deliveries(token: string): Delivery[];
  /** Recorded requests, oldest first. */
  requests(filter?: { token?: string }): RecordedRequest[];
  clearRequests(): void;
  /** Open client connections (TCP), control API ones included. */
  connections(): number;
  close(): Promise<void>;
}
