// Supervisors listen, coach and barge (issue 26 item 5): the admins' Live board, the supervisor's
// card, the agent's notice, and the audio of both sides.
export { LiveScreen } from './LiveScreen';
export { SupervisedNotice } from './SupervisedNotice';
export { SupervisionAudio } from './SupervisionAudio';
export { SupervisorCard } from './SupervisorCard';
