"""Test the built docs site in a real browser: serve it on 127.0.0.1 and open every page in headless Chromium.

Fails on: a chapter notebook without its page, a page or link target that is missing (404, or an #anchor that is not on
the page), a request that leaves 127.0.0.1 (blocked and reported: the site must need nothing from the internet), an image
that does not load, a JavaScript error or console error, a chapter with exported code but no API documentation, a
sidebar that does not list the chapters in order, and a slider of a self-contained viewer that does not change its
picture (it is moved as a person would, with the keyboard, and the picture is compared before and after).
Screenshots of every page and of each viewer before and after go to --shots.

    python tools/test_docs.py _docs --shots /tmp/docs-shots

Chromium is Debian's (`apt-get install chromium`), driven through Playwright's Python package; Playwright's own browser
download is never used. Set CHROMIUM to use another executable.
"""
import argparse, functools, json, os, re, shutil, sys, tempfile, threading, time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# headless comes from Playwright's headless=True, and a new empty --user-data-dir from launch_persistent_context
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

def expected_pages(nbs:Path)->list:
    "(notebook, page, exports) for every notebook of nbs/, in the order of nbdev's sidebar (index first, then by name)."
    from nbdev.config import nbpath2html
    out = []
    for nb in sorted(nbs.rglob('*.ipynb'), key=lambda p: (p.name != 'index.ipynb', str(p.relative_to(nbs)))):
        rel = nb.relative_to(nbs)
        if any(part.startswith(('_', '.')) for part in rel.parts): continue
        cells = json.loads(nb.read_text())['cells']
        exports = any(re.search(r'^#\|\s*default_exp\s', ''.join(c['source']), re.M) for c in cells if c['cell_type'] == 'code')
        out.append((str(rel), str(rel.parent / nbpath2html(rel).name), exports))
    return out

class _Quiet(SimpleHTTPRequestHandler):
    statuses = []
    def log_message(self, *args): pass
    def log_request(self, code='-', size='-'):
        self.statuses.append((self.path, int(code) if str(code).isdigit() else 0))

def serve(site:Path):
    "A static file server for `site` on 127.0.0.1 (a free port), in a background thread."
    srv = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv

_WAIT_IMAGES = """async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  return imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => (i.currentSrc || i.src).slice(0, 120));
}"""

_PAGE_FACTS = """() => ({
  title: (document.querySelector('h1') || {}).textContent || '',
  nav: [...document.querySelectorAll('nav.site-nav a[href]')].map(a => a.href),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  api: document.querySelectorAll('.celltag_api-doc').length,
  sections: document.querySelectorAll('main h2[id]').length,
  toc: document.querySelectorAll('.site-toc a[href^="#"]').length,
  images: document.images.length,
  sliders: document.querySelectorAll('input[type=range]').length,
})"""

def check_sliders(page, name:str, shots:Path, problems:list)->int:
    "Move every range slider with the keyboard and check that the picture beside it changes; returns how many were checked."
    n = page.locator('input[type=range]').count()
    for i in range(n):
        slider = page.locator('input[type=range]').nth(i)
        img = slider.locator('xpath=preceding-sibling::img[1]')
        if img.count() == 0:
            img = slider.locator('xpath=ancestor::div[.//img][1]//img').first
        if img.count() == 0:
            problems.append(f'{name}: slider {i + 1} has no picture beside it'); continue
        slider.scroll_into_view_if_needed()
        before_src, before_png = img.get_attribute('src'), img.screenshot()
        value, vmax = slider.evaluate('s => [+s.value, +s.max]')
        if vmax <= 0:
            problems.append(f'{name}: slider {i + 1} has a single position'); continue
        slider.focus()
        steps = max(1, round(vmax / 4))  # a quarter of the way, with the arrow keys
        for _ in range(steps): slider.press('ArrowRight' if value + steps <= vmax else 'ArrowLeft')
        try: page.wait_for_function('([s, src]) => { const i = s.parentElement.querySelector("img"); return i && i.src !== src && i.complete; }',
                                    arg=[slider.element_handle(), before_src], timeout=3000)
        except Exception: pass
        after_src, after_png = img.get_attribute('src'), img.screenshot()
        if slider.evaluate('s => +s.value') == value: problems.append(f'{name}: slider {i + 1} did not move')
        elif after_src == before_src or after_png == before_png:
            problems.append(f'{name}: slider {i + 1} moved from {value} but its picture did not change')
        elif not img.evaluate('i => i.complete && i.naturalWidth > 0'):
            problems.append(f'{name}: slider {i + 1} shows a picture that does not load')
        if shots and i < 6:
            stem = Path(name).with_suffix('').as_posix().replace('/', '_')
            (shots / f'{stem}-slider{i + 1}-before.png').write_bytes(before_png)
            (shots / f'{stem}-slider{i + 1}-after.png').write_bytes(after_png)
    return n

def run(site:Path, shots:Path|None, nbs:Path, chromium:str)->int:
    from playwright.sync_api import sync_playwright
    site, t0 = site.resolve(), time.time()
    problems, expected = [], expected_pages(nbs)
    for nb, page_name, _ in expected:
        if not (site / page_name).is_file(): problems.append(f'{nb}: its page {page_name} is missing from {site}')
    srv = serve(site)
    base = f'http://127.0.0.1:{srv.server_port}/'
    external, facts = [], {}
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix='vseg-chromium-') as profile:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=chromium, args=CHROMIUM_ARGS, headless=True,
                                                    viewport={'width': 1400, 'height': 1000}, service_workers='block')
        def route(r):
            url = r.request.url
            if url.startswith(base): r.continue_()
            else: external.append(url); r.abort()
        ctx.route('**/*', route)
        todo, seen = [p for _, p, _ in expected], set()
        while todo:
            name = todo.pop(0)
            if name in seen: continue
            seen.add(name)
            t = time.time()
            page, errors = ctx.new_page(), []
            page.on('pageerror', lambda e, errors=errors: errors.append(f'JavaScript error: {e}'))
            page.on('console', lambda m, errors=errors: m.type == 'error' and errors.append(f'console error: {m.text}'))
            page.on('requestfailed', lambda r, errors=errors: errors.append(f'request failed: {r.url[:120]} ({r.failure})'))
            page.on('response', lambda r, errors=errors: r.status >= 400 and errors.append(f'HTTP {r.status}: {r.url[:120]}'))
            resp = page.goto(base + name, wait_until='load')
            if resp is None or resp.status != 200:
                problems.append(f'{name}: HTTP {resp.status if resp else "no response"}'); page.close(); continue
            broken = page.evaluate(_WAIT_IMAGES)
            problems += [f'{name}: image does not load: {b}' for b in broken]
            f = facts[name] = page.evaluate(_PAGE_FACTS)
            if shots:
                stem = Path(name).with_suffix('').as_posix().replace('/', '_')
                page.screenshot(path=str(shots / f'{stem}.png'))
                page.screenshot(path=str(shots / f'{stem}-full.jpg'), full_page=True, quality=70, type='jpeg')
            f['moved'] = check_sliders(page, name, shots, problems)
            page.wait_for_timeout(100)
            problems += [f'{name}: {e}' for e in errors]
            for link in f['links']:
                u = urlsplit(link)
                if link.startswith(base) and u.path.endswith('.html'): todo.append(u.path[1:])
            print(f"  {name}: {f['images']} images, {f['api']} API entries, {f['sliders']} sliders checked, {time.time() - t:.1f} s", flush=True)
            page.close()
        ctx.close()
    srv.shutdown()
    # links and anchors between pages: a missing page fails; a missing anchor (nbdev links every symbol it knows, also
    # those without an API entry on their page) is reported
    warnings = []
    for name, f in facts.items():
        for link in f['links']:
            if not link.startswith(base): continue
            u = urlsplit(link); target = u.path[1:] or 'index.html'
            if target in facts and u.fragment and u.fragment not in facts[target]['ids']:
                warnings.append(f'{name}: link to {target}#{u.fragment}: no such anchor on that page')
    order = [p for _, p, _ in expected]
    for name, f in facts.items():
        nav = [h[len(base):] for h in f['nav'] if h.startswith(base) and h[len(base):] in order]
        if nav != order: problems.append(f'{name}: sidebar lists {nav}, expected the chapters in order {order}')
        if not f['title'].strip(): problems.append(f'{name}: page without a title')
        if f['sections'] and not f['toc']: problems.append(f'{name}: {f["sections"]} sections but no table of contents')
    for nb, name, exports in expected:
        if exports and name in facts and facts[name]['api'] == 0: problems.append(f'{name}: {nb} exports code but its page has no API documentation')
    problems += [f'request to outside 127.0.0.1 blocked: {u[:120]}' for u in dict.fromkeys(external)]
    problems += [f'server answered {code} for {path}' for path, code in _Quiet.statuses if code >= 400]
    sliders = sum(f['moved'] for f in facts.values())
    print(f'browser test: {len(facts)} pages, {sum(f["images"] for f in facts.values())} images, {sliders} viewer sliders, '
          f'{len(problems)} problems, {time.time() - t0:.0f} s' + (f'; screenshots in {shots}' if shots else ''))
    for w in dict.fromkeys(warnings): print('WARN', w)
    for p in dict.fromkeys(problems): print('FAIL', p)
    return 1 if problems else 0

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('site', nargs='?', default=str(ROOT / '_docs'), help='the built site (default: _docs/)')
    ap.add_argument('--shots', help='folder for the screenshots (created)')
    ap.add_argument('--nbs', default=str(ROOT / 'nbs'), help='the notebooks the site is built from (default: nbs/)')
    args = ap.parse_args()
    chromium = os.environ.get('CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium: sys.exit('Chromium not found: apt-get install chromium (or set CHROMIUM to its executable)')
    shots = Path(args.shots) if args.shots else None
    if shots: shots.mkdir(parents=True, exist_ok=True)
    sys.exit(run(Path(args.site), shots, Path(args.nbs), chromium))

if __name__ == '__main__': main()
