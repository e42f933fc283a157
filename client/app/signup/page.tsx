import type { Metadata } from 'next';
import { AuthPage } from '@/components/auth-page';
import type { SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Sign up' };

export default function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  return <AuthPage mode="signup" searchParams={searchParams} />;
}
