'use client';

import { useEffect, useRef } from 'react';

/**
 * Calls `poll` every `intervalMs` while `active`, one call at a time (a slow answer never
 * overlaps the next), and not while the tab is hidden. Live status is polling, not a socket:
 * the services have no push channel, and a request a second is cheap.
 */
export function usePoll(poll: () => Promise<void>, intervalMs: number, active: boolean): void {
  const latest = useRef(poll);
  useEffect(() => {
    latest.current = poll;
  });
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const loop = async () => {
      if (!document.hidden) await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(() => void loop(), intervalMs);
    };
    timer = setTimeout(() => void loop(), intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, active]);
}
