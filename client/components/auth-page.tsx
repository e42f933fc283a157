import Link from 'next/link';
import { redirect } from 'next/navigation';
import { safeReturnPath } from '@/lib/return-path';
import { currentUser } from '@/lib/server-api';
import { param, type SearchParams } from '@/lib/search-params';
import { AuthForm } from './auth-form';

const COPY = {
  signin: { heading: 'Sign in', intro: null, other: '/signup', otherPrompt: 'New here?', otherLink: 'Create an account' },
  signup: {
    heading: 'Sign up',
    intro: 'One account to buy and to sell.',
    other: '/signin',
    otherPrompt: 'Already have an account?',
    otherLink: 'Sign in instead',
  },
} as const;

/** Sign-in and sign-up pages: the form, then back to where the visitor was going (`?next=`). */
export async function AuthPage({ mode, searchParams }: { mode: keyof typeof COPY; searchParams: SearchParams }) {
  const c = COPY[mode];
  const returnTo = safeReturnPath(param(await searchParams, 'next'));
  if (await currentUser()) redirect(returnTo);
  const otherHref = returnTo === '/' ? c.other : `${c.other}?next=${encodeURIComponent(returnTo)}`;
  return (
    <div className="narrow card">
      <h1>{c.heading}</h1>
      {c.intro ? <p className="muted">{c.intro}</p> : null}
      <AuthForm mode={mode} returnTo={returnTo} />
      <p className="muted">
        {c.otherPrompt} <Link href={otherHref}>{c.otherLink}</Link>
      </p>
    </div>
  );
}
