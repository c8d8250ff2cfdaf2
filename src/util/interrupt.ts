/**
 * The stop button's path into a training loop. The trainlab kernel answers SIGINT itself:
 * while something registered here is running, the first ■ asks it to stop at the next
 * batch edge (the cell then finishes normally); otherwise, or on a second ■, the kernel
 * interrupts the cell. Outside the kernel (plain node, stock tslab) a registration listens
 * to SIGINT directly.
 *
 * The hub lives on `globalThis` under a registered symbol so that the kernel and every
 * copy of trainlab a notebook may load (the kernel's own, a project's installed one) share it.
 */

/** Shared between the kernel and every loaded copy of trainlab. */
export interface InterruptHub {
  /** Set by the trainlab kernel when it starts: it then owns SIGINT. */
  kernel: boolean;
  /**
   * Running stoppable work: each function asks its run to stop at the next batch edge. One
   * that returns `false` found its run already over (it unregisters itself) and stopped nothing.
   */
  readonly stoppables: Set<() => boolean | void>;
}

const HUB_KEY = Symbol.for('trainlab.interrupt');

/** The process-wide hub, created on first use. */
export function interruptHub(): InterruptHub {
  const g = globalThis as unknown as Record<symbol, InterruptHub | undefined>;
  let hub = g[HUB_KEY];
  if (hub === undefined) {
    hub = { kernel: false, stoppables: new Set() };
    g[HUB_KEY] = hub;
  }
  return hub;
}

/**
 * Registers `stop` as running stoppable work until the returned function is called.
 * `stop` may be called more than once; it must only *request* a stop, and returns `false`
 * when it finds its run already over (nothing to stop, e.g. a fit that threw).
 */
export function onInterrupt(stop: () => boolean | void): () => void {
  const hub = interruptHub();
  const entry = () => stop();
  hub.stoppables.add(entry);
  // Decided now: a kernel that owns SIGINT routes it through the hub; elsewhere listen directly.
  const direct = !hub.kernel;
  if (direct) process.on('SIGINT', entry);
  return () => {
    hub.stoppables.delete(entry);
    if (direct) process.off('SIGINT', entry);
  };
}

/**
 * What the kernel does with one SIGINT: asks every registered run to stop and returns
 * true, or returns false when there is nothing to stop softly (the kernel then interrupts).
 */
export function requestStop(hub: InterruptHub = interruptHub()): boolean {
  let stopping = false;
  for (const stop of [...hub.stoppables]) if (stop() !== false) stopping = true;
  return stopping;
}
