import type { CallQuality } from '#shared';
import { QualityBadge } from './QualityBadge';
import { MARK_MEANINGS, sideFacts, sideTitle, troubleInWords } from './words';
import './quality.css';

interface Props {
  quality: CallQuality | undefined;
  /** This console's agent: their own end reads "What you heard". */
  agentId: string | null;
  deviceName(id: string): string | null;
}

/**
 * How a call sounded, in history's call details: the call's mark (its worse end's), then what each
 * end heard, the first trouble in words before the numbers.
 */
export function CallQualityDetails({ quality, agentId, deviceName }: Props) {
  const headingId = 'call-quality-title';
  return (
    <section className="quality-details" aria-labelledby={headingId}>
      <h3 id={headingId}>
        How it sounded <QualityBadge quality={quality} />
      </h3>
      {!quality || quality.sides.length === 0 ? (
        <p className="quality-note">
          Neither end reported on this call: it had no audio, or both ends closed before their first reading.
        </p>
      ) : (
        <>
          {quality.mark && <p className="quality-note">{capitalise(MARK_MEANINGS[quality.mark])}.</p>}
          <div className="quality-sides">
            {quality.sides.map((side) => {
              const trouble = troubleInWords(side.summary);
              return (
                <section
                  key={side.partyId}
                  className="quality-side"
                  aria-label={sideTitle(side, agentId, deviceName)}
                >
                  <h4>{sideTitle(side, agentId, deviceName)}</h4>
                  {trouble && <p className="quality-trouble">{trouble}</p>}
                  <dl>
                    {sideFacts(side.summary).map(([label, value]) => (
                      <div key={label}>
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                      </div>
                    ))}
                  </dl>
                </section>
              );
            })}
          </div>
        </>
      )}
    </section>
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
