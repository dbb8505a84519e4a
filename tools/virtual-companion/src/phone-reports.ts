import {
  type Ack,
  type Call,
  type Clock,
  type DeviceReportEvent,
  type EndReason,
  ERROR_CODES,
} from '#shared';
import type { PhoneFaults } from './phone-types';

/** One `call:report` as it goes on the wire. */
export interface CallReport {
  callId: string;
  event: DeviceReportEvent;
  reason?: EndReason;
  at: number;
  seq: number;
}

interface QueuedReport extends CallReport {
  attempts: number;
  resolve: (ack: Ack<Call>) => void;
}

/** A report is given up on (and its caller told) after this many sends without an ack. */
const MAX_REPORT_ATTEMPTS = 5;

/**
 * The phone's reports, kept as the iOS app keeps them: numbered per call, sent one at a time in
 * order, each until it is acked (a lost ack sends the same report, same number, again, now or
 * after the next reconnect), and safe to repeat on the server's side.
 */
export class ReportQueue {
  private readonly seqs = new Map<string, number>();
  private readonly queue: QueuedReport[] = [];
  private sending = false;

  constructor(
    private readonly o: {
      clock: Clock;
      send: (report: CallReport) => Promise<Ack<Call>>;
      /** Connected and not closed: reports wait while this is false. */
      ready: () => boolean;
      faults?: PhoneFaults;
      /** Counts the duplicates the faults injected. */
      injected: { duplicates: number };
      /** The server says the call is over for this phone. */
      ended: (callId: string, reason: EndReason, why: string) => void;
      duplicateRefused: (report: CallReport, error: { code: string; message: string }) => void;
    },
  ) {}

  /** The sequence number this call's next report will have. */
  nextSeq(callId: string): number {
    return (this.seqs.get(callId) ?? 0) + 1;
  }

  /** Queues `call:report` with the next sequence number; resolves with the ack, retried as needed. */
  report(callId: string, event: DeviceReportEvent, reason?: EndReason): Promise<Ack<Call>> {
    const seq = this.nextSeq(callId);
    this.seqs.set(callId, seq);
    return new Promise((resolve) => {
      this.queue.push({ callId, event, reason, at: this.o.clock.now(), seq, attempts: 1, resolve });
      void this.flush();
    });
  }

  /** Sends queued reports in order; one that times out stays at the head and is sent again. */
  async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0 && this.o.ready()) {
        const next = this.queue[0]!;
        const { resolve, attempts, ...report } = next;
        const ack = await this.o.send(report);
        if (!ack.ok && ack.error.code === ERROR_CODES.UNAVAILABLE && attempts < MAX_REPORT_ATTEMPTS) {
          // No ack: send the same report (same seq) again, now or after the next reconnect.
          next.attempts += 1;
          continue;
        }
        this.queue.shift();
        const faults = this.o.faults;
        if (ack.ok && faults && faults.random() < faults.duplicateReports) {
          this.o.injected.duplicates += 1;
          const again = await this.o.send(report);
          if (!again.ok) this.o.duplicateRefused(report, again.error);
        }
        if (!ack.ok && (ack.error.code === 'CALL_ENDED' || ack.error.code === 'ANSWERED_ELSEWHERE')) {
          const reason = ack.error.code === 'ANSWERED_ELSEWHERE' ? 'answeredElsewhere' : 'failed';
          this.o.ended(report.callId, reason, `server: ${ack.error.message}`);
        }
        resolve(ack);
      }
    } finally {
      this.sending = false;
    }
    if (this.queue.length > 0 && this.o.ready()) setImmediate(() => void this.flush());
  }

  /** The phone closed: every report still waiting is answered UNAVAILABLE. */
  close(): void {
    for (const q of this.queue.splice(0)) {
      q.resolve({ ok: false, error: { code: ERROR_CODES.UNAVAILABLE, message: 'phone closed' } });
    }
  }
}
