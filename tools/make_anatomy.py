#!/usr/bin/env python
"""Write the real anatomy shipped with the package (vertebrae_seg/anatomy_data/): spine statistics and vertebra templates.

They are derived from ../shared/data/landmarks/*.csv and ../shared/data/verse-masks/ (VerSe, CC BY-SA 4.0); chapter
nbs/00b_anatomy.ipynb explains how and checks the shipped files against what it makes.
Usage: python tools/make_anatomy.py [--shared DIR] [--out DIR]
"""
import argparse, time
from pathlib import Path

from vertebrae_seg import anatomy

def main():
    root = Path(__file__).resolve().parents[1]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--shared', type=Path, default=root.parent / 'shared' / 'data', help='folder holding landmarks/ and verse-masks/')
    p.add_argument('--out', type=Path, default=anatomy.ANATOMY_DIR)
    a = p.parse_args()
    csvs, masks = sorted((a.shared / 'landmarks').glob('*.csv')), a.shared / 'verse-masks'
    if not csvs or not masks.is_dir(): raise SystemExit(f'{a.shared}: needs landmarks/*.csv and verse-masks/')
    t0 = time.time()
    stats = anatomy.spine_statistics(csvs)
    templates = []
    for m in sorted(masks.glob('*_msk.nii.gz')):
        j = masks / m.name.replace('_seg-vert_msk.nii.gz', '_seg-subreg_ctd.json')
        ts, skipped = anatomy.vertebra_templates(m, j if j.exists() else None)
        templates += ts
        print(f'{m.name}: {len(ts)} templates' + (f', left out {skipped}' if skipped else ''))
    for path in anatomy.save_anatomy(stats, templates, a.out): print(f'wrote {path} ({path.stat().st_size / 1e6:.2f} MB)')
    print(f'{stats.persons} persons, {len(templates)} templates in {time.time() - t0:.0f} s')

if __name__ == '__main__': main()
