import { z } from 'zod';
import { directoryEntrySchema } from './roster';

/** The most entries a directory holds (iOS's Call Directory handles far more; consoles edit this many). */
export const MAX_DIRECTORY_ENTRIES = 10_000;

/**
 * `PUT /api/directory` (Bearer session), the one way to save the directory: the whole list at
 * once, over HTTP because a socket message is capped at 64 KB, about 1,000 entries. `baseVersion`
 * is the version the console loaded (0 for none yet): the save is refused with 409 CONFLICT when
 * someone saved in between, instead of silently overwriting their work.
 */
export const directoryPutRequestSchema = z.object({
  entries: z.array(directoryEntrySchema).max(MAX_DIRECTORY_ENTRIES),
  baseVersion: z.number().int().nonnegative(),
});
export const directoryPutResponseSchema = z.object({ version: z.number().int().nonnegative() });

/**
 * The body limit of `PUT /api/directory`: 10,000 entries at their largest. An 80-character label
 * of characters JSON escapes (\u0001) is 480 bytes, a number 16, the rest of an entry about 40.
 */
export const MAX_DIRECTORY_BODY_BYTES = 6 * 1024 * 1024;
