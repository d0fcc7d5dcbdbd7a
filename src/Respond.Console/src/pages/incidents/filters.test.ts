import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, filtersFromSearch, filtersToApiQuery, filtersToSearch, isFiltered, withFilter } from './filters';

describe('queue filters and the URL', () => {
  it('reads every filter from the URL', () => {
    const filters = filtersFromSearch(
      new URLSearchParams('status=new,acknowledged&severity=high&assignee=alice&source=azure&q=brute%20force&page=3'),
    );
    expect(filters).toEqual({
      sort: 'priority',
      status: ['new', 'acknowledged'],
      severity: ['high'],
      assignee: 'alice',
      source: 'azure',
      q: 'brute force',
      page: 3,
    });
  });

  it('ignores unknown words and bad pages, and keeps the contract order', () => {
    const filters = filtersFromSearch(new URLSearchParams('status=closed,bogus,NEW&severity=&page=-2'));
    expect(filters.status).toEqual(['new', 'closed']);
    expect(filters.severity).toEqual([]);
    expect(filters.page).toBe(1);
    expect(filtersFromSearch(new URLSearchParams('page=abc')).page).toBe(1);
  });

  it('writes only what is set, and round-trips', () => {
    expect(filtersToSearch(EMPTY_FILTERS).toString()).toBe('');
    const filters = { ...EMPTY_FILTERS, severity: ['critical' as const, 'high' as const], q: ' disk ', page: 2 };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe('severity=critical%2Chigh&q=disk&page=2');
    expect(filtersFromSearch(search)).toEqual({ ...filters, q: 'disk' });
  });

  it('asks the API for the same filters with an explicit page and size', () => {
    const query = new URLSearchParams(filtersToApiQuery({ ...EMPTY_FILTERS, status: ['new'], source: 'grafana' }));
    expect(Object.fromEntries(query)).toEqual({ sort: 'priority', status: 'new', source: 'grafana', page: '1', pageSize: '50' });
  });

  it('goes back to page 1 when a filter changes', () => {
    const next = withFilter({ ...EMPTY_FILTERS, page: 4 }, { assignee: 'bob' });
    expect(next.page).toBe(1);
    expect(next.assignee).toBe('bob');
    expect(isFiltered(next)).toBe(true);
    expect(isFiltered({ ...EMPTY_FILTERS, page: 9 })).toBe(false);
  });

  it('sorts by priority unless the URL asks for the newest first', () => {
    expect(filtersFromSearch(new URLSearchParams('')).sort).toBe('priority');
    expect(filtersFromSearch(new URLSearchParams('sort=newest')).sort).toBe('newest');
    expect(filtersFromSearch(new URLSearchParams('sort=bogus')).sort).toBe('priority');
    expect(filtersToSearch({ ...EMPTY_FILTERS, sort: 'newest' }).toString()).toBe('sort=newest');
  });
});
