"""Opening MLflow: which tracking URIs are usable at all, clients whose requests fail fast, MLflow's
errors as one readable line, and new SQLite stores created one process at a time.

MLflow creates a SQLite store's tables (and migrates them) when a client first opens it, with
no lock: two runs opening a brand-new `sqlite:///` store together both create tables and one
fails ("duplicate column name", "table … already exists"). An exclusive `flock` on a file
beside the database serialises that step among tekflow processes; later opens find the
tables made and pass quickly.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import urlsplit

from tekflow.errors import TekflowError
from tekflow.redact import redact

SQLITE_PREFIX = "sqlite:///"
# stores that opening reaches (and may create): their faults are outages, found when used
DATABASE_SCHEMES = ("sqlite", "postgresql", "mysql", "mssql")
URI_FORMS = "sqlite:///PATH, http(s)://HOST:PORT or databricks (--tracking-uri or MLFLOW_TRACKING_URI)"


@contextlib.contextmanager
def bounded_requests(timeout_s: float) -> Iterator[None]:
    """MLflow's HTTP client reads these per request: a short timeout and no retries, so that an
    unreachable server is reported in seconds, not after minutes of backoff."""
    keys = ("MLFLOW_HTTP_REQUEST_TIMEOUT", "MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = str(int(max(1, timeout_s)))
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def first_sentence(error: BaseException, limit: int = 300) -> str:
    """An exception's message as one short line (MLflow's run to paragraphs, with newlines)."""
    text = " ".join(str(error).split()) or type(error).__name__
    sentence = re.split(r"(?<=\.)\s", text)[0]
    return sentence if len(sentence) <= limit else sentence[:limit] + "…"


def reason(error: BaseException) -> str:
    """What went wrong, in the fewest words: the system's own (`Connection refused`, `Name or
    service not known`) when a socket error lies under MLflow's and the HTTP client's wrappers."""
    cause: Optional[BaseException] = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    return first_sentence(error)


def check_tracking_uri(tracking_uri: str) -> None:
    """Refuse, before anything runs, a URI MLflow cannot use at all: malformed, of an unknown
    scheme, or MLflow's retired file store (a path without a scheme). Whether its store can be
    reached is found when it is used (a run then spools its events)."""
    try:
        parts = urlsplit(tracking_uri)
        parts.port  # noqa: B018  (parses the port: "host:x" is refused here)
    except ValueError as e:
        raise TekflowError(redact(f"tracking URI {tracking_uri!r} is not a URI ({e}); give {URI_FORMS}")) from None
    if parts.scheme.split("+")[0] in DATABASE_SCHEMES:
        return
    try:
        from mlflow import MlflowClient

        MlflowClient(tracking_uri)  # resolves the store for the scheme; no request is made
    except Exception as e:
        raise TekflowError(redact(f"tracking URI {tracking_uri!r} cannot be used ({reason(e)}); "
                                  f"give {URI_FORMS}")) from None


@contextlib.contextmanager
def mlflow_errors(tracking_uri: str, timeout_s: float = 10.0) -> Iterator[None]:
    """Requests to MLflow that fail fast, and whose failure is the user's to fix (a wrong URI, a
    server down, missing credentials): one TekflowError naming the store (credentials masked)."""
    from mlflow.exceptions import MlflowException

    failures: tuple[type[BaseException], ...] = (MlflowException, OSError, ValueError)
    try:
        from sqlalchemy.exc import SQLAlchemyError

        failures += (SQLAlchemyError,)
    except ImportError:
        pass
    try:
        with bounded_requests(timeout_s):
            yield
    except TekflowError:
        raise
    except failures as e:
        raise TekflowError(redact(f"MLflow at {tracking_uri} could not be read ({reason(e)}); check the "
                                  "tracking URI (--tracking-uri or MLFLOW_TRACKING_URI), that its server is up "
                                  "and its credentials (MLFLOW_TRACKING_USERNAME/PASSWORD or _TOKEN)")) from None


def sqlite_path(tracking_uri: str) -> Optional[Path]:
    """The database file of a `sqlite:///PATH` URI (None for other stores and in-memory ones)."""
    if not tracking_uri.startswith(SQLITE_PREFIX):
        return None
    path = tracking_uri[len(SQLITE_PREFIX):].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


@contextlib.contextmanager
def store_initialisation(tracking_uri: str) -> Iterator[None]:
    """Hold `<database>.lock` while the store is opened (nothing to lock for other stores, or
    when the database's directory does not exist: opening it fails anyway)."""
    database = sqlite_path(tracking_uri)
    if database is None or not database.parent.is_dir():
        yield
        return
    try:
        lock = open(database.with_name(database.name + ".lock"), "a")
    except OSError:  # a read-only directory: MLflow reports what it can do there
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def mlflow_client(tracking_uri: str):
    """An MlflowClient whose store is created (tables included) under the store's lock."""
    from mlflow import MlflowClient

    with store_initialisation(tracking_uri):
        return MlflowClient(tracking_uri)
