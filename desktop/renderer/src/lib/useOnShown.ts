import { type RefObject, useEffect, useRef } from 'react';

/**
 * Calls `onShown` each time the element goes from hidden to visible. The shell keeps every screen
 * mounted (so half-typed input survives switching screens) and only hides the others, so a screen
 * that shows server data refreshes when the agent comes back to it, not only when it mounted.
 */
export function useOnShown(ref: RefObject<Element | null>, onShown: () => void): void {
  const callback = useRef(onShown);
  callback.current = onShown;
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    let visible: boolean | null = null;
    const observer = new IntersectionObserver((entries) => {
      const now = entries.some((e) => e.isIntersecting);
      // The first report is the state at mount, when the screen already loaded its data.
      if (visible === false && now) callback.current();
      visible = now;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
}
