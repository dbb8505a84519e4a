import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, type AuditEntry } from '#shared';
import { agentState, auditSentence } from './words';

const entry = (action: AuditEntry['action'], targetName: string | null = 'Dana'): AuditEntry => ({
  id: 'a1',
  at: 0,
  actorId: 'boss',
  actorName: 'Boss',
  action,
  targetId: 't1',
  targetName,
  detail: null,
});

describe('team words', () => {
  it('words every audited action, naming its target', () => {
    const sentences = AUDIT_ACTIONS.map((a) => auditSentence(entry(a)));
    expect(new Set(sentences).size).toBe(AUDIT_ACTIONS.length);
    expect(auditSentence(entry('agent.added'))).toBe('added agent Dana');
    expect(auditSentence(entry('phone.unpaired', 'iPhone 15'))).toBe('unpaired the phone iPhone 15');
    expect(auditSentence(entry('staff.removed', null))).toBe('removed staff member someone no longer named');
  });

  it('says disabled before online', () => {
    const agent = {
      id: 'a',
      name: 'A',
      role: 'agent' as const,
      createdAt: 0,
      disabledAt: null,
      online: true,
    };
    expect(agentState(agent)).toEqual({ text: 'Online', tone: 'ok' });
    expect(agentState({ ...agent, disabledAt: 5 })).toEqual({ text: 'Disabled', tone: 'bad' });
    expect(agentState({ ...agent, online: false })).toEqual({ text: 'Offline', tone: 'neutral' });
  });
});
