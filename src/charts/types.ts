/**
 * Plain Plotly figure types: just enough structure for trainlab's builders and for users
 * to tweak a figure before showing it. Any other Plotly attribute is allowed.
 */

/** Values of one coordinate of a trace. */
export type Values = Array<number | string | null>;

/** A Plotly axis (`layout.xaxis`, `layout.yaxis2`, ...). */
export interface Axis {
  title?: { text: string; [attribute: string]: unknown };
  type?: 'linear' | 'log' | 'category' | 'date' | '-';
  domain?: [number, number];
  anchor?: string;
  overlaying?: string;
  side?: 'left' | 'right' | 'top' | 'bottom';
  matches?: string;
  showgrid?: boolean;
  [attribute: string]: unknown;
}

/** A Plotly trace (`scatter`, `bar`, `contour`, `parcoords`, ...). */
export interface Trace {
  type: string;
  name?: string;
  x?: Values;
  y?: Values;
  z?: Array<Array<number | null>>;
  mode?: string;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  legendgroup?: string;
  line?: Record<string, unknown>;
  marker?: Record<string, unknown>;
  text?: string | string[];
  hovertemplate?: string;
  [attribute: string]: unknown;
}

/** A Plotly layout. */
export interface Layout {
  title?: { text: string; [attribute: string]: unknown };
  xaxis?: Axis;
  yaxis?: Axis;
  shapes?: Array<Record<string, unknown>>;
  annotations?: Array<Record<string, unknown>>;
  height?: number;
  [attribute: string]: unknown;
}

/** A plain Plotly figure, what every `charts.*` builder returns and `show` takes. */
export interface Figure {
  data: Trace[];
  layout: Layout;
  /** Plotly config (`displaylogo`, `responsive`, ...). */
  config?: Record<string, unknown>;
}
