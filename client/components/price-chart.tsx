'use client';

import dynamic from 'next/dynamic';
import { useEffect, useRef, useState } from 'react';
import type { PricePoint } from '@/lib/api-types';
import { api } from '@/lib/browser-api';

// Recharts measures the DOM, so it renders in the browser only; the placeholder has the
// chart's height, so nothing below it moves when it arrives.
const PriceLines = dynamic(() => import('./price-lines').then((m) => m.PriceLines), {
  ssr: false,
  loading: () => <div className="chart-box" aria-hidden="true" />,
});

/** The ticket's price over time; fetched again whenever the live price changes. */
export function PriceChart({ ticketId, initial, currentPrice }: { ticketId: string; initial: PricePoint[]; currentPrice: number }) {
  const [points, setPoints] = useState(initial);
  const shownPrice = useRef(currentPrice);
  useEffect(() => {
    if (currentPrice === shownPrice.current) return;
    shownPrice.current = currentPrice;
    let cancelled = false;
    void api<PricePoint[]>('GET', `/tickets/${ticketId}/prices`).then((res) => {
      if (res.ok && !cancelled) setPoints(res.data);
    });
    return () => {
      cancelled = true;
    };
  }, [ticketId, currentPrice]);

  return (
    <figure className="chart">
      <figcaption>Price history</figcaption>
      <PriceLines points={points} />
    </figure>
  );
}
