// The queue's filters live in the URL, so a view can be bookmarked, shared and reloaded. One mapping each way,
// plus the API query it asks for.
import { SEVERITIES, STATUSES, type IncidentStatus, type Severity } from '../../api/types';

/** `priority`: open first, most severe first, then newest (the console's default); `newest`: the API's default. */
export const SORTS = ['priority', 'newest'] as const;
export type QueueSort = (typeof SORTS)[number];

export interface QueueFilters {
  sort: QueueSort;
  status: IncidentStatus[];
  severity: Severity[];
  assignee: string;
  source: string;
  q: string;
  page: number;
}

export const PAGE_SIZE = 50;

export const EMPTY_FILTERS: QueueFilters = { sort: 'priority', status: [], severity: [], assignee: '', source: '', q: '', page: 1 };

function words<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  if (!raw) return [];
  const wanted = new Set(raw.split(',').map((w) => w.trim().toLowerCase()));
  // Kept in the contract's order, so the same filter always makes the same URL.
  return allowed.filter((word) => wanted.has(word));
}

export function filtersFromSearch(search: URLSearchParams): QueueFilters {
  const page = Number.parseInt(search.get('page') ?? '', 10);
  return {
    sort: search.get('sort') === 'newest' ? 'newest' : 'priority',
    status: words(search.get('status'), STATUSES),
    severity: words(search.get('severity'), SEVERITIES),
    assignee: (search.get('assignee') ?? '').trim(),
    source: (search.get('source') ?? '').trim(),
    q: (search.get('q') ?? '').trim(),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  };
}

/** The console URL's query: empty filters and page 1 are left out. */
export function filtersToSearch(filters: QueueFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.sort !== 'priority') search.set('sort', filters.sort);
  if (filters.status.length) search.set('status', filters.status.join(','));
  if (filters.severity.length) search.set('severity', filters.severity.join(','));
  if (filters.assignee.trim()) search.set('assignee', filters.assignee.trim());
  if (filters.source.trim()) search.set('source', filters.source.trim());
  if (filters.q.trim()) search.set('q', filters.q.trim());
  if (filters.page > 1) search.set('page', String(filters.page));
  return search;
}

/** The query for `GET /api/incidents`: the same words, with the page size made explicit. */
export function filtersToApiQuery(filters: QueueFilters): string {
  const search = filtersToSearch(filters);
  search.set('sort', filters.sort);
  search.set('page', String(filters.page));
  search.set('pageSize', String(PAGE_SIZE));
  return search.toString();
}

/** A change of filter starts again at page 1. */
export function withFilter(filters: QueueFilters, change: Partial<Omit<QueueFilters, 'page'>>): QueueFilters {
  return { ...filters, ...change, page: 1 };
}

export function isFiltered(filters: QueueFilters): boolean {
  return filters.status.length > 0 || filters.severity.length > 0 || !!filters.assignee || !!filters.source || !!filters.q;
}
