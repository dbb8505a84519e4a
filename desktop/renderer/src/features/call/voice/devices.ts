/**
 * The browser's microphones and speakers: the agent's choice is remembered in localStorage (per
 * machine, like any headset setting), and a remembered device that is gone falls back to the
 * system default instead of failing the call.
 */

export interface DeviceOption {
  id: string;
  label: string;
}

const KEYS = {
  microphone: 'switchboard.voice.microphone',
  speaker: 'switchboard.voice.speaker',
  ringtone: 'switchboard.voice.ringtone',
} as const;
export type DeviceKind = keyof typeof KEYS;

export function rememberedDevice(kind: DeviceKind): string {
  try {
    return localStorage.getItem(KEYS[kind]) ?? '';
  } catch {
    return '';
  }
}

export function rememberDevice(kind: DeviceKind, id: string): void {
  try {
    if (id) localStorage.setItem(KEYS[kind], id);
    else localStorage.removeItem(KEYS[kind]);
  } catch {
    // Storage refused (private mode, quota): the choice lasts until the page closes.
  }
}

/** Labels are empty until the microphone has been allowed once; number them meanwhile. */
export async function listDevices(): Promise<{ inputs: DeviceOption[]; outputs: DeviceOption[] }> {
  if (!navigator.mediaDevices?.enumerateDevices) return { inputs: [], outputs: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind, noun: string) =>
    all
      .filter((d) => d.kind === kind && d.deviceId !== 'default' && d.deviceId !== 'communications')
      .map((d, i) => ({ id: d.deviceId, label: d.label || `${noun} ${i + 1}` }));
  return { inputs: pick('audioinput', 'Microphone'), outputs: pick('audiooutput', 'Speaker') };
}

/**
 * Which chosen devices were there before a device change and are gone now (unplugged): each falls
 * back to the default. A choice that was already missing is not news.
 */
export function unplugged(
  before: { inputs: DeviceOption[]; outputs: DeviceOption[] },
  after: { inputs: DeviceOption[]; outputs: DeviceOption[] },
  chosen: Record<DeviceKind, string>,
): DeviceKind[] {
  const gone = (list: 'inputs' | 'outputs', id: string) =>
    id !== '' && before[list].some((d) => d.id === id) && !after[list].some((d) => d.id === id);
  return (['microphone', 'speaker', 'ringtone'] as const).filter((kind) =>
    gone(kind === 'microphone' ? 'inputs' : 'outputs', chosen[kind]),
  );
}

/** Chromium and Electron can route an audio element to a chosen output; others play on the default. */
export const canChooseSpeaker = (): boolean =>
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** What the browser says about the microphone before asking: `prompt` means it will ask now. */
export async function microphonePermission(): Promise<PermissionState | 'unknown'> {
  try {
    return (await navigator.permissions.query({ name: 'microphone' as PermissionName })).state;
  } catch {
    return 'unknown';
  }
}

const VOICE = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/**
 * Opens the chosen microphone, or the default one when the chosen one is gone (then `fellBack`).
 * Rejects with the browser's DOMException (NotAllowedError, NotFoundError…) otherwise.
 */
export async function openMicrophone(id: string): Promise<{ track: MediaStreamTrack; fellBack: boolean }> {
  const open = async (deviceId?: string) => {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: deviceId ? { ...VOICE, deviceId: { exact: deviceId } } : VOICE,
    });
    return stream.getAudioTracks()[0]!;
  };
  if (!id) return { track: await open(), fellBack: false };
  try {
    return { track: await open(id), fellBack: false };
  } catch (e) {
    const name = (e as DOMException).name;
    if (name !== 'OverconstrainedError' && name !== 'NotFoundError') throw e;
    return { track: await open(), fellBack: true };
  }
}

/** What to tell the agent when the microphone cannot be used, and what to do about it. */
export function microphoneText(state: 'blocked' | 'missing' | 'error', detail: string | null): string {
  switch (state) {
    case 'blocked':
      return 'Microphone blocked: the phone cannot hear you. Allow the microphone for Switchboard (the icon at the right of the address bar, or your system’s privacy settings), then choose Retry.';
    case 'missing':
      return 'No microphone found: the phone cannot hear you. Connect a headset or microphone, then choose Retry.';
    case 'error':
      return `The microphone could not be opened${detail ? ` (${detail})` : ''}: another app may be using it. Close it, then choose Retry.`;
  }
}
