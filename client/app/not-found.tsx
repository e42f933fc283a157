import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="narrow card">
      <h1>Not found</h1>
      <p>There is nothing here, or it belongs to someone else.</p>
      <p>
        <Link href="/">Back to tickets for sale</Link>
      </p>
    </div>
  );
}
