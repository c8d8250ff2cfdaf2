import { titleText } from './html';
import type { Figure, Trace } from './types';
import { extent } from '../util/extent';

function decode(s: string): string {
  return titleText({ data: [], layout: { title: { text: s } } });
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

function traceLine(t: Trace): string | undefined {
  const name = decode(t.name ?? t.type);
  if (t.type === 'contour' || t.type === 'heatmap') {
    const z = (t.z ?? []).flat().filter((v): v is number => typeof v === 'number');
    if (z.length === 0) return `  ${name}: ${t.type}`;
    const [lo, hi] = extent(z);
    return `  ${name}: ${t.type} ${t.z?.length ?? 0}×${t.z?.[0]?.length ?? 0}, min ${fmt(lo)}, max ${fmt(hi)}`;
  }
  if (t.type === 'parcoords') {
    const dims = (t.dimensions as Array<{ label?: string; values?: unknown[] }> | undefined) ?? [];
    return `  parallel coordinates: ${dims.map((d) => decode(d.label ?? '')).join(', ')} (${dims[0]?.values?.length ?? 0} runs)`;
  }
  const horizontal = t.orientation === 'h';
  const values = (horizontal ? t.x : t.y) ?? [];
  const keys = (horizontal ? t.y : t.x) ?? [];
  const nums = values.map((v, i) => [v, keys[i]] as const).filter((p): p is readonly [number, number | string | null] => typeof p[0] === 'number' && Number.isFinite(p[0]));
  if (nums.length === 0) return values.length > 0 ? `  ${name}: no finite values (${values.length} missing, NaN or infinite)` : `  ${name}: no points`;
  if (t.type === 'bar') return `  ${name}: ${nums.map(([v, k]) => `${decode(String(k))}=${fmt(v)}`).join(', ')}`;
  const last = nums[nums.length - 1];
  if (nums.length === 1) return `  ${name}: ${fmt(last[0])} at ${last[1]}`;
  let min = nums[0];
  for (const p of nums) if (p[0] < min[0]) min = p;
  return `  ${name}: ${nums.length} points, last ${fmt(last[0])} (at ${last[1]}), min ${fmt(min[0])} (at ${min[1]})`;
}

/**
 * The `text/plain` part of a chart output: title and, per trace, its final and best
 * values, so a front end without HTML (or a diff of the notebook) still says something.
 */
export function figureSummary(fig: Figure, maxTraces = 12): string {
  const title = titleText(fig) || 'Figure';
  const lines = fig.data.slice(0, maxTraces).map(traceLine).filter((l): l is string => l !== undefined);
  if (fig.data.length > maxTraces) lines.push(`  … ${fig.data.length - maxTraces} more traces`);
  return [`${title} (${fig.data.length} trace${fig.data.length === 1 ? '' : 's'})`, ...lines].join('\n');
}
