import type { AgentEntry, AuditAction, AuditEntry, AuditSubject } from '#shared';

/** What each audited action did, as a sentence about its target. */
const DID: Record<AuditAction, (target: string) => string> = {
  'agent.added': (t) => `added agent ${t}`,
  'agent.role_changed': (t) => `changed the role of ${t}`,
  'agent.disabled': (t) => `disabled ${t}`,
  'agent.enabled': (t) => `enabled ${t}`,
  'agent.password_reset': (t) => `reset the password of ${t}`,
  'agent.password_changed': () => 'changed their own password',
  'agent.removed': (t) => `removed agent ${t}`,
  'staff.added': (t) => `added staff member ${t}`,
  'staff.changed': (t) => `changed staff member ${t}`,
  'staff.removed': (t) => `removed staff member ${t}`,
  'phone.pairing_started': (t) => `made a pairing code for ${t}`,
  'phone.paired': (t) => `paired the phone ${t}`,
  'phone.unpaired': (t) => `unpaired the phone ${t}`,
  'directory.replaced': () => 'saved the caller-ID directory',
  'disposition.changed': () => 'changed the dispositions',
  'callback.claimed': (t) => `claimed the callback for ${t}`,
  'callback.released': (t) => `released the callback for ${t}`,
  'callback.closed': (t) => `closed the callback for ${t}`,
};

/** "added agent Dana", "saved the caller-ID directory": the audit row's main words. */
export function auditSentence(entry: AuditEntry): string {
  return DID[entry.action](entry.targetName ?? 'someone no longer named');
}

export const AUDIT_SUBJECTS: { value: AuditSubject | ''; label: string }[] = [
  { value: '', label: 'Everything' },
  { value: 'agent', label: 'The team' },
  { value: 'staff', label: 'Staff' },
  { value: 'phone', label: 'Phones' },
  { value: 'directory', label: 'Directory' },
  { value: 'disposition', label: 'Dispositions' },
  { value: 'callback', label: 'Callbacks' },
];

export const roleName = (role: AgentEntry['role']) => (role === 'admin' ? 'Admin' : 'Agent');

/** What an agent's row says about them now: disabled wins over online. */
export function agentState(agent: AgentEntry): { text: string; tone: 'ok' | 'neutral' | 'bad' } {
  if (agent.disabledAt !== null) return { text: 'Disabled', tone: 'bad' };
  return agent.online ? { text: 'Online', tone: 'ok' } : { text: 'Offline', tone: 'neutral' };
}
