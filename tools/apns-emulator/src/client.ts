import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { CONTROL_PREFIX } from './control';
import type { Delivery, DeviceRegistration, DeviceState, Fault, RecordedRequest } from './types';

export interface EmulatorClientOptions {
  /** The emulator's `url` (https://host:port). */
  url: string;
  /** The emulator's certificate (PEM), to trust its TLS. */
  ca: string | Buffer;
}

/** A stream of the pushes delivered to one token, from the emulator's Server-Sent Events. */
export interface DeliveryStream extends AsyncIterable<Delivery> {
  /** The next delivery (buffered ones first). Rejects when the stream ends before one arrives. */
  next(): Promise<Delivery>;
  close(): void;
}

export class EmulatorClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorClientError';
  }
}

/** Drives an APNs emulator running in another process through its control API. */
export class ApnsEmulatorClient {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly streams = new Set<DeliveryStream>();

  constructor(opts: EmulatorClientOptions) {
    this.base = new URL(opts.url);
    this.agent = new Agent({ ca: opts.ca, keepAlive: true });
  }

  info(): Promise<{
    environment: string;
    url: string;
    acceptUnknownTokens: boolean;
    devices: DeviceState[];
  }> {
    return this.call('GET', '/info');
  }

  registerDevice(device: DeviceRegistration): Promise<DeviceState> {
    return this.call('POST', '/devices', device);
  }

  device(token: string): Promise<DeviceState> {
    return this.call('GET', `/devices/${token}`);
  }

  unregister(token: string, at?: number): Promise<DeviceState> {
    return this.call('POST', `/devices/${token}/unregister`, at === undefined ? {} : { at });
  }

  setOnline(token: string, online: boolean): Promise<DeviceState> {
    return this.call('POST', `/devices/${token}/online`, { online });
  }

  /** Scripts a fault for `token`, or `*` for every token. */
  async fault(token: string, fault: Fault): Promise<void> {
    await this.call('POST', '/faults', { token, fault });
  }

  async clearFaults(token?: string): Promise<void> {
    await this.call('DELETE', token === undefined ? '/faults' : `/faults?token=${encodeURIComponent(token)}`);
  }

  requests(token?: string): Promise<RecordedRequest[]> {
    return this.call(
      'GET',
      token === undefined ? '/requests' : `/requests?token=${encodeURIComponent(token)}`,
    );
  }

  deliveries(token: string): Promise<Delivery[]> {
    return this.call('GET', `/devices/${token}/deliveries`);
  }

  /**
   * Subscribes to the pushes delivered to `token`. Resolves once the emulator confirmed the
   * subscription, so a push sent after that is not missed. `onDelivery`, when given, is called for
   * each delivery as well as the stream buffering it.
   */
  subscribe(token: string, onDelivery?: (d: Delivery) => void): Promise<DeliveryStream> {
    return new Promise((resolve, reject) => {
      const buffered: Delivery[] = [];
      const waiting: { resolve: (d: Delivery) => void; reject: (e: Error) => void }[] = [];
      let ended: Error | null = null;
      let req: ClientRequest | null = null;
      let ready = false;

      const end = (err: Error) => {
        if (ended) return;
        ended = err;
        this.streams.delete(stream);
        for (const w of waiting.splice(0)) w.reject(err);
        if (!ready) reject(err);
      };
      const stream: DeliveryStream = {
        next() {
          const d = buffered.shift();
          if (d) return Promise.resolve(d);
          if (ended) return Promise.reject(ended);
          return new Promise((res, rej) => waiting.push({ resolve: res, reject: rej }));
        },
        close() {
          req?.destroy();
          end(new Error('delivery stream closed'));
        },
        async *[Symbol.asyncIterator]() {
          while (true) {
            try {
              yield await stream.next();
            } catch (err) {
              if (ended) return;
              throw err;
            }
          }
        },
      };
      const onEvent = (event: string, data: string) => {
        if (event === 'ready') {
          ready = true;
          this.streams.add(stream);
          resolve(stream);
          return;
        }
        if (event !== 'delivery') return;
        const delivery = JSON.parse(data) as Delivery;
        onDelivery?.(delivery);
        const w = waiting.shift();
        if (w) w.resolve(delivery);
        else buffered.push(delivery);
      };

      req = request(this.url(`/devices/${token}/events`), {
        method: 'GET',
        agent: this.agent,
        headers: { accept: 'text/event-stream' },
      });
      req.on('response', (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          readJson(res)
            .then((body) => end(new EmulatorClientError(res.statusCode ?? 0, errorText(body, res))))
            .catch(end);
          return;
        }
        readServerSentEvents(res, onEvent);
        res.on('end', () => end(new Error('the emulator ended the delivery stream')));
        res.on('error', (err) => end(new Error(`the emulator ended the delivery stream (${err.message})`)));
      });
      req.on('error', (err) =>
        end(ready ? new Error(`the emulator ended the delivery stream (${err.message})`) : err),
      );
      req.end();
    });
  }

  /** Ends every subscription and closes the client's connections. */
  close(): void {
    for (const s of [...this.streams]) s.close();
    this.agent.destroy();
  }

  private url(path: string): URL {
    return new URL(`${CONTROL_PREFIX}${path}`, this.base);
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(this.url(path), {
        method,
        agent: this.agent,
        headers: text === undefined ? {} : { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        readJson(res)
          .then((value) => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(value as T);
            else reject(new EmulatorClientError(status, errorText(value, res)));
          })
          .catch(reject);
      });
      req.on('error', reject);
      req.end(text);
    });
  }
}

function errorText(body: unknown, res: IncomingMessage): string {
  const message = (body as { error?: unknown } | undefined)?.error;
  return typeof message === 'string' ? message : `emulator answered ${res.statusCode}`;
}

function readJson(res: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
    });
    res.on('end', () => {
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (err) {
        reject(err);
      }
    });
    res.on('error', reject);
  });
}

/** Connects to an emulator's control API. */
export function connectEmulator(opts: EmulatorClientOptions): ApnsEmulatorClient {
  return new ApnsEmulatorClient(opts);
}

/** Calls `onEvent` for each Server-Sent Event of the response that carries data. */
function readServerSentEvents(res: IncomingMessage, onEvent: (event: string, data: string) => void): void {
  res.setEncoding('utf8');
  let pending = '';
  res.on('data', (chunk: string) => {
    pending += chunk;
    for (let at = pending.indexOf('\n\n'); at >= 0; at = pending.indexOf('\n\n')) {
      const block = pending.slice(0, at);
      pending = pending.slice(at + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, data.join('\n'));
    }
  });
}
