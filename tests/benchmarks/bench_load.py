"""Load time of the largest shared questionnaire, against decoding its JSON.

``.venv/bin/python -m tests.benchmarks.bench_load [--rounds N]``

The form is the largest file in ``tests/questionnaire/forms`` (both batches): CSIRO's
ACDC+ NQIP dataset, 248 KB. Timed, in the same process and interleaved so that other load
on the machine hits both alike:

* *load*: :func:`kiosk.questionnaire.loader.load` (read, decode, build the model, check
  the expressions), with the expression caches emptied first, as in a kiosk that has just
  started; a refusal counts as a load (it is the time ``check`` takes);
* *first answers*: :func:`kiosk.questionnaire.fresh_answers` on the loaded form (initial
  values, initialExpressions, every calculation once), what a visit waits for on page 1,
  with fhirpathpy's parse trees read from the disk cache (the first run ever parses them);
* the reference: ``json.loads`` of the same bytes with exact decimals, the part no loader
  can skip.

Figures: the median of each, and the ratio of *load* to the reference.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from decimal import Decimal
from pathlib import Path

from tests.benchmarks.common import ROOT, machine

FORMS = ROOT / "tests" / "questionnaire" / "forms"
GOAL_MS = 150.0


def largest_form() -> Path:
    forms = [p for p in FORMS.rglob("*.json") if not p.name.endswith(".response.json")]
    return max(forms, key=lambda path: path.stat().st_size)


def _timed(action) -> float:  # type: ignore[no-untyped-def]
    gc.collect()
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(rounds: int = 15) -> dict[str, float | str]:
    from kiosk.questionnaire import QuestionnaireRefused, fresh_answers
    from kiosk.questionnaire.loader import load

    path = largest_form()
    raw = path.read_bytes()

    def reference() -> None:
        json.loads(raw.decode("utf-8"), parse_float=Decimal)

    outcome: dict[str, object] = {}

    def load_once() -> None:
        try:
            from kiosk.questionnaire import fhirpath

            fhirpath.clear_caches()
        except (ImportError, AttributeError):  # an engine from before the caches
            pass
        try:
            outcome["q"] = load(path)
        except QuestionnaireRefused as refused:
            outcome["q"] = None
            outcome["reasons"] = len(refused.reasons)

    loads, references, firsts = [], [], []
    load_once()  # warm imports and caches
    for _round in range(rounds):
        references.append(_timed(reference))
        loads.append(_timed(load_once))
        questionnaire = outcome["q"]
        if questionnaire is not None:
            firsts.append(_timed(lambda q=questionnaire: fresh_answers(q)))
    load_ms = statistics.median(loads)
    reference_ms = statistics.median(references)
    return {
        "form": path.name,
        "loaded": "yes" if outcome["q"] is not None else f"refused ({outcome['reasons']})",
        "load_ms": load_ms,
        "first_answers_ms": statistics.median(firsts) if firsts else float("nan"),
        "reference_ms": reference_ms,
        "ratio": load_ms / reference_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    figures = measure(parser.parse_args().rounds)
    print(machine())
    print(
        f"{figures['form']} ({figures['loaded']}): load {figures['load_ms']:.1f} ms "
        f"(goal <= {GOAL_MS:.0f}), first answers {figures['first_answers_ms']:.1f} ms, "
        f"json.loads {figures['reference_ms']:.1f} ms, ratio {figures['ratio']:.1f}"
    )


if __name__ == "__main__":
    main()
