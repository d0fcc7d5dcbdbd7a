/** The three means, in the order and colours the chart and its table use. */
export const SERIES = [
  { key: 'mtta', name: 'MTTA', colour: 'var(--accent)' },
  { key: 'mttc', name: 'MTTC', colour: 'var(--high)' },
  { key: 'mttr', name: 'MTTR', colour: 'var(--low)' },
] as const;
