import type { DefaultEventsMap, Namespace, Socket } from 'socket.io';
import type {
  AgentClientEvents,
  AgentServerEvents,
  CallCancelledPayload,
  ConsoleHello,
  DeviceClientEvents,
  DeviceFeature,
  DeviceServerEvents,
} from '#shared';
import type { Actor } from '../auth/session-auth';
import type { Notifier, Presence } from '../calls/ports';
import { softphoneRoom } from '../softphone/room';
import { askCancelAck } from './acks';

/** What the handshake learned of a console: its agent and session (SessionAuth), and its address. */
export interface AgentSocketData {
  actor: Actor;
  /** Which console page this is (softphone.ts in shared), and when it connected. */
  console: ConsoleHello;
  connectedAt: number;
  /** The client's address, behind a trusted proxy the one it forwards (http/client-address.ts). */
  address: string;
  /**
   * This socket's id when the console takes its call requests' acks as the changes (`callAcks`):
   * those changes are sent to the agent's other consoles only. Null otherwise.
   */
  quietCalls: string | null;
}

/** What the handshake learned of a phone: its device and staff member. */
export interface DeviceSocketData {
  deviceId: string;
  staffId: string;
  address: string;
  /** What the app announced it can do beyond voice (video.ts). */
  features: DeviceFeature[];
  /**
   * This socket's id when the app takes a report's ack as the call's change (`reportAcks`): its
   * reports' changes are sent to the phone's other sockets only. Null otherwise.
   */
  quietReports: string | null;
}

export type AgentNamespace = Namespace<
  AgentClientEvents,
  AgentServerEvents,
  DefaultEventsMap,
  AgentSocketData
>;
export type DeviceNamespace = Namespace<
  DeviceClientEvents,
  DeviceServerEvents,
  DefaultEventsMap,
  DeviceSocketData
>;
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, DefaultEventsMap, AgentSocketData>;
export type DeviceSocket = Socket<DeviceClientEvents, DeviceServerEvents, DefaultEventsMap, DeviceSocketData>;

/**
 * The room of the consoles signed in as admins. A console joins when it connects as one, and its
 * room follows its role on every request (agent.ts): a console made an admin loads the Live board
 * by a request before any hint matters to it, one made an agent no longer has the board.
 */
export const ADMINS_ROOM = 'admins';

type Emitter = { emit(event: string, ...args: unknown[]): unknown };

/**
 * The typed maps are checked at the public methods' call sites; Socket.IO's own emit generics
 * cannot follow a generic event name through a rest parameter, so they stop here.
 */
const emit = (target: object | null | undefined, event: string, args: unknown[]) =>
  (target as Emitter | null | undefined)?.emit(event, ...args);

/**
 * Rooms and presence over the two namespaces: `agent:<id>` and `device:<id>` rooms, and counts of
 * open sockets, so that a phone with two sockets (a reconnect racing the old one) stays online
 * until the last one closes.
 */
export class Hub implements Notifier, Presence {
  private readonly devices = new Map<string, number>();
  private readonly agents = new Map<string, number>();
  agentNsp: AgentNamespace | null = null;
  deviceNsp: DeviceNamespace | null = null;

  toAgents<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>): void {
    emit(this.agentNsp, event, args);
  }

  toAdmins<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>): void {
    emit(this.agentNsp?.to(ADMINS_ROOM), event, args);
  }

  toAgent<E extends keyof AgentServerEvents>(
    agentId: string,
    event: E,
    ...args: Parameters<AgentServerEvents[E]>
  ): void {
    emit(this.agentNsp?.to(`agent:${agentId}`), event, args);
  }

  toSoftphone<E extends keyof AgentServerEvents>(
    agentId: string,
    event: E,
    ...args: Parameters<AgentServerEvents[E]>
  ): void {
    emit(this.agentNsp?.to(softphoneRoom(agentId)), event, args);
  }

  toDevice<E extends Exclude<keyof DeviceServerEvents, 'call:cancelled'>>(
    deviceId: string,
    event: E,
    ...args: Parameters<DeviceServerEvents[E]>
  ): void {
    if (!this.devices.has(deviceId)) return;
    emit(this.deviceNsp?.to(`device:${deviceId}`), event, args);
  }

  toDeviceExcept<E extends Exclude<keyof DeviceServerEvents, 'call:cancelled'>>(
    deviceId: string,
    socketId: string,
    event: E,
    ...args: Parameters<DeviceServerEvents[E]>
  ): void {
    const room = `device:${deviceId}`;
    if (!this.isDeviceOnline(deviceId)) return;
    // Another node may hold a socket of the phone (a reconnect racing the old one): then the room.
    if (this.onlySocket(this.deviceNsp, room, socketId) && !this.elsewhere('device', deviceId)) return;
    emit(this.deviceNsp?.to(room).except(socketId), event, args);
  }

  toAgentExcept<E extends keyof AgentServerEvents>(
    agentId: string,
    socketId: string,
    event: E,
    ...args: Parameters<AgentServerEvents[E]>
  ): void {
    const room = `agent:${agentId}`;
    if (this.onlySocket(this.agentNsp, room, socketId) && !this.elsewhere('agent', agentId)) return;
    emit(this.agentNsp?.to(room).except(socketId), event, args);
  }

  /**
   * Whether `socketId` is the only socket of this node in `room`: a broadcast to the others would
   * reach nobody here, yet encode its payload first.
   */
  private onlySocket(nsp: AgentNamespace | DeviceNamespace | null, room: string, socketId: string): boolean {
    const ids = nsp?.adapter.rooms.get(room);
    return ids !== undefined && ids.size === 1 && ids.has(socketId);
  }

  /** Whether another process holds sockets of the party (a cluster's other nodes): none here. */
  protected elsewhere(_kind: 'agent' | 'device', _id: string): boolean {
    return false;
  }

  /** One ack from any of the phone's sockets settles it (a reconnect may race the old socket). */
  cancelDevice(deviceId: string, cancel: CallCancelledPayload, _backstopMs: number): Promise<boolean> | null {
    const nsp = this.deviceNsp;
    const ids = nsp?.adapter.rooms.get(`device:${deviceId}`);
    if (!nsp || !this.devices.has(deviceId) || !ids || ids.size === 0) return null;
    return new Promise((resolve) => {
      for (const id of ids) {
        const socket = nsp.sockets.get(id);
        if (socket) askCancelAck(socket as never, cancel, () => resolve(true));
      }
    });
  }

  toAllDevices<E extends keyof DeviceServerEvents>(
    event: E,
    ...args: Parameters<DeviceServerEvents[E]>
  ): void {
    emit(this.deviceNsp, event, args);
  }

  /** What the phone's open sockets announced, on any node (a cluster's adapter asks the others). */
  async deviceFeatures(deviceId: string): Promise<DeviceFeature[]> {
    const sockets = (await this.deviceNsp?.in(`device:${deviceId}`).fetchSockets()) ?? [];
    return [...new Set(sockets.flatMap((s) => s.data.features ?? []))];
  }

  /** Closes every socket of a phone (it was unpaired); it cannot come back with the same secret. */
  disconnectDevice(deviceId: string): void {
    this.deviceNsp?.in(`device:${deviceId}`).disconnectSockets(true);
  }

  isDeviceOnline(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  onlineAgentIds(): string[] {
    return [...this.agents.keys()];
  }

  /** Returns true when this is the first socket of that device or agent. */
  join(kind: 'device' | 'agent', id: string): boolean {
    const map = kind === 'device' ? this.devices : this.agents;
    const count = (map.get(id) ?? 0) + 1;
    map.set(id, count);
    return count === 1;
  }

  /** Returns true when that was the last socket of that device or agent. */
  leave(kind: 'device' | 'agent', id: string): boolean {
    const map = kind === 'device' ? this.devices : this.agents;
    const count = (map.get(id) ?? 1) - 1;
    if (count <= 0) map.delete(id);
    else map.set(id, count);
    return count <= 0;
  }
}
