import { type DeviceAckData, deviceAuthSchema, deviceRequests, ERROR_CODES } from '#shared';
import { secretMatches } from '../auth/secrets';
import { type IceConfig, iceServersFor } from '../calls/ice';
import type { CallService } from '../calls/service';
import { AppError, notFound } from '../errors';
import { QualityService } from '../quality/service';
import type { Roster } from '../roster/roster';
import type { AuditLog } from '../team/audit';
import type { VideoService } from '../video/service';
import type { GatewayContext } from './context';
import { handshakeError, protocolMismatch, unknownFeatures } from './handshake';
import type { DeviceNamespace, DeviceSocket, DeviceSocketData } from './hub';
import { type Handlers, requestListener } from './requests';

/** The `/device` namespace: phones, authenticated by the device id and secret from pairing. */
export function attachDeviceGateway(
  nsp: DeviceNamespace,
  ctx: GatewayContext & {
    calls: CallService;
    roster: Roster;
    ice: IceConfig;
    audit: AuditLog;
    video: VideoService;
  },
): void {
  const { storage, clock, hub, calls, roster } = ctx;
  const quality = new QualityService(ctx);

  nsp.use(async (socket, next) => {
    const mismatch = protocolMismatch(socket.handshake.auth, 'app') ?? unknownFeatures(socket.handshake.auth);
    if (mismatch) return next(mismatch);
    const auth = deviceAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success)
      return next(handshakeError(ERROR_CODES.UNAUTHORIZED, 'deviceId and secret are required'));
    const device = await storage.devices.get(auth.data.deviceId).catch(() => null);
    if (!device || !secretMatches(auth.data.secret, device.secretHash)) {
      return next(
        handshakeError(ERROR_CODES.UNAUTHORIZED, 'unknown device or wrong secret; pair the phone again'),
      );
    }
    socket.data.deviceId = device.id;
    socket.data.staffId = device.staffId;
    socket.data.address = ctx.addresses.of(socket.request);
    const features = auth.data.features ?? [];
    socket.data.features = features;
    socket.data.quietReports = features.includes('reportAcks') ? socket.id : null;
    // Kept for the roster (the console offers video only to a phone that can send it), before the
    // connection announces the phone online, so that roster change already carries it.
    if (device.features?.join(',') !== features.join(',')) {
      await storage.devices
        .setFeatures(device.id, features)
        .then(() => roster.changed(device.staffId))
        .catch((err) => ctx.logger.warn({ err, deviceId: device.id }, 'could not keep what a phone can do'));
    }
    next();
  });

  const touch = (deviceId: string) =>
    void ctx.requestOptions
      .track(storage.devices.touch(deviceId, clock.now()))
      .catch((err) => ctx.logger.warn({ err, deviceId }, 'could not record when a phone was last seen'));

  // What a phone asks, made once for every phone: a socket holds no closure of its own (one per
  // request name was most of what a connected phone cost beyond Socket.IO's own; bench:scale).
  const handlers: Handlers<typeof deviceRequests, DeviceAckData, DeviceSocketData> = {
    'device:update': async (update, { deviceId, staffId }) => {
      const updated = await storage.devices.updateToken(deviceId, { ...update, at: clock.now() });
      if (!updated) throw notFound('device');
      roster.changed(staffId);
      for (const old of updated.moved) roster.changed(old.staffId);
      return null;
    },
    'permissions:report': async ({ microphone }, { deviceId, staffId }) => {
      if (!(await storage.devices.setMicrophone(deviceId, microphone))) throw notFound('device');
      roster.changed(staffId);
      return null;
    },
    'device:unpair': async (_, { deviceId, staffId }) => {
      const device = await storage.devices.get(deviceId);
      if (!device) throw notFound('device');
      if (calls.liveCalls().some((c) => c.devices.some((d) => d.deviceId === deviceId))) {
        throw new AppError(ERROR_CODES.CONFLICT, 'this phone is in a call; end it, then unpair');
      }
      if (!(await storage.devices.remove(deviceId))) throw notFound('device');
      roster.changed(staffId);
      const staff = await storage.staff.get(staffId);
      await ctx.audit.record(
        { id: deviceId, name: `${device.name} (the phone itself)`.slice(0, 80) },
        'phone.unpaired',
        { id: deviceId, name: device.name },
        `of ${staff?.name ?? 'a removed staff member'}, from the phone`,
      );
      // After the ack has gone out (it is sent once this handler's promise settles, before
      // any immediate): the phone learns that the server forgot it before its socket closes.
      setImmediate(() => hub.disconnectDevice(deviceId));
      return { deviceId };
    },
    'call:report': (report, { deviceId, quietReports }) =>
      calls.report(deviceId, report, quietReports ?? undefined),
    'call:start': (req, { deviceId }) => calls.startFromDevice(deviceId, req),
    'call:sync': (req, { deviceId }) => calls.sync(deviceId, req),
    'rtc:signal': async ({ callId, signal }, { deviceId }) => {
      calls.relaySignal({ deviceId }, callId, signal);
      return null;
    },
    'rtc:ice': async ({ callId }, { deviceId }) => {
      const { answeredAt } = calls.rtcPeer({ deviceId }, callId);
      return iceServersFor(ctx.ice, deviceId, clock.now(), answeredAt);
    },
    'quality:report': (report, { deviceId }) => quality.report({ deviceId }, report),
    'video:report': (report, { deviceId }) => ctx.video.report(deviceId, report),
  };
  const onRequest = requestListener(
    deviceRequests,
    handlers,
    ctx.requestOptions,
    (socket) => (socket as DeviceSocket).data,
  );
  function onDisconnect(this: DeviceSocket) {
    const { deviceId, staffId } = this.data;
    ctx.metrics.phones.dec();
    if (hub.leave('device', deviceId)) {
      roster.changed(staffId);
      calls.partyLeft({ deviceId });
    }
    touch(deviceId);
  }

  nsp.on('connection', (socket) => {
    const { deviceId, staffId } = socket.data;
    socket.join(`device:${deviceId}`);
    ctx.metrics.phones.inc();
    if (hub.join('device', deviceId)) roster.changed(staffId);
    calls.partyBack({ deviceId });
    for (const video of ctx.video.resyncForDevice(deviceId)) socket.emit('video:changed', video);
    touch(deviceId);
    socket.on('disconnect', onDisconnect);
    socket.onAny(onRequest);
  });
}
