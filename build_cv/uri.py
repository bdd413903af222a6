"""What counts as a well-formed link, shared by the schema and the PDF preflight.

One definition, so that whatever the schema accepts the preflight accepts too: http(s)
with an ASCII host (IDNs in punycode) and a port up to 65535, mailto with an ASCII
address, tel with digits; RFC 3986 characters only, `%` always followed by two hex
digits. Schemes are case-insensitive (RFC 3986), so `HTTPS://` is the same scheme
everywhere.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_CHAR = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})"
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
# A port is 0 to 65535 (RFC 6335); a larger one is a typo no browser can follow.
_PORT = r"(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|\d{1,4})"
WEB = rf"https?://{_HOST}(?::{_PORT})?(?:[/?#]{_CHAR}*)?"
MAILTO = r"mailto:[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
TEL = r"tel:\+?[0-9]{3,}"

URI = re.compile(rf"^(?:{WEB}|{MAILTO}|{TEL})$", re.IGNORECASE)
WEB_URL = re.compile(rf"^{WEB}$", re.IGNORECASE)
MAILTO_URL = re.compile(rf"^{MAILTO}$", re.IGNORECASE)

# A link target inside markup: balanced parentheses may appear in it, `)` then ends it.
URI_IN_TEXT = r"(?i:https?://|mailto:)(?:[^\s()]|\([^\s()]*\))+"


# Hosts that are another name of the same site, for `link_target`.
_SAME_HOST = {"dx.doi.org": "doi.org"}
# Hosts whose paths are case-insensitive: a DOI is (the DOI Handbook, 2.4).
_NO_CASE = {"doi.org"}


def link_target(url: str) -> tuple[str, ...]:
    """Where a web link leads, for telling two spellings of one link apart: http or
    https, the host's case, `www.`, doi.org's old name dx.doi.org, %-escapes in the path
    and a trailing slash do not change it."""
    parts = urlsplit(url.strip())
    scheme = "https" if parts.scheme.lower() == "http" else parts.scheme.lower()
    host = parts.netloc.lower().removeprefix("www.")
    host = _SAME_HOST.get(host, host)
    path = unquote(parts.path).rstrip("/")
    return (
        scheme,
        host,
        path.casefold() if host in _NO_CASE else path,
        parts.query,
        parts.fragment,
    )
