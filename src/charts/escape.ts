/** Escaping for every place user text goes: HTML, Plotly text, JSON inside <script>. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Escapes user text for Plotly's text fields (titles, trace names, axis titles, tick
 * labels), which understand a few HTML-like tags and entities: the text shows literally.
 */
export function plotlyText(text: string): string {
  return text.replace(/[&<>]/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON that is safe inside an HTML `<script>` element and a JavaScript string: no `</`,
 * `<!--`, `]]>` or line separators can end the script or the literal early.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JavaScript source safe to inline in a `<script>` element (closing tags and comment openers broken up). */
export function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
