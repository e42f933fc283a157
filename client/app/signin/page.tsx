import type { Metadata } from 'next';
import { AuthPage } from '@/components/auth-page';
import type { SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  return <AuthPage mode="signin" searchParams={searchParams} />;
}
