"""The worker's own JSON writer (for answers it may cut at the cap; one within its own LIMIT is Oxigraph's to write)
gives the bytes json.dumps gives for the SPARQL 1.1 Query Results JSON document (the ETag of an answer depends on
them), written directly for speed."""

from __future__ import annotations

import json

import pyoxigraph as ox

from webapp.sparql_pool import _term_json, serialise_select

XSD = "http://www.w3.org/2001/XMLSchema#"


def _reference(variables: list[str], rows: list[list], truncated: bool, cap: int) -> bytes:
    doc: dict = {"head": {"vars": variables}, "results": {"bindings": [
        {v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]}}
    if truncated:
        doc["truncated"] = True
        doc["limit"] = cap
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def test_json_results_are_the_reference_bytes() -> None:
    rows = [
        [ox.NamedNode("https://w3id.org/policykg/id/doc/nghi-quyet-29"), ox.Literal("29-NQ/TW"), None],
        [ox.BlankNode("b0"), ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
         ox.Literal("Cảng Vũng Áng", language="vi")],
        [ox.NamedNode("http://example.org/q\u2028é"), ox.Literal('a"\n\tb\u0001\\ Việt\U0001f600'),
         ox.Literal("", language="en-GB")],
        [None, None, None],
        [ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")),
         ox.Literal("2024-01-01", datatype=ox.NamedNode(XSD + "date")), ox.Literal("x")],
    ]
    variables = ["s", "n", 'l"ab\u0111']
    for truncated in (False, True):
        assert serialise_select(variables, rows, "json", truncated, 7) == _reference(variables, rows, truncated, 7)
    assert serialise_select([], [], "json", False, 1) == _reference([], [], False, 1)
    assert serialise_select(["a"], [[None]], "json", False, 1) == _reference(["a"], [[None]], False, 1)
    parsed = json.loads(serialise_select(variables, rows, "json", True, 7))
    assert parsed["truncated"] is True and parsed["results"]["bindings"][1][variables[2]]["xml:lang"] == "vi"


def test_messages_cross_the_workers_pipe_whole() -> None:
    """The pool's framing: small and large messages (larger than one read, written in parts) arrive whole;
    a worker that dies in the middle of an answer is an EOFError, not a short answer."""
    import socket
    import threading

    import pytest

    from webapp.sparql_pool import recv_frame, send_frame

    a, b = socket.socketpair()
    try:
        for payload in (b"", b"x", b"y" * 70_000, bytes(range(256)) * 20_000):
            writer = threading.Thread(target=send_frame, args=(a.fileno(), payload[:10], payload[10:]))
            writer.start()  # (a large message fills the socket's buffer: the writer waits for the reader)
            assert recv_frame(b.fileno()) == payload
            writer.join()
        a.sendall((100).to_bytes(4, "big") + b"only ten b")
        a.close()
        with pytest.raises(EOFError):
            recv_frame(b.fileno())
    finally:
        b.close()
