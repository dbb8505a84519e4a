import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyApnsResponse, configErrorMessage, DEFAULT_RETRY } from '../../src/push';

describe('classifyApnsResponse', () => {
  it.each([
    [200, null, 'accepted'],
    [410, 'Unregistered', 'tokenInvalid'],
    [410, null, 'tokenInvalid'],
    [410, 'ExpiredToken', 'tokenInvalid'],
    [400, 'BadDeviceToken', 'tokenInvalid'],
    [400, 'DeviceTokenNotForTopic', 'tokenInvalid'],
    [403, 'InvalidProviderToken', 'configError'],
    [403, 'ExpiredProviderToken', 'configError'],
    [403, 'MissingProviderToken', 'configError'],
    [400, 'BadTopic', 'configError'],
    [400, 'MissingTopic', 'configError'],
    [400, 'TopicDisallowed', 'configError'],
    [403, 'BadCertificate', 'configError'],
    [400, 'BadPriority', 'configError'],
    [413, 'PayloadTooLarge', 'configError'],
    [404, 'BadPath', 'configError'],
    [400, 'IdleTimeout', 'retryable'],
    [429, 'TooManyRequests', 'retryable'],
    [500, 'InternalServerError', 'retryable'],
    [503, 'ServiceUnavailable', 'retryable'],
    [502, null, 'retryable'],
    [null, 'Timeout', 'retryable'],
    [null, 'StreamRefused: apn write failed: NGHTTP2_REFUSED_STREAM', 'retryable'],
    [null, 'ConnectionError: connect ECONNREFUSED 127.0.0.1:1', 'retryable'],
    [null, 'TlsError: self-signed certificate', 'configError'],
  ] as const)('%s %s → %s', (status, reason, outcome) => {
    expect(classifyApnsResponse(status, reason)).toBe(outcome);
  });
});

describe('backoffDelay', () => {
  it('grows by the factor from the base, capped, times the jitter', () => {
    const policy = { baseMs: 500, maxMs: 8000, factor: 2, jitter: () => 1 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(policy, n))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffDelay({ ...policy, jitter: () => 0.5 }, 3)).toBe(1000);
    expect(backoffDelay({ ...policy, jitter: () => 1.5 }, 5)).toBe(8000);
  });

  it('keeps the default jitter within ±20%', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(DEFAULT_RETRY, 2);
      expect(d).toBeGreaterThanOrEqual(800);
      expect(d).toBeLessThanOrEqual(1200);
    }
  });
});

describe('configErrorMessage', () => {
  it('says what to fix', () => {
    expect(configErrorMessage(403, 'InvalidProviderToken', 'com.example.app.voip')).toMatch(
      /^InvalidProviderToken: .*key id and team id.*\(topic com\.example\.app\.voip\)$/,
    );
    expect(configErrorMessage(403, 'ExpiredProviderToken', 't')).toContain('clock');
    expect(configErrorMessage(null, 'TlsError: self-signed certificate', 't')).toContain('CA');
    expect(configErrorMessage(400, 'BadPriority', 't')).toContain('(400)');
  });
});
