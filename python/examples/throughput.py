"""Cases per second of the Python bindings over the replicated bundled cohort.

    python python/examples/throughput.py [--cohort PATH] [--classify N] [--recommend M]

The cohort's lines are repeated in order up to N cases for ``classify_many`` and M for
``recommend_many`` (defaults 100,000 and 10,000). Each figure is the best of three runs of one
call over the whole list, timed with ``time.perf_counter``: from case dicts (as read with
``json.loads``; the bindings encode each with ``json`` before the Rust parser reads it), from
JSON text (passed through), and from a DataFrame read with ``pd.read_json(lines=True)`` when
pandas is installed. Compare with the Rust figures of ``python/examples/throughput.rs``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import hcc_pathways

REPO = Path(__file__).resolve().parents[2]


def best_of_three(fn) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohort", type=Path, default=REPO / "examples/cohort/synthetic_cohort.jsonl")
    parser.add_argument("--classify", type=int, default=100_000, metavar="N")
    parser.add_argument("--recommend", type=int, default=10_000, metavar="M")
    args = parser.parse_args()

    lines = [l for l in args.cohort.read_text(encoding="utf-8").splitlines() if l.strip()]

    def replicate(n: int) -> list[str]:
        return (lines * (n // len(lines) + 1))[:n]

    try:
        import pandas as pd
    except ImportError:
        pd = None

    print(f"python: hcc_pathways {hcc_pathways.__version__} (crate {hcc_pathways.CRATE_VERSION}), "
          f"{len(lines)} distinct cases")
    for name, fn, n in (("classify_many", hcc_pathways.classify_many, args.classify),
                        ("recommend_many", hcc_pathways.recommend_many, args.recommend)):
        texts = replicate(n)
        dicts = [json.loads(t) for t in texts]
        inputs = [("dicts", dicts), ("JSON text", texts)]
        if pd is not None:
            inputs.append(("a DataFrame, one field a column", pd.DataFrame(dicts)))
        for label, data in inputs:
            check = fn(data)
            errors = sum(isinstance(r, Exception) for r in (check if isinstance(check, list) else []))
            if errors:
                raise SystemExit(f"{name} rejected {errors} cases of the bundled cohort")
            seconds = best_of_three(lambda: fn(data))
            print(f"python: {name + ' from ' + label:<50} {n:>7} cases  {n / seconds:>12.0f} cases/s")


if __name__ == "__main__":
    main()
