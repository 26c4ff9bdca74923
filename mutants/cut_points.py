#!/usr/bin/env python3
"""Moves every clinical cut-point by one, one at a time, and checks that the tests notice.

cargo-mutants (`.cargo/mutants.toml`) does not look inside macro invocations, and the clinical
predicates are written inside `clinical_predicate!`; it also turns `<=` into `>` but never into
`<`. This script makes the mutations it cannot: each comparison of a fact with a threshold moves
by one (`<=` to `<`, `>=` to `>`, `Cmp::Le` to `Cmp::Lt`, ...), in the code path for known
facts and in the one for unknown facts. Each mutant is built in a copy of the tree with the
lean test command cargo-mutants uses; a mutant the tests do not catch is reported as MISSED, and
one that only the property tests with random cases catch (`roundtrip::`, `properties::`) as
"caught only by a property test" (by chance: add a test at both sides of the cut-point).

    python3 mutants/cut_points.py            # every mutation (25-45 s each on 2 cores)
    python3 mutants/cut_points.py --list     # list them
    python3 mutants/cut_points.py pei_known milan_single

Exit status 1 when a mutant is missed or a mutation no longer applies (the source changed: update
the table below). See CONTRIBUTING.md, "Mutation testing".
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

P = "src/predicates.rs"
S = "src/scores.rs"

# (name, file, original text, mutated text): each original text occurs exactly once in its file.
MUTATIONS = [
    # Spec §3: the pathway predicates.
    ("terminal_ecog", P, "ecog_against(a, t, Cmp::Ge, Setting::TerminalMinEcog)",
     "ecog_against(a, t, Cmp::Gt, Setting::TerminalMinEcog)"),
    ("terminal_child_pugh", P, "child_pugh_against(a, t, Cmp::Ge, Setting::TerminalMinChildPugh)",
     "child_pugh_against(a, t, Cmp::Gt, Setting::TerminalMinChildPugh)"),
    ("advanced_one_site", P, "Truth::from(n > 0)", "Truth::from(n > 1)"),
    ("up_to_seven_known", P,
     'against(t, "up_to_seven_sum", sum, Cmp::Le, Setting::UpToSevenLimit, limit)',
     'against(t, "up_to_seven_sum", sum, Cmp::Lt, Setting::UpToSevenLimit, limit)'),
    ("up_to_seven_unknown", P, "u32::from(d) + 10 * u32::from(n) <= limit)",
     "u32::from(d) + 10 * u32::from(n) < limit)"),
    ("refractory_responses", P, 'against(t, "tace_insufficient_responses", c, Cmp::Ge,',
     'against(t, "tace_insufficient_responses", c, Cmp::Gt,'),
    ("refractory_progressions", P, 'against(t, "tace_intrahepatic_progressions", c, Cmp::Ge,',
     'against(t, "tace_intrahepatic_progressions", c, Cmp::Gt,'),
    ("intervention_child_pugh", P,
     "child_pugh_against(a, t, Cmp::Gt, Setting::InterventionMaxChildPugh)",
     "child_pugh_against(a, t, Cmp::Ge, Setting::InterventionMaxChildPugh)"),
    ("intervention_ecog", P, "ecog_against(a, t, Cmp::Gt, Setting::InterventionMaxEcog)",
     "ecog_against(a, t, Cmp::Ge, Setting::InterventionMaxEcog)"),
    ("ablation_count_known", P, 'against(t, "nodules", n, Cmp::Le, max_nodules, max_n)',
     'against(t, "nodules", n, Cmp::Lt, max_nodules, max_n)'),
    ("ablation_size_known", P, "largest_diameter(a, t, d, Cmp::Le, max_mm)",
     "largest_diameter(a, t, d, Cmp::Lt, max_mm)"),
    ("ablation_count_unknown", P, "(1..=max_nodules).contains(&n)", "(1..max_nodules).contains(&n)"),
    ("ablation_size_unknown", P, "d.is_some_and(|d| d <= max_mm)", "d.is_some_and(|d| d < max_mm)"),
    ("later_line_from", P, 'against(t, "regimens_received", n as u32, Cmp::Ge,',
     'against(t, "regimens_received", n as u32, Cmp::Gt,'),
    ("systemic_ecog_known", P, 'against(t, "ecog", e, Cmp::Le, Setting::SystemicMaxEcog,',
     'against(t, "ecog", e, Cmp::Lt, Setting::SystemicMaxEcog,'),
    ("systemic_child_pugh_known", P,
     'against(t, "child_pugh_score", c, Cmp::Le, Setting::SystemicMaxChildPugh,',
     'against(t, "child_pugh_score", c, Cmp::Lt, Setting::SystemicMaxChildPugh,'),
    ("later_ecog_known", P, 'against(t, "ecog", e, Cmp::Le, Setting::LaterLineMaxEcog,',
     'against(t, "ecog", e, Cmp::Lt, Setting::LaterLineMaxEcog,'),
    ("later_child_pugh_known", P,
     'against(t, "child_pugh_score", c, Cmp::Le, Setting::LaterLineMaxChildPugh,',
     'against(t, "child_pugh_score", c, Cmp::Lt, Setting::LaterLineMaxChildPugh,'),
    ("systemic_ecog_unknown", P, "e <= p.systemic_max_ecog\n", "e < p.systemic_max_ecog\n"),
    ("systemic_child_pugh_unknown", P, "c <= p.systemic_max_child_pugh\n",
     "c < p.systemic_max_child_pugh\n"),
    ("later_ecog_unknown", P, "(e <= p.later_line_max_ecog &&", "(e < p.later_line_max_ecog &&"),
    ("later_child_pugh_unknown", P, "c <= p.later_line_max_child_pugh))",
     "c < p.later_line_max_child_pugh))"),
    # Spec §6: procedures, their cautions, the considerations.
    ("pei_known", P, "largest_diameter(a, t, d, Cmp::Le, Setting::PeiMaxDiameterMm)",
     "largest_diameter(a, t, d, Cmp::Lt, Setting::PeiMaxDiameterMm)"),
    ("pei_unknown", P, "d.is_some_and(|d| d <= max))", "d.is_some_and(|d| d < max))"),
    ("near_refractory", P, "Cmp::Eq, setting, th.saturating_sub(1))",
     "Cmp::Eq, setting, th.saturating_sub(2))"),
    ("tace_100_mm_known", P, "largest_diameter(a, t, d, Cmp::Ge, Setting::TaceCautionDiameterMm)",
     "largest_diameter(a, t, d, Cmp::Gt, Setting::TaceCautionDiameterMm)"),
    ("tace_100_mm_unknown", P, "n == 1 && d.is_some_and(|d| d >= min)",
     "n == 1 && d.is_some_and(|d| d > min)"),
    ("beyond_intervention_known", P,
     'against(t, "child_pugh_score", c, Cmp::Gt, Setting::InterventionMaxChildPugh,',
     'against(t, "child_pugh_score", c, Cmp::Ge, Setting::InterventionMaxChildPugh,'),
    ("below_terminal_known", P,
     'against(t, "child_pugh_score", c, Cmp::Lt, Setting::TerminalMinChildPugh,',
     'against(t, "child_pugh_score", c, Cmp::Le, Setting::TerminalMinChildPugh,'),
    ("beyond_intervention_unknown", P, "|c| c > p.intervention_max_child_pugh &&",
     "|c| c >= p.intervention_max_child_pugh &&"),
    ("below_terminal_unknown", P, "&& c < p.terminal_min_child_pugh)",
     "&& c <= p.terminal_min_child_pugh)"),
    ("performance_ecog_known", P, 'against(t, "ecog", ecog, Cmp::Le, max, limit)',
     'against(t, "ecog", ecog, Cmp::Lt, max, limit)'),
    ("performance_ecog_unknown", P, "e == 0 || (e <= limit", "e == 0 || (e < limit"),
    ("resection_child_pugh", P, "child_pugh_against(a, t, Cmp::Le, Setting::ResectionMaxChildPugh)",
     "child_pugh_against(a, t, Cmp::Lt, Setting::ResectionMaxChildPugh)"),
    ("transplant_afp", P, "afp_against(a, t, Cmp::Gt, Setting::TransplantCautionAfpNgMl)",
     "afp_against(a, t, Cmp::Ge, Setting::TransplantCautionAfpNgMl)"),
    ("early_recurrence", P, 'against(t, "months_since_last_procedure", m.get(), Cmp::Le,',
     'against(t, "months_since_last_procedure", m.get(), Cmp::Lt,'),
    # Spec §7: systemic therapy.
    ("ramucirumab_afp", P, "afp_against(a, t, Cmp::Lt, Setting::RamucirumabMinAfpNgMl)",
     "afp_against(a, t, Cmp::Le, Setting::RamucirumabMinAfpNgMl)"),
    ("cabozantinib_prior", P, 'against(t, "regimens_received", h.len() as u32, Cmp::Le,',
     'against(t, "regimens_received", h.len() as u32, Cmp::Lt,'),
    ("policy_admits_child_pugh_7", P, "max >= 7", "max > 7"),
    ("tace_systemic_ecog_known", P, "Cmp::Le, Setting::TaceSystemicMaxEcog",
     "Cmp::Lt, Setting::TaceSystemicMaxEcog"),
    ("tace_systemic_child_pugh_known", P, "Cmp::Le, Setting::TaceSystemicMaxChildPugh",
     "Cmp::Lt, Setting::TaceSystemicMaxChildPugh"),
    ("tace_systemic_ecog_unknown", P, "e <= p.tace_systemic_max_ecog &&",
     "e < p.tace_systemic_max_ecog &&"),
    ("tace_systemic_child_pugh_unknown", P, "&& c <= p.tace_systemic_max_child_pugh",
     "&& c < p.tace_systemic_max_child_pugh"),
    ("sorafenib_first_entry", P,
     "        .rev()\n        .find(|p| p.regimen == Regimen::Sorafenib)",
     "        .find(|p| p.regimen == Regimen::Sorafenib)"),
    # Spec §5: the scores.
    ("bilirubin_albumin_inr_low", S, "    if v < low {", "    if v <= low {"),
    ("bilirubin_inr_high", S, "} else if v <= high {", "} else if v < high {"),
    ("albumin_low", S, "} else if v >= low {", "} else if v > low {"),
    ("albi_grade_1", S, "if score <= -2.60 {", "if score < -2.60 {"),
    ("albi_grade_2", S, "} else if score <= -1.39 {", "} else if score < -1.39 {"),
    ("milan_single", S, "(1, Some(d)) => d <= 50,", "(1, Some(d)) => d < 50,"),
    ("milan_several_size", S, "(2..=3, Some(d)) => d <= 30,", "(2..=3, Some(d)) => d < 30,"),
    ("milan_several_count", S, "(2..=3, Some(d)) => d <= 30,", "(2..=2, Some(d)) => d <= 30,"),
    ("bclc_0", S, "(1, Some(d)) if d <= 20 => BclcStage::Zero", "(1, Some(d)) if d < 20 => BclcStage::Zero"),
    ("bclc_a_several", S, "(2..=3, Some(d)) if d <= 30 => BclcStage::A",
     "(2..=3, Some(d)) if d < 30 => BclcStage::A"),
    ("bclc_d_ecog", S, "ecog >= policy.terminal_min_ecog", "ecog > policy.terminal_min_ecog"),
    ("bclc_d_child_pugh", S, "cp >= policy.terminal_min_child_pugh", "cp > policy.terminal_min_child_pugh"),
    ("liver_function_preserved", S, "if cp.max() <= 6 {", "if cp.max() < 6 {"),
    ("liver_function_not_preserved", S, "} else if cp.min() >= 7 {", "} else if cp.min() > 7 {"),
]

# Property tests with random cases: a mutant only they catch is caught by chance (reported, so
# that a test at both sides of the cut-point is added; not a failure).
RANDOM_TESTS = ("roundtrip::", "properties::")

TEST = ["cargo", "test", "--profile", "mutants", "--lib", "--test", "suite", "--", "-q"]


def failed_tests(output):
    """The names cargo test lists under `failures:`."""
    names, listing = [], False
    for line in output.splitlines():
        if line == "failures:":
            listing = True
        elif listing and line.startswith("    "):
            names.append(line.strip())
        elif listing and line and not line.startswith(" "):
            listing = False
    return sorted(set(names))


def main(args):
    root = pathlib.Path(__file__).resolve().parent.parent
    if "--list" in args:
        for name, file, old, new in MUTATIONS:
            print(f"{name}: {file}: `{old.strip()}` -> `{new.strip()}`")
        return 0
    chosen = [m for m in MUTATIONS if not args or m[0] in args]
    unknown = set(args) - {m[0] for m in MUTATIONS}
    if unknown:
        print(f"no such mutation: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root,
                           check=True, capture_output=True).stdout.decode().split("\0")
    env = dict(os.environ, CARGO_TARGET_DIR=os.environ.get("CARGO_TARGET_DIR", str(root / "target")))
    bad = weak = 0
    with tempfile.TemporaryDirectory(prefix="cut-points-") as tmp:
        tree = pathlib.Path(tmp)
        for f in filter(None, files):
            if (root / f).is_file():
                (tree / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(root / f, tree / f)  # new mtimes: cargo must rebuild
        baseline = subprocess.run(TEST, cwd=tree, env=env, capture_output=True, text=True)
        if baseline.returncode != 0:
            print(baseline.stdout[-3000:] + baseline.stderr[-3000:])
            print("the unmutated tree fails its tests", file=sys.stderr)
            return 2
        for name, file, old, new in chosen:
            path = tree / file
            text = path.read_text()
            if text.count(old) != 1:
                print(f"{name}: does not apply ({text.count(old)} matches in {file})", flush=True)
                bad += 1
                continue
            path.write_text(text.replace(old, new))
            start = time.time()
            run = subprocess.run(TEST, cwd=tree, env=env, capture_output=True, text=True)
            path.write_text(text)
            output = run.stdout + run.stderr
            if run.returncode == 0:
                verdict = "MISSED"
                bad += 1
            elif "error[" in output or "could not compile" in output:
                verdict = "unviable"
            else:
                verdict = "caught"
            failed = failed_tests(output)
            if failed and all(t.startswith(RANDOM_TESTS) for t in failed):
                # Caught by chance: the property test draws new cases on every run.
                verdict = "caught only by a property test"
                weak += 1
            tests = " ".join(failed)
            print(f"{name}: {verdict} in {time.time() - start:.0f} s {tests}".rstrip(), flush=True)
    print(f"{len(chosen)} mutations, {bad} missed or not applied, {weak} caught only by a property test")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
