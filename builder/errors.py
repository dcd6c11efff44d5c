"""Typed errors of the builder library; the CLI turns each into one ``Error: ...`` line."""

from __future__ import annotations


class BuilderError(Exception):
    """A problem the user can fix, located by file, record and field.

    The message follows the house format:
    ``<file>: <table> <key>: <field>: <what is wrong> (got <value>). <what to do>.``
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        record: str | None = None,
        field: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.record = record
        self.field = field
        self.value = value
        self.hint = hint
        super().__init__(self.line())

    def line(self) -> str:
        """Render the error as the single line shown to users."""
        parts = [p for p in (self.path, self.record, self.field) if p]
        text = self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        text += "."
        if self.hint:
            text += f" {self.hint.rstrip('.')}."
        return ": ".join([*parts, text]) if parts else text


class ArticleError(BuilderError):
    """A raw article cannot be parsed into an ``Article``."""


class ExtractionError(BuilderError):
    """The extractor failed on an article."""


class ValidationFailed(BuilderError):
    """A build or release folder breaks the dataset contract."""


class BuildFolderError(BuilderError):
    """A build folder is missing, incomplete or unsafe to overwrite."""


class ReleaseError(BuilderError):
    """A release cannot be made or read."""


class ReleaseExistsError(ReleaseError):
    """The requested release version already exists."""


class ChecksumMismatch(ReleaseError):
    """A file of a build or release differs from its manifest."""


class PublishError(BuilderError):
    """A release cannot be published to the Hugging Face Hub."""


class EvaluationError(BuilderError):
    """Gold annotations cannot be read or do not fit the gold format."""
