import { formatCountdown } from '@/lib/format';

/**
 * mm:ss left, or a placeholder of the same width before the clock is known (server render and
 * hydration), so nothing shifts when it starts ticking.
 */
export function Countdown({ msLeft }: { msLeft: number | null }) {
  return <span className="countdown">{msLeft === null ? '--:--' : formatCountdown(msLeft)}</span>;
}
