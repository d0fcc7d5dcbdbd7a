import { useEffect } from 'react';
import { Link } from 'react-router';
import { Empty } from '../../components/States';

/** A console route that is not built yet: a clear empty state, not an error. */
export function ComingSoon({ title, what }: { title: string; what: string }) {
  useEffect(() => {
    document.title = `${title} · Respond`;
  }, [title]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <Empty title="Coming soon">
        <p>This page will show {what}. Until then, the API has it: see the <a href="/openapi">API reference</a>.</p>
        <p>
          <Link to="/incidents">Back to the incident queue</Link>
        </p>
      </Empty>
    </section>
  );
}
