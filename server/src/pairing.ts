import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock, pairRequestSchema } from '#shared';
import { ERROR_CODES, pairingUrl } from '#shared';
import { hashSecret, newPairingCode, newSecret } from './auth';
import { AppError, notFound } from './errors';
import { RateLimiter } from './rate-limit';
import type { Roster } from './roster';
import type { Storage } from './storage/types';

export const PAIRING_TTL_MS = 10 * 60_000;

/**
 * One-time codes that let a phone join a staff member. A code carries 50 bits and lives ten
 * minutes; guessing is throttled per IP, per code and overall, so even a distributed guesser
 * gets a vanishing fraction of the space before the code expires.
 */
export class PairingService {
  private readonly perIp: RateLimiter;
  private readonly perCode: RateLimiter;
  private readonly overall: RateLimiter;

  constructor(
    private readonly o: { storage: Storage; clock: Clock; roster: Roster; publicUrl: () => string },
  ) {
    this.perIp = new RateLimiter(o.clock, 10, 10 / 60);
    this.perCode = new RateLimiter(o.clock, 5, 5 / 600);
    this.overall = new RateLimiter(o.clock, 100, 1);
  }

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
    return { code, url: pairingUrl(this.o.publicUrl(), code), expiresAt };
  }

  async redeem(req: z.infer<typeof pairRequestSchema>, ip: string) {
    const codeHash = hashSecret(req.code);
    if (!this.perIp.take(ip) || !this.perCode.take(codeHash) || !this.overall.take('all')) {
      throw new AppError(ERROR_CODES.RATE_LIMITED, 'too many pairing attempts; wait a minute and try again');
    }
    const now = this.o.clock.now();
    const row = await this.o.storage.pairing.consume(codeHash, now);
    if (!row) {
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
    return { deviceId, deviceSecret, staffId: row.staffId };
  }
}
