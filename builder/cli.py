"""The ``builder`` command line: parses options and calls one library function per command.

Heavy libraries (pandas, pandera, datasets) are imported inside the commands so that
``builder --help`` starts fast.
"""

from __future__ import annotations

import atexit
import gc
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from builder.allocator import prefer_jemalloc
from builder.cache import DEFAULT_CACHE_DIR
from builder.errors import BuilderError
from builder.sources import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from builder.pipeline import BuildReport

# before any command imports pyarrow: Arrow's own allocations (Parquet's writers) come from jemalloc
prefer_jemalloc()

# when a command is done its objects go with the process: a last garbage-collection pass over
# them at exit only costs time (0.12-0.14 s after a 10,000-article build)
atexit.register(gc.freeze)

app = typer.Typer(
    name="builder",
    help="Build, validate and release the Chinese cybersecurity events dataset.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: rendering it with rich costs ~0.3 s of start time (issue 7: --help <= 0.3 s)
    rich_markup_mode=None,
)

RawOption = Annotated[
    Path,
    typer.Option("--raw", help="Folder of raw Markdown articles (default: data/raw).", show_default=False),
]
BuildOption = Annotated[
    Path, typer.Option("--out", "-o", help="Build folder to write (default: build).", show_default=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Do not show the progress bar.")]


def _fail(error: BuilderError) -> None:
    typer.echo(f"Error: {error.line()}", err=True)
    raise typer.Exit(1)


def _show(result: object, as_json: bool, **render: object) -> None:
    """Print a library result: its ``to_dict()`` as JSON, or its ``summary_lines()``."""
    if as_json:
        _print_json(result.to_dict())  # type: ignore[attr-defined]
        return
    typer.echo("\n".join(result.summary_lines(**render)))  # type: ignore[attr-defined]


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes for per-article work (default: every core).",
                 show_default=False),
]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the build cache.")]
MaxBytesOption = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Reject raw files over this many bytes, e.g. 8000000.")
]
GoldOption = Annotated[
    Path | None,
    typer.Option("--gold", help="Score against gold files for the card's Quality, e.g. data/gold."),
]
CacheDirOption = Annotated[
    Path,
    typer.Option("--cache-dir", help="Folder of the build cache, pruned after builds and safe to delete "
                 "(default: .cache/builder).",
                 show_default=False),
]


@app.command()
def build(
    raw: RawOption = Path("data/raw"),
    out: BuildOption = Path("build"),
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    jobs: JobsOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = DEFAULT_CACHE_DIR,
    gold: GoldOption = None,
) -> None:
    """Build the dataset from raw articles into a build folder.

    Reads every *.md below --raw, writes articles/, events/, participants/, organizations/,
    quarantine/, manifest.json and README.md (the dataset card) into --out. Bad files are
    reported one line each and skipped; rows that break a rule are quarantined. What every file
    became is cached by content in --cache-dir, so a rebuild parses and extracts only changed
    files; the output is the same whatever --jobs and with or without the cache.

    After each successful build the cache is pruned: it keeps the entries of the current code
    and of the 2 other code versions used last, and deletes entries and stat records no build
    used for 7 days (what this build used always stays); --json reports what went under "cache".

    Example: builder build --raw data/raw --out build --jobs 2
    """
    from builder.pipeline import build as run_build

    try:
        report = run_build(
            raw,
            out,
            max_bytes=max_bytes,
            show_progress=not quiet and not as_json,
            jobs=jobs,
            cache_dir=None if no_cache else cache_dir,
            gold_dir=gold,
        )
    except BuilderError as error:
        _fail(error)
    _show(report, as_json)


@app.command()
def watch(
    raw: RawOption = Path("data/raw"),
    out: BuildOption = Path("build"),
    quiet: QuietOption = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print each build's result as one line of JSON (JSON Lines).")
    ] = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    jobs: JobsOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = DEFAULT_CACHE_DIR,
    gold: GoldOption = None,
    interval: Annotated[
        float,
        typer.Option(
            "--interval", min=0.05,
            help="Seconds between two looks at --raw, e.g. 0.5 (when idle, at least 9 times a look's time; "
            "on Linux a change is looked at at once).",
        ),
    ] = 1.0,
    max_builds: Annotated[
        int | None,
        typer.Option("--max-builds", min=1, help="Stop after this many builds (default: run until Ctrl-C).",
                     show_default=False),
    ] = None,
) -> None:
    """Build, then rebuild whenever an article below --raw is added, removed or changed.

    Does what builder build does, into the same --out, and stays running. Between builds it
    keeps in memory the rows every chunk of unchanged files became (a file is unchanged while
    its size, times and inode are), so a rebuild reads, parses and extracts only the changed
    files and pays no start-up; the folder it writes is the same as builder build's. A failed
    build is reported and the previous folder stays in place. On Linux the kernel reports
    changes below --raw (inotify), so a change is looked at at once instead of at the next look.
    The build cache is pruned once, after the first build (as builder build prunes it). Ctrl-C
    stops it; with --max-builds, the exit status is 1 when the last build failed.

    Example: builder watch --raw data/raw --out build --interval 0.5
    """
    from builder.watch import watch as run_watch

    try:
        result = run_watch(
            raw,
            out,
            on_build=lambda report: _print_build(report, as_json),
            on_error=lambda error: typer.echo(f"Error: {error.line()}", err=True),
            interval=interval,
            max_builds=max_builds,
            show_progress=not quiet and not as_json,
            max_bytes=max_bytes,
            jobs=jobs,
            cache_dir=None if no_cache else cache_dir,
            gold_dir=gold,
        )
    except KeyboardInterrupt:
        typer.echo("stopped watching", err=True)
        return
    except BuilderError as error:
        _fail(error)
    if result.last_failed:
        raise typer.Exit(1)


def _print_build(report: BuildReport, as_json: bool) -> None:
    """One build of ``builder watch``: a JSON line, or the build summary and its time."""
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
        return
    typer.echo("\n".join(report.summary_lines()))
    typer.echo(f"built in {report.seconds:.2f} s; watching for changes (Ctrl-C stops)")


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A raw Markdown article, e.g. data/raw/x.md.")],
    as_json: JsonOption = False,
) -> None:
    """Print what one article yields: its events, participants and organizations.

    Reads one raw file and writes nothing.

    Example: builder extract data/raw/cnis-2024-12-10-seed.md --json
    """
    from builder.extract import extract_file

    try:
        result = extract_file(file)
    except BuilderError as error:
        _fail(error)
    _show(result, as_json)


@app.command()
def validate(
    folder: Annotated[Path, typer.Argument(help="A build or release folder, e.g. build.")],
    as_json: JsonOption = False,
) -> None:
    """Re-validate a build or release folder against the dataset contract.

    Reads the Parquet tables and exits 1 with one line per violation.

    Example: builder validate build
    """
    from builder.validate import validate_build

    try:
        report = validate_build(folder)
    except BuilderError as error:
        _fail(error)
    _show(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def evaluate(
    build: Annotated[
        Path,
        typer.Option("--build", help="Score this build or release (default: build).", show_default=False),
    ] = Path("build"),
    gold: Annotated[
        Path,
        typer.Option(
            "--gold", help="Compare with the gold *.json files here (default: data/gold).", show_default=False
        ),
    ] = Path("data/gold"),
    raw: Annotated[
        Path | None,
        typer.Option(
            "--raw",
            help="Build these raw articles into a temporary folder and score that instead of --build, "
            "e.g. ../shared/corpus/dev-web/articles.",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Add one line per gold article.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Score extracted events, participants and organizations against gold annotations.

    Reads the Parquet tables of --build (or builds --raw into a temporary folder that is deleted
    afterwards) and the gold files of --gold; writes nothing.

    Example: builder evaluate --build build --gold data/gold --verbose
    """
    from builder.pipeline import score_against_gold

    try:
        report = score_against_gold(gold, build_dir=build, raw_dir=raw)
    except BuilderError as error:
        _fail(error)
    _show(report, as_json, verbose=verbose)


class BumpLevel(StrEnum):
    """Semver levels a release may bump (``builder release --bump``)."""

    patch = "patch"
    minor = "minor"
    major = "major"


ReleasesOption = Annotated[
    Path,
    typer.Option("--releases", help="Folder of releases (default: data/releases).", show_default=False),
]


@app.command()
def release(
    bump: Annotated[
        BumpLevel | None,
        typer.Option(
            "--bump", help="Bump level, e.g. minor (default: computed from the changes).", show_default=False
        ),
    ] = None,
    build_dir: Annotated[
        Path, typer.Option("--build", help="Build folder to release (default: build).", show_default=False)
    ] = Path("build"),
    releases: ReleasesOption = Path("data/releases"),
    raw: RawOption = Path("data/raw"),
    version: Annotated[
        str | None,
        typer.Option(
            "--version", "-v", help="Exact version, e.g. 1.2.0 (default: computed).", show_default=False
        ),
    ] = None,
    notes: Annotated[
        str | None,
        typer.Option("--notes", help="Release notes for the changelog, e.g. 'Adds 2024 articles.'"),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Repository root whose dataset_card.md names the release (default: above data/releases).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Promote a validated build into an immutable release folder X.Y.Z.

    Reads --build, checks it (verify, validate, inputs unchanged in --raw) and writes
    --releases/X.Y.Z, LATEST, CHANGELOG.md and the root dataset_card.md. The version bump is
    computed from the changes since the previous release; a smaller --bump is refused.

    Example: builder release --notes "Adds 12 articles from 2025."
    """
    from builder.pipeline import release_build

    try:
        report = release_build(
            build_dir,
            releases,
            raw_dir=raw,
            root=root,
            level=bump.value if bump else None,
            version=version,
            notes=notes,
        )
    except BuilderError as error:
        _fail(error)
    _show(report, as_json)


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="Older release version or folder, e.g. 1.0.0.")],
    new: Annotated[str, typer.Argument(help="Newer release version or folder, e.g. build.")],
    releases: ReleasesOption = Path("data/releases"),
    as_json: JsonOption = False,
) -> None:
    """Show the records added, removed and changed between two releases or build folders.

    Reads both folders' Parquet tables and manifests and writes nothing; changed records list
    each field's old and new value, and the bump the changes require.

    Example: builder diff 1.0.0 build
    """
    from builder.release import diff as diff_releases

    try:
        report = diff_releases(old, new, releases_dir=releases)
    except BuilderError as error:
        _fail(error)
    _show(report, as_json)


@app.command()
def verify(
    target: Annotated[
        str | None, typer.Argument(help="Release version (1.0.0) or folder (build).", show_default=False)
    ] = None,
    all_releases: Annotated[bool, typer.Option("--all", help="Verify every release.")] = False,
    releases: ReleasesOption = Path("data/releases"),
    as_json: JsonOption = False,
) -> None:
    """Check every file of a release or build against its manifest.

    Recomputes sha256, size, row count and Arrow schema of each file and exits 1 naming every
    file that differs. Writes nothing.

    Example: builder verify --all
    """
    from builder.release import verify as verify_releases

    try:
        report = verify_releases(target, releases_dir=releases, all_releases=all_releases)
    except BuilderError as error:
        _fail(error)
    _show(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def publish(
    repo_id: Annotated[
        str, typer.Option("--repo-id", help="Hub dataset repository, e.g. my-org/cyber-events.")
    ],
    version: Annotated[
        str | None,
        typer.Option(
            "--version", "-v", help="Release to upload, e.g. 1.0.0 (default: LATEST).", show_default=False
        ),
    ] = None,
    releases: ReleasesOption = Path("data/releases"),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and list what would be uploaded.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Upload one release to the Hugging Face Hub and tag it with its version.

    Reads --releases/VERSION, verifies it and checks its card offline before uploading; the
    token comes from HF_TOKEN or `hf auth login` and is never printed.

    Example: builder publish --repo-id my-org/cyber-events --dry-run
    """
    from builder.release import publish as publish_release

    try:
        plan = publish_release(repo_id, releases_dir=releases, version=version, dry_run=dry_run)
    except BuilderError as error:
        _fail(error)
    _show(plan, as_json)


@app.command()
def card(
    folder: Annotated[Path, typer.Argument(help="A build or release folder, e.g. data/releases/1.0.0.")],
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Fill the Quality section by scoring against gold, e.g. data/gold."),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Also write ROOT/dataset_card.md and ROOT/.huggingface.yaml, e.g. ."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; validate croissant.json and datapackage.json instead."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Re-render the dataset card and metadata files of a build or release folder.

    Reads manifest.json and the Parquet tables; writes README.md, croissant.json and
    datapackage.json into a build FOLDER, and ROOT/dataset_card.md with --root. A release is
    immutable: for it only the root card is written. With --check it writes nothing, validates
    both metadata files with mlcroissant and frictionless, and exits 1 on any problem.

    Example: builder card build --gold data/gold
    """
    from builder.card import card_folder
    from builder.card.checks import check_metadata

    try:
        result = check_metadata(folder) if check else card_folder(folder, gold_dir=gold, root=root)
    except BuilderError as error:
        _fail(error)
    _show(result, as_json)
    if check and not result.ok:
        raise typer.Exit(1)
