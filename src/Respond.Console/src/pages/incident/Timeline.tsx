import type { TimelineEntry } from '../../api/incident';
import { when } from '../../components/when';
import { laterThan } from './timeTravel';
import { timelineWords, who } from './timelineWords';

/**
 * The audit trail, oldest first: each event in words, with who and when. Run events link to the run's section below.
 * Looking at a past version, the events after it stay visible but are marked as later.
 */
export function Timeline({ entries, past }: { entries: TimelineEntry[]; past: number | null }) {
  const later = laterThan(entries, past);
  return (
    <ol className="inc-timeline">
      {entries.map((entry, i) => {
        const words = timelineWords(entry);
        const isLater = later[i];
        return (
          <li key={`${entry.runId ?? 'incident'}-${entry.version}-${entry.type}`} className={isLater ? 'later' : undefined}>
            <p className="inc-meta">
              <time dateTime={entry.at}>{when(entry.at)}</time>
              <span className="inc-actor">{who(entry.actorName ?? entry.actor)}</span>
              <span className="inc-tag">{entry.runId ? 'playbook run' : `version ${entry.version}`}</span>
              {isLater && <span className="inc-tag inc-later-tag">after version {past}</span>}
            </p>
            <p className="inc-sentence">
              {words.sentence}
              {words.runId && (
                <>
                  {' '}
                  <a href={`#run-${words.runId}`}>See the run</a>
                </>
              )}
            </p>
            {words.detail && <p className="inc-detail">{words.detail}</p>}
          </li>
        );
      })}
    </ol>
  );
}
