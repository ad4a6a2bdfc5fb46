"""Write README.md from nbs/index.ipynb without Quarto: markdown cells as they are, code cells that are not hidden as
Python blocks with their text outputs. `--check` exits 1 (printing a diff) when README.md is out of date."""
import argparse, difflib, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _hidden(src:str)->bool:
    return any(re.match(r'#\|\s*(hide|export|default_exp)\b', l.strip()) for l in src.splitlines())

def render(nb_path:Path=ROOT / 'nbs' / 'index.ipynb')->str:
    "README text of the index notebook."
    nb = json.loads(nb_path.read_text())
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source']).strip()
        if not src: continue
        if cell['cell_type'] == 'markdown':
            src = re.sub(r'\]\((\d\d\w*_[\w-]+)\.ipynb\)', r'](nbs/\1.ipynb)', src)
            parts.append(src)
        elif cell['cell_type'] == 'code' and not _hidden(src):
            parts.append(f'```python\n{src}\n```')
            for out in cell.get('outputs', []):
                text = ''.join(out.get('text', '') or out.get('data', {}).get('text/plain', ''))
                if text.strip(): parts.append(f'    ' + text.strip().replace('\n', '\n    '))
    body = '\n\n'.join(parts) + '\n'
    return '<!-- Generated from nbs/index.ipynb by tools/make_readme.py (nbdev-readme does the same with Quarto); edit the notebook. -->\n\n' + body

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--check', action='store_true', help='only check that README.md is up to date')
    args = ap.parse_args()
    text, readme = render(), ROOT / 'README.md'
    old = readme.read_text() if readme.exists() else ''
    if args.check:
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True), 'README.md', 'from nbs/index.ipynb'))
            sys.exit('README.md is out of date: run python tools/make_readme.py')
        print('README.md is up to date')
    else:
        readme.write_text(text); print(f'wrote {readme}')
