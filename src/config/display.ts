/** How a config shows itself as a cell's last value: its summary table. */
import { keyValueHtmlRows, keyValueTextLines } from '../display/keyValue';
import type { MimeBundle } from '../display/types';
import type { TrainingConfig } from './schema';
import { configRows, configSummary } from './summary';

/** The bundle of a config: {@link configSummary} as Markdown, an HTML table and aligned text. */
export function configBundle(config: TrainingConfig): MimeBundle {
  const rows = configRows(config);
  const html =
    '<table class="trainlab-config"><thead><tr><th style="text-align:left">setting</th><th style="text-align:left">value</th></tr></thead><tbody>' +
    keyValueHtmlRows(rows, 'td') +
    '</tbody></table>';
  const text = keyValueTextLines('TrainingConfig', rows).join('\n');
  return { 'text/markdown': configSummary(config), 'text/html': html, 'text/plain': text };
}

/** The display method defineConfig attaches (non-enumerable) to every config. */
export function showConfig(this: TrainingConfig): MimeBundle {
  return configBundle(this);
}
