/** Figures that show themselves as a cell's result, as `show(figure)` shows them. */
import { attachDisplay } from '../display/protocol';
import { figureResultBundle } from './output';
import type { Figure } from './types';

function showFigure(this: Figure) {
  return figureResultBundle(this);
}

/**
 * Gives `figure` a hidden `[Symbol.for('Jupyter.display')]` method (JSON, `Object.keys` and
 * deep equality are unchanged), so a figure left as a cell's last value is drawn. Edits made
 * to the figure afterwards are shown; a copy made with `{...figure}` is plain data again.
 */
export function displayableFigure(figure: Figure): Figure {
  return attachDisplay(figure, showFigure);
}
