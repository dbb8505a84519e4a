import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_SERVER_PORT } from '#shared';
import { windowStateSchema } from './window-state';

export const DEFAULT_EMBEDDED_PORT = DEFAULT_SERVER_PORT;

export const serverUrlSchema = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'give the server address, e.g. https://calls.example.com' });
      return z.NEVER;
    }
    // The console runs in a secure context (app://, which the microphone needs), and Chromium
    // blocks plain-HTTP requests from one, except to this computer: a team server needs TLS, as the
    // web console needs it for voice anyway.
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a team server address starts with https:// (plain http:// only for a server on this computer)',
      });
      return z.NEVER;
    }
    // The console addresses the API from the root (/api/login), so only the origin counts.
    return url.origin;
  });

const settingsSchema = z.object({
  server: z
    .discriminatedUnion('mode', [
      z.object({ mode: z.literal('embedded') }),
      z.object({ mode: z.literal('remote'), url: serverUrlSchema }),
    ])
    .default({ mode: 'embedded' }),
  /** The last team server used, kept when switching back to embedded, to fill the form. */
  remoteUrl: serverUrlSchema.nullable().default(null),
  embedded: z
    .object({
      port: z.number().int().min(1).max(65_535).default(DEFAULT_EMBEDDED_PORT),
      // Issue 20 item 1: this computer only unless someone lets phones in. A new name, so the
      // `lan: true` every settings file of before holds (plain HTTP on every interface, the old
      // default) is not read as that choice.
      phonesOnNetwork: z.boolean().default(false),
    })
    .default({ port: DEFAULT_EMBEDDED_PORT, phonesOnNetwork: false }),
  window: windowStateSchema.nullable().default(null),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});

/**
 * The app's settings (userData/settings.json): server mode, this computer's server's port and
 * network, the window's place. Written whole and renamed into place, so a crash mid-write leaves
 * the old file; a file that cannot be read is set aside (settings.json.bad) and defaults used.
 */
export class SettingsStore {
  private constructor(
    private readonly file: string,
    private current: Settings,
    /** Why the file on disk was not used, if it was not. */
    readonly problem: string | null,
  ) {}

  static async open(file: string): Promise<SettingsStore> {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch {
      return new SettingsStore(file, defaultSettings(), null);
    }
    try {
      return new SettingsStore(file, settingsSchema.parse(JSON.parse(raw)), null);
    } catch (e) {
      await rename(file, `${file}.bad`).catch(() => undefined);
      const why = e instanceof Error ? e.message : String(e);
      return new SettingsStore(
        file,
        defaultSettings(),
        `settings.json could not be read (${why}); kept as settings.json.bad`,
      );
    }
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  async update(change: (s: Settings) => Settings): Promise<Settings> {
    const next = settingsSchema.parse(change(this.get()));
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`);
    await rename(tmp, this.file);
    this.current = next;
    return this.get();
  }
}
