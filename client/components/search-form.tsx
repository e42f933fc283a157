/** A plain GET form: searching works before (and without) JavaScript, and the URL can be shared. */
export function SearchForm({ q }: { q: string }) {
  return (
    <form className="search" role="search" action="/" method="get">
      <label htmlFor="q" className="visually-hidden">
        Search tickets by title
      </label>
      <input id="q" name="q" type="search" defaultValue={q} placeholder="Search tickets by title" />
      <button type="submit" className="button button-secondary">
        Search
      </button>
    </form>
  );
}
