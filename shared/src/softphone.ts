import { z } from 'zod';

/**
 * One softphone per agent (issue 26 item 2): of the agent's open consoles (tabs, windows, the
 * desktop app) exactly one rings and carries the audio of their calls; the others show the calls
 * and may take the softphone over. The server decides which, so two tabs never ring twice nor
 * both offer media to the phone.
 *
 * A console names itself in its handshake: `id` is new at every page load, `previousId` is the id
 * of the page this tab showed before a reload (so the reloaded page is the softphone again even
 * when the server has not yet seen the old page's socket close), `label` says what it is.
 */

/** A console page's id: random, URL-safe, made by the console itself. */
export const consoleId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const consoleHelloSchema = z.object({
  id: consoleId,
  previousId: consoleId.optional(),
  /** "Desktop app", "Chrome on macOS": shown to the agent's other consoles. */
  label: z.string().min(1).max(60),
});
export type ConsoleHello = z.infer<typeof consoleHelloSchema>;

/** Sent to every console of the agent whenever the softphone or its settings change, and on connect. */
export const softphoneStatusSchema = z.object({
  /** The console that rings and carries audio now; null while none of the agent's consoles is open. */
  consoleId: consoleId.nullable(),
  /** Its `label`. */
  label: z.string().max(60).nullable(),
  /** Inbound calls offered to this agent answer by themselves after a short tone (off by default). */
  autoAnswer: z.boolean(),
});
export type SoftphoneStatus = z.infer<typeof softphoneStatusSchema>;

/**
 * Whether the console page `pageId` rings and carries audio, given what the server last said.
 * Until it has said (or a server from before softphones, which never does), every page is: that
 * is how consoles behaved before.
 */
export const isSoftphonePage = (status: SoftphoneStatus | null, pageId: string): boolean =>
  status === null || status.consoleId === pageId;

export const softphoneRequests = {
  /** "Use this window for calls": this console becomes the agent's softphone. */
  'softphone:take': z.object({}),
  /** The agent's own softphone settings, kept on the server so every console follows them. */
  'softphone:configure': z.object({ autoAnswer: z.boolean() }),
} as const;

export const softphoneAcks = {
  'softphone:take': softphoneStatusSchema,
  'softphone:configure': softphoneStatusSchema,
} as const satisfies { [K in keyof typeof softphoneRequests]: z.ZodType };

export const softphoneBroadcasts = {
  'softphone:changed': softphoneStatusSchema,
} as const;
