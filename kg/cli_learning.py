"""`kg train` and the cross-validation of `kg eval --cv`: the learned extractor's commands."""
from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_INPUT = 2  # as kg.cli's: bad input (kg.cli imports this module, so it cannot import kg.cli)


def _fail(message: str) -> None:
    click.echo(f"kg: {message}", err=True)
    sys.exit(EXIT_INPUT)


def gold_pairs(gold: tuple[Path, ...], corpus: tuple[Path, ...]):
    """Gold papers paired with their corpus papers (by title); one line and exit 2 on bad input."""
    from kg.extract.train import GoldError, pair_with_papers, read_gold
    from kg.ingest import IngestError, read_papers
    from kg.ingest.dedupe import merge_duplicates

    try:
        records = read_gold(gold)
        papers, _ = merge_duplicates(read_papers(corpus, on_error="fail"))
    except (GoldError, IngestError) as exc:
        _fail(str(exc))
    pairs = pair_with_papers(records, papers)
    if not pairs:
        _fail(f"none of the {len(records)} gold papers has its title in {', '.join(map(str, corpus))}")
    if len(pairs) < len(records):
        click.echo(f"{len(records) - len(pairs)} of {len(records)} gold papers not found in the corpus; left out", err=True)
    return pairs


@click.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", multiple=True, required=True, type=click.Path(exists=True, path_type=Path),
              help="Listings holding the gold papers' abstracts (matched by title); repeatable.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Model file to write (gzip JSON; use it with kg build --model).")
def train(gold, corpus, out):
    """Train the extractor's model from gold annotations (SCHEMA.md format).

    The same inputs give the same bytes, so the shipped model is rebuilt exactly by
    `kg train ../shared/gold/train.jsonl ../shared/gold/dev.jsonl --corpus ../shared/corpus
    --out kg/extract/model/model.json.gz`.
    """
    from kg.extract.train import train as fit_model
    from kg.io import atomic_open

    pairs = gold_pairs(gold, corpus)
    data = fit_model(pairs).to_bytes()
    try:
        with atomic_open(out, "wb", encoding=None) as f:
            f.write(data)
    except OSError as exc:
        _fail(f"{out}: cannot write: {exc.strerror or exc}")
    click.echo(f"trained on {len(pairs)} papers; wrote {out} ({len(data):,} bytes)")


def cross_validation(gold: tuple[Path, ...], corpus: tuple[Path, ...], k: int, errors: bool = False) -> str:
    """The table of `kg eval --cv K`: each fold scored by a model trained on the others; with
    `errors`, first the false positives and negatives of every paper, as `kg eval --errors`."""
    from kg.extract.crossval import cross_validate

    pairs = gold_pairs(gold, corpus)
    report = cross_validate(pairs, k, progress=lambda line: click.echo(line, err=True))
    # no B-cubed here: each fold graph resolves only its own papers, so every entity met in two
    # folds would count as split; resolution is scored on a build (kg eval GRAPH GOLD...)
    listed = "\n".join(report.errors) + "\n\n" + report.rule_table() + "\n\n" if errors else ""
    return f"{listed}{k}-fold cross-validation over {len(pairs)} papers (folds by paper)\n{report.table()}"
