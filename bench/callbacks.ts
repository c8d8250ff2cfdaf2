/** Result of timing `train` with callbacks and a live chart against bare `model.fit`. */
export interface CallbackComparison {
  /** (bare fit samples/s) / (train samples/s) − 1; undefined when not measured. */
  slowdown?: number;
  note?: string;
  markdown: string;
}

export async function callbackWorkload(runs: number): Promise<CallbackComparison> {
  void runs;
  const note = 'not measured yet: train / liveChart / progressBar are not in src yet';
  return { note, markdown: `train + callbacks vs bare fit: ${note}` };
}
