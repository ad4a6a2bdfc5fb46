"""Build the docs site from the notebooks, with Quarto or without it.

The notebooks are committed without outputs, so the build first runs them, as the tests do (`nbdev-test --flags slow
--save`), in a copy of the working tree: the repository is never touched. nbdev's own processors then prepare the
executed notebooks as `nbdev-docs` does (front matter from the title cell, `show_doc` cells for exported functions,
hidden and exported cells removed, directives applied). Last, the pages are rendered:

- offline (the default): nbconvert renders each page into a static site in `_docs/` (JupyterLab's cell styles, a chapter
  sidebar in the order of `sidebar.yml`, a table of contents, math as MathML). Every page, figure, style sheet and script
  is local: nothing is fetched from the internet, and the self-contained HTML viewers work as they are.
- `--quarto`: the same prepared notebooks rendered by Quarto through nbdev (`nbdev.quarto_render`), as `nbdev-docs` does.

    python tools/build_docs.py                     # run the notebooks, then build _docs/ (offline)
    python tools/build_docs.py --no-execute        # quick: the notebooks as committed (text, code, API; no figures)
    python tools/build_docs.py --quarto            # run the notebooks, then build _docs/ with Quarto
    python tools/build_docs.py --snapshot DIR      # only copy the working tree into DIR (prints the copy's path)
    python tools/build_docs.py --executed PROJ     # PROJ: such a copy whose notebooks ran with `nbdev-test --save`
    python -m http.server -d _docs -b 127.0.0.1 8000   # preview at http://127.0.0.1:8000/
"""
import argparse, ast, json, os, posixpath, re, shutil, subprocess, sys, tempfile, time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = Path(__file__).resolve().parent / 'docs_template'
_EXPORT_DIRS = {'export', 'exports', 'exporti', 'exec_doc'}

# ---------------------------------------------------------------------------------------------------------------------
# 1. A copy of the working tree, and running its notebooks there

def snapshot(root:Path, dest:Path)->Path:
    "Copy the working tree of `root` (tracked and untracked files that git does not ignore) to `dest/<name>`."
    proj = Path(dest) / root.name
    try:
        out = subprocess.run(['git', 'ls-files', '-z', '-co', '--exclude-standard'], cwd=root, capture_output=True, check=True).stdout
        files = [f for f in out.decode().split('\0') if f]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: everything but the usual build folders
        skip = {'.git', '.venv', '_docs', '_proc', 'build', 'dist', '__pycache__'}
        files = [str(p.relative_to(root)) for p in root.rglob('*') if p.is_file() and not skip & set(p.relative_to(root).parts)]
    for f in files:
        src = root / f
        if not src.is_file(): continue  # deleted in the working tree
        (proj / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, proj / f)
    shared = root.parent / 'shared'  # real data samples beside the repository are found from the copy as from the original
    if shared.is_dir() and not (proj.parent / 'shared').exists(): (proj.parent / 'shared').symlink_to(shared)
    return proj

def execute(proj:Path, flags:str='slow', n_workers:int=2)->bool:
    "Run the notebooks of the copy `proj` as the tests do, saving their outputs into them; True if all passed."
    nbdev_test = shutil.which('nbdev-test', path=str(Path(sys.executable).parent)) or shutil.which('nbdev-test')
    cmd = [nbdev_test, '--flags', flags, '--n-workers', str(n_workers), '--save', '--do-print']
    print('$', ' '.join(cmd), flush=True)
    return subprocess.run(cmd, cwd=proj).returncode == 0

# ---------------------------------------------------------------------------------------------------------------------
# 2. nbdev's processors, as for nbdev-docs

from nbdev.processors import FilterDefaults, exec_show_docs, _do_eval, _show_docs  # noqa: E402
from fastcore.basics import str2bool  # noqa: E402

def _import_source(src:str)->str:
    "The top-level import statements of a cell, one per line."
    try: tree = ast.parse(src)
    except SyntaxError: return ''
    return '\n'.join(ast.get_source_segment(src, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))

class exec_show_docs_only(exec_show_docs):
    """nbdev's `exec_show_docs`, for notebooks that already ran: it runs what `show_doc` needs (exported cells, imports,
    `show_doc` calls) and no example or test code. nbdev runs a whole cell that mixes imports with other code, which fails
    when that code uses names of cells it does not run; here only the cell's imports run, and its outputs are kept."""
    def __call__(self, cell):
        if not self.nb.has_docs_ or not hasattr(self, 'k'): return
        if str2bool(getattr(self.nb, 'frontmatter_', {}).get('skip_showdoc', False)): return
        if not _do_eval(cell): return
        trees = cell.parsed_()
        if cell.directives_.keys() & _EXPORT_DIRS or _show_docs(trees): self.k.cell(cell)
        else:
            src = _import_source(cell.source)
            if src: self.k.run(src)
        if (e := self.k.exc):
            raise RuntimeError(f'{self.nb.path_}: cell {cell.idx_} fails while preparing the API docs:\n{cell.source}\n{type(e).__name__}: {e}') from e
    def end(self): pass  # no widget state: the docs are static

WIDGET_NOTE = ('<p class="widget-note">An interactive widget appears here when the notebook runs in JupyterLab; '
               'pages without a kernel use the self-contained <code>html_viewer</code> instead.</p>')

def widget_note(cell):
    "Replace live widget outputs, which need a kernel, by a note saying so."
    for o in cell.get('outputs', []):
        if 'application/vnd.jupyter.widget-view+json' in o.get('data', {}):
            o['data'] = {'text/html': WIDGET_NOTE, 'text/plain': 'interactive widget (JupyterLab only)'}

class DocsFilter(FilterDefaults):
    "nbdev's docs processors with `exec_show_docs_only` in place of `exec_show_docs`, and widget outputs replaced by a note."
    def base_procs(self):
        return [exec_show_docs_only if p is exec_show_docs else p for p in super().base_procs()] + [widget_note]

def _process_some(jobs):
    "Process notebooks one after the other, each with its own shell; returns how many cells of each mix imports with other code."
    import warnings
    from fastcore.nbio import read_nb, write_nb
    out = []
    for proj, src, dst in jobs:
        os.chdir(proj); os.environ['IN_TEST'] = '1'
        if str(proj) not in sys.path: sys.path.insert(0, str(proj))
        nb = read_nb(src)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            DocsFilter()(nb)
        write_nb(nb, dst)
        out.append(sum('imports and other code' in str(w.message) for w in caught))
    return out

def process(proj:Path, n_workers:int=2)->Path:
    "Prepare the notebooks of `proj` for rendering, as nbdev-docs does, into `proj/_proc`; returns that folder."
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    import nbdev.doclinks
    from fastcore.xtras import working_directory
    with working_directory(proj):  # nbdev reads the settings of the current folder
        cfg = get_config()
        refresh_quarto_yml(); nbdev.doclinks._build_modidx()
        nbs, proc = cfg.nbs_path, cfg.config_path / '_proc'
        nbdev_sidebar.__wrapped__(path=nbs)
    shutil.rmtree(proc, ignore_errors=True)
    jobs = []
    for s in sorted(nbs.rglob('*')):
        rel = s.relative_to(nbs)
        if not s.is_file() or any(p.startswith('.') for p in rel.parts) or any(p.startswith('_') for p in rel.parts[:-1]): continue
        d = proc / rel; d.parent.mkdir(parents=True, exist_ok=True)
        if s.suffix == '.ipynb':
            if not s.name.startswith('_'): jobs.append((str(proj), str(s), str(d)))
        else: shutil.copy2(s, d)
    # worker processes (spawned: nothing of this process leaks in), each taking a share of the notebooks in one job:
    # every notebook gets its own shell, and the imports (torch, SimpleITK, ...) are paid once per worker. One job per
    # worker, because the first shell takes over the worker's __main__ and the pool could not hand it a second job.
    n = max(1, min(n_workers, len(jobs)))
    shares = [jobs[i::n] for i in range(n)]
    with get_context('spawn').Pool(n, maxtasksperchild=1) as pool:
        counts = pool.map(_process_some, shares, chunksize=1)
    mixed = {src: c for share, cs in zip(shares, counts) for (_, src, _), c in zip(share, cs)}
    for _, src, _ in jobs:
        n = mixed[src]
        if n: print(f'  note: {Path(src).name}: {n} cell(s) mix imports with other code; nbdev-docs would run them whole '
                    f'(see nbdev\'s FAQ), this build runs only their imports')
    return proc

# ---------------------------------------------------------------------------------------------------------------------
# 3. Offline rendering with nbconvert

import yaml  # noqa: E402
from jinja2 import pass_context  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath  # noqa: E402

def pandoc_id(text:str)->str:
    "The identifier pandoc (and so Quarto, and nbdev's doc links) gives a heading: `read_image`, `the-display-convention`."
    s = re.sub(r'<[^>]+>', '', text)
    s = re.sub(r'&[a-z]+;|&#\d+;', '', s)
    s = re.sub(r'[^\w\s.-]', '', s.strip().lower())
    s = re.sub(r'\s+', '-', s)
    s = re.sub(r'^[^a-z]+', '', s)
    return s or 'section'

class DocsRenderer(IPythonRenderer):
    "nbconvert's markdown renderer with pandoc's heading ids and math turned into MathML (no math script needed)."
    def _math(self, tex:str, display:bool)->str:
        from latex2mathml.converter import convert
        try: return convert(tex.strip(), display='block' if display else 'inline')
        except Exception as e:  # shown as TeX, and reported
            print(f'  warning: math not converted ({type(e).__name__}: {e}): {tex[:80]!r}')
            return f'<code class="math-error">{self.escape_html(tex)}</code>'
    def block_math(self, body:str)->str: return self._math(body, True)
    def inline_math(self, body:str)->str: return self._math(body, False)
    def latex_environment(self, name:str, body:str)->str: return self._math(f'\\begin{{{name}}}{body}\\end{{{name}}}', True)
    api = False  # headings of show_doc output: the names of the API, listed in the table of contents
    def heading(self, text:str, level:int, **attrs)->str:
        ident, cls = pandoc_id(text), ' class="api-name"' if self.api else ''
        return f'<h{level} id="{ident}"{cls}>{text}<a class="anchor-link" href="#{ident}">¶</a></h{level}>\n'

class DocsExporter(HTMLExporter):
    "HTMLExporter with the site template and `DocsRenderer` for markdown."
    @pass_context
    def markdown2html(self, context, source):
        cell = context.get('cell', {})
        path = context.get('resources', {}).get('metadata', {}).get('path', '')
        renderer = DocsRenderer(escape=False, attachments=cell.get('attachments', {}), embed_images=self.embed_images, path=path)
        renderer.api = 'api-doc' in cell.get('metadata', {}).get('tags', [])
        return MarkdownWithMath(renderer=renderer).render(source)

_re_opt = re.compile(r'^#\|\s*([\w-]+)\s*(?::\s*(.*?))?\s*$')

def cell_options(src:str)->tuple:
    "The Quarto cell options (`#| key: value` lines) at the top of a code cell, and the source without them."
    lines, opts = src.splitlines(), {}
    while lines and (m := _re_opt.match(lines[0])):
        if m[2] is not None:
            try: opts[m[1]] = yaml.safe_load(m[2])
            except yaml.YAMLError: opts[m[1]] = m[2]
        lines.pop(0)
    return opts, '\n'.join(lines)

_re_attr_link = re.compile(r'\[([^\]]*)\]\(([^)\s]+)\)\{([^}]*)\}')

def _attr_link(m)->str:
    "A pandoc link with attributes, `[text](url){target=\"_blank\" .cls}`, as an HTML link."
    text, url, attrs = m[1], m[2], m[3]
    kv = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
    classes = re.findall(r'(?:^|\s)\.([\w-]+)', attrs) + (['source-link'] if text == 'source' else [])
    kv.pop('style', None)
    parts = [f'href="{url}"'] + [f'{k}="{v}"' for k, v in kv.items()] + ([f'class="{" ".join(classes)}"'] if classes else [])
    return f'<a {" ".join(parts)}>{text}</a>'

def front_matter(nb)->dict:
    "The YAML front matter nbdev puts in the first raw cell (title, description, output-file), removed from `nb`."
    if nb.cells and nb.cells[0].cell_type == 'raw' and nb.cells[0].source.lstrip().startswith('---'):
        fm = yaml.safe_load(nb.cells.pop(0).source.strip().strip('-')) or {}
        return fm
    return {}

def prepare_cells(nb):
    "Apply the cell options nbdev leaves for Quarto, and drop what a page does not show."
    cells = []
    for c in nb.cells:
        if c.cell_type == 'markdown' and re.fullmatch(r'\s*(<!--.*?-->\s*)*', c.source, re.S): continue  # nbdev's warning comment
        if c.cell_type == 'raw': continue
        c.pop('has_sd', None)  # nbdev's mark on the show_doc cells it adds; not a notebook field
        c.metadata.pop('execution', None)  # timings of the run, in a form nbformat's schema refuses
        if c.cell_type == 'code':
            opts, c.source = cell_options(c.source)
            if opts.get('include') is False: continue
            if opts.get('output') is False: c.outputs = []
            if opts.get('echo') is False: c.metadata.setdefault('transient', {})['remove_source'] = True
            if opts.get('code-fold'): c.metadata['code_fold'] = 'show' if opts['code-fold'] == 'show' else 'hide'
            if opts.get('code-summary'): c.metadata['code_summary'] = str(opts['code-summary'])
            if re.match(r'\s*show_doc\(', c.source): c.metadata['tags'] = list(c.metadata.get('tags', [])) + ['api-doc']
            if not c.source.strip() and not c.outputs: continue
            for o in c.outputs:
                if o.get('output_type') == 'stream':  # a progress bar redraws its line with \r: keep what a notebook shows last
                    o['text'] = '\n'.join(l.rstrip('\r').rsplit('\r', 1)[-1] for l in ''.join(o['text']).split('\n'))
                md = o.get('data', {}).get('text/markdown')
                if md is not None: o['data']['text/markdown'] = _re_attr_link.sub(_attr_link, ''.join(md))
        cells.append(c)
    nb.cells = cells
    nb.metadata.pop('widgets', None)

def read_nav(proc:Path, pages:dict)->list:
    "The chapter list of `sidebar.yml` (what nbdev-docs gives Quarto), as (title, href) items and sections."
    side = yaml.safe_load((proc / 'sidebar.yml').read_text())['website']['sidebar']['contents']
    def items(contents):
        out = []
        for it in contents:
            if isinstance(it, str):
                if it in pages: out.append(dict(title=pages[it]['title'], href=pages[it]['href']))
            elif isinstance(it, dict) and 'contents' in it:
                out.append(dict(section=it.get('section', ''), children=items(it['contents'])))
        return out
    return items(side)

def lab_css(exporter)->str:
    "JupyterLab's cell styles as nbconvert's lab template inlines them (index.css and the light theme)."
    for p in exporter.template_paths:
        static = Path(p) / 'static'
        if Path(p).name == 'lab' and (static / 'index.css').exists():
            return (static / 'index.css').read_text() + '\n' + (static / 'theme-light.css').read_text()
    raise FileNotFoundError(f"nbconvert's lab template styles not found in {exporter.template_paths}")

_re_href = re.compile(r'href="([^"]*)"')
_re_heading = re.compile(r'<h([1-6])((?:\s+[\w-]+="[^"]*")*)>(.*?)<a class="anchor-link" href="#[^"]*">¶</a></h\1>', re.S)

def finish_page(html:str, page:dict, doc_url:str, nb_hrefs:dict)->str:
    "Local links instead of the published site's, notebook links to their pages, unique heading ids and the table of contents."
    here = posixpath.dirname(page['href'])
    def href(m):
        h = m[1]
        if doc_url and h.startswith(doc_url): return f'href="{posixpath.relpath(h[len(doc_url):] or "index.html", here or ".")}"'
        n = re.match(r'^([\w./-]+\.ipynb)(#.*)?$', h)  # a notebook, relative to this one: its page
        if n and '://' not in h:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page['notebook']), n[1]))
            if target in nb_hrefs: return f'href="{posixpath.relpath(nb_hrefs[target], here or ".")}{n[2] or ""}"'
        return m[0]
    html = _re_href.sub(href, html)
    seen, toc = {}, []
    def heading(m):  # the headings DocsRenderer writes (nbconvert may have put their attributes in another order)
        level, attrs, inner = m[1], dict(re.findall(r'([\w-]+)="([^"]*)"', m[2])), m[3]
        ident, cls = attrs.get('id', ''), f' class="{attrs["class"]}"' if 'class' in attrs else ''
        if not ident: return m[0]
        if ident in seen: seen[ident] += 1; ident = f'{ident}-{seen[ident]}'
        else: seen[ident] = 0
        if level == '2' or (level == '3' and 'api-name' in cls):
            text = re.sub(r'<[^>]+>', '', inner).strip()
            toc.append(f'<li class="{"toc-api" if level == "3" else "toc-section"}"><a href="#{ident}">{text}</a></li>')
        return f'<h{level} id="{ident}"{cls}>{inner}<a class="anchor-link" href="#{ident}">¶</a></h{level}>'
    html = _re_heading.sub(heading, html)
    if toc: html = re.sub(r'(<aside[^>]*class="site-toc"[^>]*>)(</aside>)', lambda m: f'{m[1]}<h2>On this page</h2><ul>{"".join(toc)}</ul>{m[2]}', html, count=1)
    return html

def render_offline(proj:Path, proc:Path, out:Path)->list:
    "Render every prepared notebook in `proc` into a static site in `out`; returns the pages written."
    import nbformat
    from nbdev.config import get_config
    cfg = get_config(proj)
    doc_url = f"{cfg.get('doc_host', '')}{cfg.get('doc_baseurl', '')}".rstrip('/') + '/' if cfg.get('doc_host') else ''
    repo_url = cfg.get('git_url', '')
    branch = cfg.get('branch', 'main')
    nb_files = sorted(p for p in proc.rglob('*.ipynb') if not any(q.startswith(('_', '.')) for q in p.relative_to(proc).parts))
    nbs, pages = {}, {}
    for p in nb_files:
        nb = nbformat.read(p, as_version=4)
        fm = front_matter(nb)
        rel = str(p.relative_to(proc))
        href = str(Path(rel).parent / fm.get('output-file', Path(rel).with_suffix('.html').name))
        nbs[rel] = nb
        pages[rel] = dict(title=str(fm.get('title', Path(rel).stem)), description=str(fm.get('description', '') or ''), href=href,
                          notebook=rel, root='../' * (len(Path(rel).parts) - 1),  # from the page up to the site's root
                          source=f'{repo_url}/blob/{branch}/{Path(cfg.nbs_path.name) / rel}' if repo_url else '')
    nav = read_nav(proc, pages)
    nb_hrefs = {k: v['href'] for k, v in pages.items()}
    site = dict(title=cfg.get('title', cfg.get('lib_name', 'docs')), repo_url=repo_url, nav=nav)
    exporter = DocsExporter(extra_template_basedirs=[str(TEMPLATE_DIR.parent)], template_name=TEMPLATE_DIR.name,
                            exclude_input_prompt=True, exclude_output_prompt=True, anchor_link_text='¶')
    exporter.register_preprocessor('nbconvert.preprocessors.ExtractOutputPreprocessor', enabled=True)
    if out.exists(): shutil.rmtree(out)
    (out / 'static').mkdir(parents=True)
    pygments_css, written = '', []
    for rel, nb in nbs.items():
        page = pages[rel]
        prepare_cells(nb)
        stem, dest = Path(page['href']).stem, out / page['href']
        resources = dict(page=page, site=site, unique_key=stem, output_files_dir=f'{stem}_files',  # figures beside the page
                         metadata=dict(name=page['title'], path=str(proc / Path(rel).parent)))
        html, res = exporter.from_notebook_node(nb, resources=resources)
        pygments_css = pygments_css or '\n'.join(res.get('inlining', {}).get('css', []))
        for name, data in res.get('outputs', {}).items():
            (dest.parent / name).parent.mkdir(parents=True, exist_ok=True)
            (dest.parent / name).write_bytes(data)
        dest.write_text(finish_page(html, page, doc_url, nb_hrefs), encoding='utf-8')
        written.append(dest)
    for f in proc.rglob('*'):  # images and other files the notebooks refer to
        rel = f.relative_to(proc)
        if f.is_file() and f.suffix not in ('.ipynb', '.yml', '.yaml') and f.name != 'styles.css' and not rel.parts[0].startswith(('_', '.')):
            (out / rel).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(f, out / rel)
    (out / 'static' / 'jupyter.css').write_text(lab_css(exporter) + '\n' + pygments_css + '\n'
        'a.anchor-link { margin-left: .3rem; text-decoration: none; visibility: hidden; font-size: .8em; }\n'
        ':is(h1,h2,h3,h4,h5,h6):hover > a.anchor-link { visibility: visible; }\n')
    shutil.copy2(TEMPLATE_DIR / 'static' / 'site.css', out / 'static' / 'site.css')
    (out / 'pages.json').write_text(json.dumps({v['notebook']: v['href'] for v in pages.values()}, indent=1))
    return written

# ---------------------------------------------------------------------------------------------------------------------
# 4. Quarto rendering through nbdev, where Quarto is installed

def render_with_quarto(proc:Path, out:Path, n_workers:int=2):
    "Render the prepared notebooks with Quarto as `nbdev-docs` does (nbdev's parallel renderer), into `out`."
    from nbdev.quarto_render import render_quarto
    from nbdev.quarto import _fix_quarto_nav
    site = proc / '_site_quarto'
    render_quarto(proc, site, n_workers=n_workers)
    if out.exists(): shutil.rmtree(out)
    shutil.move(str(site), str(out))
    _fix_quarto_nav(out)

# ---------------------------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=str(ROOT / '_docs'), help='folder of the site (default: _docs/, replaced)')
    ap.add_argument('--quarto', action='store_true', help='render with Quarto through nbdev instead of offline')
    ap.add_argument('--no-execute', action='store_true', help='do not run the notebooks: render them as committed')
    ap.add_argument('--executed', metavar='PROJ', help='a copy of the repository whose notebooks already ran with nbdev-test --save')
    ap.add_argument('--snapshot', metavar='DIR', help='only copy the working tree into DIR and print the path of the copy')
    ap.add_argument('--flags', default='slow', help='test flags of the cells to run (default: slow, as in CI)')
    ap.add_argument('--n-workers', type=int, default=2)
    args = ap.parse_args()
    if args.snapshot:
        print(snapshot(ROOT, Path(args.snapshot).resolve())); return
    if args.quarto and not shutil.which('quarto'):
        sys.exit('quarto is not installed (https://quarto.org/docs/get-started/); without it, build offline: leave out --quarto')
    out, t0, ok = Path(args.out).resolve(), time.time(), True
    if out == ROOT or out in ROOT.parents or (out.is_dir() and any(out.iterdir()) and not (out / 'index.html').exists()):
        sys.exit(f'--out {out}: not a docs site, and it would be replaced: choose an empty or new folder')
    with tempfile.TemporaryDirectory(prefix='vseg-docs-') as tmp:
        if args.executed: proj = Path(args.executed).resolve()
        else:
            proj = snapshot(ROOT, Path(tmp))
            if not args.no_execute:
                ok = execute(proj, args.flags, args.n_workers)
                print(f'executed the notebooks in {time.time() - t0:.0f} s' + ('' if ok else ' (some failed: their pages have no outputs)'), flush=True)
        t1 = time.time()
        proc = process(proj, args.n_workers)
        t2 = time.time()
        print(f'prepared the notebooks with nbdev in {t2 - t1:.0f} s', flush=True)
        if args.quarto: render_with_quarto(proc, out, args.n_workers)
        else:
            pages = render_offline(proj, proc, out)
            print(f'rendered {len(pages)} pages into {out} in {time.time() - t2:.0f} s', flush=True)
    print(f'docs built in {time.time() - t0:.0f} s: {out}')
    if not ok: sys.exit('some notebooks failed to run; their pages have no outputs')

if __name__ == '__main__': main()
