import { z } from 'zod';
import { callId, entityId, NOTE_MAX_LENGTH, wrapUpSchema } from './call';
import { displayName } from './names';

/**
 * Notes and dispositions (issue 24 item 3): during and after a call its agent writes a note and
 * picks a disposition from the list the admins keep (Team → Dispositions). History shows and
 * filters by them, the CSV has them, and saving a disposition ends the agent's after-call work.
 */

export const dispositionSchema = z.object({
  id: entityId,
  name: z.string().min(1).max(60),
  /** Removed from the list: no longer offered, still named by the calls that have it. */
  archived: z.boolean(),
});
export type Disposition = z.infer<typeof dispositionSchema>;

export const MAX_DISPOSITIONS = 50;

const dispositionList = z.object({ dispositions: z.array(dispositionSchema) });

export const wrapUpRequests = {
  /** Every disposition, archived ones too (history names them; the picker offers the others). */
  'dispositions:get': z.object({}),
  /**
   * The admins' list, whole and in order: an entry with an id keeps it (a rename), one without
   * is added, and one left out is archived.
   */
  'dispositions:set': z.object({
    dispositions: z
      .array(z.object({ id: entityId.optional(), name: displayName(60) }))
      // 50 fit in one socket message even of the longest names; a longer list helps no one.
      .max(MAX_DISPOSITIONS)
      .refine((list) => new Set(list.map((d) => d.name.toLowerCase())).size === list.length, {
        message: 'two dispositions have the same name',
      }),
  }),
  /** The call's own agent, during or after the call; a disposition ends their after-call work. */
  'call:wrapup': z.object({
    callId,
    note: z.string().max(NOTE_MAX_LENGTH).default(''),
    dispositionId: entityId.nullable().default(null),
  }),
} as const;

export const wrapUpAcks = {
  'dispositions:get': dispositionList,
  'dispositions:set': dispositionList,
  'call:wrapup': wrapUpSchema,
} as const satisfies { [K in keyof typeof wrapUpRequests]: z.ZodType };

export const wrapUpBroadcasts = {
  /** An admin changed the list: every console's picker and history filter follow. */
  'dispositions:changed': dispositionList,
} as const;
