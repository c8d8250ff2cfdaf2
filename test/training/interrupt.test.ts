import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend, setSeed } from '../../src/backend';
import { decisionBoundaryCallback } from '../../src/charts/decisionBoundary';
import { liveChart } from '../../src/charts/liveChart';
import { earlyStopping, progressBar, csvLogger } from '../../src/callbacks';
import { disposeTrainingState, findLearningRate, sweep, train } from '../../src/training';
import { interruptHub, requestStop } from '../../src/util/interrupt';
import { FakeDisplay } from '../display/fake';

// Each run is 2 batches per epoch. A trigger callback (a tf.Callback, so tfjs itself never
// yields) blocks the event loop for 60 ms in batch 5 and schedules the stop for the event loop: only
// a loop that yields can see it, and the first yield (at batch 6, the end of epoch 3) must
// stop the run there.
const STOP_AT_BATCH = 5;
const EPOCHS = 50;
const STOP_LINE = / stopped by the stop button /;

before(async () => {
  await useBackend('cpu', { quiet: true });
});

after(() => {
  interruptHub().kernel = false;
});

function classification(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 7) as tf.Tensor2D;
    const y = tf.cast(tf.greater(x.slice([0, 0], [-1, 1]), 0), 'float32') as tf.Tensor2D;
    return { x, y };
  });
}

function tinyModel(): tf.Sequential {
  setSeed(1);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  return model;
}

/** Presses ■ the way the mode under test receives it: through the kernel's requestStop, or as a process SIGINT. */
function press(kernel: boolean): void {
  if (kernel) assert.equal(requestStop(), true, 'something was registered to stop');
  else process.emit('SIGINT');
}

interface Probe {
  /** Batches that ended (trigger's count). */
  batches: number;
  /** Batches that had ended when the stop was handled. */
  atStop: number | undefined;
  /** Registrations with the hub while the run was going (at the trigger's batch). */
  registered: number | undefined;
  /** SIGINT listeners added while the run was going. */
  listeners: number | undefined;
}

function trigger(probe: Probe, kernel: boolean, baseListeners: number, stopAt = STOP_AT_BATCH): tf.Callback {
  return new (class extends tf.Callback {
    override async onBatchEnd(): Promise<void> {
      probe.batches += 1;
      if (probe.batches !== stopAt) return;
      probe.registered = interruptHub().stoppables.size;
      probe.listeners = process.listenerCount('SIGINT') - baseListeners;
      // setImmediate, like a signal, is handled in one turn of the event loop (a timer may wait a turn more).
      setImmediate(() => {
        probe.atStop = probe.batches;
        press(kernel);
      });
      const until = Date.now() + 60;
      while (Date.now() < until) {
        // busy: the next batch edge is due to yield
      }
    }
  })();
}

async function captureLog<T>(run: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    return { value: await run(), lines: lines.filter((l) => STOP_LINE.test(l)) };
  } finally {
    console.log = original;
  }
}

interface Case {
  name: string;
  /** Registrations expected while running: the run's own (sweep: sweep's and its train's). */
  registered: number;
  line: string;
  /** Starts the run (with a trigger last among its callbacks) and checks its result. */
  run(data: { x: tf.Tensor2D; y: tf.Tensor2D }, probe: Probe, kernel: boolean, baseListeners: number): Promise<void>;
}

const fitLine = `model.fit: stopped by the stop button after epoch 3 of ${EPOCHS} (the model keeps its weights)`;

/** model.fit with trainlab callbacks: stops after epoch 3 with its History intact. */
function fitCase(name: string, callbacks: (data: { x: tf.Tensor2D; y: tf.Tensor2D }) => tf.Callback[]): Case {
  return {
    name: `model.fit with ${name}`,
    registered: 1,
    line: fitLine,
    async run(data, probe, kernel, baseListeners) {
      const model = tinyModel();
      model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      try {
        const history = await model.fit(data.x, data.y, { epochs: EPOCHS, batchSize: 8, verbose: 0, callbacks: [...callbacks(data), trigger(probe, kernel, baseListeners)] });
        assert.deepEqual(history.epoch, [0, 1, 2], 'stopped in epoch 3 (of 50)');
        assert.equal(history.history['loss'].length, 3);
        assert.ok(history.history['loss'].every((v) => Number.isFinite(v as number)));
      } finally {
        model.dispose();
      }
    },
  };
}

const cases: Case[] = [
  {
    name: 'train',
    registered: 1,
    line: `train: stopped by the stop button after epoch 3 of ${EPOCHS} (run.interrupted is true; the model keeps its weights)`,
    async run(data, probe, kernel, baseListeners) {
      const model = tinyModel();
      try {
        const run = await train(model, data, { epochs: EPOCHS, batchSize: 8 }, { callbacks: [trigger(probe, kernel, baseListeners)], progress: false });
        assert.equal(run.interrupted, true);
        assert.equal(run.end, 'interrupted');
        assert.equal(run.epochsRun, 3);
        assert.equal(run.history.length, 3);
      } finally {
        disposeTrainingState(model);
        model.dispose();
      }
    },
  },
  {
    name: 'train with liveChart, progressBar and earlyStopping (train stops them, they stay out)',
    registered: 1,
    line: `train: stopped by the stop button after epoch 3 of ${EPOCHS} (run.interrupted is true; the model keeps its weights)`,
    async run(data, probe, kernel, baseListeners) {
      const model = tinyModel();
      const display = new FakeDisplay();
      try {
        const run = await train(model, data, { epochs: EPOCHS, batchSize: 8 }, {
          callbacks: [liveChart({ display }), progressBar({ display }), earlyStopping({ monitor: 'loss', patience: 100 }), trigger(probe, kernel, baseListeners)],
          progress: false,
        });
        assert.equal(run.end, 'interrupted');
        assert.equal(run.epochsRun, 3);
      } finally {
        disposeTrainingState(model);
        model.dispose();
      }
    },
  },
  {
    name: 'sweep (stopped in its second run)',
    registered: 2,
    line: `sweep: stopped by the stop button during run 1 (2/3), after its epoch 3 of ${EPOCHS} (result.interrupted is true; the finished runs are in result.runs)`,
    async run(data, probe, kernel, baseListeners) {
      let runs = 0;
      const result = await sweep({ epochs: EPOCHS, batchSize: 8 }, { learningRate: [0.01, 0.02, 0.03] }, () => tinyModel(), data, {
        progress: false,
        callbacks: () => (runs++ === 1 ? [trigger(probe, kernel, baseListeners)] : []),
      });
      assert.equal(result.interrupted, true);
      assert.deepEqual(result.runs.map((r) => [r.result?.end, r.result?.epochsRun]), [['completed', EPOCHS], ['interrupted', 3]]);
    },
  },
  fitCase('liveChart', () => [liveChart({ display: new FakeDisplay() })]),
  fitCase('progressBar', () => [progressBar({ display: new FakeDisplay() })]),
  fitCase('earlyStopping', () => [earlyStopping({ monitor: 'loss', patience: 100 })]),
  fitCase('decisionBoundaryCallback', (data) => [decisionBoundaryCallback({ data, display: new FakeDisplay(), gridSize: 10 })]),
  fitCase('liveChart, progressBar and earlyStopping together (one guard, one line)', () => {
    const display = new FakeDisplay();
    return [liveChart({ display }), progressBar({ display }), earlyStopping({ monitor: 'loss', patience: 100 })];
  }),
];

for (const kernel of [true, false]) {
  const mode = kernel ? 'kernel (requestStop)' : 'plain node (process SIGINT)';
  for (const c of cases) {
    test(`stop button, ${mode}: ${c.name} stops at the next batch edge, one line, nothing left behind`, async () => {
      interruptHub().kernel = kernel;
      const data = classification();
      const tensors = tf.memory().numTensors;
      const listeners = process.listenerCount('SIGINT');
      const hubSize = interruptHub().stoppables.size;
      const probe: Probe = { batches: 0, atStop: undefined, registered: undefined, listeners: undefined };
      try {
        const { lines } = await captureLog(() => c.run(data, probe, kernel, listeners));
        assert.deepEqual(lines, [c.line]);
        assert.equal(probe.registered, hubSize + c.registered, 'registrations while running');
        assert.equal(probe.listeners, kernel ? 0 : c.registered, 'SIGINT listeners while running: none when the kernel owns SIGINT');
        assert.notEqual(probe.atStop, undefined, 'the stop was handled');
        assert.ok(probe.batches - probe.atStop! <= 1, `stopped at the next batch edge: ${probe.batches - probe.atStop!} batches after the stop was handled`);
        assert.equal(probe.batches, STOP_AT_BATCH + 1, 'stopped at the end of batch 6 (then its epoch, the 3rd, ended)');
        assert.equal(tf.memory().numTensors, tensors, 'no tensors left beyond the data');
        assert.equal(interruptHub().stoppables.size, hubSize, 'hub empty again');
        assert.equal(process.listenerCount('SIGINT'), listeners, 'SIGINT listeners back');
      } finally {
        interruptHub().kernel = false;
        tf.dispose([data.x, data.y]);
      }
    });
  }

  test(`stop button, ${mode}: findLearningRate stops at its next step and restores the weights`, async () => {
    interruptHub().kernel = kernel;
    const data = classification();
    const model = tinyModel();
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tensors = tf.memory().numTensors;
    const listeners = process.listenerCount('SIGINT');
    try {
      // findLearningRate lets the event loop run every 10 steps: the stop lands there.
      setImmediate(() => press(kernel));
      const { value: result, lines } = await captureLog(() => findLearningRate(model, data, { numSteps: 100, divergeFactor: Infinity, config: { batchSize: 8 } }));
      assert.equal(result.interrupted, true);
      assert.equal(result.lrs.length, 10);
      assert.deepEqual(lines, [`findLearningRate: stopped by the stop button after step 10 of 100 (result.interrupted is true; the model's weights are restored)`]);
      assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), weights);
      assert.equal(tf.memory().numTensors, tensors);
      assert.equal(interruptHub().stoppables.size, 0);
      assert.equal(process.listenerCount('SIGINT'), listeners);
    } finally {
      interruptHub().kernel = false;
      model.dispose();
      tf.dispose([data.x, data.y]);
    }
  });
}

test('model.fit with a trainlab callback that runs to the end: no line, nothing registered afterwards', async () => {
  const data = classification();
  const model = tinyModel();
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const listeners = process.listenerCount('SIGINT');
  try {
    const { value: history, lines } = await captureLog(() => model.fit(data.x, data.y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [progressBar({ display: new FakeDisplay() })] }));
    assert.equal(history.epoch.length, 3);
    assert.deepEqual(lines, []);
    assert.equal(interruptHub().stoppables.size, 0);
    assert.equal(process.listenerCount('SIGINT'), listeners);
  } finally {
    model.dispose();
    tf.dispose([data.x, data.y]);
  }
});

// tfjs skips onTrainEnd when fit throws: the guard must not outlive the fit, or the kernel's
// first ■ would "stop" nothing instead of interrupting the next cell.
const failures: Array<[string, (chart: ReturnType<typeof liveChart>) => Promise<void>]> = [
  ['onTrainError called (as after a failed fit)', async (chart) => chart.onTrainError(new Error('boom'))],
  ['requestStop finds it over', async () => assert.equal(requestStop(), false, 'nothing to stop: the kernel interrupts')],
  ['left alone (the guard notices within 250 ms)', async () => new Promise((resolve) => setTimeout(resolve, 300))],
];
for (const [name, cleanUp] of failures) {
  test(`model.fit that throws with liveChart: the registration ends (${name})`, async () => {
    interruptHub().kernel = name.startsWith('requestStop');
    const data = classification();
    const model = tinyModel();
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const listeners = process.listenerCount('SIGINT');
    const chart = liveChart({ display: new FakeDisplay() });
    const thrower = new (class extends tf.Callback {
      override async onBatchEnd(batch: number): Promise<void> {
        if (batch === 2) throw new Error('boom');
      }
    })();
    try {
      await assert.rejects(model.fit(data.x, data.y, { epochs: 5, batchSize: 4, verbose: 0, callbacks: [chart, thrower] }), /boom/);
      assert.equal(interruptHub().stoppables.size, 1, 'still registered right after the throw');
      await cleanUp(chart);
      assert.equal(interruptHub().stoppables.size, 0);
      assert.equal(process.listenerCount('SIGINT'), listeners);
      // The next fit guards itself afresh.
      const history = await model.fit(data.x, data.y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [chart] });
      assert.equal(history.epoch.length, 2);
      assert.equal(interruptHub().stoppables.size, 0);
    } finally {
      interruptHub().kernel = false;
      model.dispose();
      tf.dispose([data.x, data.y]);
    }
  });
}

test('csvLogger in model.fit takes part too', async () => {
  const data = classification();
  const model = tinyModel();
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const file = path.join(os.tmpdir(), `trainlab-interrupt-${process.pid}.csv`);
  let seen = -1;
  const probe = new (class extends tf.Callback {
    override async onBatchEnd(): Promise<void> {
      seen = interruptHub().stoppables.size;
    }
  })();
  try {
    await model.fit(data.x, data.y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [csvLogger(file), probe] });
    assert.equal(seen, 1);
    assert.equal(interruptHub().stoppables.size, 0);
  } finally {
    model.dispose();
    tf.dispose([data.x, data.y]);
    fs.rmSync(file, { force: true });
  }
});
