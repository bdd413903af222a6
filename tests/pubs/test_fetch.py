"""The fetch path against a local server on 127.0.0.1 (pytest-httpserver): paging, the
services' etiquette (User-Agent, rate limits, Retry-After under a fake clock), retries,
malformed answers, the cache and --offline. Nothing here reaches the internet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from build_cv.errors import InputError
from build_cv.pipeline import pubs
from build_cv.pipeline.fetch import Client, FetchError
from tests.pubs.helpers import recorded


class FakeTime:
    """A clock that only the fake sleep moves: the tests wait for nothing."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client(server: HTTPServer, tmp_path: Path, time: FakeTime, **kw: object) -> Client:
    base = server.url_for("").rstrip("/")
    return Client(
        contact="me@example.org",
        cache=tmp_path / "cache",
        bases=dict.fromkeys(("dblp", "orcid", "crossref", "arxiv", "openalex"), base),
        sleep=time.sleep,
        clock=time.clock,
        wall=lambda: 1_780_000_000.0,
        **kw,  # type: ignore[arg-type]
    )


def test_openalex_is_paged_by_cursor_with_the_key_sent_but_never_kept(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    pages = {"*": "openalex-page1.json", "IlsxLjAsIDIwMjRd": "openalex-page2.json"}

    def answer(request: Request) -> Response:
        assert request.args["api_key"] == "SECRET"
        assert request.args["filter"] == "author.id:A5023888391"
        return Response(recorded(pages[request.args["cursor"]]), content_type="application/json")

    httpserver.expect_request("/works").respond_with_handler(answer)
    c = client(httpserver, tmp_path, FakeTime(), openalex_key="SECRET")
    got = pubs.gather(["openalex:A5023888391"], None, c)
    assert [r.title for r in got.records] == [
        "A Test Paper on GPU Serving",
        "Long Sequences with Chunked Attention -- A Preprint",
        "Memory Management for Tests",
    ]
    kept = b"".join(p.read_bytes() for p in (tmp_path / "cache").iterdir())
    assert b"SECRET" not in kept and b"IlsxLjAsIDIwMjRd" in kept


def test_openalex_without_a_key_says_how_to_give_one(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="OPENALEX_API_KEY"):
        pubs.gather(["openalex:A1"], None, client(httpserver, tmp_path, FakeTime()))


def test_orcid_fetches_the_summaries_then_the_details_in_bulk(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    orcid = "0000-0002-1825-0097"
    httpserver.expect_ordered_request(f"/v3.0/{orcid}/works").respond_with_data(
        recorded("orcid-works.json"), content_type="application/json"
    )
    httpserver.expect_ordered_request(f"/v3.0/{orcid}/works/150001,150002").respond_with_data(
        recorded("orcid-bulk.json"), content_type="application/json"
    )
    got = pubs.gather([f"orcid:{orcid}"], None, client(httpserver, tmp_path, FakeTime()))
    assert [len(r.authors) for r in got.records] == [3, 2]


def test_arxiv_pages_by_start_and_waits_three_seconds_between_requests(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pubs, "ARXIV_PAGE", 1)
    feed = recorded("arxiv-feed.xml").decode()
    first, second = feed.split("<entry>")[1], feed.split("<entry>")[2]
    head = feed.split("<entry>")[0]

    def answer(request: Request) -> Response:
        assert request.args["max_results"] == "1"
        entry = first if request.args["start"] == "0" else second
        body = head + "<entry>" + entry.split("</entry>")[0] + "</entry></feed>"
        return Response(body, content_type="application/atom+xml")

    httpserver.expect_request("/api/query").respond_with_handler(answer)
    time = FakeTime()
    c = client(httpserver, tmp_path, time)
    responses = list(pubs.arxiv_query(c, {"search_query": "au:Fang"}, 10))
    assert len(responses) == 2  # the feed says 2 in all
    assert time.slept == [pytest.approx(3.0)]


def test_a_429_is_retried_after_the_time_it_asks_for(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_ordered_request("/works/10.5555/1").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "7"})
    )
    httpserver.expect_ordered_request("/works/10.5555/1").respond_with_data(
        recorded("crossref-work.json"), content_type="application/json"
    )
    time = FakeTime()
    got = pubs.gather(["doi:10.5555/1"], None, client(httpserver, tmp_path, time))
    assert len(got.records) == 1 and time.slept == [7.0]
    (request, _), *_ = httpserver.log
    assert "mailto:me@example.org" in request.headers["User-Agent"]
    assert request.args["mailto"] == "me@example.org"


def test_a_retry_after_too_long_is_reported_not_waited_for(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/pid/1/2.xml").respond_with_response(
        Response("", status=503, headers={"Retry-After": "86400"})
    )
    time = FakeTime()
    with pytest.raises(FetchError, match=r"dblp: http://.*/pid/1/2\.xml: .*503.*86400"):
        pubs.gather(["dblp:1/2"], None, client(httpserver, tmp_path, time))
    assert time.slept == []


def test_a_500_is_retried_with_growing_pauses_then_reported_with_service_and_url(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/pid/1/2.xml").respond_with_data("oops", status=500)
    time = FakeTime()
    with pytest.raises(FetchError) as caught:
        pubs.gather(["dblp:1/2"], None, client(httpserver, tmp_path, time))
    assert caught.value.exit_code == 1
    assert str(caught.value).startswith(f"dblp: {httpserver.url_for('/pid/1/2.xml')}: ")
    assert "500" in str(caught.value) and "4 times" in str(caught.value)
    assert len(httpserver.log) == 4
    assert time.slept[:1] == [1.0] and 2.0 in time.slept and 4.0 in time.slept


def test_a_refused_connection_names_the_service_and_url(tmp_path: Path) -> None:
    time = FakeTime()
    c = Client(
        contact="me@example.org",
        cache=None,
        bases={"crossref": "http://127.0.0.1:9"},
        sleep=time.sleep,
        clock=time.clock,
        retries=1,
    )
    with pytest.raises(FetchError, match=r"crossref: http://127\.0\.0\.1:9/works/10\.5555/1\?"):
        pubs.gather(["doi:10.5555/1"], None, c)


@pytest.mark.parametrize(
    ("source", "path", "body", "said"),
    [
        ("doi:10.5555/1", "/works/10.5555/1", '{"message": {"DOI": ', "not valid JSON"),
        (
            "arxiv:2401.00001",
            "/api/query",
            "<feed xmlns='http://www.w3.org/2005/Atom'><entry>",
            "not well-formed XML",
        ),
        (
            "dblp:1/2",
            "/pid/1/2.xml",
            "<html><body>maintenance</body></html>",
            "not a DBLP person page",
        ),
    ],
)
def test_a_malformed_answer_is_an_input_error_at_its_url_and_position(
    httpserver: HTTPServer, tmp_path: Path, source: str, path: str, body: str, said: str
) -> None:
    httpserver.expect_request(path).respond_with_data(body)
    with pytest.raises(InputError, match=said) as caught:
        pubs.gather([source], None, client(httpserver, tmp_path, FakeTime()))
    assert httpserver.url_for(path) in str(caught.value)
    assert caught.value.exit_code == 2


def test_offline_replays_the_cached_answers_without_a_server(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/pid/153/7632.xml").respond_with_data(recorded("dblp-person.xml"))
    online = pubs.gather(["dblp:153/7632"], None, client(httpserver, tmp_path, FakeTime()))
    meta = [json.loads(p.read_text()) for p in (tmp_path / "cache").glob("*.json")]
    assert meta[0]["url"].endswith("/pid/153/7632.xml") and meta[0]["fetched"] == "2026-05-28"
    httpserver.clear()
    offline = client(httpserver, tmp_path, FakeTime(), offline=True)
    offline.contact = None  # offline needs no contact address either
    assert pubs.gather(["dblp:153/7632"], None, offline).records == online.records
    assert len(httpserver.log) == 0
    with pytest.raises(InputError, match="not in the cache; run once without --offline"):
        pubs.gather(["dblp:1/2"], None, offline)


def test_going_online_needs_a_contact_address(httpserver: HTTPServer, tmp_path: Path) -> None:
    c = client(httpserver, tmp_path, FakeTime())
    c.contact = None
    with pytest.raises(InputError, match=r"design\.contact_email.*--mailto"):
        pubs.gather(["doi:10.5555/1"], None, c)
    assert len(httpserver.log) == 0


def test_a_wrong_identifier_is_refused_before_going_online(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a orcid id"):
        pubs.gather(["orcid:1234"], None, Client(contact="me@example.org", cache=None))
