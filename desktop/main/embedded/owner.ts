import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoginSession } from '#shared';
import { hashPassword, hashSecret, newSecret, type Storage } from '../../../server/src';
import { ownerName } from '../owner-name';

const OWNER_FILE = 'owner.json';

export interface Owner {
  agentId: string;
  name: string;
  /** True on the first run, when the agent was just made. */
  created: boolean;
}

/**
 * The local owner agent of the embedded server: made on the first run and remembered by id in
 * the data folder (its name may be taken, or later renamed). Its password is random and thrown
 * away: nobody signs in as the owner with a password; the desktop app issues its sessions.
 */
export async function provisionOwner(
  storage: Storage,
  dataDir: string,
  wantedName: string,
  now: number,
): Promise<Owner> {
  const file = path.join(dataDir, OWNER_FILE);
  const known = await readOwnerId(file);
  if (known) {
    const agent = await storage.agents.findById(known);
    if (agent) return { agentId: agent.id, name: agent.name, created: false };
  }
  const name = await freeName(storage, ownerName(wantedName));
  const agentId = randomUUID();
  // An admin: on its own server the owner manages the team (staff, phones, APNs tests).
  await storage.agents.create({
    id: agentId,
    name,
    passwordHash: await hashPassword(newSecret()),
    createdAt: now,
    role: 'admin',
  });
  // Written whole then renamed, so a crash mid-write cannot leave a half file that forgets the owner.
  await writeFile(`${file}.tmp`, JSON.stringify({ agentId }));
  await rename(`${file}.tmp`, file);
  return { agentId, name, created: true };
}

/** A session for the owner, stored as `POST /api/login` stores one (hashed token, expiry). */
export async function issueOwnerSession(
  storage: Storage,
  owner: { agentId: string; name: string },
  now: number,
  ttlMs: number,
): Promise<LoginSession> {
  // Read back, not assumed: someone may have made the owner a plain agent with `agents` commands.
  const agent = await storage.agents.findById(owner.agentId);
  if (!agent || agent.disabledAt !== null) throw new Error('the owner agent was removed or disabled');
  const token = newSecret();
  const expiresAt = now + ttlMs;
  await storage.sessions.create({
    tokenHash: hashSecret(token),
    agentId: agent.id,
    createdAt: now,
    expiresAt,
  });
  return { token, agentId: agent.id, name: agent.name, role: agent.role, expiresAt };
}

async function readOwnerId(file: string): Promise<string | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { agentId?: unknown };
    return typeof parsed.agentId === 'string' ? parsed.agentId : null;
  } catch {
    return null;
  }
}

/** Names are unique: an agent added by hand may hold the owner's already. */
async function freeName(storage: Storage, name: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? name : `${name} (${n})`;
    if (!(await storage.agents.findByName(candidate))) return candidate;
  }
}
