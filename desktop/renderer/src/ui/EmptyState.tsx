import type { ReactNode } from 'react';
import './table.css';

/**
 * A screen or panel with nothing to show yet says so where the content would be, and what to do
 * about it (the action: "Add your first staff member", "Clear search").
 */
export function EmptyState({
  children,
  action,
  className,
}: {
  children: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div className={className ? `empty-state ${className}` : 'empty-state'}>
      <p>{children}</p>
      {action}
    </div>
  );
}
