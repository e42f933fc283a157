'use client';

import { useEffect, useState } from 'react';

/**
 * The current time, ticking every `intervalMs`; null until mounted. Server and first browser
 * render both see null, so a countdown never mismatches during hydration.
 */
export function useNow(intervalMs = 250): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [intervalMs]);
  return now;
}
