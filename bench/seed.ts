import { randomUUID } from 'node:crypto';
import { hashSecret, newSecret, type Storage } from '../server/src';

/**
 * Writes a paired phone straight into storage, as a redeemed pairing code would: benchmarks need
 * thousands, and pairing over HTTP is (rightly) rate-limited per address.
 */
export async function seedDevice(storage: Storage, staffId: string, bundleId: string, at: number) {
  const deviceId = randomUUID();
  const deviceSecret = newSecret();
  await storage.devices.create({
    id: deviceId,
    staffId,
    secretHash: hashSecret(deviceSecret),
    name: 'Bench iPhone',
    model: 'VirtualPhone1,1',
    osVersion: '18.0',
    appVersion: '1.0.0',
    bundleId,
    apnsEnvironment: 'sandbox',
    voipToken: null,
    tokenUpdatedAt: null,
    tokenInvalidAt: null,
    tokenInvalidReason: null,
    pairedAt: at,
    lastSeenAt: null,
  });
  return { deviceId, deviceSecret, staffId };
}

/** Resolves on the first `event` from a Socket.IO client (node's `once` wants an EventTarget type). */
export function first<T = unknown>(
  socket: { once(event: string, fn: (v: T) => void): unknown },
  event: string,
) {
  return new Promise<T>((resolve) => socket.once(event, resolve));
}

/** An agent with a signed-in session, without going through the (rate-limited) login endpoint. */
export async function seedAgent(storage: Storage, name: string, passwordHash: string, at: number) {
  const id = randomUUID();
  await storage.agents.create({ id, name, passwordHash, createdAt: at });
  const token = newSecret();
  await storage.sessions.create({
    tokenHash: hashSecret(token),
    agentId: id,
    createdAt: at,
    expiresAt: at + 3600_000,
  });
  return token;
}
