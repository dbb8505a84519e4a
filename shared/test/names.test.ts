import { describe, expect, it } from 'vitest';
import { agentRequests, describeZodError, displayName, loginRequestSchema, pairRequestSchema } from '#shared';

describe('names', () => {
  const name = displayName(80);

  it('takes names of every script, trimmed', () => {
    for (const ok of ['Ana', '  Zoë Okafor ', 'محمد', '李小龍', "O'Brien-Smith", 'Ana\u200F']) {
      expect(name.safeParse(ok).success).toBe(true);
    }
    expect(name.parse('  Ana  ')).toBe('Ana');
  });

  it('refuses control and text-direction override characters, saying why', () => {
    for (const bad of ['Ana\nBen', 'Ana\u0000', 'Ana\u001b[31m', 'evil\u202Egnp.exe', 'x\u2066y\u2069']) {
      const result = name.safeParse(bad);
      expect(result.success).toBe(false);
      if (!result.success) {
        expect(describeZodError(result.error)).toBe(
          'names cannot hold control or text-direction override characters',
        );
      }
    }
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('a'.repeat(81)).success).toBe(false);
  });

  it('guards every name that enters the server', () => {
    const evil = 'Ana\u202E';
    expect(agentRequests['staff:create'].safeParse({ name: evil }).success).toBe(false);
    expect(agentRequests['staff:update'].safeParse({ staffId: 's1', name: evil }).success).toBe(false);
    expect(loginRequestSchema.safeParse({ name: evil, password: 'x' }).success).toBe(false);
    const pair = {
      code: '0123456789',
      name: 'iPhone\n',
      model: 'iPhone16,2',
      osVersion: '18.1',
      appVersion: '1.0',
      bundleId: 'com.example.app',
      apnsEnvironment: 'sandbox',
    };
    expect(pairRequestSchema.safeParse({ ...pair, name: 'iPhone\u0007' }).success).toBe(false);
    expect(pairRequestSchema.safeParse({ ...pair, name: 'Ana’s iPhone' }).success).toBe(true);
  });
});
