'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { noErrors, toFormErrors, type FormErrors } from '@/lib/api-errors';
import type { Ticket } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import { twoDecimals } from '@/lib/format';
import { Field } from './field';
import { FormAlert } from './form-alert';

export function SellForm() {
  const router = useRouter();
  const [price, setPrice] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const title = new FormData(e.currentTarget).get('title');
    const amount = price.trim() === '' ? NaN : Number(price);
    setBusy(true);
    // The tickets API validates both fields and names each one at fault; nothing is checked twice here.
    const res = await api<Ticket>('POST', '/tickets', { title, price: Number.isFinite(amount) ? amount : null });
    if (res.ok) {
      router.push(`/tickets/${res.data.id}`);
      return;
    }
    setErrors(toFormErrors(res.errors, ['title', 'price']));
    setBusy(false);
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
      <FormAlert messages={errors.general} />
      <Field id="title" name="title" label="Title" maxLength={200} required autoComplete="off" error={errors.fields.title} />
      <Field
        id="price"
        name="price"
        label="Price"
        type="text"
        inputMode="decimal"
        required
        className="field-price"
        value={price}
        onChange={(e) => setPrice(e.target.value)}
        onBlur={() => setPrice(twoDecimals(price))}
        hint="In US dollars, up to 2 decimals."
        error={errors.fields.price}
      />
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Listing…' : 'List ticket'}
      </button>
    </form>
  );
}
