"""The one place build-cv goes online: the scholarly services `pubs` reads.

Only `build-cv pubs` imports this module (a test holds `build`, `lint` and `watch` to
that, and import-linter forbids the build's modules to import it). Each request carries
a User-Agent with the user's contact address (the services' polite pools), waits its
turn (arXiv asks for one request every three seconds), honours `Retry-After` on a 429 or
503, retries a 5xx a few times with growing pauses, and then reports the service and the
URL. Every answer is kept in the user's cache with its URL and date, so `--offline`
repeats an import without the network. The sleep and the clock are injected, so the
tests wait for nothing.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx

from build_cv.errors import BuildCVError, InputError
from build_cv.sources.pubs.raw import MAX_SOURCE_BYTES
from build_cv.userdirs import user_cache

SERVICES: Mapping[str, str] = {
    "dblp": "https://dblp.org",
    "orcid": "https://pub.orcid.org",
    "crossref": "https://api.crossref.org",
    "arxiv": "https://export.arxiv.org",
    "openalex": "https://api.openalex.org",
}
# The least time between two requests to one service, in seconds (arXiv's terms of use
# ask for 3; DBLP asks to be gentle; the others allow tens per second).
INTERVAL: Mapping[str, float] = {
    "arxiv": 3.0,
    "dblp": 1.0,
    "crossref": 0.1,
    "orcid": 0.1,
    "openalex": 0.1,
}
RETRIES = 3  # after the first try, for a 5xx, a 429/503 or a broken connection
MAX_WAIT = 120.0  # a Retry-After longer than this is reported, not waited for
TIMEOUT = 30.0
_SECRET_PARAMS = ("api_key",)


class FetchError(BuildCVError):
    """A service could not be reached or refused: exit 1, the .bib untouched."""


@dataclass(frozen=True)
class Response:
    """One answer: the service, the URL asked (without the API key), the day, the body."""

    service: str
    url: str
    fetched: str
    body: bytes


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("build-cv")
    except PackageNotFoundError:
        return "0"


@dataclass
class Client:
    """Gets answers from the services, or, `offline`, from the cache alone."""

    contact: str | None = None
    offline: bool = False
    cache: Path | None = field(default_factory=lambda: user_cache("pubs"))
    openalex_key: str | None = None
    bases: Mapping[str, str] = field(default_factory=lambda: dict(SERVICES))
    sleep: Callable[[float], None] = lambda seconds: time.sleep(seconds)
    clock: Callable[[], float] = lambda: time.monotonic()
    wall: Callable[[], float] = lambda: time.time()
    retries: int = RETRIES
    transport: httpx.BaseTransport | None = None
    _last: dict[str, float] = field(default_factory=dict)
    _http: httpx.Client | None = None

    def get(
        self, service: str, path: str, params: Mapping[str, str] | None = None, accept: str = ""
    ) -> Response:
        params = dict(params or {})
        if service == "openalex" and not self.openalex_key and not self.offline:
            raise InputError(
                "OpenAlex asks for an API key since February 2026 (free at openalex.org): "
                "pass --openalex-key KEY or set OPENALEX_API_KEY"
            )
        if service == "crossref" and self.contact:
            params["mailto"] = self.contact
        public = {k: v for k, v in params.items() if k not in _SECRET_PARAMS}
        url = self.bases[service].rstrip("/") + path
        shown = url + ("?" + urlencode(public) if public else "")
        if self.offline:
            return self._recall(service, shown)
        if not self.contact:
            raise InputError(
                "going online, build-cv names a contact address, as the services ask: set "
                "design.contact_email in the CV, or pass --mailto ADDRESS"
            )
        if service == "openalex" and self.openalex_key:
            params["api_key"] = self.openalex_key
        body = self._fetch(service, url, shown, params, accept)
        response = Response(service, shown, self._today(), body)
        self._keep(response)
        return response

    # ---- the network ------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        if self._http is None:
            agent = f"build-cv/{_version()} (mailto:{self.contact})"
            self._http = httpx.Client(
                timeout=TIMEOUT,
                follow_redirects=True,
                headers={"User-Agent": agent},
                transport=self.transport,
            )
        return self._http

    def _pace(self, service: str) -> None:
        last = self._last.get(service)
        if last is not None:
            wait = INTERVAL.get(service, 1.0) - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)

    def _fetch(
        self, service: str, url: str, shown: str, params: Mapping[str, str], accept: str
    ) -> bytes:
        headers = {"Accept": accept} if accept else {}
        said = ""
        for attempt in range(self.retries + 1):
            self._pace(service)
            try:
                with self._client().stream("GET", url, params=params, headers=headers) as r:
                    self._last[service] = self.clock()
                    if r.status_code in (429, 503) or r.status_code >= 500:
                        said = f"answered {r.status_code} {r.reason_phrase}"
                        wait = self._retry_after(r) if r.status_code in (429, 503) else None
                        if wait is not None and wait > MAX_WAIT:
                            raise FetchError(
                                f"{service}: {shown}: {said} and asks to wait {wait:.0f} s; "
                                "try again later"
                            )
                        if attempt < self.retries:
                            self.sleep(wait if wait is not None else 2.0**attempt)
                        continue
                    if r.status_code == 404:
                        raise InputError(f"{service}: {shown}: not found; is the identifier right?")
                    if r.status_code >= 400:
                        raise FetchError(
                            f"{service}: {shown}: answered {r.status_code} {r.reason_phrase}"
                        )
                    return _body(r, service, shown)
            except httpx.HTTPError as exc:
                self._last[service] = self.clock()
                said = f"cannot be reached ({type(exc).__name__})"
                if attempt < self.retries:
                    self.sleep(2.0**attempt)
        raise FetchError(
            f"{service}: {shown}: {said}, {self.retries + 1} times; the .bib is left as it was"
        )

    def _retry_after(self, r: httpx.Response) -> float | None:
        value = r.headers.get("Retry-After", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - self.wall())

    def _today(self) -> str:
        return datetime.fromtimestamp(self.wall(), UTC).date().isoformat()

    # ---- the cache --------------------------------------------------------------------

    def _paths(self, service: str, url: str) -> tuple[Path, Path] | None:
        if self.cache is None:
            return None
        name = hashlib.sha256(f"{service} {url}".encode()).hexdigest()[:32]
        return self.cache / f"{name}.json", self.cache / f"{name}.body"

    def _keep(self, response: Response) -> None:
        """Keep the answer (a cache: failing to keep it is no error)."""
        paths = self._paths(response.service, response.url)
        if paths is None:
            return
        meta = {"service": response.service, "url": response.url, "fetched": response.fetched}
        for path, data in ((paths[1], response.body), (paths[0], json.dumps(meta).encode())):
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd, temp = tempfile.mkstemp(prefix=".pubs-", dir=path.parent)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(temp, path)
            except OSError:
                return

    def _recall(self, service: str, url: str) -> Response:
        paths = self._paths(service, url)
        try:
            if paths is None:
                raise FileNotFoundError
            meta = json.loads(paths[0].read_text("utf-8"))
            body = paths[1].read_bytes()
        except (OSError, ValueError):
            raise InputError(
                f"{service}: {url}: not in the cache; run once without --offline"
            ) from None
        return Response(service, url, str(meta.get("fetched", "")), body)


def _body(r: httpx.Response, service: str, shown: str) -> bytes:
    data = bytearray()
    for chunk in r.iter_bytes():
        data += chunk
        if len(data) > MAX_SOURCE_BYTES:
            raise FetchError(
                f"{service}: {shown}: the answer is larger than {MAX_SOURCE_BYTES // 2**20} MB"
            )
    return bytes(data)
