import { useEffect, useMemo, useState } from 'react';
import { type AgentAckData, type DeviceEntry, type PhoneHealth, phoneHealth } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';

/**
 * A phone's mark by the shared rules (shared/src/phone-health.ts), from its roster entry and its
 * record as the store holds them. Marks that depend on time (offline for N days) follow the clock.
 */
export function usePhoneMark(device: DeviceEntry, now: number): PhoneHealth {
  const record = useConsole((s) => s.records[device.id] ?? null);
  const apnsConfigured = useConsole((s) => s.apns?.configured ?? true);
  return useMemo(
    () => phoneHealth(device, record, now, apnsConfigured),
    [device, record, now, apnsConfigured],
  );
}

export type PhoneDetail = AgentAckData['health:phone'];

/**
 * One phone's record in detail (its hours and days, for the charts), fetched when shown and again
 * whenever its record changes (a call that rang it ended, a ring test).
 */
export function usePhoneDetail(deviceId: string) {
  const api = useApi();
  const record = useConsole((s) => s.records[deviceId]);
  const [detail, setDetail] = useState<PhoneDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(60_000);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new record is the reason to fetch again.
  useEffect(() => {
    let current = true;
    void api.request('health:phone', { deviceId }).then((ack) => {
      if (!current) return;
      if (ack.ok) {
        setDetail(ack.data);
        setError(null);
      } else setError(refusalText(ack.error));
    });
    return () => {
      current = false;
    };
  }, [api, deviceId, record]);
  return { detail, error, now };
}
