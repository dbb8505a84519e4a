import { z } from 'zod';
import { ackSchema } from './ack';
import { callSchema } from './call';
import {
  callCancelledSchema,
  callChangedSchema,
  callSyncResultSchema,
  deviceRequests,
  directoryChangedSchema,
  rtcSignalRequestSchema,
} from './events';
import { pairRequestSchema, pairResponseSchema } from './http';
import { pushPayloadSchema } from './push';
import { directoryEntrySchema } from './roster';

/**
 * Which schema each folder of `shared/fixtures/` is checked against. The Swift tests decode the
 * same folders; a folder missing here fails the TypeScript tests, so no fixture goes unchecked.
 */
export const FIXTURE_KINDS = {
  ack: ackSchema(z.unknown()),
  call: callSchema,
  'call-cancelled': callCancelledSchema,
  'call-changed': callChangedSchema,
  'call-report': deviceRequests['call:report'],
  'call-start': deviceRequests['call:start'],
  'call-sync': deviceRequests['call:sync'],
  'call-sync-result': callSyncResultSchema,
  'device-update': deviceRequests['device:update'],
  'directory-changed': directoryChangedSchema,
  'directory-set': z.object({ entries: z.array(directoryEntrySchema) }),
  'pair-request': pairRequestSchema,
  'pair-response': pairResponseSchema,
  'push-payload': pushPayloadSchema,
  'rtc-signal': rtcSignalRequestSchema,
} as const satisfies Record<string, z.ZodType>;
