"""``webcare-train train-models``: retrain the rules' learned checks and show how they do.

For every rule whose file has a ``classifier`` check, the model is chosen and trained by
``trainer.textmodel_train`` and written to ``scenarios/models/<model>.json`` (or compared with
the file there, with ``--check``). The table shows the leave-one-part-out figures: what the
rule's patterns find alone, what the model finds on a part it was not trained on, and both
together, with the alerts each raises on good replies. The patterns were tuned on these same
parts, so their figures here are optimistic; the model's are not.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from trainer.textmodel import MODELS_DIR, model_path
from trainer.textmodel_train import classifier_rules, load_examples, report_lines, train

console = Console()


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}".replace(".", ",") if den else "-"


def _per_100(num: int, den: int) -> str:
    return f"{100.0 * num / den:.1f}".replace(".", ",") if den else "-"


def run(out: Path | None, *, check: bool = False) -> int:
    """Train (or with ``check`` compare) every model; the exit code."""
    directory = out or MODELS_DIR
    examples = load_examples()
    parts = sorted({e.part for e in examples})
    console.print(
        f"{len(examples)} gelabelde antwoorden uit {', '.join(parts)} "
        f"({sum(e.good for e in examples)} goed)"
    )
    table = Table(title="Kruisvalidatie per weggelaten deel (patronen | model | samen)")
    for col in (
        "regel",
        "deel",
        "labels",
        "gevonden patronen",
        "gevonden model",
        "gevonden samen",
        "vals alarm per 100 goed: patronen",
        "model",
        "samen",
        "precisie model",
    ):
        table.add_column(col, justify="left" if col in ("regel", "deel") else "right")
    differ = []
    cache: dict = {}
    for rule, classifier in classifier_rules():
        text, best, probs = train(rule.id, examples, cache)
        console.print(
            f"{rule.id}: kenmerken {best.settings.to_dict()}, C {best.c}, drempel "
            f"{best.threshold:.4f}"
        )
        for line in report_lines(rule, examples, probs, best.threshold):
            table.add_row(
                rule.id,
                line.part,
                str(line.support),
                _ratio(line.patterns_found, line.support),
                _ratio(line.model_found, line.support),
                _ratio(line.either_found, line.support),
                _per_100(line.patterns_false, line.good),
                _per_100(line.model_false, line.good),
                _per_100(line.either_false, line.good),
                _ratio(line.model_right, line.model_fired),
            )
        path = model_path(classifier.model, directory)
        if check:
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            if old != text:
                differ.append(path)
        else:
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            console.print(f"geschreven: {path}")
    console.print(table)
    for path in differ:
        console.print(f"[red]{path} wijkt af van een nieuwe training op dezelfde antwoorden[/red]")
    return 1 if differ else 0
