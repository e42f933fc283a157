import type { Metadata, Viewport } from 'next';
import { SiteHeader } from '@/components/site-header';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Ticketyboo', template: '%s · Ticketyboo' },
  description: 'Buy and sell tickets you can no longer use.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#4338ca' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="container main">
          {children}
        </main>
        <footer className="container site-footer muted">Ticketyboo: resale tickets at the price the seller sets.</footer>
      </body>
    </html>
  );
}
