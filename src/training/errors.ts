import { issueFromMessage, showValue, TrainlabError, type ValidationIssue } from '../util/errors';

/** Thrown by train, findLearningRate and sweep for input they cannot use (before any training starts). */
export class TrainingError extends TrainlabError {
  /** Every problem found, not only the first, as sentences (the same as `issues[i].message`). */
  readonly problems: string[];

  /** `problems` as sentences (the field is read from the sentence's start) or as issues. */
  constructor(component: string, problems: ReadonlyArray<string | ValidationIssue>) {
    const issues = problems.map((p) => (typeof p === 'string' ? issueFromMessage(p) : p));
    const texts = issues.map((i) => i.message);
    super(texts.length === 1 ? `${component}: ${texts[0]}` : `${component}: ${texts.length} problems:\n${texts.map((p) => `  - ${p}`).join('\n')}`, issues);
    this.name = 'TrainingError';
    this.problems = texts;
  }
}

/** A received value for a message; tensors as `Tensor [40, 2] float32`, never their internals. */
export const describe = showValue;
