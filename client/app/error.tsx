'use client';

/** Shown when a page could not be rendered, typically because a service did not answer. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="narrow card" role="alert">
      <h1>Something went wrong</h1>
      <p>Ticketyboo could not load this page. It may be a moment&apos;s hiccup.</p>
      <button type="button" className="button button-primary" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
