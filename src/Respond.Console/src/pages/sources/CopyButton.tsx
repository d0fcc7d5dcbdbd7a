import { useState } from 'react';
import { copyText } from './snippets';

/** "Copy", then "Copied" beside it (or how to copy by hand when the browser refuses the clipboard). */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'refused'>('idle');
  const copy = async () => {
    setState((await copyText(text)) ? 'copied' : 'refused');
    window.setTimeout(() => setState('idle'), 4000);
  };
  return (
    <span className="copy">
      <button type="button" onClick={() => void copy()} aria-label={`Copy ${what}`}>
        Copy
      </button>
      <span role="status" aria-live="polite" className="muted">
        {state === 'copied' && 'Copied'}
        {state === 'refused' && 'The browser refused the clipboard: select the text and press Ctrl+C.'}
      </span>
    </span>
  );
}
