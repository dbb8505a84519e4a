import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Call, callSchema, type EndReason } from '#shared';
import type { DeviceRow } from '../../src/storage/types';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/call');

/** A wire fixture, validated by the protocol schema so the tests store what the server stores. */
export function fixtureCall(name: string): Call {
  return callSchema.parse(JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')));
}

/** A realistic call (the outbound ringing fixture) with a new id and the given changes. */
export function makeCall(patch: Partial<Call> = {}): Call {
  const base = fixtureCall('valid-outbound-ringing');
  return { ...base, id: randomUUID(), ...patch };
}

/** The same call, ended with `reason`. */
export function ended(call: Call, reason: EndReason, at = call.createdAt + 30_000): Call {
  return {
    ...call,
    state: 'ended',
    endReason: reason,
    endedAt: at,
    devices: call.devices.map((d) => ({ ...d, state: 'ended', endReason: reason })),
    timeline: [...call.timeline, { at, event: 'ended', source: 'server', actorId: null, detail: reason }],
  };
}

export const T0 = 1_795_587_574_543;

export function makeDevice(staffId: string, patch: Partial<DeviceRow> = {}): DeviceRow {
  return {
    id: `dev_${randomUUID().slice(0, 8)}`,
    staffId,
    secretHash: 'c2VjcmV0LWhhc2g',
    name: "Ana's iPhone",
    model: 'iPhone15,2',
    osVersion: '18.1',
    appVersion: '1.0.0',
    bundleId: 'com.example.switchboard',
    apnsEnvironment: 'sandbox',
    voipToken: null,
    tokenUpdatedAt: null,
    tokenInvalidAt: null,
    tokenInvalidReason: null,
    pairedAt: T0,
    lastSeenAt: null,
    microphone: null,
    features: null,
    tokenMovedTo: null,
    ...patch,
  };
}

/** `typeof` of each of `keys` in `row`: what a test compares with 'number'. */
export function typesOf<T extends object>(row: T, keys: (keyof T)[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [String(k), typeof row[k]]));
}
