import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock, pairRequestSchema } from '#shared';
import { ERROR_CODES, pairingUrl } from '#shared';
import { AppError, notFound } from '../errors';
import type { Roster } from '../roster/roster';
import type { PairingRow, Storage } from '../storage/types';
import type { AuditLog } from '../team/audit';
import { type Limiter, take } from './limits';
import { hashSecret, newPairingCode, newSecret } from './secrets';

export const PAIRING_TTL_MS = 10 * 60_000;

/**
 * One-time codes that let a phone join a staff member. A code carries 50 bits, is used once and
 * lives ten minutes: that, not a rate limit, is what defeats guessing (a thousand guesses a second
 * for a code's whole life find it with odds of about 1 in 2 million).
 *
 * So the limits count failures, not attempts (issue 10 item 9): a valid code is looked up first
 * and always redeems, whoever else is guessing and from wherever; only a wrong code takes a token
 * from its address's bucket and the global one, and once either is empty wrong codes get 429.
 * Guessers cannot lock real phones out, and a phone's retries never use up its own code.
 */
export class PairingService {
  constructor(
    private readonly o: {
      storage: Storage;
      clock: Clock;
      roster: Roster;
      publicUrl: () => string;
      /** The SHA-256 of the certificate phones must pin (a self-signed one), or null. */
      fingerprint?: () => string | null;
      /** A paired phone is put on the trail in the name of the agent who made its code. */
      audit?: AuditLog;
      /** Wrong codes per address and from everyone, in the store every node shares. */
      limits: { perAddress: Limiter; overall: Limiter };
    },
  ) {}

  async create(agentId: string, staffId: string) {
    if (!(await this.o.storage.staff.get(staffId))) throw notFound('staff member');
    const code = newPairingCode();
    const now = this.o.clock.now();
    const expiresAt = now + PAIRING_TTL_MS;
    await this.o.storage.pairing.create({
      codeHash: hashSecret(code),
      staffId,
      createdBy: agentId,
      createdAt: now,
      expiresAt,
    });
    return { code, url: pairingUrl(this.o.publicUrl(), code, this.o.fingerprint?.()), expiresAt };
  }

  async redeem(req: z.infer<typeof pairRequestSchema>, ip: string) {
    const now = this.o.clock.now();
    const row = await this.o.storage.pairing.consume(hashSecret(req.code), now);
    if (!row) {
      // An address already over its limit does not also drain the global bucket.
      const { perAddress, overall } = this.o.limits;
      if ((await take(perAddress, ip)) !== null || (await take(overall, 'all')) !== null) {
        throw new AppError(
          ERROR_CODES.RATE_LIMITED,
          'too many wrong pairing codes; wait a minute and try again',
        );
      }
      throw new AppError(
        ERROR_CODES.PAIRING_CODE_INVALID,
        'this pairing code is unknown, already used or expired; ask for a new QR code',
      );
    }
    const deviceId = randomUUID();
    const deviceSecret = newSecret();
    await this.o.storage.devices.create({
      id: deviceId,
      staffId: row.staffId,
      secretHash: hashSecret(deviceSecret),
      name: req.name,
      model: req.model,
      osVersion: req.osVersion,
      appVersion: req.appVersion,
      bundleId: req.bundleId,
      apnsEnvironment: req.apnsEnvironment,
      voipToken: null,
      tokenUpdatedAt: null,
      tokenInvalidAt: null,
      tokenInvalidReason: null,
      pairedAt: now,
      lastSeenAt: null,
    });
    this.o.roster.changed(row.staffId);
    await this.auditPaired(row, { id: deviceId, name: req.name });
    return { deviceId, deviceSecret, staffId: row.staffId };
  }

  private async auditPaired(code: PairingRow, device: { id: string; name: string }): Promise<void> {
    if (!this.o.audit) return;
    const [agent, staff] = await Promise.all([
      this.o.storage.agents.findById(code.createdBy),
      this.o.storage.staff.get(code.staffId),
    ]);
    const actor = { id: code.createdBy, name: agent?.name ?? 'a removed agent' };
    await this.o.audit.record(
      actor,
      'phone.paired',
      device,
      `for ${staff?.name ?? 'a removed staff member'}`,
    );
  }
}
