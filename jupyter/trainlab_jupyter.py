"""trainlab's Jupyter server extension: at most one plotly.js copy in every saved notebook.

trainlab's chart outputs draw with the plotly.js that one output on the page carries
(src/charts/html.ts). The kernel hands that copy from output to output while it can see the
page, but some edits happen where it cannot: clearing the holder cell's output after a page
reload, pasting a holder cell into another notebook, running charts in a notebook whose
copy came by paste. This hook runs on every save (including autosave) and puts the file
right: the first copy in document order stays, every later one is removed from its output,
and when no output holds one while trainlab charts need it, a copy is put into the first
chart output. Only trainlab's own chart outputs (found by their markers) are changed.

`trainlab lab` / `trainlab notebook` start Jupyter with this extension enabled (the
environment from scripts/jupyter.js `serverEnv`); nothing is installed into the user's
Jupyter configuration.
"""
import os
import subprocess

# The library block as src/charts/html.ts writes it: a hidden marker element, then a script
# that evaluates plotly.js when the page has none. test/charts/saveHook.test.ts checks that
# these match what the TypeScript side writes.
BLOCK_START = ('<div class="trainlab-plotly-library" style="display:none"></div><script>if(!window.Plotly){',
               '<div class="trainlab-plotly trainlab-plotly-library" style="display:none"></div><script>if(!window.Plotly){')
BLOCK_END = "\n}</script>"
# The hidden output that holds the page's copy (html.ts plotlyLibraryHtml), and what it becomes when emptied.
HOLDER_START = BLOCK_START[1]
EMPTIED_HOLDER = '<div class="trainlab-plotly" style="display:none"></div>'
CHART = 'class="trainlab-chart"'
RUNTIME = "__trainlabCharts"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _html(output):
    data = output.get("data") if isinstance(output, dict) else None
    html = data.get("text/html") if isinstance(data, dict) else None
    if isinstance(html, list):
        return "".join(html)
    return html if isinstance(html, str) else None


def _set_html(output, html):
    output["data"]["text/html"] = html


def _blocks(html):
    """(start, end) of each library block in `html`."""
    found = []
    at = 0
    while True:
        starts = [s for s in (html.find(b, at) for b in BLOCK_START) if s >= 0]
        if not starts:
            return found
        start = min(starts)
        end = html.find(BLOCK_END, start)
        if end < 0:
            return found
        end += len(BLOCK_END)
        found.append((start, end))
        at = end


def _outputs(nb):
    """(output, its text/html joined once) for each code-cell output that has HTML."""
    for cell in nb.get("cells", []) or []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            for output in cell.get("outputs", []) or []:
                html = _html(output)
                if html is not None:
                    yield output, html


def _is_chart(html):
    return CHART in html and RUNTIME in html


def normalize(nb, library):
    """Leaves at most one plotly.js copy in notebook `nb` (a dict, changed in place), and one
    when trainlab charts need it. `library()` returns the block to insert when none is left.
    Returns {"removed": n, "inserted": bool, "missing": bool} (missing: a copy was needed and
    `library()` gave none)."""
    removed = 0
    kept = False
    first_chart = None
    for output, html in _outputs(nb):
        if first_chart is None and _is_chart(html):
            first_chart = (output, html)
        blocks = _blocks(html)
        if not blocks:
            continue
        drop = blocks if kept else blocks[1:]
        kept = True
        if not drop:
            continue
        if html.startswith(HOLDER_START):
            html = EMPTIED_HOLDER  # a hidden holder holds nothing else
        else:
            for start, end in reversed(drop):
                html = html[:start] + html[end:]
        _set_html(output, html)
        removed += len(drop)
    inserted = missing = False
    if not kept and first_chart is not None:
        block = library()
        if block:
            _set_html(first_chart[0], block + first_chart[1])
            inserted = True
        else:
            missing = True
    return {"removed": removed, "inserted": inserted, "missing": missing}


_library_cache = {}


def library_block():
    """The library block, written by trainlab's own build (dist/charts/html.js), so the copy is
    exactly the one the kernel sends. Empty when node or the build is missing."""
    if "block" not in _library_cache:
        node = os.environ.get("TRAINLAB_NODE") or "node"
        script = "process.stdout.write(require(process.argv[1]).plotlyLibraryHtml())"
        module = os.path.join(ROOT, "dist", "charts", "html.js")
        try:
            done = subprocess.run([node, "-e", script, module], capture_output=True, timeout=60, check=True)
            _library_cache["block"] = done.stdout.decode("utf-8")
        except (OSError, subprocess.SubprocessError) as error:
            _library_cache["error"] = str(error)
            _library_cache["block"] = ""
    return _library_cache["block"]


def pre_save(model, path, contents_manager, **kwargs):
    """The pre-save hook: normalizes notebooks, leaves every other file alone."""
    if not isinstance(model, dict) or model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    try:
        done = normalize(model["content"], library_block)
    except Exception as error:  # a save must never fail because of this hook
        contents_manager.log.warning("trainlab: plotly.js copies in %s left as they were: %s", path, error)
        return
    if done["removed"] or done["inserted"]:
        contents_manager.log.info("trainlab: %s: %d extra plotly.js copies removed%s", path, done["removed"], ", one added" if done["inserted"] else "")
    if done["missing"]:
        contents_manager.log.warning("trainlab: %s has charts but no plotly.js copy, and none could be made (%s); they draw again when a chart cell runs", path, _library_cache.get("error", "no output"))


def _jupyter_server_extension_points():
    return [{"module": "trainlab_jupyter"}]


def _load_jupyter_server_extension(serverapp):
    manager = serverapp.contents_manager
    if not hasattr(manager, "register_pre_save_hook"):
        serverapp.log.warning("trainlab: this jupyter_server has no register_pre_save_hook (needs 2.0 or later); saved notebooks may hold plotly.js twice")
        return
    manager.register_pre_save_hook(pre_save)
    serverapp.log.info("trainlab: saved notebooks keep one plotly.js copy")
