import Link from 'next/link';
import { currentUser } from '@/lib/server-api';
import { SignOutButton } from './sign-out-button';

const SIGNED_IN_LINKS = [
  { href: '/sell', label: 'Sell tickets' },
  { href: '/listings', label: 'My listings' },
  { href: '/orders', label: 'My orders' },
] as const;

export async function SiteHeader() {
  const user = await currentUser();
  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link href="/" className="brand">
          Ticketyboo
        </Link>
        <nav aria-label="Account" className="nav">
          {user ? (
            <>
              <span className="nav-email" title={user.email}>
                {user.email}
              </span>
              {SIGNED_IN_LINKS.map((l) => (
                <Link key={l.href} href={l.href} className="nav-link">
                  {l.label}
                </Link>
              ))}
              <SignOutButton />
            </>
          ) : (
            <>
              <Link href="/signin" className="nav-link">
                Sign in
              </Link>
              <Link href="/signup" className="nav-link nav-link-primary">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
