import { Link } from 'react-router';
import { Empty } from '../../components/States';

export function NotFound() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Not found</h1>
      <Empty title="There is no such page">
        <p>
          <Link to="/incidents">Go to the incident queue</Link>
        </p>
      </Empty>
    </section>
  );
}
