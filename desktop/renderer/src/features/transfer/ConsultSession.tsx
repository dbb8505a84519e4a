import { useEffect, useRef } from 'react';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { startConsult, stopConsult } from './consult/session';
import { consultation } from './rules';

/**
 * Runs the audio of the consultation this agent is part of, whatever the dock shows: as the
 * first agent (who offers) from their call, as the chosen one (who answers) from the transfer
 * offered to them. Mounted once, in the dock.
 */
export function ConsultSession() {
  const api = useApi();
  const audio = useRef<HTMLAudioElement>(null);
  // A string, so the selection is the same value while the consultation is: no re-render loop.
  const found = useConsole((s) => {
    const c = consultation(
      [...Object.values(s.calls), ...Object.values(s.transferOffers)],
      s.session?.agentId ?? null,
    );
    return c ? `${c.side} ${c.call.id}` : null;
  });
  const [side, callId] = (found?.split(' ') ?? [null, null]) as [
    'offerer' | 'answerer' | null,
    string | null,
  ];

  useEffect(() => {
    const element = audio.current;
    if (!callId || !side || !element) return;
    void startConsult(api, callId, side, element);
    return () => stopConsult();
  }, [api, callId, side]);

  // biome-ignore lint/a11y/useMediaCaption: a live consultation's audio has no captions to offer.
  return <audio ref={audio} className="voice-audio" data-testid="consult-audio" />;
}
