// The team (admins): agents, the audit trail; and every agent's own account in the top bar.
export { AccountButton } from './AccountButton';
export { PasswordBanner } from './PasswordBanner';
export { TeamScreen } from './TeamScreen';
