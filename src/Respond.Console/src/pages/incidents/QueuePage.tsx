import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useReducer, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { listIncidents } from '../../api/incidents';
import { SEVERITIES, STATUSES, type IncidentSummary } from '../../api/types';
import { SeverityBadge } from '../../components/SeverityBadge';
import { Empty, Failure, Loading } from '../../components/States';
import { age } from './age';
import {
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToApiQuery,
  filtersToSearch,
  isFiltered,
  SORTS,
  withFilter,
  type QueueFilters,
  type QueueSort,
} from './filters';
import { keyCommand, NO_SELECTION, selectionReducer } from './selection';
import { EMPTY_HOLD, holdReducer, pendingChanges, pendingText } from './hold';
import { when } from '../../components/when';

/**
 * The incident queue: open and most severe first (or newest first), filtered by the URL, paged; j/k move, Enter opens.
 * Live changes wait while the pointer or the keyboard is on the rows, so nothing moves under the responder.
 */
export function QueuePage() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const apiQuery = filtersToApiQuery(filters);
  const navigate = useNavigate();
  const incidents = useQuery({
    queryKey: ['incidents', apiQuery],
    queryFn: ({ signal }) => listIncidents(apiQuery, signal),
    placeholderData: keepPreviousData,
  });
  const [hold, holdDispatch] = useReducer(holdReducer, EMPTY_HOLD);
  const onRows = useRef({ pointer: false, focus: false });
  const items = hold.shown?.items;
  const waiting = pendingText(pendingChanges(hold));

  useEffect(() => {
    if (incidents.data && !incidents.isPlaceholderData) holdDispatch({ type: 'arrived', key: apiQuery, data: incidents.data });
  }, [incidents.data, incidents.isPlaceholderData, apiQuery]);

  const rowsAttention = (change: Partial<{ pointer: boolean; focus: boolean }>) => {
    onRows.current = { ...onRows.current, ...change };
    holdDispatch({ type: onRows.current.pointer || onRows.current.focus ? 'freeze' : 'thaw' });
  };
  const [selection, dispatch] = useReducer(selectionReducer, NO_SELECTION);
  const rows = useRef<(HTMLAnchorElement | null)[]>([]);

  const apply = (next: QueueFilters) => setSearch(filtersToSearch(next));

  useEffect(() => {
    document.title = 'Incidents · Respond';
  }, []);

  useEffect(() => {
    dispatch({ type: 'rows', count: items?.length ?? 0 });
  }, [items]);

  useEffect(() => {
    if (selection.index >= 0) rows.current[selection.index]?.focus();
  }, [selection.index]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const command = keyCommand(event.key, event.target as HTMLElement | null, event);
      if (!command) return;
      event.preventDefault();
      if (command.type === 'open') {
        const item = items?.[selection.index];
        if (item) navigate(`/incidents/${item.id}`);
      } else {
        dispatch(command);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selection.index, navigate]);

  const total = hold.shown?.total ?? 0;
  const pageSize = hold.shown?.pageSize ?? 50;
  const pages = Math.max(1, Math.ceil(total / pageSize));

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Incidents</h1>
        <p className="hint">
          <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens
        </p>
      </div>
      {/* Keyed by the typed filters: when the URL changes under the form (back button, a link), it shows what the URL says. */}
      <Filters key={`${filters.assignee}\n${filters.source}\n${filters.q}`} filters={filters} onChange={apply} />
      <p className="waiting" role="status">
        {waiting && (
          <button type="button" onClick={() => holdDispatch({ type: 'show' })}>
            {waiting}: show
          </button>
        )}
      </p>
      {incidents.isPending && <Loading what="incidents" />}
      {incidents.isError && <Failure error={incidents.error} what="incidents" onRetry={() => incidents.refetch()} />}
      {items && items.length === 0 && (
        <Empty title={isFiltered(filters) ? 'No incidents match these filters' : 'No incidents yet'}>
          {isFiltered(filters) ? (
            <button type="button" onClick={() => apply({ ...EMPTY_FILTERS, sort: filters.sort })}>
              Clear the filters
            </button>
          ) : (
            <p>Incidents open when an alert source posts to its webhook. See the Sources page.</p>
          )}
        </Empty>
      )}
      {items && items.length > 0 && (
        <>
          <table
            className="queue"
            aria-busy={incidents.isFetching}
            onPointerEnter={() => rowsAttention({ pointer: true })}
            onPointerLeave={() => rowsAttention({ pointer: false })}
            onFocus={() => rowsAttention({ focus: true })}
            onBlur={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) rowsAttention({ focus: false });
            }}
          >
            <caption className="visually-hidden">
              {total} incidents, page {filters.page} of {pages}
            </caption>
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Age</th>
                <th scope="col">Assignee</th>
                <th scope="col">Sources</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item, index) => (
                <Row
                  key={item.id}
                  item={item}
                  selected={index === selection.index}
                  linkRef={(el) => {
                    rows.current[index] = el;
                  }}
                  onFocus={() => dispatch({ type: 'select', index })}
                />
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Pages">
            <button type="button" disabled={filters.page <= 1} onClick={() => apply({ ...filters, page: filters.page - 1 })}>
              Previous
            </button>
            <span>
              Page {filters.page} of {pages} · {total} incidents
            </span>
            <button type="button" disabled={filters.page >= pages} onClick={() => apply({ ...filters, page: filters.page + 1 })}>
              Next
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

function Row({ item, selected, linkRef, onFocus }: {
  item: IncidentSummary;
  selected: boolean;
  linkRef: (el: HTMLAnchorElement | null) => void;
  onFocus: () => void;
}) {
  return (
    <tr className={selected ? 'selected' : undefined} aria-current={selected ? 'true' : undefined}>
      <td>
        <SeverityBadge severity={item.severity} />
      </td>
      <td className="title">
        <Link to={`/incidents/${item.id}`} ref={linkRef} onFocus={onFocus}>
          {item.title}
        </Link>
      </td>
      <td>
        <span className={`status status-${item.status}`}>{item.status}</span>
      </td>
      <td>
        <time dateTime={item.openedAt} title={when(item.openedAt)}>
          {age(item.openedAt)}
        </time>
      </td>
      <td>{item.assignee ?? <span className="muted">nobody</span>}</td>
      <td>{item.sources.join(', ')}</td>
    </tr>
  );
}

/** The filter bar: choices apply at once, typed text on Enter or "Apply". */
function Filters({ filters, onChange }: { filters: QueueFilters; onChange: (next: QueueFilters) => void }) {
  const [text, setText] = useState({ assignee: filters.assignee, source: filters.source, q: filters.q });

  function submit(event: FormEvent) {
    event.preventDefault();
    onChange(withFilter(filters, text));
  }

  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      <label>
        Order
        <select value={filters.sort} onChange={(e) => onChange(withFilter(filters, { sort: e.target.value as QueueSort }))}>
          {SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {sort === 'priority' ? 'open, most severe first' : 'newest first'}
            </option>
          ))}
        </select>
      </label>
      <ChoiceFilter
        label="Status"
        choices={STATUSES}
        chosen={filters.status}
        onChoose={(status) => onChange(withFilter(filters, { status: status as QueueFilters['status'] }))}
      />
      <ChoiceFilter
        label="Severity"
        choices={SEVERITIES}
        chosen={filters.severity}
        onChoose={(severity) => onChange(withFilter(filters, { severity: severity as QueueFilters['severity'] }))}
      />
      <label>
        Assignee
        <input value={text.assignee} onChange={(e) => setText({ ...text, assignee: e.target.value })} />
      </label>
      <label>
        Source
        <input value={text.source} onChange={(e) => setText({ ...text, source: e.target.value })} />
      </label>
      <label>
        Text
        <input type="search" value={text.q} onChange={(e) => setText({ ...text, q: e.target.value })} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

/** One of a list, or any; a URL that names several shows them as one disabled choice until another is picked. */
function ChoiceFilter(props: {
  label: string;
  choices: readonly string[];
  chosen: readonly string[];
  onChoose: (chosen: string[]) => void;
}) {
  const { label, choices, chosen, onChoose } = props;
  return (
    <label>
      {label}
      <select
        value={chosen.length === 1 ? chosen[0] : chosen.length ? 'several' : ''}
        onChange={(e) => onChoose(e.target.value ? [e.target.value] : [])}
      >
        <option value="">any</option>
        {chosen.length > 1 && (
          <option value="several" disabled>
            {chosen.join(', ')}
          </option>
        )}
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}
