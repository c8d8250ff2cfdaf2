/**
 * What the kernel cannot see on the page, read from disk: when a front end connects with a
 * new session (page reloaded, notebook reopened), its notebook is what was last saved, so
 * the saved file says which cell, if any, already holds plotly.js. Across a kernel restart
 * the page stays the same: a small record per session in the temp folder says which cell
 * held it.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PLOTLY_MARKER } from './html';

/** How the output holding plotly.js is recognised (`plotly.js v` is in the library's banner, for outputs saved before the marker). */
const MARKERS = [PLOTLY_MARKER, 'plotly.js v'];

/** Where {@link carrierCellOnDisk} looks; injectable for tests. */
export interface NotebookLocator {
  /** Jupyter server's `JPY_SESSION_NAME` (the notebook's path when the kernel started). */
  sessionName: string | undefined;
  /** The kernel's folder (Jupyter starts kernels in the notebook's folder). */
  cwd: string;
}

function defaultLocator(): NotebookLocator {
  return { sessionName: process.env.JPY_SESSION_NAME, cwd: process.cwd() };
}

interface NotebookCell {
  id?: string;
  outputs?: Array<{ data?: Record<string, unknown> }>;
}

const MAX_BYTES = 200 * 1024 * 1024;

function readNotebook(file: string): { cells?: NotebookCell[] } | undefined {
  try {
    if (fs.statSync(file).size > MAX_BYTES) return undefined;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { cells?: NotebookCell[] };
  } catch {
    return undefined;
  }
}

function holdsPlotly(cell: NotebookCell): boolean {
  return (cell.outputs ?? []).some((o) => {
    const html = o.data?.['text/html'];
    const text = Array.isArray(html) ? html.join('') : typeof html === 'string' ? html : '';
    return MARKERS.some((m) => text.includes(m));
  });
}

/**
 * The saved notebook the running cell belongs to: `JPY_SESSION_NAME` when it holds the cell
 * (or no cell id is known), else the `.ipynb` in the kernel's folder that holds it (the
 * notebook may have been renamed since the kernel started).
 */
export function findNotebook(cellId: string | undefined, locator: NotebookLocator = defaultLocator()): { file: string; cells: NotebookCell[] } | undefined {
  const candidates: string[] = [];
  if (locator.sessionName !== undefined && locator.sessionName.endsWith('.ipynb')) candidates.push(path.resolve(locator.cwd, locator.sessionName));
  if (cellId !== undefined) {
    try {
      for (const f of fs.readdirSync(locator.cwd).sort()) if (f.endsWith('.ipynb')) candidates.push(path.join(locator.cwd, f));
    } catch {
      // no folder listing: only the session's file
    }
  }
  const seen = new Set<string>();
  for (const file of candidates) {
    if (seen.has(file)) continue;
    seen.add(file);
    const nb = readNotebook(file);
    if (nb === undefined || !Array.isArray(nb.cells)) continue;
    if (cellId === undefined || nb.cells.some((c) => c.id === cellId)) return { file, cells: nb.cells };
  }
  return undefined;
}

/**
 * Id of the cell of the saved notebook whose outputs hold plotly.js (`''` for such a cell
 * without an id), or undefined when none does or the notebook is not found.
 */
export function carrierCellOnDisk(cellId: string | undefined, locator?: NotebookLocator): string | undefined {
  const nb = findNotebook(cellId, locator);
  const cell = nb?.cells.find(holdsPlotly);
  return cell === undefined ? undefined : (cell.id ?? '');
}

function recordFile(session: string, dir: string): string {
  return path.join(dir, `carrier-${createHash('sha256').update(session).digest('hex').slice(0, 24)}.json`);
}

/** Folder of the per-session records. Defaults to `<tmpdir>/trainlab-carriers`. */
export function recordDir(): string {
  return path.join(os.tmpdir(), 'trainlab-carriers');
}

/** Remembers which cell holds plotly.js on the page of `session` (survives a kernel restart). */
export function saveCarrierRecord(session: string, cellId: string | undefined, dir = recordDir()): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(recordFile(session, dir), JSON.stringify({ cellId: cellId ?? null }));
  } catch {
    // best effort: without the record a restarted kernel reads the saved notebook instead
  }
}

/** What {@link saveCarrierRecord} remembered for `session`: `{cellId}` or undefined. */
export function loadCarrierRecord(session: string, dir = recordDir()): { cellId: string | undefined } | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(recordFile(session, dir), 'utf8')) as { cellId: string | null };
    return { cellId: r.cellId ?? undefined };
  } catch {
    return undefined;
  }
}
