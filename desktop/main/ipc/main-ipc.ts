import type { z } from 'zod';
import { describeZodError } from '#shared';
import type {
  MainChannel,
  MainMessages,
  MessageChannel,
  RendererMessages,
  RendererRequests,
  RequestChannel,
} from '../../preload/contract';
import { APP_ORIGIN, originOf } from '../security';
import { messagePayloads, requestArgs } from './schemas';

/** What an IPC event says about its sender, as far as the trust check needs. */
export interface IpcSenderEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

/** Electron's ipcMain, as far as the app uses it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): void;
}

/**
 * GitHub Desktop's trusted-ipc-sender, for a custom-scheme app: only the console's own top frame
 * may talk to main. An iframe (the console has none, but a page it was tricked into framing
 * would), a page of another origin the window was navigated to, or a destroyed frame is refused.
 */
export function isTrustedSender(event: IpcSenderEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return originOf(frame.url) === APP_ORIGIN;
}

type Result<C extends RequestChannel> = ReturnType<RendererRequests[C]>;

/**
 * The main process's only door to ipcMain (STYLE: raw IPC in one module per process): every
 * channel is a contract channel, every sender is checked, every argument parsed before the handler
 * sees it. A refusal is logged and answered as an error; the handler never runs.
 */
export class MainIpc {
  constructor(
    private readonly ipcMain: IpcMainLike,
    private readonly warn: (message: string) => void,
  ) {}

  handle<C extends RequestChannel>(
    channel: C,
    handler: (...args: Parameters<RendererRequests[C]>) => Promise<Result<C>> | Result<C>,
  ): void {
    const schema = requestArgs[channel] as unknown as z.ZodType<Parameters<RendererRequests[C]>>;
    this.ipcMain.handle(channel, async (event, ...raw) => {
      if (!isTrustedSender(event)) {
        this.warn(`refused ${channel} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
        throw new Error(`${channel}: refused, the sender is not the Switchboard console`);
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new Error(`${channel}: ${describeZodError(parsed.error)}`);
      return handler(...parsed.data);
    });
  }

  on<C extends MessageChannel>(channel: C, handler: RendererMessages[C]): void {
    const schema = messagePayloads[channel] as unknown as z.ZodType<Parameters<RendererMessages[C]>[0]>;
    this.ipcMain.on(channel, (event, payload) => {
      if (!isTrustedSender(event)) {
        this.warn(`ignored ${channel} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        this.warn(`ignored a malformed ${channel}: ${describeZodError(parsed.error)}`);
        return;
      }
      (handler as (p: unknown) => void)(parsed.data);
    });
  }
}

/** Main → window, typed by the contract. */
export function sendToWindow<C extends MainChannel>(
  target: { send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean },
  channel: C,
  ...args: Parameters<MainMessages[C]>
): void {
  if (!target.isDestroyed()) target.send(channel, ...args);
}
