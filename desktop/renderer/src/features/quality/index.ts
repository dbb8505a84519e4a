// How each call sounded (issue 25 item 8): history's mark and details, a phone's quality.
export { CallQualityDetails } from './CallQualityDetails';
export { PhoneQuality } from './PhoneQuality';
export { QualityBadge } from './QualityBadge';
export { MARK_LABELS, MARK_MEANINGS } from './words';
