import { randomBytes } from 'node:crypto';
import type { AuditAction, AuditEntry, Clock } from '#shared';
import type { Logger } from '../ops/logger';
import type { AuditRow, Storage } from '../storage/types';

/** Who made a change: a signed-in agent, or the server's command line (`id` null). */
export interface Actor {
  id: string | null;
  name: string;
}

export const COMMAND_LINE: Actor = { id: null, name: 'command line' };

export interface AuditTarget {
  id: string | null;
  name: string | null;
}

/**
 * Writes the audit trail: who changed the team, the staff, the phones or the directory, and when.
 * An entry is written after its change has been made, so a change that failed leaves none. A
 * failed write is logged, not thrown: the change is done, and refusing its ack would only make
 * the client retry something that already happened.
 */
export class AuditLog {
  private lastAt = 0;
  private seq = 0;

  constructor(private readonly o: { storage: Storage; clock: Clock; logger: Logger }) {}

  async record(actor: Actor, action: AuditAction, target: AuditTarget | null, detail: string | null = null) {
    const row: AuditRow = {
      id: this.nextId(),
      at: this.o.clock.now(),
      actorId: actor.id,
      actorName: actor.name,
      action,
      targetId: target?.id ?? null,
      targetName: target?.name ?? null,
      detail,
    };
    try {
      await this.o.storage.audit.append(row);
    } catch (err) {
      this.o.logger.error({ err, audit: row }, 'could not write an audit entry');
    }
  }

  /**
   * Ids sort in the order this process wrote them, even within one millisecond (the trail is read
   * by (at, id)); the random tail keeps two processes writing at once (server and CLI) apart.
   */
  private nextId(): string {
    const now = this.o.clock.now();
    this.seq = now === this.lastAt ? this.seq + 1 : 0;
    this.lastAt = now;
    const time = now.toString(36).padStart(9, '0');
    const seq = this.seq.toString(36).padStart(4, '0');
    return `${time}${seq}${randomBytes(4).toString('hex')}`;
  }
}

export const toAuditEntry = (row: AuditRow): AuditEntry => ({ ...row });

/** The columns of `GET /api/audit.csv`, one row per entry, newest first. */
export const AUDIT_CSV_COLUMNS = [
  'at',
  'actor',
  'actor_id',
  'action',
  'target',
  'target_id',
  'detail',
] as const;

export function auditCsvRow(row: AuditRow): string[] {
  return [
    new Date(row.at).toISOString(),
    row.actorName,
    row.actorId ?? '',
    row.action,
    row.targetName ?? '',
    row.targetId ?? '',
    row.detail ?? '',
  ];
}
