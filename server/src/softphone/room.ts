/** The room that holds an agent's softphone: exactly one of their console sockets, or none. */
export const softphoneRoom = (agentId: string) => `softphone:${agentId}`;
