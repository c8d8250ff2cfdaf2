/** Horizontal legends under the x axis, sized so they overlap nothing. */
import type { Layout } from './types';

/** Pixels below the plot area taken by the x tick labels and the axis title (standoff 8). */
const X_AXIS_PX = 62;
/** Pixels per row of the horizontal legend. */
const LEGEND_ROW_PX = 28;
/** Plot width the legend rows are estimated for (narrow notebooks; wider ones leave some space). */
const LEGEND_WIDTH_PX = 560;

/**
 * Rows a horizontal legend with these entry names needs, estimated from their length
 * (about 7 px a character plus 45 px for the symbol and gap).
 */
export function legendRows(names: string[], widthPx = LEGEND_WIDTH_PX): number {
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const w = 45 + 7 * name.replace(/<[^>]*>|&[a-z#0-9]+;/g, '.').length;
    if (used > 0 && used + w > widthPx) {
      rows++;
      used = 0;
    }
    used += w;
  }
  return rows;
}

/**
 * Puts a horizontal legend under the x axis title of `layout`, where it cannot overlap it:
 * the bottom margin grows to hold the tick labels, the axis title and the legend rows
 * (estimated from `names`; `titleRow` adds one for the legend's title, put above the
 * entries), and the figure grows by as much so the plot area keeps its size
 * (`layout.margin.b`, default 40, is what the caller had planned for the axis). The
 * legend's top edge sits just under the axis title (`yref: 'container'`, so it does not
 * depend on the plot area's height).
 */
export function placeLegendBelow(layout: Layout, names: string[], titleRow = false): void {
  const legendPx = (legendRows(names) + (titleRow ? 1 : 0)) * LEGEND_ROW_PX + 8;
  const margin = (layout.margin as Record<string, number> | undefined) ?? {};
  const marginBottom = X_AXIS_PX + legendPx;
  const height = (layout.height ?? 450) + marginBottom - (margin.b ?? 40);
  layout.height = height;
  layout.margin = { ...margin, b: marginBottom };
  const legend = { orientation: 'h', yref: 'container', y: legendPx / height, yanchor: 'top', x: 0, xanchor: 'left' };
  // Keep a legend title the caller set; `titleRow` puts it on a row of its own above the entries.
  const title = (layout.legend as { title?: Record<string, unknown> } | undefined)?.title;
  layout.legend = title === undefined ? legend : { ...legend, title: titleRow ? { ...title, side: 'top' } : title };
}
