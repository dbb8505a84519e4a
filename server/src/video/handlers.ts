import type { AgentAckData, AgentRequest, VideoSettings } from '#shared';
import type { Notifier } from '../calls/ports';
import { notFound } from '../errors';
import type { Storage } from '../storage/types';
import type { VideoService } from './service';

export interface VideoContext {
  video: VideoService;
  storage: Storage;
  clock: { now(): number };
  notifier: Notifier;
}

type Ack<K extends keyof AgentAckData> = Promise<AgentAckData[K]>;

/** A console's video requests (access.ts decides who may send each; the service, whose call it is). */
export function videoAgentHandlers(ctx: VideoContext, agentId: string) {
  const { video, storage } = ctx;
  return {
    'video:request': ({ callId }: AgentRequest<'video:request'>): Ack<'video:request'> =>
      video.request(agentId, callId),
    'video:stop': ({ callId }: AgentRequest<'video:stop'>): Ack<'video:stop'> => video.stop(agentId, callId),
    'video:camera': ({ callId, on }: AgentRequest<'video:camera'>): Ack<'video:camera'> =>
      video.camera(agentId, callId, on),
    'video:marker': ({ callId, x, y }: AgentRequest<'video:marker'>): Ack<'video:marker'> =>
      video.marker(agentId, callId, x, y),
    'video:snapshots': async ({ callId }: AgentRequest<'video:snapshots'>): Ack<'video:snapshots'> => {
      if (!(await storage.calls.get(callId))) throw notFound('call');
      return { snapshots: await storage.video.snapshots(callId) };
    },
    'video:settings': (): Ack<'video:settings'> => storage.video.settings(),
    'video:configure': async (settings: VideoSettings): Ack<'video:configure'> => {
      await storage.video.setSettings(settings, ctx.clock.now());
      ctx.notifier.toAgents('video:configured', settings);
      video.configured(settings);
      return settings;
    },
  };
}
