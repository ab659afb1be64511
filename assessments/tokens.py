"""Per-attempt opaque tokens for the options, items and pairs an officer answers.

A page of an open attempt never shows a `VersionChoice` id: ids are given in authoring order, and trainers often
author the right answer first, so "pick the lowest id" would score without reading. Every option, ordering item
and matching item is named by a token instead: an HMAC (keyed with SECRET_KEY) of the response id and the
choice id, so tokens look random, differ between attempts (each attempt has its own responses) and between
questions, and say nothing about the authoring order. The server maps a token back by computing the tokens of
the question version's own choices; anything else is an unknown token, refused with a validation message.
"""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

TOKEN_LENGTH = 16  # hex characters (64 bits): unguessable, short enough for form names
_SALT = "assessments.tokens.choice"


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    """Django's salted_hmac key (sha256 of salt + SECRET_KEY), derived once per secret instead of per token: a
    one-page quiz names 120 options on every page view."""
    return hashlib.sha256((_SALT + secret).encode()).digest()


def choice_token(*, response_id: int, choice_id: int) -> str:
    """The token that names one choice of one response (one drawn question of one attempt): exactly
    `salted_hmac(_SALT, "<response id>:<choice id>", algorithm="sha256")`, truncated."""
    digest = hmac.new(_key(settings.SECRET_KEY), f"{response_id}:{choice_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:TOKEN_LENGTH]


def token_map(*, response_id: int, choice_ids) -> dict[str, int]:
    """{token: choice id} for the choices of a response's question version."""
    return {choice_token(response_id=response_id, choice_id=cid): cid for cid in choice_ids}


def looks_like_token(value: str) -> bool:
    """A cheap shape check before any lookup (form data can hold anything)."""
    return len(value) == TOKEN_LENGTH and all(c in "0123456789abcdef" for c in value)
