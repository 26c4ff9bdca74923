"""A researcher's comparison of two policies over a cohort, in pandas and matplotlib.

    python python/examples/cohort.py [--cohort COHORT.jsonl] [--policy POLICY.json]
                                     [--baseline POLICY.json] [--out PLOT.png]

Reads a JSON Lines cohort into a DataFrame (one case per row), classifies every case under a
baseline policy (default: the library's) and an alternative policy (default:
``examples/policies/admit_child_pugh_7.json``, which admits Child-Pugh B7 to systemic
therapy), and prints the pathway distribution under both, the transitions, and every case
whose pathway changed with the deciding rules. A bar chart of the two distributions is saved
as a PNG. A row the library rejects is reported with its line number and left out.

The bundled cohort is synthetic (``examples/cohort/README.md``): its counts describe what the
rules do, not what happens to patients.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import hcc_pathways  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PATHWAYS = ["repeat_intervention", "systemic_therapy", "palliative_care"]


def read_policy(path: Path | None) -> dict | None:
    return None if path is None else json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohort", type=Path, default=REPO / "examples/cohort/synthetic_cohort.jsonl")
    parser.add_argument("--policy", type=Path, default=REPO / "examples/policies/admit_child_pugh_7.json",
                        help="the alternative policy (JSON)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="the baseline policy (JSON; default: the library's default policy)")
    parser.add_argument("--out", type=Path, default=Path("cohort_pathways.png"), help="the plot (PNG)")
    args = parser.parse_args(argv)

    # One case per row, its top-level fields as columns (nested objects stay dicts). dtype=False
    # keeps the values as JSON gave them. Line numbers are the 1-based index.
    cases = pd.read_json(args.cohort, lines=True, dtype=False)
    cases.index = pd.RangeIndex(1, len(cases) + 1, name="line")
    baseline_name = args.baseline.stem if args.baseline else "default"
    alternative_name = args.policy.stem
    try:
        before = hcc_pathways.classify_many(cases, policy=read_policy(args.baseline))
        after = hcc_pathways.classify_many(cases, policy=read_policy(args.policy))
    except hcc_pathways.InvalidPolicy as e:
        print(f"error: invalid policy: {e}", file=sys.stderr)
        return 1

    print(f"hcc_pathways {hcc_pathways.__version__}, rule set {hcc_pathways.RULE_SET_VERSION}; "
          f"{len(cases)} cases from {args.cohort.name}")
    rejected = before["error"].notna() | after["error"].notna()
    for line, error in before["error"].where(before["error"].notna(), after["error"])[rejected].items():
        print(f"line {line}: skipped: {error}", file=sys.stderr)
    before, after = before[~rejected], after[~rejected]

    # The pathway distribution under both policies.
    table = pd.DataFrame({
        baseline_name: before["pathway"].value_counts(),
        alternative_name: after["pathway"].value_counts(),
    }).reindex(PATHWAYS).fillna(0).astype(int)
    table["change"] = table[alternative_name] - table[baseline_name]
    table.loc["total"] = table.sum()
    print(f"\nPathways ({len(before)} cases classified, {int(rejected.sum())} skipped):")
    print(table.to_string())

    # Which cases moved, and from which rule to which.
    changed = pd.DataFrame({
        "pathway_before": before["pathway"], "rule_before": before["rule"],
        "pathway_after": after["pathway"], "rule_after": after["rule"],
    })[before["pathway"] != after["pathway"]]
    print(f"\nTransitions ({len(changed)} cases changed pathway):")
    if len(changed):
        moves = changed.groupby(["pathway_before", "rule_before", "pathway_after", "rule_after"]).size()
        print(moves.rename("cases").to_frame().to_string())
        print("\nChanged cases:")
        print(changed.to_string())

    # The plot: the two distributions side by side.
    ax = table.loc[PATHWAYS, [baseline_name, alternative_name]].plot.bar(rot=0, figsize=(7, 4))
    ax.set_ylabel("cases")
    ax.margins(y=0.15)
    ax.set_title(f"Pathways under the {baseline_name} and {alternative_name} policies "
                 f"({len(before)} cases of {args.cohort.name})", fontsize=10)
    for container in ax.containers:
        ax.bar_label(container)
    ax.figure.tight_layout()
    ax.figure.savefig(args.out, dpi=100)
    plt.close(ax.figure)
    print(f"\nPlot saved to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
