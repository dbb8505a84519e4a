import { useConsole } from '../../store/hooks';

/** The navigation's count of callbacks waiting, so an agent on another screen sees the queue grow. */
export function CallbacksCount() {
  const n = useConsole((s) => Object.keys(s.callbacks).length);
  if (n === 0) return null;
  return (
    <span className="nav-count">
      {n}
      <span className="visually-hidden"> waiting</span>
    </span>
  );
}
