import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NO_VERSIONS, seeItem } from './streamVersions';

/** One item of `GET /api/events` (ids, versions and Respond's own summary; details are read through the API). */
export interface FeedItem {
  kind: 'incident' | 'run' | 'approval';
  type: string;
  id: string;
  version: number;
  at: string;
  actor: string;
  summary?: string;
  incidentId?: string;
  runId?: string;
  approvalId?: string;
}

/** The cached queries a feed item makes stale: the lists it may appear in and its own detail. */
export function staleQueries(item: FeedItem): QueryKey[] {
  const keys: QueryKey[] = [];
  if (item.incidentId) keys.push(['incidents'], ['incident', item.incidentId]);
  if (item.kind !== 'incident') keys.push(['runs'], ['approvals'], ['runbooks']);
  if (item.runId) keys.push(['run', item.runId]);
  return keys;
}

/**
 * Listens to the live feed while signed in and refreshes what it makes stale. The browser's EventSource reconnects by
 * itself and sends Last-Event-ID, so the server replays what was missed; a `reset` (too much missed) refreshes everything.
 */
export function useLiveFeed(enabled: boolean) {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/events');
    let versions = NO_VERSIONS;
    const onItem = (event: MessageEvent<string>) => {
      try {
        const item = JSON.parse(event.data) as FeedItem;
        const seen = seeItem(versions, item);
        versions = seen.versions;
        if (!seen.fresh) return; // a replay of what this page already refreshed for
        for (const queryKey of staleQueries(item)) {
          void client.invalidateQueries({ queryKey });
        }
      } catch {
        // A frame we cannot read changes nothing we show.
      }
    };
    const onReset = () => void client.invalidateQueries();
    for (const kind of ['incident', 'run', 'approval']) source.addEventListener(kind, onItem);
    source.addEventListener('reset', onReset);
    return () => source.close();
  }, [enabled, client]);
}
