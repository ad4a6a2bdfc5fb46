#!/usr/bin/env python
"""Lint the exported package with ruff (pyproject's [tool.ruff]: unused imports, lines over 120 characters).

One kind of line is left out: the first line of the `__all__ = [...]` list that nbdev-export writes. nbdev wraps the
list at 120 characters and then puts `__all__ = ` in front of its first line, so that line can reach 130 characters,
and no notebook edit can change it. Every other line, of code we write in the notebooks, is held to 120.
Usage: python tools/lint.py [PATH ...]   (default: vertebrae_seg)
"""
import json, subprocess, sys
from pathlib import Path


def generated_all_line(hit:dict)->bool:
    "Whether a ruff hit is E501 on the first line of nbdev's generated `__all__` list."
    if hit['code'] != 'E501': return False
    line = Path(hit['filename']).read_text(encoding='utf-8').splitlines()[hit['location']['row'] - 1]
    return line.startswith('__all__ = [')


def main(paths:list)->int:
    r = subprocess.run([sys.executable, '-m', 'ruff', 'check', '--output-format', 'json', *paths], capture_output=True, text=True)
    if r.returncode not in (0, 1): print(r.stderr, file=sys.stderr); return r.returncode
    hits = [h for h in json.loads(r.stdout or '[]') if not generated_all_line(h)]
    for h in hits: print(f"{h['filename']}:{h['location']['row']}:{h['location']['column']}: {h['code']} {h['message']}")
    print(f"ruff: {len(hits)} problem(s) in {', '.join(paths)}" if hits else f"ruff: {', '.join(paths)} clean")
    return 1 if hits else 0


if __name__ == '__main__': sys.exit(main(sys.argv[1:] or ['vertebrae_seg']))
