"""Where a CPU training step of each stage spends its time, part by part, and what bf16 autocast buys on each instruction set.

Each stage's small-preset step (as `vseg-train` runs it through `training.fit`: channels-last on the CPU, its optimiser
and gradient clipping) is replayed with a timer between its parts:

    sample      the batch function: crop sampling, augmentation and, for stages 1 and 3, the targets (heatmap, mask crop)
    to_device   moving the batch and making it channels-last
    forward     the network (forward hooks on the model)
    targets     stage 2's heatmap targets with the learnable sigmas (built in the step)
    loss        the loss over the output channels
    log         the logged terms turned into Python floats (fit's one copy per step)
    backward    loss.backward()
    optimizer   gradient clipping, the learning rate and the optimiser step

and the whole loop (`training.fit`, progress bar and log rows included) is timed over the same steps; `other` is the
loop's time not in the parts. Within `sample`, cProfile names the project functions that take the time.

Instruction sets are chosen per run in a child process by capping oneDNN (ONEDNN_MAX_CPU_ISA) and ATen
(ATEN_CPU_CAPABILITY), so one machine with AMX also shows the steps of CPUs without it (AVX-512 with BF16, as AMD
Zen 4; plain AVX-512; AVX2). A capped Intel core is not another vendor's core: the bf16/fp32 ratio of a real Zen 4
can differ, and `training.choose_precision` measures it on the machine itself.

    python benchmarks/profile_steps.py [--isas native AVX512_CORE_BF16 AVX2] [--precisions fp32 bf16] [--steps 30]
Writes benchmarks/results/profile_<cpu>.json (merged by ISA, precision and stage).
"""
from __future__ import annotations
import argparse, cProfile, json, math, os, pstats, subprocess, sys, tempfile, time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_training, _machine
PARTS = ('sample', 'to_device', 'forward', 'targets', 'loss', 'log', 'backward', 'optimizer')
ATEN_FOR = {'AVX2': 'avx2', 'AVX512_CORE': 'avx512', 'AVX512_CORE_BF16': 'avx512', 'AVX512_CORE_AMX': 'avx512'}


def stage_parts(name:str, cases:list):
    "(config, model builder, batch function, step function) of a stage at its small preset and batch size (bench_training's Stage)."
    from bench_training import CONFIGS, Stage
    st = Stage(name, 'small', CONFIGS[name]('small').train.batch_size, cases)
    return st.cfg, st.make_model, lambda step, rng: st.sample(cases, rng), st.step_fn


class Clock:
    "Seconds per named part, summed over the timed steps."
    def __init__(self): self.s, self.t = defaultdict(float), None
    def start(self): self.t = time.perf_counter()
    def lap(self, part):
        now = time.perf_counter(); self.s[part] += now - self.t; self.t = now


def replay(name:str, cases:list, precision:str, steps:int, warmup:int)->dict:
    "The stage's step part by part (seconds per step), its sampler profile, and fit's seconds per step over the same steps."
    import torch
    from vertebrae_seg.training import _as_floats, fit, make_optimizer, seed_step, to_channels_last, to_device
    cfg, make_model, batch_fn, step_fn = stage_parts(name, cases)
    tc = replace(cfg.train, amp='bf16' if precision == 'bf16' else 'off')
    torch.manual_seed(0)
    model = make_model().to(memory_format=torch.channels_last_3d).train()
    opt = make_optimizer(model, tc); params = [p for g in opt.param_groups for p in g['params']]
    ck = Clock()
    model.register_forward_pre_hook(lambda *a: ck.lap('pre_forward'))
    model.register_forward_hook(lambda *a: ck.lap('forward'))
    if name == 'vertebrae':  # the targets are a module of the model: time them apart from the loss
        model.targets.register_forward_pre_hook(lambda *a: ck.lap('pre_targets'))
        model.targets.register_forward_hook(lambda *a: ck.lap('targets'))
    autocast = (lambda: torch.autocast('cpu', dtype=torch.bfloat16)) if precision == 'bf16' else (lambda: torch.autocast('cpu', enabled=False))
    prof = cProfile.Profile()
    for step in range(warmup + steps):
        if step == warmup: ck.s.clear()
        rng = seed_step(0, step)
        ck.start()
        if step >= warmup: prof.enable()
        b = batch_fn(step, rng)
        if step >= warmup: prof.disable()
        ck.lap('sample')
        b = to_channels_last(to_device(b, 'cpu')); ck.lap('to_device')
        with autocast(): terms = step_fn(model, b)
        ck.lap('loss')
        _as_floats(terms); ck.lap('log')  # the logged terms to Python, as fit reads them
        opt.zero_grad(set_to_none=True); terms['loss'].backward(); ck.lap('backward')
        torch.nn.utils.clip_grad_norm_(params, tc.clip_grad_norm or math.inf); opt.step(); ck.lap('optimizer')
    parts = {p: ck.s.get(p, 0.0) / steps for p in PARTS}
    # the pre-hook laps hold what ran between the last lap and the hook (step_fn's own work before the network or targets)
    parts['loss'] += (ck.s.get('pre_forward', 0.0) + ck.s.get('pre_targets', 0.0)) / steps
    st = pstats.Stats(prof)
    top = sorted(((v[3] / steps, f'{Path(k[0]).stem}.{k[2]}') for k, v in st.stats.items() if 'vertebrae_seg' in k[0]), reverse=True)
    # the whole loop, as vseg-train runs it (progress bar and log rows, no validation)
    torch.manual_seed(0)
    t = {}
    def timed_batch(step, rng):
        if step == warmup: t['t0'] = time.perf_counter()
        return batch_fn(step, rng)
    fit(make_model(), step_fn, timed_batch, replace(tc, iterations=warmup + steps, val_every=10**9), None, device='cpu', progress=True)
    fit_s = (time.perf_counter() - t['t0']) / steps
    parts['other'] = max(fit_s - sum(parts.values()), 0.0)
    return dict(seconds=parts, step_s=sum(parts[p] for p in PARTS), fit_step_s=fit_s,
                sample_top=[dict(function=f, s=round(s, 5)) for s, f in top[:8]])


def child(a)->dict:
    "Run in the child process (its ISA caps already set): every stage at one precision."
    import torch
    from vertebrae_seg import data, phantoms
    from vertebrae_seg.sampling import load_cases
    from vertebrae_seg.training import cpu_isa
    torch.set_num_threads(a.threads)
    out = dict(isa=cpu_isa(), precision=a.precision, threads=torch.get_num_threads(), stages={})
    with tempfile.TemporaryDirectory() as d:
        phantoms.write_phantom_dataset(Path(d), n=a.phantoms, seed=100, max_mvox=1.5, verbose=False)
        table = data.read_dataset_csv(Path(d) / 'dataset.csv')
        from bench_training import CONFIGS
        for name in a.stages:
            cases = load_cases(table, CONFIGS[name]('small').smooth_sigma_mm, with_mask=name == 'segmentation', progress=False)
            out['stages'][name] = replay(name, cases, a.precision, a.steps, a.warmup)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--isas', nargs='+', default=['native', 'AVX512_CORE_BF16', 'AVX2'], help='native, or a oneDNN ISA cap (AVX512_CORE_BF16, AVX512_CORE, AVX2)')
    p.add_argument('--precisions', nargs='+', default=['fp32', 'bf16'], choices=['fp32', 'bf16'])
    p.add_argument('--stages', nargs='+', default=['spine', 'vertebrae', 'segmentation'], choices=['spine', 'vertebrae', 'segmentation'])
    p.add_argument('--steps', type=int, default=30); p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--phantoms', type=int, default=6)
    p.add_argument('--label', default='', help='a name for this state of the code (e.g. before, after)')
    p.add_argument('--out', type=Path, default=None)
    p.add_argument('--child', action='store_true', help=argparse.SUPPRESS); p.add_argument('--precision', help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child: print(json.dumps(child(a))); return
    from _machine import cpu_model, run_record, load_average, write_result
    out = a.out or Path(__file__).parent / 'results' / 'profile_cpu.json'
    old = json.loads(out.read_text()) if out.exists() else {}
    runs = old.get('runs', [])
    load = load_average()
    for isa in a.isas:
        env = dict(os.environ)
        if isa != 'native': env.update(ONEDNN_MAX_CPU_ISA=isa, ATEN_CPU_CAPABILITY=ATEN_FOR.get(isa, 'default'))
        for prec in a.precisions:
            r = subprocess.run([sys.executable, __file__, '--child', '--precision', prec, '--stages', *a.stages, '--steps', str(a.steps),
                                '--warmup', str(a.warmup), '--threads', str(a.threads), '--phantoms', str(a.phantoms)],
                               capture_output=True, text=True, env=env)
            if r.returncode: sys.exit(f'{isa} {prec}: failed\n{r.stderr[-3000:]}')
            res = json.loads(r.stdout.strip().splitlines()[-1])
            for stage, s in res['stages'].items():
                runs = [x for x in runs if (x['cap'], x['precision'], x['stage'], x.get('label', '')) != (isa, prec, stage, a.label)]
                runs.append(dict(cap=isa, isa=res['isa'], precision=prec, stage=stage, label=a.label, threads=res['threads'], **s))
                sh = {k: f'{v / s["fit_step_s"]:.0%}' for k, v in s['seconds'].items() if v / s['fit_step_s'] >= 0.01}
                print(f"{isa:17s} {prec} {stage:12s} fit {s['fit_step_s'] * 1e3:6.1f} ms/step; " + ', '.join(f'{k} {v}' for k, v in sh.items()), flush=True)
    write_result(dict(benchmark='CPU training steps of the small presets, part by part, per instruction set and precision',
                      cpu=cpu_model(), steps=a.steps, warmup=a.warmup, runs=runs, **run_record(load)), out)
    print(f'wrote {out}')


if __name__ == '__main__': main()
