import type { Metadata } from 'next';
import { SellForm } from '@/components/sell-form';
import { requireUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sell tickets' };

export default async function SellPage() {
  await requireUser('/sell');
  return (
    <div className="narrow card">
      <h1>Sell a ticket</h1>
      <p className="muted">Buyers reserve it while they pay; you can change the price whenever nobody is paying for it.</p>
      <SellForm />
    </div>
  );
}
