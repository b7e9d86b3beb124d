from app.__main__ import answer


def test_health() -> None:
    assert answer("/healthz") == (200, {"status": "ok"})


def test_unknown_path() -> None:
    assert answer("/nope")[0] == 404
