import { randomUUID } from 'node:crypto';
import { parsePushPayload } from '#shared';
import { hashSecret, newSecret, type Storage } from '../../../server/src';
import type { ApnsEmulator } from '../../apns-emulator/src';
import {
  type Behaviour,
  type Credentials,
  type PushNetwork,
  VirtualPhone,
} from '../../virtual-companion/src';
import type { Random } from './random';

export const BUNDLE_ID = 'com.example.switchboard';

/** Which phone each push reached, by call id: what the invariants compare with the database. */
export interface PushLog {
  /** callId → devices a call push was delivered to. */
  rung: Map<string, Set<string>>;
  /** callId → devices a cancel push was delivered to. */
  cancelled: Map<string, Set<string>>;
}

export interface StaffMember {
  staffId: string;
  phones: VirtualPhone[];
}

/** Staff members with one to three paired phones each, written straight into the database. */
export async function seedStaff(
  storage: Storage,
  count: number,
  random: Random,
): Promise<{ staffId: string; devices: Credentials[] }[]> {
  const staff = [];
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const staffId = randomUUID();
    await storage.staff.create({ id: staffId, name: `Staff ${i + 1}`, handle: null, createdAt: now });
    const devices: Credentials[] = [];
    for (let d = random.int(1, 3); d > 0; d--) {
      const deviceId = randomUUID();
      const deviceSecret = newSecret();
      await storage.devices.create({
        id: deviceId,
        staffId,
        secretHash: hashSecret(deviceSecret),
        name: `Phone ${d} of staff ${i + 1}`,
        model: 'VirtualPhone1,1',
        osVersion: '18.0',
        appVersion: '1.0.0 (soak)',
        bundleId: BUNDLE_ID,
        apnsEnvironment: 'sandbox',
        voipToken: null,
        tokenUpdatedAt: null,
        tokenInvalidAt: null,
        tokenInvalidReason: null,
        pairedAt: now,
        lastSeenAt: null,
      });
      devices.push({ deviceId, deviceSecret, staffId });
    }
    staff.push({ staffId, devices });
  }
  return staff;
}

/** The emulator in this process, with every delivery written to the log before the phone sees it. */
function recordingNetwork(
  emulator: ApnsEmulator,
  log: PushLog,
  deviceOf: (token: string) => string,
): PushNetwork {
  const note = (map: Map<string, Set<string>>, callId: string, deviceId: string) =>
    map.set(callId, (map.get(callId) ?? new Set()).add(deviceId));
  return {
    async register(token, bundleId, environment) {
      emulator.registerDevice({ token, bundleId, environment });
    },
    async subscribe(token, onPush) {
      return emulator.subscribe(token, (delivery) => {
        const parsed = parsePushPayload(delivery.payload);
        if (parsed.ok)
          note(parsed.push.kind === 'call' ? log.rung : log.cancelled, parsed.push.callId, deviceOf(token));
        onPush(delivery.payload);
      });
    },
    async setOnline(token, online) {
      emulator.setOnline(token, online);
    },
  };
}

/** Half the callers who answer hang up within this long. */
export const LONGEST_HANGUP_MS = 300;

/**
 * What the person holding the phone does when it rings, drawn afresh for every call: answer (at
 * once, which races the staff member's other phones, or after a moment), decline, or let it ring.
 */
export function drawBehaviour(random: Random): Behaviour {
  const roll = random.next();
  const hangup = random.chance(0.5) ? random.int(30, LONGEST_HANGUP_MS) : null;
  if (roll < 0.25) return { answerAfterMs: 0, declineAfterMs: null, hangupAfterMs: hangup };
  if (roll < 0.5) return { answerAfterMs: random.int(0, 120), declineAfterMs: null, hangupAfterMs: hangup };
  if (roll < 0.65) return { answerAfterMs: null, declineAfterMs: random.int(0, 200), hangupAfterMs: null };
  return { answerAfterMs: null, declineAfterMs: null, hangupAfterMs: null };
}

/** One started virtual phone per seeded device, each with its own generator and report faults. */
export async function startPhones(
  o: {
    url: string;
    emulator: ApnsEmulator;
    log: PushLog;
    random: Random;
    faults: { duplicateReports: number; reorderReports: number };
    /** Counts answers refused because another phone of the same person answered first. */
    races: { lost: number };
  },
  staff: { staffId: string; devices: Credentials[] }[],
): Promise<StaffMember[]> {
  const byToken = new Map<string, string>();
  const network = recordingNetwork(
    o.emulator,
    o.log,
    (token) => byToken.get(token) ?? `unknown token ${token}`,
  );
  const members: StaffMember[] = [];
  for (const { staffId, devices } of staff) {
    const phones: VirtualPhone[] = [];
    for (const credentials of devices) {
      const random = o.random.fork();
      const phone = new VirtualPhone({
        server: o.url,
        network,
        credentials,
        bundleId: BUNDLE_ID,
        name: `Soak phone ${credentials.deviceId.slice(0, 8)}`,
        ackTimeoutMs: 2_000,
        faults: { random: random.next, ...o.faults },
      });
      byToken.set(phone.voipToken, credentials.deviceId);
      // Set before the phone reads it: the listener runs inside the ring, before the answer is scheduled.
      phone.on('ringing', () => {
        phone.behaviour = drawBehaviour(random);
      });
      phone.on('error', () => undefined);
      phone.on('answerLost', () => {
        o.races.lost += 1;
      });
      await phone.start();
      phones.push(phone);
    }
    members.push({ staffId, phones });
  }
  return members;
}
