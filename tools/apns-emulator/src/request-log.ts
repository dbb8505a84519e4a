import type { RecordedRequest } from './types';

/** The last `limit` requests, oldest first (0 keeps nothing): what tests and the control API inspect. */
export class RequestLog {
  private recorded: RecordedRequest[] = [];

  constructor(private readonly limit: number) {}

  record(r: RecordedRequest): void {
    if (this.limit <= 0) return;
    this.recorded.push(r);
    if (this.recorded.length > this.limit) this.recorded.splice(0, this.recorded.length - this.limit);
  }

  list(filter: { token?: string } = {}): RecordedRequest[] {
    const token = filter.token?.toLowerCase();
    return token === undefined ? [...this.recorded] : this.recorded.filter((r) => r.token === token);
  }

  clear(): void {
    this.recorded = [];
  }
}
