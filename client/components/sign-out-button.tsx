'use client';

import { useState } from 'react';
import { api } from '@/lib/browser-api';

/** A button, not a link: signing out changes state, so it must not be a GET a crawler could follow. */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  async function signOut() {
    setBusy(true);
    await api('POST', '/users/signout');
    // A full page load drops everything rendered for the signed-in user (see AuthForm).
    window.location.assign('/');
  }
  return (
    <button type="button" className="nav-link link-button" onClick={() => void signOut()} disabled={busy}>
      Sign out
    </button>
  );
}
