"""The `kg` command.

Exit statuses: 0 success; 1 the command ran but the answer is negative (validation
violations, a failed query); 2 bad input or usage (missing file, malformed record
with --on-error fail, bad option). `kg build --on-error skip` with an INPUT path that does
not exist builds and exports from the others, then exits 2: a path the user named is not a
bad record to skip quietly.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

import click

EXIT_NEGATIVE = 1
EXIT_INPUT = 2


MAX_REPORTED_ERRORS = 50


def _os_message(exc: OSError) -> str:
    return f"{exc.filename if exc.filename is not None else 'output'}: {exc.strerror or exc}"


def _fail(message: str, status: int = EXIT_INPUT) -> None:
    click.echo(f"kg: {message}", err=True)
    sys.exit(status)


def _reader_names() -> list[str]:
    from kg.ingest import readers

    return list(readers())


def _extractor_names() -> list[str]:
    from kg.extract import extractors

    return extractors()


def _exporter_names() -> list[str]:
    from kg.export import exporters

    return [f"{e.name} (.{e.extension})" for e in exporters().values()]


def _saved_query_names() -> list[str]:
    from kg.query import saved_queries

    return list(saved_queries())


@contextmanager
def _reading(path: Path):
    """An export that cannot be read (unknown extension, a syntax error) ends the command with one
    line naming the file and the place, exit status 2."""
    try:
        yield
    except SyntaxError as exc:  # pyoxigraph: "Parser error at line 3 column 1: ... (FILE, line 3)"
        _fail(" ".join(str(exc).split()) if str(path) in str(exc) else f"{path}: {exc}")
    except ValueError as exc:
        _fail(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
    except OSError as exc:
        _fail(_os_message(exc))


def _load(path: Path):
    from kg.loader import load

    with _reading(path):
        _check_set(path)
        return load(path)


def _check_set(path: Path) -> None:
    """Refuse an export that its folder's manifest does not vouch for (kg.exportset)."""
    from kg.exportset import check_export

    check_export(path)


class _RegistryOption(click.Option):
    """An option whose help ends with the names a registry holds (plugins included), looked up
    only when help is shown: a new reader, extractor or exporter needs no edit here."""

    def __init__(self, *args, names: Callable[[], Iterable[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names
        self.base_help = self.help or ""

    def get_help_record(self, ctx):
        self.help = f"{self.base_help} Known: {', '.join(self.names())}."
        return super().get_help_record(ctx)


class _Commands(click.Group):
    """`serve` lives in kg.serve and is imported only when asked for, so other commands
    start without loading the HTTP server."""

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), "serve"])

    def get_command(self, ctx, name):
        if name == "serve":
            from kg.serve import serve_command

            return serve_command
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """Build, query, browse and analyse a knowledge graph of ML papers."""


_BUILT = False  # a build in this process wrote everything: nothing is left to clean up but memory


def run() -> None:
    """The `kg` command: main(), and after a build, an exit without the interpreter freeing the
    graph object by object (0.75 s for 20k papers, seconds for 100k; the files are written and
    closed, the lock released, the workers gone by then)."""
    try:
        main()
    except SystemExit as exc:
        if _BUILT and exc.code in (0, None):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        raise


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--format", "fmt", default=None, cls=_RegistryOption, names=_reader_names,
              help="Force an input reader (default: by extension, else by content).")
@click.option("--on-error", type=click.Choice(["skip", "fail"]), default="skip", show_default=True,
              help="Skip bad records (counted in the summary) or stop with exit status 2.")
@click.option("--extractor", default="learned", show_default=True, cls=_RegistryOption, names=_extractor_names,
              help="Registered extractor name or module:factory.")
@click.option("--model", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Model file for the learned extractor (from kg train; default: the shipped model).")
@click.option("--base-iri", default=None, help="Namespace for instance IRIs.")
@click.option("--formats", default=None, cls=_RegistryOption, names=_exporter_names,
              help="Comma-separated export formats, by name or extension (default: every registered one).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Extraction processes (local engine; 2 or more also write GraphML, the page and slices of the RDF files in a second process beside the RDF export) or LocalCluster workers (dask engine without --scheduler).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: local processes, or a Dask distributed cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786) for --engine dask; default: a LocalCluster.")
@click.option("--chunk-size", default=None, type=click.IntRange(min=1), help="Papers per extraction task.")
@click.option("--update", "update_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Add INPUTs to the build in this folder (re-extracting only new papers); writes there too.")
@click.option("--state/--no-state", default=True, show_default=True,
              help="Keep the build state in OUT/.kg so a later --update can reuse extractions.")
def build(inputs, out_dir, fmt, on_error, extractor, model, base_iri, formats, quiet, workers, engine, scheduler,
          chunk_size, update_dir, state):
    """Build the graph from listings (files or folders) and export it.

    Exit status 2 when an INPUT does not exist; under --on-error skip the build still runs
    on the other INPUTs and writes its exports first.

    With --update DIR, the previous build in DIR is extended with INPUTs: papers already there
    are recognised (a new listing adds a source), only new or changed papers are extracted, and
    the exports in DIR are rewritten as a full build over all inputs would write them.
    """
    from kg.export.stream import export_streaming
    from kg.exportset import write_manifest
    from kg.graph import DEFAULT_BASE_IRI
    from kg.ingest import IngestError
    from kg.pipeline import BuildReport, build as run_build

    if scheduler is not None and engine != "dask":
        _fail("--scheduler needs --engine dask")
    if model is not None:
        if extractor != "learned":
            _fail("--model is the learned extractor's; leave out --extractor")
        extractor = f"learned@{model.resolve()}"
    if update_dir is not None:
        if out_dir != Path("exports") and out_dir != update_dir:
            _fail("--update DIR writes to DIR; leave out --out or give the same folder")
        out_dir = update_dir
        if base_iri is None:
            base_iri = _previous_base_iri(update_dir)
    from kg.export import exporters, get_exporter
    from kg.ingest import get_reader

    fmts = list(exporters()) if formats is None else [f.strip() for f in formats.split(",") if f.strip()]
    try:  # before any work, so a typo costs nothing
        for f in fmts:
            get_exporter(f)
        if fmt is not None:
            get_reader(fmt)
    except ValueError as exc:
        _fail(str(exc))
    from kg.outdir import OutDirBusy, OutLock

    report = BuildReport()
    lock = OutLock(out_dir)
    click.get_current_context().call_on_close(lock.release)  # also on failure; in-process callers too
    try:
        lock.acquire()
    except OutDirBusy as exc:
        _fail(str(exc))

    def export_before_state(G) -> None:  # a build that fails here commits no state
        try:
            lock.acquire(create=True)  # DIR did not exist at the start
        except OutDirBusy as exc:
            _fail(str(exc))
        for err in report.errors[:MAX_REPORTED_ERRORS]:
            click.echo(f"kg: skipped: {err}", err=True)
        if len(report.errors) > MAX_REPORTED_ERRORS:
            click.echo(f"kg: ... and {len(report.errors) - MAX_REPORTED_ERRORS} more skipped records", err=True)
        if report.papers_read == 0:
            _fail("no papers were read; the previous exports are left as they were")
        start = time.perf_counter()
        try:
            # local workers also let GraphML and the page be written beside the RDF pass
            report.files = export_streaming(G, out_dir, fmts, processes=workers if engine == "local" else 1)
            write_manifest(out_dir, report.files)  # last: it vouches for the whole set
        except OSError as exc:
            _fail(_os_message(exc))
        report.seconds["export"] = time.perf_counter() - start

    try:
        G = run_build(inputs, format=fmt, on_error=on_error, extractor=extractor,
                      base_iri=base_iri or DEFAULT_BASE_IRI, progress=not quiet, report=report,
                      workers=workers, engine=engine, scheduler=scheduler, chunk_size=chunk_size,
                      state_dir=out_dir if (state or update_dir is not None) else None, update=update_dir,
                      before_commit=export_before_state)
    except (IngestError, ValueError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(_os_message(exc))
    click.echo(report.summary(G))
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"input{'s' if len(missing) > 1 else ''} not found: {', '.join(missing)} "
              "(the exports hold the other inputs)")
    global _BUILT
    _BUILT = True


def _terminal_width() -> int | None:
    """The width to fit a table to: the terminal's, or $COLUMNS; None (no cutting) when the
    output goes to a file or pipe, so saved output keeps every character."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size((120, 24)).columns
    return None


def _previous_base_iri(folder: Path) -> str | None:
    """The base IRI the build in `folder` used (from its state manifest), if recorded."""
    import json

    try:
        return json.loads((folder / ".kg" / "manifest.json").read_text(encoding="utf-8")).get("base_iri")
    except (OSError, ValueError):
        return None


@main.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Read the query from a .rq file.")
@click.option("--saved", "saved", default=None, metavar="NAME", cls=_RegistryOption, names=_saved_query_names,
              help="Run a saved query (schema/queries/NAME.rq, shipped with kg).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="SELECT/ASK: an aligned table (long cells cut to the terminal's width), SPARQL CSV or SPARQL "
                   "JSON results. CONSTRUCT/DESCRIBE: Turtle, N-Triples or JSON-LD.")
def query(graph, sparql, query_file, saved, fmt):
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) over an export (read-only:
    SPARQL Update is refused with exit status 1)."""
    from kg.query import QueryError, open_store, run_query, saved_queries

    if sum(x is not None for x in (sparql, query_file, saved)) != 1:
        _fail("give one of a query, --file or --saved")
    if saved is not None:
        queries = saved_queries()
        if saved not in queries:
            _fail(f"no saved query {saved!r}; known: {', '.join(queries)}")
        text = queries[saved]["sparql"]
    else:
        try:
            text = query_file.read_text(encoding="utf-8") if query_file else sparql
        except UnicodeDecodeError as exc:  # a binary or mis-encoded .rq file
            _fail(f"{query_file}:byte {exc.start}: not UTF-8 text")
        except OSError as exc:
            _fail(_os_message(exc))
    from kg.serve.guard import Refused, check_depth

    try:  # the engine's parser overflows its stack on deep nesting: refuse before parsing
        check_depth(text)
    except Refused as exc:
        _fail(f"{query_file or 'query'}: {exc}")
    with _reading(graph):
        _check_set(graph)
        store = open_store(graph)
    try:
        out = run_query(store, text, fmt, max_width=_terminal_width() if fmt == "table" else None)
        click.echo(out, nl=not out.endswith("\n"))  # CSV and tables end with their own newline
    except QueryError as exc:
        _fail(str(exc), EXIT_NEGATIVE)


@main.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False, path_type=Path), help="Also write PNG charts here.")
def stats(graph, plot_dir):
    """Analytics: counts, top entities, PageRank over outperforms, communities."""
    from kg import analytics

    G = _load(graph)
    click.echo(analytics.summary_text(G))
    if plot_dir:
        try:  # below a regular file, read-only: one line, not a traceback
            for path in analytics.write_plots(G, plot_dir):
                click.echo(f"wrote {path}")
        except OSError as exc:
            _fail(_os_message(exc))


@main.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(graph):
    """Check an export against the SHACL shapes (schema/shapes.ttl)."""
    from kg.validate import validate as run_validate

    with _reading(graph):
        _check_set(graph)
        conforms, text = run_validate(graph)
    click.echo(text)
    if not conforms:
        sys.exit(EXIT_NEGATIVE)


@main.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--errors", is_flag=True, help="Also print false positives and negatives per paper and precision per rule.")
@click.option("--cv", "folds", default=None, type=click.IntRange(min=2),
              help="K-fold cross-validation of the learned extractor: FILES are gold files only; needs --corpus.")
@click.option("--corpus", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="With --cv: listings holding the gold papers' abstracts; repeatable.")
def eval_(files, errors, folds, corpus):
    """Score a build: kg eval GRAPH GOLD... prints precision, recall and F1 per entity type and
    predicate against each gold file, then cross-paper resolution (B-cubed) over all of them.

    Or cross-validate the learned extractor: kg eval --cv 5 GOLD... --corpus LISTINGS.
    """
    from kg.evaluate import Report, evaluate, read_gold

    if folds is not None:
        if not corpus:
            _fail("--cv needs --corpus (the listings with the gold papers' abstracts)")
        from kg.cli_learning import cross_validation

        click.echo(cross_validation(files, corpus, folds, errors))
        return
    if len(files) < 2:
        _fail("kg eval GRAPH GOLD... (or kg eval --cv K GOLD... --corpus LISTINGS)")
    graph, gold = files[0], files[1:]

    try:
        golds = [(path, read_gold(path)) for path in gold]
    except ValueError as exc:
        _fail(str(exc))
    G = _load(graph)
    reports = []
    for path, records in golds:
        report = evaluate(G, records)
        reports.append(report)
        if len(golds) > 1:
            click.echo(f"== {path} ({len(records)} papers)")
        if errors:
            click.echo("\n".join(report.errors))
            click.echo()
            click.echo(report.rule_table())
            click.echo()
        if report.papers_missing:
            click.echo(f"{len(report.papers_missing)} gold papers not in the graph, e.g. {report.papers_missing[0]!r}")
        click.echo(report.table())
        click.echo()
    click.echo(Report.merge(reports).resolution.table())


@main.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Page to write (default: beside GRAPH).")
@click.option("--focus", default=None, help="Draw the neighbourhood of this node (name or alias).")
@click.option("--hops", default=1, show_default=True, type=click.IntRange(min=0),
              help="With --focus: how many links away from the focus node to draw.")
@click.option("--types", default=None, help="Comma-separated entity types to show.")
@click.option("--max-nodes", default=1500, show_default=True, type=int)
def view(graph, out, focus, hops, types, max_nodes):
    """Write the interactive HTML page for an export."""
    from kg.view import write_html

    G = _load(graph)
    out = out or graph.with_suffix(".html")
    try:
        shown = write_html(G, out, focus=focus, hops=hops, max_nodes=max_nodes,
                           types=[t.strip() for t in types.split(",")] if types else None)
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:  # --out below a regular file, on a read-only filesystem
        _fail(_os_message(exc))
    click.echo(f"wrote {out} ({_view_counts(shown, max_nodes, focus, types)})")


def _view_counts(shown: dict, max_nodes: int, focus, types) -> str:
    """What the page carries, and of how much: "1500 of 1,695 nodes (the 1500 entities with
    most papers; --max-nodes to change), 4,102 edges"."""
    nodes, total = shown.get("nodes", 0), shown.get("total_nodes", 0)
    text = f"{nodes:,} nodes" if not shown.get("truncated") else f"{nodes:,} of {total:,} nodes"
    if shown.get("truncated"):
        why = []
        if focus is not None:
            why.append("the focus neighbourhood")
        if types:
            why.append(f"types {types}")
        if shown.get("entities", 0) >= max_nodes:
            why.append(f"at most {max_nodes:,} entities, those with most papers; see --max-nodes")
        text += f" ({'; '.join(why) or 'papers without entities left out'})"
    return f"{text}, {shown.get('edges', 0):,} edges"


from kg.cli_learning import train  # noqa: E402  (the learned extractor's commands)

main.add_command(train)

if __name__ == "__main__":
    run()
