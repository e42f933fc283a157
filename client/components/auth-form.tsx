'use client';

import { useState, type FormEvent } from 'react';
import { noErrors, toFormErrors, type FormErrors } from '@/lib/api-errors';
import type { User } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import { Field } from './field';
import { FormAlert } from './form-alert';

const MODES = {
  signup: { path: '/users/signup', button: 'Sign up', busy: 'Signing up…', passwordAutocomplete: 'new-password' },
  signin: { path: '/users/signin', button: 'Sign in', busy: 'Signing in…', passwordAutocomplete: 'current-password' },
} as const;

export function AuthForm({ mode, returnTo }: { mode: keyof typeof MODES; returnTo: string }) {
  const m = MODES[mode];
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    const res = await api<User>('POST', m.path, { email: form.get('email'), password: form.get('password') });
    if (res.ok) {
      // A full page load, not a client-side navigation: every page was rendered for a signed-out
      // visitor, and the router's cache of them must not outlive the session change.
      window.location.assign(returnTo);
      return;
    }
    setErrors(toFormErrors(res.errors, ['email', 'password']));
    setBusy(false);
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
      <FormAlert messages={errors.general} />
      <Field id="email" name="email" label="Email" type="email" autoComplete="email" required error={errors.fields.email} />
      <Field
        id="password"
        name="password"
        label="Password"
        type="password"
        autoComplete={m.passwordAutocomplete}
        required
        error={errors.fields.password}
        hint={mode === 'signup' ? '8 to 128 characters.' : undefined}
      />
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? m.busy : m.button}
      </button>
    </form>
  );
}
