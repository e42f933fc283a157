import Link from 'next/link';
import { currentUser } from '@/lib/server-api';
import { SignOutButton } from './sign-out-button';

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
              <Link href="/sell" className="nav-link">
                Sell tickets
              </Link>
              <Link href="/listings" className="nav-link">
                My listings
              </Link>
              <Link href="/orders" className="nav-link">
                My orders
              </Link>
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
