"""Profiles from JSON Resume's `basics.profiles`: which person field each one fills, and
its id, from the `username` or, when that is missing or not an id, from the `url`.

The network is known by its name in any case and spelling (`Google Scholar`,
`googlescholar`, `Twitter`), else by the host of its url. An id is kept only if the
schema accepts it, so a profile never brings a value the build would reject.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from pydantic import TypeAdapter, ValidationError

from build_cv.schema import model as m

# Networks by the names people write (lower case, without spaces, dots, dashes).
NETWORKS = {
    "github": "github", "linkedin": "linkedin", "orcid": "orcid", "googlescholar": "scholar",
    "scholar": "scholar", "researchgate": "researchgate", "dblp": "dblp",
    "semanticscholar": "semantic_scholar", "mastodon": "mastodon", "bluesky": "bluesky",
    "bsky": "bluesky", "x": "x", "twitter": "x",
}  # fmt: skip
_HOSTS = {
    "github.com": "github", "linkedin.com": "linkedin", "orcid.org": "orcid",
    "researchgate.net": "researchgate", "dblp.org": "dblp", "dblp.uni-trier.de": "dblp",
    "semanticscholar.org": "semantic_scholar", "bsky.app": "bluesky", "x.com": "x",
    "twitter.com": "x",
}  # fmt: skip


def profile_id(network: str, username: str, url: str) -> tuple[str | None, str | None]:
    """The person field a profile fills and its id: (None, None) when build-cv has no
    place for the network, (field, None) when neither username nor url gives a valid id."""
    key = NETWORKS.get(re.sub(r"[\s._-]", "", network.lower())) or network_of(url)
    if key is None:
        return None, None
    candidates = [_username(key, username.strip(), url), _from_url(key, url)]
    return key, next((c for c in candidates if c is not None and _fits(key, c)), None)


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url.strip())
        parts.hostname  # noqa: B018 - raises for a malformed host, such as `http://[::1`
    except ValueError:
        return None
    return parts


def _username(key: str, user: str, url: str) -> str | None:
    if not user:
        return None
    if key in ("x", "bluesky", "github"):
        return user.removeprefix("@")
    if key != "mastodon":
        return user
    if "@" in user.lstrip("@"):
        return "@" + user.lstrip("@")
    parts = _split(url)  # a bare user name: its server is the url's
    host = parts.hostname if parts else None
    return f"@{user.lstrip('@')}@{host}" if host else None


def network_of(url: str) -> str | None:
    """The profile a URL points to, when its network name says nothing build-cv knows."""
    parts = _split(url)
    host = (parts.hostname or "").removeprefix("www.") if parts else ""
    if re.fullmatch(r"scholar\.google\.[a-z.]+", host):
        return "scholar"
    if host.endswith(".linkedin.com"):
        return "linkedin"
    return _HOSTS.get(host)


def _from_url(key: str, url: str) -> str | None:
    """The id in a profile's address: github.com/ID, orcid.org/ID, .../citations?user=ID."""
    parts = _split(url) if url else None
    if parts is None:
        return None
    path = [unquote(p) for p in parts.path.split("/") if p]
    if key == "scholar":
        return next(iter(parse_qs(parts.query).get("user", [])), None)
    if key == "mastodon":  # any server: https://server/@user
        user = path[0] if len(path) == 1 and path[0].startswith("@") else None
        return f"{user}@{parts.hostname}" if user and parts.hostname else None
    if network_of(url) != key or not path:
        return None
    if key in ("linkedin", "researchgate", "bluesky"):
        return path[1] if len(path) >= 2 and path[0] in ("in", "profile") else None
    if key == "dblp":
        pid = "/".join(path[1:]) if path[0] == "pid" and len(path) >= 3 else None
        return pid.removesuffix(".html").removesuffix(".xml") if pid else None
    if key == "semantic_scholar":
        return path[-1] if path[0] == "author" else None
    return path[0].removeprefix("@")  # github, orcid, x


@cache
def _adapter(key: str) -> TypeAdapter[Any]:
    annotation: Any = m.Person.model_fields[key].annotation
    return TypeAdapter(annotation)


def _fits(key: str, value: str) -> bool:
    try:
        _adapter(key).validate_python(value)
    except ValidationError:
        return False
    return True
