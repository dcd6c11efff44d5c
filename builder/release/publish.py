"""``builder publish``: check a release's card locally, then upload it to the Hugging Face Hub.

The Hub validates card metadata only after an upload, so every check that can be made offline
is made first: the YAML parses with ``huggingface_hub``'s card classes, required metadata is
present, and every ``data_files`` glob matches files of the release. The token is read by
``huggingface_hub`` (``HF_TOKEN`` or a stored login) and never printed or written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.errors import PublishError, ReleaseError
from builder.release.verify import verify_folder
from builder.release.versions import latest_version, parse_version

#: card metadata the Hub and our users rely on
REQUIRED_METADATA = (
    "license",
    "language",
    "pretty_name",
    "configs",
    "task_categories",
    "size_categories",
    "tags",
)
#: OWNER/NAME as the Hub accepts it
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")


@dataclass(frozen=True)
class PublishPlan:
    """What ``publish`` uploads (or, with ``--dry-run``, would upload)."""

    repo_id: str
    version: str
    folder: Path
    #: (path inside the release, bytes), sorted
    files: tuple[tuple[str, int], ...]
    configs: tuple[str, ...]
    dry_run: bool
    commit: str | None = None

    def to_dict(self) -> dict:
        return {
            "repo_id": self.repo_id,
            "version": self.version,
            "folder": str(self.folder),
            "tag": self.version,
            "files": [{"path": path, "bytes": size} for path, size in self.files],
            "configs": list(self.configs),
            "dry_run": self.dry_run,
            "commit": self.commit,
        }

    def summary_lines(self) -> list[str]:
        verb = "would upload" if self.dry_run else "uploaded"
        total = sum(size for _, size in self.files)
        lines = [f"{verb} {self.folder} to https://huggingface.co/datasets/{self.repo_id} ({total} bytes):"]
        lines += [f"  {path} ({size} bytes)" for path, size in self.files]
        lines.append(f"configs: {', '.join(self.configs)}")
        tag_verb = "would tag" if self.dry_run else "tagged"
        lines.append(f"{tag_verb} {self.version}" + (f" at commit {self.commit}" if self.commit else ""))
        return lines


def _card_error(
    folder: Path, message: str, hint: str = "Render the card again with builder release"
) -> PublishError:
    return PublishError(message, path=(folder / "README.md").as_posix(), hint=hint)


def check_card(folder: Path) -> tuple[str, ...]:
    """Check the card of a release folder offline; return its config names.

    Raises:
        PublishError: naming the card and the first problem found.
    """
    from huggingface_hub import DatasetCard

    path = folder / "README.md"
    if not path.is_file():
        raise _card_error(folder, "no dataset card")
    try:
        card = DatasetCard(path.read_text(encoding="utf-8"))
    except Exception as error:  # noqa: BLE001 - huggingface_hub raises yaml and ValueError types
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _card_error(folder, f"card metadata does not parse ({first})") from None
    data = card.data.to_dict()
    for key in REQUIRED_METADATA:
        if not data.get(key):
            raise _card_error(folder, f"card metadata lacks {key}")
    names = []
    for config in data["configs"]:
        name = config.get("config_name")
        if not name or "data_files" not in config:
            raise _card_error(folder, f"config {name or '?'} lacks config_name or data_files")
        files = config["data_files"]
        patterns = [files] if isinstance(files, str) else files
        for pattern in patterns:
            glob = pattern["path"] if isinstance(pattern, dict) else pattern
            for item in [glob] if isinstance(glob, str) else glob:
                if not any(candidate.is_file() for candidate in folder.glob(item)):
                    raise _card_error(folder, f"config {name}: data_files {item!r} matches no file")
        names.append(name)
    return tuple(names)


def publish(
    repo_id: str, *, releases_dir: Path, version: str | None = None, dry_run: bool = False
) -> PublishPlan:
    """Upload one release folder to ``repo_id`` (a Hub dataset) and tag the commit with its version.

    Raises:
        PublishError: a bad repo id, a release that fails verify, a card that fails the local
            checks, no token, or an error from the Hub.
    """
    if not REPO_ID.match(repo_id):
        raise PublishError(
            "not a Hub repository id OWNER/NAME",
            field="repo_id",
            value=repo_id,
            hint="Pass --repo-id like my-org/cyber-events",
        )
    version = version or latest_version(releases_dir)
    if version is None:
        raise ReleaseError("no release to publish", path=str(releases_dir), hint="Run builder release first")
    parse_version(version)
    folder = releases_dir / version
    if not (folder / "manifest.json").is_file():
        raise ReleaseError(f"no release {version}", path=str(releases_dir), hint="Run builder release first")
    _, problems = verify_folder(folder)
    if problems:
        raise PublishError(
            f"release fails verify ({problems[0].line()})",
            path=str(folder),
            hint=f"Run builder verify {version}",
        )
    configs = check_card(folder)
    files = tuple(
        (path.relative_to(folder).as_posix(), path.stat().st_size)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )
    plan = PublishPlan(repo_id, version, folder, files, configs, dry_run)
    if dry_run:
        return plan
    return _upload(plan)


def _upload(plan: PublishPlan) -> PublishPlan:
    from huggingface_hub import HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

    if not get_token():
        raise PublishError("no Hugging Face token", hint="Set HF_TOKEN or run `hf auth login`")
    api = HfApi()
    try:
        api.create_repo(plan.repo_id, repo_type="dataset", exist_ok=True)
        commit = api.upload_folder(
            repo_id=plan.repo_id,
            folder_path=plan.folder,
            repo_type="dataset",
            commit_message=f"Release {plan.version}",
        )
        api.create_tag(plan.repo_id, tag=plan.version, revision=commit.oid, repo_type="dataset")
    except HfHubHTTPError as error:
        # the message names the request, never the token
        raise PublishError(
            f"the Hub refused the upload ({str(error).splitlines()[0]})",
            path=plan.repo_id,
            hint="Check the repository id and your token's write access",
        ) from None
    return PublishPlan(plan.repo_id, plan.version, plan.folder, plan.files, plan.configs, False, commit.oid)
