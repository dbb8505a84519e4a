import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { describeZodError, displayName, ROLES, type Role, systemClock } from '#shared';
import { newOneTimePassword } from '../auth/passwords/one-time';
import { passwordProblem } from '../auth/passwords/rules';
import { hashPassword } from '../auth/secrets';
import type { CliConfig } from '../config';
import { readSecretFile } from '../config';
import { createLogger } from '../ops/logger';
import { openStorage } from '../storage';
import { LastAdminError, type Storage, StorageConflictError } from '../storage/types';
import { AuditLog, COMMAND_LINE } from './audit';

export const AGENTS_USAGE =
  'agents add NAME [--role admin|agent] [--password-file FILE] | agents list | agents role NAME admin|agent | agents remove NAME';

/** The flags only `agents` commands take, pulled out before the server's own options are parsed. */
export interface AgentFlags {
  /** A file holding the new agent's password (its first line). */
  passwordFile?: string;
  role?: Role;
}

/**
 * Issue 20 item 9: a password given as an argument is readable by every user of the machine
 * (`ps`) and stays in the shell's history, so `--password` is refused, with the ways that do not.
 */
export const PASSWORD_ARGUMENT_REFUSED =
  '--password would put the password in ps and your shell history; leave it out to be asked for it ' +
  '(on a terminal), or use --password-file FILE, or set SWITCHBOARD_AGENT_PASSWORD';

/** Splits `--password-file F` and `--role R` off `args`; an error message when one is malformed. */
export function takeAgentFlags(args: string[]): { argv: string[]; flags: AgentFlags } | { error: string } {
  if (args.some((a) => a === '--password' || a.startsWith('--password='))) {
    return { error: PASSWORD_ARGUMENT_REFUSED };
  }
  const argv = [...args];
  const flags: AgentFlags = {};
  for (const flag of ['--password-file', '--role'] as const) {
    const at = argv.indexOf(flag);
    if (at < 0) continue;
    const value = argv[at + 1];
    if (value === undefined) return { error: `${flag} needs a value` };
    argv.splice(at, 2);
    if (flag === '--password-file') flags.passwordFile = value;
    else if (isRole(value)) flags.role = value;
    else return { error: `--role is admin or agent, not "${value}"` };
  }
  return { argv, flags };
}

const isRole = (value: string | undefined): value is Role =>
  (ROLES as readonly string[]).includes(value ?? '');

/**
 * `npm run server -- agents …`: console users, from the server's own machine. The first agent of
 * a team is its admin unless `--role` says otherwise; every change goes on the audit trail in the
 * name of the command line.
 */
export async function agentsCommand(config: CliConfig, args: string[], flags: AgentFlags): Promise<number> {
  const [verb, name, value] = args;
  const storage = await openStorage(config.db);
  const fail = (code: number, message: string) => {
    process.stderr.write(`switchboard: ${message}\n`);
    return code;
  };
  try {
    await storage.migrate();
    const audit = new AuditLog({ storage, clock: systemClock(), logger: createLogger('silent') });
    if (verb === 'list') return await list(storage);
    if (!name || !['add', 'remove', 'role'].includes(verb ?? '')) return fail(2, `use ${AGENTS_USAGE}`);
    if (verb === 'add') return await add(storage, audit, name, flags, fail);
    const agent = await storage.agents.findByName(name);
    if (!agent) return fail(1, `no agent named "${name}"`);
    try {
      if (verb === 'role') {
        if (!isRole(value)) return fail(2, `agents role ${name} needs admin or agent`);
        await storage.agents.update(agent.id, { role: value });
        await announce(storage, agent.id);
        if (value !== agent.role) {
          await audit.record(COMMAND_LINE, 'agent.role_changed', agent, `${agent.role} → ${value}`);
        }
        process.stdout.write(
          `Agent "${agent.name}" is now ${value === 'admin' ? 'an admin' : 'an agent'}.\n`,
        );
        return 0;
      }
      if (!(await storage.agents.remove(agent.id))) return fail(1, `no agent named "${name}"`);
      await announce(storage, agent.id);
    } catch (e) {
      if (e instanceof LastAdminError) return fail(1, e.message);
      throw e;
    }
    await audit.record(COMMAND_LINE, 'agent.removed', agent, `was ${agent.role}`);
    process.stdout.write(`Agent "${name}" removed; their open consoles close now.\n`);
    return 0;
  } finally {
    await storage.close();
  }
}

/**
 * Tells the running servers that an agent's access changed, so their consoles close or take the
 * new role at once (PostgreSQL: a NOTIFY every node hears; SQLite: the server sees this write
 * itself within a second). A server that is not running has nothing to hear.
 */
async function announce(storage: Storage, agentId: string): Promise<void> {
  await storage.access.announce({ agentId }).catch(() => undefined);
}

async function list(storage: Storage): Promise<number> {
  const agents = await storage.agents.list();
  if (agents.length === 0)
    process.stdout.write('No agents yet. Add one with: npm run server -- agents add NAME\n');
  for (const a of agents) {
    const state = a.disabledAt === null ? '' : '\tdisabled';
    process.stdout.write(`${a.name}\t${a.role}\t${new Date(a.createdAt).toISOString()}${state}\n`);
  }
  return 0;
}

async function add(
  storage: Storage,
  audit: AuditLog,
  name: string,
  flags: AgentFlags,
  fail: (code: number, message: string) => number,
): Promise<number> {
  const valid = displayName(80).safeParse(name);
  if (!valid.success) return fail(2, `agent name: ${describeZodError(valid.error)}`);
  let chosen: { value: string; generated: boolean };
  try {
    chosen = await choosePassword(flags.passwordFile);
  } catch (e) {
    return fail(2, (e as Error).message);
  }
  const problem = chosen.generated ? null : passwordProblem(chosen.value, name);
  if (problem) return fail(2, `password: ${problem}`);
  let role: Role;
  const id = randomUUID();
  try {
    role = await storage.agents.create({
      id,
      name,
      passwordHash: await hashPassword(chosen.value),
      createdAt: Date.now(),
      temporaryPassword: chosen.generated,
      ...(flags.role ? { role: flags.role } : {}),
    });
  } catch (e) {
    if (!(e instanceof StorageConflictError)) throw e;
    return fail(1, `an agent named "${name}" already exists`);
  }
  await audit.record(COMMAND_LINE, 'agent.added', { id, name }, `as ${role}`);
  process.stdout.write(`Agent "${name}" added as ${role === 'admin' ? 'an admin' : 'an agent'}.\n`);
  if (chosen.generated) process.stdout.write(`Password: ${chosen.value}\n(shown once; keep it safe)\n`);
  return 0;
}

/** `--password-file` or SWITCHBOARD_AGENT_PASSWORD; else ask on a terminal; else generate one. */
async function choosePassword(file?: string): Promise<{ value: string; generated: boolean }> {
  const given =
    file !== undefined
      ? await readSecretFile(file, '--password-file')
      : process.env.SWITCHBOARD_AGENT_PASSWORD;
  if (given) return { value: given, generated: false };
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question('Password (empty to generate one): ')).trim();
    rl.close();
    if (answer) return { value: answer, generated: false };
  }
  return { value: newOneTimePassword(), generated: true };
}
