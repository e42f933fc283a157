'use client';

import { useState, type FormEvent } from 'react';
import { Field } from './field';

/** Stripe's test tokens that the payments service's test mode knows, and what each does. */
const TEST_TOKENS: readonly { token: string; outcome: string }[] = [
  { token: 'tok_visa', outcome: 'pays' },
  { token: 'tok_mastercard', outcome: 'pays' },
  { token: 'tok_chargeDeclined', outcome: 'is declined' },
  { token: 'tok_chargeDeclinedInsufficientFunds', outcome: 'is declined for insufficient funds' },
];

/**
 * The card part of checkout. Test mode takes a Stripe test token typed in; no card number ever
 * reaches Ticketyboo either way (with real Stripe the browser would hand over only a token).
 */
export function PaymentForm({ testMode, busy, onPay }: { testMode: boolean; busy: boolean; onPay: (token: string) => void }) {
  const [token, setToken] = useState(testMode ? 'tok_visa' : '');

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    onPay(token.trim());
  }

  return (
    <form className="stack payment-form" onSubmit={submit} aria-label="Payment">
      {testMode ? (
        <p className="notice">Test mode: no real money moves. Pay with one of Stripe&apos;s test tokens.</p>
      ) : null}
      <Field
        id="card-token"
        name="token"
        label="Card token"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        required
        hint={
          testMode ? (
            <>
              Test tokens:{' '}
              {TEST_TOKENS.map((t, i) => (
                <span key={t.token}>
                  {i > 0 ? '; ' : ''}
                  <code>{t.token}</code> {t.outcome}
                </span>
              ))}
              .
            </>
          ) : (
            'A Stripe card token or PaymentMethod id.'
          )
        }
      />
      <button type="submit" className="button button-primary" disabled={busy || token.trim() === ''}>
        {busy ? 'Paying…' : 'Pay'}
      </button>
    </form>
  );
}
