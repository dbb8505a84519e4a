/**
 * The wire protocol's version. It travels in every VoIP push (`v`) and in the Socket.IO
 * handshake, so a phone and a server that disagree can say so instead of misreading each other.
 * A test pins this number: bumping it must be a deliberate act that comes with fixtures.
 */
export const PROTOCOL_VERSION = 1 as const;
