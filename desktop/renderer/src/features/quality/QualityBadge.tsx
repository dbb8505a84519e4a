import type { CallQuality } from '#shared';
import { MARK_BADGES, MARK_LABELS, markSentence } from './words';

/** A call's audio mark in history: a badge with its word (and MOS), or a dash when unscored. */
export function QualityBadge({ quality }: { quality: CallQuality | undefined }) {
  if (!quality?.mark) {
    return (
      <span className="quality-none" title="Neither end reported how this call sounded">
        <span aria-hidden="true">–</span>
        <span className="visually-hidden">Audio not scored</span>
      </span>
    );
  }
  return (
    <span className={`badge ${MARK_BADGES[quality.mark]}`} title={markSentence(quality)}>
      {MARK_LABELS[quality.mark]}
      {quality.mos !== null && (
        <>
          {/* Read out as "Poor audio, MOS 3.2"; seen as "Poor 3.2". */}
          <span className="visually-hidden"> audio, MOS</span>
          <span className="quality-mos">{quality.mos.toFixed(1)}</span>
        </>
      )}
    </span>
  );
}
