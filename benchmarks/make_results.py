"""Write benchmarks/RESULTS.md and its figure from the result JSONs in benchmarks/results/.

Reads training_<device>.json (bench_training.py), cascade_<device>.json (bench_cascade.py), networks_*.json
(bench_networks.py), profile_*.json (profile_steps.py), demo_*.json (bench_demo.py) and real_ct.json (bench_real.py)
where present, and writes one section per file with the machine, driver, torch version and date it was measured on;
notes.md there (findings in words) is appended as it is. The figure (results/training_<device>.png) shows
iterations/s per stage and configuration, the earlier PyTorch port's U-Net beside them. The GPU targets are checked where the figures
exist: >= 3x the earlier PyTorch port's step rate, >= 30 % of the bf16 peak, the cascade on a 512 x 512 x 600 CT in <= 5 s and <= 8 GB
of GPU memory.

    python benchmarks/make_results.py [--results benchmarks/results] [--out benchmarks/RESULTS.md]
"""
from __future__ import annotations
import argparse, json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_RATIO_TARGET, PEAK_TARGET, CASCADE_S_TARGET, GPU_GB_TARGET = 3.0, 0.30, 5.0, 8.0


def _device_line(info:dict)->str:
    parts = [info.get('device_name', info.get('device', '?'))]
    for k in ('driver', 'cuda', 'cudnn', 'memory_gib', 'threads', 'amx'):
        if info.get(k) is not None: parts.append(f'{k} {info[k]}')
    parts += [f"torch {info.get('torch', '?')}", f"measured {info.get('date_utc') or info.get('date', '?')}"]
    return ', '.join(map(str, parts))


def training_figure(res:dict, path:Path)->Path:
    "Iterations/s per stage and configuration (batch 1), the earlier PyTorch port's U-Net in grey."
    from matplotlib.figure import Figure
    runs = [r for r in res['runs'] if r['batch'] == 1 and 'error' not in r and r['config'] not in ('bf16_check',)]
    stages = list(dict.fromkeys(r['stage'] for r in runs))
    fig = Figure(figsize=(4.2 * max(len(stages), 1), 3.6), layout='constrained')
    axes = fig.subplots(1, max(len(stages), 1), squeeze=False)[0]
    for ax, stage in zip(axes, stages):
        rows = [r for r in runs if r['stage'] == stage]
        names = [r['config'] for r in rows]
        rate = [r.get('it_per_s', r.get('it_per_s_compute')) for r in rows]
        colors = ['0.6' if n == 'seed_unet3d' else ('tab:green' if n == 'all' else 'tab:blue') for n in names]
        ax.barh(range(len(rows)), rate, color=colors)
        ax.set_yticks(range(len(rows)), [n.replace('_', ' ') for n in names], fontsize=7)
        ax.invert_yaxis(); ax.set_xlabel('iterations / s (batch 1)'); ax.set_title(f"{stage} ({rows[0]['preset']})", fontsize=9)
        ax.grid(axis='x', alpha=0.3)
    fig.suptitle(res['info'].get('device_name', ''), fontsize=9)
    path.parent.mkdir(parents=True, exist_ok=True); fig.savefig(path, dpi=110)
    return path


def training_section(res:dict, fig:Path, root:Path)->list:
    info, runs = res['info'], res['runs']
    out = [f"## Training steps ({info.get('device')}: {info.get('device_name', '?')}{', AMX' if info.get('amx') else ''})", '', f"Device: {_device_line(info)}. bf16 peak used: {res.get('bf16_peak_tflops')} TFLOP/s. "
           f"Medians of {res.get('steps')} steps after {res.get('warmup')} warm-up steps.", '', f'![training steps]({fig.relative_to(root).as_posix()})', '',
           '| stage | batch | configuration | data ms | compute ms | it/s | TFLOP/s | of bf16 peak | GPU GiB | note |', '|---|---|---|---|---|---|---|---|---|---|']
    for r in runs:
        if r['config'] == 'bf16_check': continue
        if 'error' in r:
            out.append(f"| {r['stage']} | {r['batch']} | {r['config']} | | | | | | | {r['error']} |"); continue
        data = r.get('data_s'); comp = r.get('compute_s', r.get('step_s'))
        rate = r.get('it_per_s', r.get('it_per_s_compute'))
        note = r.get('note') or ('the project loop (fit)' if r['config'] == 'fit' else ('compute only, fp32 as its trainer runs it' if r['config'] == 'seed_unet3d' else ''))
        out.append(f"| {r['stage']} | {r['batch']} | {r['config']} | {'' if data is None else f'{data * 1e3:.1f}'} | {comp * 1e3:.1f} | {rate:.2f} | "
                   f"{r['tflops']:.2f} | {'' if 'fraction_of_bf16_peak' not in r else format(r['fraction_of_bf16_peak'], '.0%')} | "
                   f"{'' if 'peak_gib' not in r else format(r['peak_gib'], '.1f')} | {note} |")
    out += ['', '| stage | ours (fastest configuration) / seed, compute it/s | target | best fraction of bf16 peak | target | bf16 vs fp32 rel. L2 |', '|---|---|---|---|---|---|']
    gpu = str(info.get('device', '')).startswith('cuda')
    if not gpu: out[3:3] = ['', 'The targets below are for a GPU; on a CPU these rows check the script and show the CPU levers.']
    for stage in dict.fromkeys(r['stage'] for r in runs):
        rs = [r for r in runs if r['stage'] == stage and r['batch'] == 1 and 'error' not in r]
        mine = [r for r in rs if r['config'] not in ('seed_unet3d', 'fit', 'bf16_check')]
        ours = max(mine, key=lambda r: r['it_per_s_compute'], default=None); seed = next((r for r in rs if r['config'] == 'seed_unet3d'), None)
        check = next((r for r in rs if r['config'] == 'bf16_check'), None)
        ratio = ours['it_per_s_compute'] / seed['it_per_s_compute'] if ours and seed else None
        verdict = lambda ok, have: ('met' if ok else 'missed') if have and gpu else '-'
        fr = max((r['fraction_of_bf16_peak'] for r in runs if r['stage'] == stage and 'fraction_of_bf16_peak' in r), default=None)
        out.append(f"| {stage} | {'not measured' if ratio is None else f'{ratio:.2f}x'} | >= {SEED_RATIO_TARGET:g}x "
                   f"({verdict(ratio and ratio >= SEED_RATIO_TARGET, ratio)}) | "
                   f"{'not measured' if fr is None else f'{fr:.0%}'} | >= {PEAK_TARGET:.0%} ({verdict(fr and fr >= PEAK_TARGET, fr)}) | "
                   f"{'' if not check else format(check['rel_l2'], '.1e')} |")
    probe = (res.get('conv_probe') or {}).get('latest')
    if probe: out += ['', f"Large conv3d probe {probe['input_shape']} (pytorch/pytorch#163539): bf16 vs fp32 relative L2 {probe['rel_l2']:.2e} ({'ok' if probe['ok'] else 'WRONG'})."]
    return out + ['']


def cascade_section(res:dict)->list:
    out = [f"## The cascade per CT ({res.get('device')})", '', f"Measured {res.get('date_utc', '?')}, load average before {res.get('load_avg_1min')}; "
           f"models {Path(res.get('model_dir', '?')).name}.", '', '| case | Mvox | vertebrae | total s | stage 1 s | stage 2 s | stage 3 s | read s | write s | peak RSS GB | GPU GB |',
           '|---|---|---|---|---|---|---|---|---|---|---|']
    for c in res['cases']:
        s = c['seconds']
        out.append(f"| {c['case']} | {c['mvox']} | {c['vertebrae']} | {c['total_s']:.2f} | {c['by_stage']['stage1']:.2f} | {c['by_stage']['stage2']:.2f} | "
                   f"{c['by_stage']['stage3']:.2f} | {s.get('read', 0):.2f} | {s.get('write', 0):.2f} | {c['peak_rss_gb']:.2f} | {c.get('peak_gpu_gb', '')} |")
    large = [c for c in res['cases'] if c['case'].startswith('large')]
    if large:
        c = large[0]
        parts = ', '.join(f'{k} {v:.2f}' for k, v in c['seconds'].items())
        out += ['', f"Large CT, by part (s): {parts}."]
        if 'peak_gpu_gb' in c:
            t = c['total_s'] - c['seconds'].get('read', 0) - c['seconds'].get('write', 0)
            out.append(f"Target (GPU): <= {CASCADE_S_TARGET:g} s without reading and writing: {t:.2f} s ({'met' if t <= CASCADE_S_TARGET else 'missed'}); "
                       f"<= {GPU_GB_TARGET:g} GB GPU memory: {c['peak_gpu_gb']:.2f} GB ({'met' if c['peak_gpu_gb'] <= GPU_GB_TARGET else 'missed'}).")
    return out + ['']


def real_section(res:dict)->list:
    "Model folders scored on the real CT crops (bench_real.py)."
    out = ['## Real CT crops', '', f"{res['benchmark']}; {res['device']}, measured {res.get('date_utc', '?')}. `python benchmarks/bench_real.py "
           "--models NAME=DIR ...`. Identification: VerSe's 20 mm rule; Dice per vertebra on the CT's own grid, a missed vertebra counts 0; "
           "'from truth': stage 3 alone from the true centroids.", '',
           '| models | scan | truth | found | identified | localization mm | Dice | Dice from truth | relative margin |', '|---|---|---|---|---|---|---|---|---|']
    for name, m in res['models'].items():
        for s, r in m['samples'].items():
            mg = '' if r['relative_margin'] is None else f"{r['relative_margin']:.2f}"
            out.append(f"| {name} | {s} | {' '.join(r['truth'])} | {' '.join(r['found'])} | {r['hits']}/{r['n_gt']} | {r['mld_mm']:.1f} | "
                       f"{r['mean_dice']:.3f} | {r['mean_dice_from_truth']:.3f} | {mg} |")
    notes = [f"- {name}: {m['note']}" for name, m in res['models'].items() if m.get('note')]
    return out + ([''] + notes if notes else []) + ['']


def demo_section(res:dict)->list:
    "vseg-demo per training recipe and seed (bench_demo.py): each run, then the worst of the seeds per recipe."
    out = ['## vseg-demo on held-out phantoms', '', f"{res['benchmark']}; {res['device']}, measured {res.get('date_utc', '?')}. "
           f"Targets: {res['targets']}. `python benchmarks/bench_demo.py --recipes ... --seeds 0 1 2`.", '',
           '| recipe | seed | instruction set | training precision | identified (pooled) | localization mm | Dice | minutes |', '|---|---|---|---|---|---|---|---|']
    for r in res['runs']:
        s, m = r['summary'], r['summary']['metrics']
        out.append(f"| {r['recipe']} | {r['seed']} | {r['cpu_isa']} | {s['training_precision']} | {m['id_rate']:.3f} | {m['mld_mm']:.2f} | "
                   f"{m['dice']:.3f} | {s['seconds']['total'] / 60:.1f} |")
    out += ['', '| recipe | instruction set | seeds | worst identified | worst localization mm | worst Dice | longest minutes | recipe |', '|---|---|---|---|---|---|---|---|']
    for key in dict.fromkeys((r['recipe'], r['cpu_isa']) for r in res['runs']):
        rs = [r for r in res['runs'] if (r['recipe'], r['cpu_isa']) == key]
        ms = [r['summary']['metrics'] for r in rs]
        out.append(f"| {key[0]} | {key[1]} | {len(rs)} | {min(m['id_rate'] for m in ms):.3f} | {max(m['mld_mm'] for m in ms):.2f} | "
                   f"{min(m['dice'] for m in ms):.3f} | {max(r['summary']['seconds']['total'] for r in rs) / 60:.1f} | {rs[0]['note']} |")
    return out + ['']


def profile_section(res:dict)->list:
    "CPU training steps part by part, per instruction set and precision (profile_steps.py)."
    parts = ('sample', 'to_device', 'forward', 'targets', 'loss', 'log', 'backward', 'optimizer', 'other')
    out = ['## CPU training steps, part by part', '', f"{res['benchmark']}; CPU: {res['cpu']}, measured {res.get('date_utc', '?')}; "
           f"{res['steps']} steps after {res['warmup']} warm-up steps. `python benchmarks/profile_steps.py`. Instruction sets below the CPU's own "
           "are oneDNN and ATen capped on this CPU (ONEDNN_MAX_CPU_ISA), not other CPUs. Shares of the loop's time per step; 'other' is the loop "
           "(progress bar, log rows) beyond the timed parts.", '',
           '| code | instruction set | precision | stage | ms per step (fit) | ' + ' | '.join(parts) + ' |', '|---' * (5 + len(parts)) + '|']
    for r in res['runs']:
        f = r['fit_step_s']
        out.append(f"| {r.get('label') or ''} | {r['isa']} | {r['precision']} | {r['stage']} | {f * 1e3:.0f} | "
                   + ' | '.join(f"{r['seconds'].get(k, 0.0) / f:.0%}" for k in parts) + ' |')
    tops = {r['stage']: r['sample_top'][:3] for r in res['runs'] if r.get('sample_top')}
    if tops:
        out += ['', 'Inside `sample` (cProfile, cumulative seconds per step, the last run of each stage): ' + '; '.join(
            f"{st}: " + ', '.join(f"{t['function']} {t['s'] * 1e3:.1f} ms" for t in top) for st, top in tops.items()) + '.']
    return out + ['']


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--results', type=Path, default=HERE / 'results')
    p.add_argument('--out', type=Path, default=HERE / 'RESULTS.md')
    a = p.parse_args(argv)
    root = a.out.parent
    lines = ['# Benchmark results', '', 'Written by `benchmarks/make_results.py` from `benchmarks/results/*.json`; each section names the machine it was '
             'measured on. Absolute times hold for that machine only; ratios are measured side by side in one run.', '']
    found = False
    for f in sorted(a.results.glob('training_*.json')):
        res = json.loads(f.read_text(encoding='utf-8')); found = True
        lines += training_section(res, training_figure(res, a.results / f'{f.stem}.png'), root)
    for f in sorted(a.results.glob('cascade_*.json')):
        lines += cascade_section(json.loads(f.read_text(encoding='utf-8'))); found = True
    if (a.results / 'real_ct.json').exists(): lines += real_section(json.loads((a.results / 'real_ct.json').read_text(encoding='utf-8')))
    for f in sorted(a.results.glob('profile_*.json')): lines += profile_section(json.loads(f.read_text(encoding='utf-8')))
    for f in sorted(a.results.glob('demo_*.json')): lines += demo_section(json.loads(f.read_text(encoding='utf-8')))
    if not any(a.results.glob('*cuda*.json')):
        lines += ['## GPU', '', 'No GPU figures are recorded yet. On a CUDA machine run, from the repository root:', '', '```',
                  'python benchmarks/bench_training.py --device cuda --seed-repo PATH/TO/Coarse-to-Fine-Vertebrae-Segmentation',
                  'python benchmarks/bench_cascade.py --device cuda --model_dir MODELS   # paper-preset models, e.g. from the CUDA section of 09_cascade',
                  'python benchmarks/make_results.py', '```', '']
    if (a.results / 'notes.md').exists(): lines += [(a.results / 'notes.md').read_text(encoding='utf-8').strip(), '']  # findings in words
    if not found: raise SystemExit(f'{a.results}: no training_*.json or cascade_*.json')
    a.out.write_text('\n'.join(lines), encoding='utf-8')
    print(f'wrote {a.out}')


if __name__ == '__main__':
    main()
