import { clearOutput, DisplayError } from '../../src/display';
import { report } from '../../src/report';
import { badInputSuite, type BadInput } from '../helpers/badInput';

const make = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: DisplayError, field, message });

badInputSuite('display and report bad input', [
  make('clearOutput({wiat})', () => clearOutput({ wiat: true } as never), 'wiat', /Did you mean 'wait'/),
  make("clearOutput({wait: 'yes'})", () => clearOutput({ wait: 'yes' as never }), 'wait', /must be true or false/),
  make('clearOutput(true) positional', () => clearOutput(true as never), '', /must be an options object/),
  make('report(obs, {titel})', () => report({ loss: 0.1 }, { titel: 'x' } as never), 'titel', /Did you mean 'title'/),
  make("report(obs, 'Title') positional", () => report({ loss: 0.1 }, 'Title' as never), '', /must be an options object/),
  make('report([1, 2])', () => report([1, 2] as never), 'observations', /observations must be an object of named values, received an array/),
]);
