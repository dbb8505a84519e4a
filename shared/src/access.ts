import type { AgentRequestName } from './events';
import type { Role } from './team';

/**
 * Who may send each agent request. `everyone` is any signed-in agent; otherwise the words say
 * what only an admin may do, and go into the refusal. Every request must be listed (the type
 * says so), so a new request cannot be added without deciding who may send it; the server checks
 * this table before it reads the payload, and the console hides what the role may not use.
 */
export type RequestAccess = 'everyone' | { admin: string };

const admin = (what: string): RequestAccess => ({ admin: what });

export const AGENT_REQUEST_ACCESS: Readonly<Record<AgentRequestName, RequestAccess>> = {
  'staff:create': admin('add staff members'),
  'staff:update': admin('rename staff members or change their numbers'),
  'staff:remove': admin('remove staff members'),
  'pairing:create': admin('pair phones'),
  'device:remove': admin('unpair phones'),
  'call:place': 'everyone',
  'call:accept': 'everyone',
  'call:decline': 'everyone',
  'call:hangup': 'everyone',
  'call:hold': 'everyone',
  'call:mute': 'everyone',
  'rtc:signal': 'everyone',
  'rtc:ice': 'everyone',
  'directory:get': admin('see the caller-ID directory'),
  'call:sync': 'everyone',
  'history:query': 'everyone',
  'push:test': admin('send test pushes to phones'),
  'team:get': admin('see the team'),
  'agent:create': admin('add agents'),
  'agent:update': admin("change an agent's role or disable an agent"),
  'password:reset': admin("reset another agent's password"),
  'agent:remove': admin('remove agents'),
  'password:change': 'everyone',
  'session:list': 'everyone',
  'session:end-others': 'everyone',
  'audit:query': admin('see the audit trail'),
  // Any agent hands their own calls on and takes those handed to them (the server checks whose).
  'transfer:targets': 'everyone',
  'transfer:start': 'everyone',
  'transfer:accept': 'everyone',
  'transfer:decline': 'everyone',
  'transfer:complete': 'everyone',
  'transfer:cancel': 'everyone',
  'consult:signal': 'everyone',
  // Each agent sets only their own availability.
  'availability:set': 'everyone',
  // An agent's own consoles and settings.
  'softphone:take': 'everyone',
  'softphone:configure': 'everyone',
  // Each end of a call reports what it heard (the server checks it is the call's); any agent
  // sees a phone's call quality, as they see its ring health.
  'quality:report': 'everyone',
  'quality:phone': 'everyone',
  // Any agent tests their own network against the team's STUN and TURN servers.
  'network:ice': 'everyone',
  'health:records': 'everyone',
  'health:phone': 'everyone',
  'health:team': 'everyone',
  'ring:test': admin('send ring tests to phones'),
  'dispositions:get': 'everyone',
  'dispositions:set': admin('change the list of dispositions'),
  // Only the call's own agent: the handler checks whose call it is.
  'call:wrapup': 'everyone',
  // The shared queue: every agent claims, calls back and closes; closing or releasing another's
  // claim is an admin's (the handler checks, as only it knows whose claim it is).
  'callbacks:list': 'everyone',
  'callback:claim': 'everyone',
  'callback:release': 'everyone',
  'callback:call': 'everyone',
  'callback:close': 'everyone',
  // Supervising other agents' calls (issue 26 item 5) is an admin's; the media requests are the
  // two consoles' own (the handler checks who is the call's agent and who the supervisor).
  'supervise:live': admin('see the live calls of the team'),
  'supervise:start': admin('listen to, coach or barge into calls'),
  'supervise:mode': admin('listen to, coach or barge into calls'),
  'supervise:stop': admin('listen to, coach or barge into calls'),
  'supervise:signal': 'everyone',
  'supervise:ice': 'everyone',
  // Video is the call's own agent's (the handler checks whose call it is); any agent sees a
  // call's snapshots in history, as they see the call; the team's settings are an admin's.
  'video:request': 'everyone',
  'video:stop': 'everyone',
  'video:camera': 'everyone',
  'video:marker': 'everyone',
  'video:snapshots': 'everyone',
  'video:settings': 'everyone',
  'video:configure': admin("change the team's video settings"),
};

/** Whether an agent with `role` may send `event`. */
export function mayRequest(role: Role, event: AgentRequestName): boolean {
  return role === 'admin' || AGENT_REQUEST_ACCESS[event] === 'everyone';
}

/** The refusal an agent gets: what only admins may do, and whom to ask. */
export function forbiddenMessage(what: string): string {
  return `only an admin may ${what}; you are signed in as an agent, so ask an admin of your team`;
}

/** `forbiddenMessage` for a request, or null when any agent may send it. */
export function requestRefusal(role: Role, event: AgentRequestName): string | null {
  const access = AGENT_REQUEST_ACCESS[event];
  if (role === 'admin' || access === 'everyone') return null;
  return `${event}: ${forbiddenMessage(access.admin)}`;
}
