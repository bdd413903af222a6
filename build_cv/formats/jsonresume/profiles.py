"""Profiles from JSON Resume's `basics.profiles`: which person field each one fills, and
its id, from the `username` or, when that is missing or not an id, from the `url`.

The network is known by its name in any case and spelling (`Google Scholar`,
`googlescholar`, `Twitter`), else by the host of its url. An id is kept only if the
schema accepts it, so a profile never brings a value the build would reject.

An id is read from a url only when the whole path has the shape of that site's profile
address (`github.com/NAME`, `linkedin.com/in/NAME`), and not a page of the site's own
(`x.com/i/flow/login`, `github.com/orgs/acme`): its first segment would look like an id,
and the CV would link to someone else's profile, or to none.
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
    found = (c for c in candidates if c is not None and not reserved(key, c) and _fits(key, c))
    return key, next(found, None)


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


# The shape of each site's profile address, for the note on a url that has another.
SHAPES = {
    "github": "github.com/NAME", "linkedin": "linkedin.com/in/NAME", "orcid": "orcid.org/ID",
    "scholar": "scholar.google.com/citations?user=ID", "researchgate":
    "researchgate.net/profile/NAME", "dblp": "dblp.org/pid/ID.html", "semantic_scholar":
    "semanticscholar.org/author/NAME/ID", "mastodon": "SERVER/@NAME",
    "bluesky": "bsky.app/profile/HANDLE", "x": "x.com/NAME",
}  # fmt: skip
# First path segments that name a page of the site, never a person: the site reserves them,
# so no account has them as its name.
RESERVED = {
    "github": frozenset({
        "about", "account", "apps", "blog", "codespaces", "collections", "contact",
        "customer-stories", "dashboard", "enterprise", "events", "explore", "features",
        "gist", "github", "issues", "join", "login", "logout", "marketplace", "new",
        "notifications", "orgs", "organizations", "pricing", "pulls", "readme", "search",
        "security", "settings", "signup", "site", "sponsors", "stars", "team", "topics",
        "trending", "watching",
    }),
    "x": frozenset({
        "about", "account", "compose", "download", "explore", "hashtag", "home", "i",
        "intent", "jobs", "login", "logout", "messages", "notifications", "privacy", "search",
        "settings", "share", "signup", "tos",
    }),
}  # fmt: skip


def _from_url(key: str, url: str) -> str | None:
    """The id in a profile's address: github.com/ID, orcid.org/ID, .../citations?user=ID;
    None for any other page of the site."""
    parts = _split(url) if url else None
    if parts is None:
        return None
    path = [unquote(p) for p in parts.path.split("/") if p]
    if key == "mastodon":  # any server: https://server/@user
        user = path[0] if len(path) == 1 and path[0].startswith("@") else None
        return f"{user}@{parts.hostname}" if user and parts.hostname else None
    if network_of(url) != key or not path:
        return None
    if key == "scholar":
        ids = set(parse_qs(parts.query).get("user", []))  # `hl`, `oi`, `view_op`: the page
        return ids.pop() if path == ["citations"] and len(ids) == 1 else None
    if key in ("linkedin", "researchgate", "bluesky"):
        first = {"linkedin": "in"}.get(key, "profile")
        return path[1] if len(path) == 2 and path[0] == first else None
    if key == "dblp":
        pid = "/".join(path[1:]) if path[0] == "pid" and len(path) >= 3 else None
        return pid.removesuffix(".html").removesuffix(".xml") if pid else None
    if key == "semantic_scholar":
        return path[-1] if path[0] == "author" and len(path) in (2, 3) else None
    if len(path) != 1:  # github, orcid, x: a repository, a post, a tab is not the profile
        return None
    return path[0].removeprefix("@")


def id_problem(key: str, url: str) -> str | None:
    """Why the id in a url of the profile's shape is not one (`user=AbCdEfGhIjK` is 11
    characters, a Scholar id 12); None when the url has another shape or a valid id.
    A note saying "not the address of a profile" sent people hunting in the wrong place."""
    found = _from_url(key, url)
    if found is None or reserved(key, found):
        return None
    try:
        _adapter(key).validate_python(found)
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return None


def reserved(key: str, value: str) -> bool:
    """Whether `value` names one of the site's own pages rather than a person."""
    return value.lower() in RESERVED.get(key, frozenset())


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
