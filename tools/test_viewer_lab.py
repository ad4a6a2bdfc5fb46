"""Test the live slice viewer in a real JupyterLab, in headless Chromium, in a laptop-sized window (1280 x 720).

Starts JupyterLab on 127.0.0.1 (a free port, a random token, settings and runtime files in a temporary folder) with a
notebook that shows `viewers.slice_viewer` of the tallest sample CT of `data_samples/` (C5-L6, 47 cm long) in the
sagittal and the axial view, runs it, and checks for each viewer, after scrolling it into view:

- the picture and every control (view buttons, slice slider, window, level, width, opacities, centroids) lie inside the
  window and inside the notebook's visible area, so nothing has to be scrolled to while moving through the slices;
- the picture keeps its aspect ratio and is not drawn larger than it was rendered;
- the slice readout says `slice k of N`, counting from 1, with k the slider's position + 1 and N the number of
  slices of that view in the canonical grid (read with SimpleITK here, not through the viewer);
- the right arrow key on the slice slider moves to slice k + 1: readout and picture follow.

Exits non-zero naming each fault; prints the boxes measured and keeps a screenshot of each viewer (--shots).

    python tools/test_viewer_lab.py --shots /tmp/viewer-shots

Chromium is Debian's (`apt-get install chromium`), driven through Playwright's Python package; Playwright's own browser
download is never used. Set CHROMIUM to use another executable.
"""
import argparse, json, os, secrets, shutil, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / 'data_samples' / 'phantom-s1-000' / 'phantom-s1-000'  # the tallest sample: 199 x 207 x 466 mm
VIEWS = ('sagittal', 'axial')
WINDOW = dict(width=1280, height=720)
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
CONTROLS = '.widget-toggle-buttons, .widget-slider, .widget-dropdown, .widget-checkbox'

def notebook()->dict:
    "A one-cell notebook that shows a viewer per view, each marked with a class to find it by."
    src = '\n'.join([
        'from IPython.display import display',
        'from vertebrae_seg import data, viewers',
        f'ct = data.read_image({str(CASE) + "_ct.nii.gz"!r})',
        f'msk = data.read_mask({str(CASE) + "_seg-vert_msk.nii.gz"!r}, ct)',
        f'ctd = data.read_centroids({str(CASE) + "_seg-subreg_ctd.json"!r}, ct)',
        f'for view in {VIEWS!r}:',
        '    v = viewers.slice_viewer(ct, msk, ctd, view=view)',
        "    v.add_class(f'vseg-test-{view}')",
        '    display(v)'])
    cell = dict(cell_type='code', execution_count=None, id='viewer', metadata={}, outputs=[], source=src)
    return dict(cells=[cell], nbformat=4, nbformat_minor=5,
                metadata=dict(kernelspec=dict(name='python3', display_name='Python 3', language='python')))

def slice_counts()->dict:
    "Slices per view of the CT in the canonical (LPS) grid, from SimpleITK alone."
    import SimpleITK as sitk
    img = sitk.DICOMOrient(sitk.ReadImage(str(CASE) + '_ct.nii.gz'), 'LPS')
    nx, ny, nz = img.GetSize()
    return dict(sagittal=nx, coronal=ny, axial=nz)

def free_port()->int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def start_lab(work:Path, port:int, token:str)->subprocess.Popen:
    "JupyterLab on 127.0.0.1:port serving `work`, its settings and runtime files in `work` too; no news, no update checks."
    settings = work / 'lab-settings' / '@jupyterlab' / 'apputils-extension'
    settings.mkdir(parents=True)
    (settings / 'notification.jupyterlab-settings').write_text(json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / 'config'), JUPYTER_RUNTIME_DIR=str(work / 'runtime'),
               JUPYTERLAB_SETTINGS_DIR=str(work / 'lab-settings'), JUPYTERLAB_WORKSPACES_DIR=str(work / 'workspaces'),
               PATH=f'{Path(sys.executable).parent}{os.pathsep}{os.environ.get("PATH", "")}')  # the kernel: this Python
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', f'--port={port}', '--port-retries=0',
           f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={work / "nb"}',
           '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.extension_manager=readonly',
           '--ServerApp.terminals_enabled=False'] + (['--allow-root'] if hasattr(os, 'geteuid') and os.geteuid() == 0 else [])
    return subprocess.Popen(cmd, env=env, stdout=open(work / 'lab.log', 'w'), stderr=subprocess.STDOUT)

def wait_for_lab(proc, port:int, token:str, work:Path, timeout:float=60):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None: sys.exit(f'JupyterLab exited with {proc.returncode}:\n' + (work / 'lab.log').read_text()[-3000:])
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port}/api/status?token={token}', timeout=2) as r:
                if r.status == 200: return
        except OSError: time.sleep(0.3)
    sys.exit(f'JupyterLab did not answer on port {port} within {timeout:.0f} s:\n' + (work / 'lab.log').read_text()[-3000:])

_BOXES = """(root) => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const scroller = root.closest('.jp-WindowedPanel-outer') || root.closest('.jp-Notebook');
  const img = root.querySelector('img');
  return {
    visible: box(scroller),
    picture: Object.assign(box(img), {nw: img.naturalWidth, nh: img.naturalHeight}),
    controls: [...root.querySelectorAll(arguments_controls)].map(e => Object.assign(box(e),
                {what: (e.querySelector('.widget-label') || e).textContent.trim().slice(0, 30) || e.className.split(' ').pop()})),
    readout: [...root.querySelectorAll('.widget-label, .widget-readout')].map(e => e.textContent.trim()).filter(t => /^slice \\d+ of \\d+/.test(t)),
    handle: (root.querySelector('.vseg-slice-slider .noUi-handle') || {getAttribute: () => null}).getAttribute('aria-valuenow'),
  };
}""".replace('arguments_controls', repr(CONTROLS))

def inside(b:dict, area:dict, tol:float=0.5)->bool:
    return (b['x'] >= area['x'] - tol and b['y'] >= area['y'] - tol and b['x'] + b['w'] <= area['x'] + area['w'] + tol
            and b['y'] + b['h'] <= area['y'] + area['h'] + tol)

def check_viewer(page, view:str, n:int, shots:Path, problems:list):
    "Scroll one viewer into view and check its boxes, its readout and one step of its slice slider."
    root = page.locator(f'.vseg-test-{view}')
    root.evaluate('e => e.scrollIntoView({block: "start"})')
    page.wait_for_timeout(300)
    f = root.evaluate(_BOXES)
    area = {'x': max(f['visible']['x'], 0), 'y': max(f['visible']['y'], 0)}
    area['w'] = min(f['visible']['x'] + f['visible']['w'], WINDOW['width']) - area['x']
    area['h'] = min(f['visible']['y'] + f['visible']['h'], WINDOW['height']) - area['y']
    p, ctl = f['picture'], f['controls']
    bottom = max(c['y'] + c['h'] for c in ctl) if ctl else float('nan')
    print(f'{view}: picture {p["w"]:.0f} x {p["h"]:.0f} CSS px (rendered {p["nw"]} x {p["nh"]}) at y {p["y"]:.0f}-{p["y"] + p["h"]:.0f}; '
          f'{len(ctl)} controls, bottom edge at y {bottom:.0f}; visible notebook area y {area["y"]:.0f}-{area["y"] + area["h"]:.0f} '
          f'of a {WINDOW["width"]} x {WINDOW["height"]} window')
    page.screenshot(path=str(shots / f'viewer-{view}.png'))
    if p['nw'] == 0: problems.append(f'{view}: the picture did not load')
    if not inside(p, area): problems.append(f'{view}: the picture ({p["w"]:.0f} x {p["h"]:.0f} at x {p["x"]:.0f}, y {p["y"]:.0f}) '
                                           f'does not fit the visible area {area}')
    if p['nw'] and (p['w'] > p['nw'] + 0.5 or abs(p['w'] / p['h'] - p['nw'] / p['nh']) > 0.02 * p['nw'] / p['nh']):
        problems.append(f'{view}: the picture is shown {p["w"]:.0f} x {p["h"]:.0f}, stretched from its {p["nw"]} x {p["nh"]} pixels')
    if len(ctl) < 7: problems.append(f'{view}: {len(ctl)} controls found, expected at least 7 ({CONTROLS})')
    for c in ctl:
        if not inside(c, area): problems.append(f'{view}: control {c["what"]!r} ({c["w"]:.0f} x {c["h"]:.0f} at x {c["x"]:.0f}, '
                                                f'y {c["y"]:.0f}) lies outside the visible area {area}')
    if f['handle'] is None: problems.append(f'{view}: no slice slider (.vseg-slice-slider) found'); return
    k = int(float(f['handle'])) + 1
    if f['readout'] != [f'slice {k} of {n}']:
        problems.append(f'{view}: the readout says {f["readout"]}, expected [\'slice {k} of {n}\'] (slider at {k - 1}, {n} slices)')
    before = root.locator('img').get_attribute('src')
    root.locator('.vseg-slice-slider .noUi-handle').focus()
    page.keyboard.press('ArrowRight' if k < n else 'ArrowLeft')
    k2 = k + 1 if k < n else k - 1
    try: page.wait_for_function('([r, t]) => r.textContent.includes(t)', arg=[root.element_handle(), f'slice {k2} of {n}'], timeout=10000)
    except Exception: problems.append(f'{view}: after one arrow key the readout does not say slice {k2} of {n}')
    else:
        page.wait_for_timeout(300)
        if root.locator('img').get_attribute('src') == before: problems.append(f'{view}: the picture did not change with the slice')

def run_cell(page, timeout:float):
    "Run the notebook's cell once its kernel is idle (Ctrl+Enter in the cell), retrying while the run is not taken up."
    page.wait_for_function('() => /\\| Idle/.test((document.querySelector("#jp-main-statusbar") || {}).textContent || "")',
                           timeout=timeout * 1000)
    prompt = page.locator('.jp-Notebook .jp-Cell .jp-InputPrompt').first
    for _ in range(5):
        page.locator('.jp-Notebook .jp-Cell .cm-content').first.click()
        page.keyboard.press('Control+Enter')
        try: page.wait_for_function('p => /\\[(\\*|\\d+)\\]/.test(p.textContent)', arg=prompt.element_handle(), timeout=5000); return
        except Exception: pass
    sys.exit('the notebook cell does not run: the kernel takes no request')

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--shots', help='folder for the screenshots (default: a new temporary folder)')
    ap.add_argument('--timeout', type=float, default=120, help='seconds to wait for the viewers to appear')
    args = ap.parse_args()
    chromium = os.environ.get('CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium: sys.exit('Chromium not found: apt-get install chromium (or set CHROMIUM to its executable)')
    if not Path(str(CASE) + '_ct.nii.gz').is_file(): sys.exit(f'{CASE}_ct.nii.gz: the sample CT is missing')
    from playwright.sync_api import sync_playwright
    shots = Path(args.shots or tempfile.mkdtemp(prefix='vseg-viewer-shots-')); shots.mkdir(parents=True, exist_ok=True)
    counts, problems, t0 = slice_counts(), [], time.time()
    with tempfile.TemporaryDirectory(prefix='vseg-lab-') as tmp:
        work = Path(tmp); (work / 'nb').mkdir()
        (work / 'nb' / 'viewer.ipynb').write_text(json.dumps(notebook()))
        port, token = free_port(), secrets.token_hex(16)
        lab = start_lab(work, port, token)
        try:
            wait_for_lab(lab, port, token, work)
            with sync_playwright() as pw:
                ctx = pw.chromium.launch_persistent_context(str(work / 'profile'), executable_path=chromium, args=CHROMIUM_ARGS,
                                                            headless=True, viewport=WINDOW)
                page = ctx.new_page()
                errors = []
                page.on('pageerror', lambda e: errors.append(str(e)))
                page.goto(f'http://127.0.0.1:{port}/lab/tree/viewer.ipynb?token={token}')
                page.wait_for_selector('.jp-Notebook .jp-Cell .cm-content', timeout=args.timeout * 1000)
                run_cell(page, args.timeout)
                try:
                    for view in VIEWS: page.wait_for_selector(f'.vseg-test-{view} img[src]', timeout=args.timeout * 1000)
                except Exception:
                    page.screenshot(path=str(shots / 'viewer-timeout.png'))
                    out = page.locator('.jp-OutputArea').first.inner_text() if page.locator('.jp-OutputArea').count() else ''
                    sys.exit(f'the viewers did not appear within {args.timeout:.0f} s; screenshot in {shots}\n{out[-2000:]}')
                page.wait_for_timeout(500)
                for view in VIEWS: check_viewer(page, view, counts[view], shots, problems)
                problems += [f'JavaScript error: {e}' for e in errors]
                ctx.close()
        finally:
            lab.terminate()
            try: lab.wait(10)
            except subprocess.TimeoutExpired: lab.kill()
    print(f'viewer in JupyterLab: {time.time() - t0:.0f} s; screenshots in {shots}')
    for p in problems: print('FAILED:', p)
    sys.exit(1 if problems else 0)

if __name__ == '__main__': main()
