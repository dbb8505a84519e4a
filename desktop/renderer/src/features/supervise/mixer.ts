/**
 * The agent's side of a supervision, in Web Audio: with voice peer to peer and no media server,
 * the agent's console is where the call's two sides meet, so it mixes them.
 *
 * - to the supervisor: the phone's audio and the agent's microphone;
 * - to the phone, only while barging: the agent's microphone, the supervisor's voice, and a short
 *   tone when the supervisor joins, so the caller knows someone else is on the line.
 *
 * A muted microphone track (mute, hold) reaches the graph as silence, so mute and hold keep
 * meaning what they meant.
 */
export class SupervisionMixer {
  /**
   * 'balanced' rather than the default 'interactive': larger render quanta wake the audio thread
   * less often (bench:media's supervisor CPU), for a few ms more on a supervisor's barge.
   */
  private readonly context = new AudioContext({ latencyHint: 'balanced' });
  private readonly toSupervisor = this.context.createMediaStreamDestination();
  private readonly toPhone = this.context.createMediaStreamDestination();
  /** The supervisor's voice on its way to the phone: open only while barging. */
  private readonly bargeGain = this.context.createGain();
  private phone: { track: MediaStreamTrack; node: AudioNode } | null = null;
  private mic: { track: MediaStreamTrack; node: AudioNode } | null = null;
  private supervisor: { track: MediaStreamTrack; node: AudioNode } | null = null;
  private barging = false;

  constructor() {
    this.bargeGain.gain.value = 0;
    this.bargeGain.connect(this.toPhone);
    // Made in answer to a click or a call the agent took; resume in case the page had no gesture.
    void this.context.resume().catch(() => undefined);
  }

  /** What the supervisor hears. */
  get supervisorTrack(): MediaStreamTrack {
    return this.toSupervisor.stream.getAudioTracks()[0]!;
  }

  /** What the phone hears while a supervisor barges in. */
  get phoneTrack(): MediaStreamTrack {
    return this.toPhone.stream.getAudioTracks()[0]!;
  }

  setPhone(track: MediaStreamTrack | null): void {
    this.phone = this.rewire(this.phone, track, [this.toSupervisor]);
  }

  setMicrophone(track: MediaStreamTrack | null): void {
    this.mic = this.rewire(this.mic, track, [this.toSupervisor, this.toPhone]);
  }

  setSupervisor(track: MediaStreamTrack | null): void {
    this.supervisor = this.rewire(this.supervisor, track, [this.bargeGain]);
  }

  /** Opens the supervisor's way to the phone, with the tone on the way in. */
  setBarging(on: boolean): void {
    if (on && !this.barging) this.tone();
    this.barging = on;
    this.bargeGain.gain.value = on ? 1 : 0;
  }

  close(): void {
    void this.context.close().catch(() => undefined);
  }

  /** Two short beeps at 880 Hz, the "someone joined" of conference bridges. */
  private tone(): void {
    const start = this.context.currentTime + 0.05;
    for (const at of [start, start + 0.25]) {
      const beep = this.context.createOscillator();
      const level = this.context.createGain();
      beep.frequency.value = 880;
      level.gain.value = 0.3;
      beep.connect(level).connect(this.toPhone);
      beep.start(at);
      beep.stop(at + 0.15);
      beep.onended = () => level.disconnect();
    }
  }

  private rewire(
    old: { track: MediaStreamTrack; node: AudioNode } | null,
    track: MediaStreamTrack | null,
    to: AudioNode[],
  ): { track: MediaStreamTrack; node: AudioNode } | null {
    if (old?.track === track) return old;
    old?.node.disconnect();
    if (!track) return null;
    const node = this.context.createMediaStreamSource(new MediaStream([track]));
    for (const destination of to) node.connect(destination);
    return { track, node };
  }
}
