// Phone health (issue 25): the roster's marks, a phone's health with its charts, the Health screen,
// alerts, ring tests.
export { HealthAlerts } from './HealthAlerts';
export { HealthScreen } from './HealthScreen';
export { PhoneHealthDialog } from './PhoneHealthDialog';
export { RingTestButton } from './RingTestButton';
export { usePhoneMark } from './usePhoneHealth';
