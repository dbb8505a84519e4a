import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { type Clock, ERROR_CODES, MAX_SNAPSHOT_BYTES } from '#shared';
import type { LiveCalls } from '../calls/live';
import { AppError, badRequest, forbidden, notFound } from '../errors';
import { actorOf } from '../http/access';
import { route } from '../http/routes';
import type { Storage } from '../storage/types';
import type { VideoService } from './service';

/** A JPEG starts with its SOI marker and a segment marker (FF D8 FF). */
const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/**
 * Snapshots of a call's video (issue 27): the call's own agent takes them while the phone's video
 * is on, unless the team turned them off; any agent downloads them from the call's history.
 */
export function snapshotRoutes(o: {
  storage: Storage;
  clock: Clock;
  live: LiveCalls;
  video: VideoService;
}): FastifyPluginAsync {
  return async (app) => {
    route(app, 'POST /api/calls/:callId/snapshots', async (req) => {
      const { agentId } = actorOf(req);
      const { callId } = req.params;
      const { jpeg, width, height } = req.body;
      if (!(await o.storage.video.settings()).snapshots) {
        throw forbidden('snapshots are turned off for this team (an admin can turn them on)');
      }
      const call = o.live.get(callId);
      if (!call) {
        if (await o.storage.calls.get(callId)) {
          throw new AppError(ERROR_CODES.CONFLICT, 'the call is over: snapshots are taken during it');
        }
        throw notFound('call');
      }
      if (call.agentId !== agentId) throw forbidden('this call belongs to another agent');
      const { state } = await o.video.current(callId);
      if (state !== 'on' && state !== 'paused') {
        throw new AppError(ERROR_CODES.CONFLICT, 'there is no video to take a snapshot of');
      }
      const bytes = Buffer.from(jpeg, 'base64');
      if (!isJpeg(bytes)) throw badRequest('the snapshot is not a JPEG');
      if (bytes.length > MAX_SNAPSHOT_BYTES) throw badRequest('the snapshot is larger than 2 MB');
      const snapshot = {
        id: randomUUID(),
        callId,
        agentId,
        takenAt: o.clock.now(),
        width,
        height,
        bytes: bytes.length,
      };
      await o.storage.video.addSnapshot(snapshot, bytes);
      return snapshot;
    });
    route(app, 'GET /api/snapshots/:snapshotId', async (req, res) => {
      const found = await o.storage.video.snapshotImage(req.params.snapshotId);
      if (!found) throw notFound('snapshot');
      res.header('content-disposition', `attachment; filename="snapshot-${req.params.snapshotId}.jpg"`);
      return found.jpeg;
    });
  };
}
