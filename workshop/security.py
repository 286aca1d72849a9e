"""The workshop's secrets: join codes, the facilitator PIN, participant tokens and client ids.

The facilitator creates a workshop and gets a short **join code** to put on the projector and a
6-digit **PIN** to keep. Participants join with the code and get a **token**, which lets them
rejoin after a dropped connection. Everything here is drawn with ``secrets``, never with the
simulation's seeded generator: a seeded draw is reproducible by design, so anyone who knows (or
guesses) the seed could predict every code and PIN.

What the database keeps is never the secret itself: the PIN as a salted scrypt hash (a stolen
database does not give it away for free), a token and a client id as their SHA-256. How many
wrong PINs a client and a workshop may try is ``workshop.pin_guard``.
"""

from __future__ import annotations

import hashlib
import secrets

from workshop.errors import WorkshopInputError

# Join codes: no 0/O and 1/I, which people misread on a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, 5 bits each
JOIN_CODE_LENGTH = 6  # 30 bits: about a billion codes
PIN_DIGITS = 6
RECOVERY_LENGTH = 12  # recovery code: 12 symbols of the join-code alphabet, 60 bits
RECOVERY_GROUP = 4  # shown as XXXX-XXXX-XXXX, easy to copy from paper
TOKEN_BYTES = 24  # participant tokens: 192 random bits, URL-safe text of 32 characters
DEFAULT_CLIENT = "python"  # the client of callers that name none (scripts, the CLI)
CLIENT_MAX_CHARS = 200  # a client id is random text from the page; longer is not one
# scrypt's interactive parameters (16 MiB, ~0.1-0.2 s on a small server): a stolen database does
# not give the PIN away for free, while one check per facilitator click stays bearable.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32


def new_join_code() -> str:
    """A fresh join code.

    Drawn with ``secrets``, not the simulation's seeded generator: a seeded draw is reproducible
    by design, so anyone who knows (or guesses) the seed could predict every code and PIN.
    """
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_pin() -> str:
    """A fresh facilitator PIN, from ``secrets`` for the same reason as the join code."""
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def new_recovery_code() -> str:
    """A fresh recovery code, shown once at creation as ``XXXX-XXXX-XXXX``.

    60 bits: a prank room cannot guess it, so it may open a workshop whose PIN checks are on
    lock, which a 6-digit PIN (guessable in principle, hence the lock) may not.
    """
    raw = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[k : k + RECOVERY_GROUP] for k in range(0, RECOVERY_LENGTH, RECOVERY_GROUP))


def new_salt() -> bytes:
    """A fresh salt for one workshop's PIN hash."""
    return secrets.token_bytes(SALT_BYTES)


def new_token() -> str:
    """A fresh participant token (URL-safe text)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def normalise_code(code: str) -> str:
    """A join or recovery code as stored: upper-case letters and digits only, so spaces and
    dashes people type (and any stray control or surrogate character) fall away."""
    return "".join(ch for ch in str(code).upper() if ch.isascii() and ch.isalnum())


def _bytes(text: object) -> bytes:
    """Text as bytes for hashing; a lone surrogate (from a broken paste) must not raise."""
    return str(text).encode("utf-8", "surrogatepass")


def hash_pin(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        _bytes(str(pin).strip()), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=HASH_BYTES
    )


def hash_recovery(code: str, salt: bytes) -> bytes:
    """scrypt of the recovery code as typed, normalised like a join code."""
    return hash_pin(normalise_code(code), salt)


def token_hash(token: str) -> str:
    """What the database keeps of a participant token: a copy of the database does not let
    anyone act as a participant."""
    return hashlib.sha256(_bytes(token)).hexdigest()


def client_key(client: object) -> str:
    """What the database keeps of a client id: its SHA-256, so every id takes 64 characters."""
    if not isinstance(client, str) or not client.strip() or len(client) > CLIENT_MAX_CHARS:
        raise WorkshopInputError(
            f"client: kreeg {client!r}; verwacht een niet-lege tekst van hoogstens "
            f"{CLIENT_MAX_CHARS} tekens."
        )
    return hashlib.sha256(_bytes(client)).hexdigest()
