"""Token minting: the platform's claims, reuse until shortly before expiry, a fresh jti each time."""

from __future__ import annotations

import time

import jwt
import pytest

from kore_tui.api.auth import DEFAULT_TTL, RENEW_MARGIN, TokenMinter

SECRET = "s3cr3t-value-for-tests-0123456789"
CLIENT_ID = "cs-test-client"


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def decode(token: str, secret: str = SECRET) -> dict:
    # Signature checked; time claims are checked by the tests themselves (the clock is fake).
    return jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})


def test_claims_with_the_real_clock() -> None:
    before = int(time.time())
    token = TokenMinter(CLIENT_ID, SECRET).token()
    after = int(time.time())
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    # Verified fully (signature, exp, iat) with the real clock.
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["appId", "sub", "iat", "exp", "jti"]})
    assert claims["appId"] == CLIENT_ID
    assert "clientId" not in claims and "appid" not in claims
    assert claims["sub"] == "kore-tui"
    assert before <= claims["iat"] <= after
    assert claims["exp"] == claims["iat"] + 3600
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16


def test_token_signed_with_the_secret_only() -> None:
    token = TokenMinter(CLIENT_ID, SECRET).token()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-of-at-least-32-bytes-long", algorithms=["HS256"])


def test_subject_and_iat_follow_the_clock() -> None:
    clock = FakeClock(1_900_000_000.7)
    claims = decode(TokenMinter(CLIENT_ID, SECRET, subject="svc-42", clock=clock).token())
    assert claims["sub"] == "svc-42"
    assert claims["iat"] == 1_900_000_000
    assert claims["exp"] == 1_900_003_600


def test_ttl_is_capped_at_one_hour_and_may_be_shorter() -> None:
    clock = FakeClock()
    long = decode(TokenMinter(CLIENT_ID, SECRET, ttl=7200, clock=clock).token())
    assert long["exp"] - long["iat"] == DEFAULT_TTL == 3600
    short = decode(TokenMinter(CLIENT_ID, SECRET, ttl=600, clock=clock).token())
    assert short["exp"] - short["iat"] == 600


def test_each_minted_token_has_a_fresh_jti() -> None:
    clock = FakeClock()
    minter = TokenMinter(CLIENT_ID, SECRET, clock=clock)
    jtis = set()
    for _ in range(20):
        minter.invalidate()
        jtis.add(decode(minter.token())["jti"])
    assert len(jtis) == 20
    assert minter.minted == 20
    # Two minters at the same instant do not share a jti either.
    a = decode(TokenMinter(CLIENT_ID, SECRET, clock=clock).token())
    b = decode(TokenMinter(CLIENT_ID, SECRET, clock=clock).token())
    assert a["iat"] == b["iat"] and a["jti"] != b["jti"]


def test_token_is_reused_until_shortly_before_expiry_then_renewed() -> None:
    clock = FakeClock()
    start = clock.now
    minter = TokenMinter(CLIENT_ID, SECRET, clock=clock)
    first = minter.token()
    assert minter.minted == 1

    for offset in (0.0, 1.0, 600.0, DEFAULT_TTL - RENEW_MARGIN - 1):
        clock.now = start + offset
        assert minter.token() == first
    assert minter.minted == 1

    clock.now = start + DEFAULT_TTL - RENEW_MARGIN  # inside the renewal margin: a new token
    second = minter.token()
    assert second != first
    assert minter.minted == 2
    claims = decode(second)
    assert claims["iat"] == int(clock.now)
    assert claims["exp"] == int(clock.now) + 3600
    assert claims["jti"] != decode(first)["jti"]
    # Renewed before the old one expired, never after.
    assert clock.now < decode(first)["exp"]

    clock.now += 5
    assert minter.token() == second
    assert minter.minted == 2


def test_renewal_margin_scales_down_for_short_ttls() -> None:
    clock = FakeClock()
    start = clock.now
    minter = TokenMinter(CLIENT_ID, SECRET, ttl=100, clock=clock)  # margin: min(120, 100/4) = 25
    first = minter.token()
    clock.now = start + 74
    assert minter.token() == first
    clock.now = start + 75
    assert minter.token() != first
    assert minter.minted == 2


def test_a_token_long_past_expiry_is_never_handed_out() -> None:
    clock = FakeClock()
    minter = TokenMinter(CLIENT_ID, SECRET, clock=clock)
    first = minter.token()
    clock.now += 10 * DEFAULT_TTL
    fresh = minter.token()
    assert fresh != first
    assert decode(fresh)["exp"] > clock.now


def test_invalidate_forces_a_new_token() -> None:
    clock = FakeClock()
    minter = TokenMinter(CLIENT_ID, SECRET, clock=clock)
    first = minter.token()
    assert minter.token() == first
    minter.invalidate()
    second = minter.token()
    assert second != first
    assert decode(second)["jti"] != decode(first)["jti"]


def test_repr_and_str_hide_the_secret_and_token() -> None:
    minter = TokenMinter(CLIENT_ID, SECRET)
    token = minter.token()
    for text in (repr(minter), str(minter), f"{minter!r}", f"{minter}"):
        assert SECRET not in text
        assert token not in text
    assert CLIENT_ID in repr(minter)
    # No __dict__ to dump the secret through vars().
    with pytest.raises(TypeError):
        vars(minter)
