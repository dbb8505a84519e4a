/**
 * The wire protocol's version. It travels in every VoIP push (`v`) and in the Socket.IO
 * handshake, so a phone and a server that disagree can say so instead of misreading each other.
 * A test pins this number: bumping it must be a deliberate act that comes with fixtures.
 *
 * 2 (issue 24): the end reason `noAgentAvailable` (a phone called in and no agent was Available),
 * which an app speaking 1 cannot decode; calls also carry `offeredTo`.
 */
export const PROTOCOL_VERSION = 2 as const;
