// The page's server state. Keys are chosen so app/liveFeed.ts refreshes them: ['incident', id] (and the timeline under it)
// on the incident's events, ['runs'] and ['run', runId] on its runs' events. A past version never changes, so it has its
// own key the feed leaves alone. Every answer goes through a guard, so an older state never replaces a newer one.
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { getIncidentAt, getIncidentNow, getRun, getTimeline, listRunsOf, type IncidentView, type RunView } from '../../api/incident';
import { keepNewer, longest, newest } from './latest';

export const incidentKey = (id: string) => ['incident', id] as const;
export const timelineKey = (id: string) => [...incidentKey(id), 'timeline'] as const;
export const pastKey = (id: string, version: number | null) => ['incident-version', id, version] as const;
export const runsKey = (incidentId: string) => ['runs', 'incident', incidentId] as const;
export const runKey = (runId: string) => ['run', runId] as const;

export function useIncidentNow(id: string) {
  return useQuery({
    queryKey: incidentKey(id),
    queryFn: ({ signal }) => getIncidentNow(id, signal),
    structuralSharing: keepNewer(newest<IncidentView>),
  });
}

export function useIncidentAt(id: string, version: number | null) {
  return useQuery({
    queryKey: pastKey(id, version),
    queryFn: ({ signal }) => getIncidentAt(id, version ?? 1, signal),
    enabled: version !== null,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

export function useTimeline(id: string) {
  return useQuery({
    queryKey: timelineKey(id),
    queryFn: ({ signal }) => getTimeline(id, signal),
    structuralSharing: keepNewer(longest<{ items: unknown[] }>),
  });
}

/** The incident's runs, and each run with its steps. */
export function useRuns(incidentId: string) {
  const list = useQuery({ queryKey: runsKey(incidentId), queryFn: ({ signal }) => listRunsOf(incidentId, signal) });
  const runs = useQueries({
    queries: (list.data?.items ?? []).map((run) => ({
      queryKey: runKey(run.id),
      queryFn: ({ signal }: { signal: AbortSignal }) => getRun(run.id, signal),
      structuralSharing: keepNewer(newest<RunView>),
    })),
  });
  return { list, runs };
}
