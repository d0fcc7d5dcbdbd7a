import type { TimelineEntry } from '../../api/incident';
import { when } from '../../components/when';
import { entryOfVersion, sliderVersion } from './timeTravel';
import { timelineWords } from './timelineWords';

/**
 * Time travel: a slider over the incident's versions, 1 to now. Moving it shows the incident as it was; the top of the
 * range returns to the present (so does the page's "Back to now").
 */
export function VersionSlider(props: {
  current: number;
  past: number | null;
  entries: TimelineEntry[];
  onChange: (version: number | null) => void;
}) {
  const { current, past, entries, onChange } = props;
  const shown = past ?? current;
  const entry = entryOfVersion(entries, shown);
  const said = past === null ? `Now: version ${current}` : `Version ${past} of ${current}`;
  return (
    <div className={`inc-travel${past !== null ? ' inc-travel-past' : ''}`}>
      <label htmlFor="inc-version">Version</label>
      <input
        id="inc-version"
        type="range"
        min={1}
        max={current}
        step={1}
        value={shown}
        aria-valuetext={said}
        disabled={current <= 1}
        onChange={(event) => onChange(sliderVersion(Number(event.target.value), current))}
      />
      <output htmlFor="inc-version">
        <strong>{said}</strong>
        {entry && (
          <span className="muted">
            {' '}
            · {when(entry.at)} · {timelineWords(entry).sentence}
          </span>
        )}
      </output>
    </div>
  );
}
