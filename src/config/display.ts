/** How a config shows itself as a cell's last value: its summary table. */
import { escapeHtml } from '../charts/escape';
import type { MimeBundle } from '../display/types';
import type { TrainingConfig } from './schema';
import { configRows, configSummary } from './summary';

/** The bundle of a config: {@link configSummary} as Markdown, an HTML table and aligned text. */
export function configBundle(config: TrainingConfig): MimeBundle {
  const rows = configRows(config);
  const html =
    '<table class="trainlab-config"><thead><tr><th style="text-align:left">setting</th><th style="text-align:left">value</th></tr></thead><tbody>' +
    rows.map(([k, v]) => `<tr><td style="text-align:left">${escapeHtml(k)}</td><td style="text-align:left">${escapeHtml(v)}</td></tr>`).join('') +
    '</tbody></table>';
  const width = Math.max(...rows.map(([k]) => k.length));
  const text = ['TrainingConfig', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
  return { 'text/markdown': configSummary(config), 'text/html': html, 'text/plain': text };
}

/** The display method defineConfig attaches (non-enumerable) to every config. */
export function showConfig(this: TrainingConfig): MimeBundle {
  return configBundle(this);
}
