"""Api-Keys at rest: encrypted with a key derived from ``OZONOPS_SECRET_KEY`` (Fernet:
AES-128-CBC + HMAC-SHA256), so a copy of the database alone reveals no key."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

from ozonops.db.errors import SecretUnreadable

__all__ = ["KeyBox"]

_INFO = b"ozonops shop api keys v1"


class KeyBox:
    """Encrypts and decrypts shop Api-Keys with the settings' secret key."""

    def __init__(self, secret_key: SecretStr) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            secret_key.get_secret_value().encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def __repr__(self) -> str:
        return "KeyBox(<secret>)"

    def seal(self, api_key: SecretStr) -> bytes:
        return self._fernet.encrypt(api_key.get_secret_value().encode())

    def open(self, sealed: bytes, *, shop: str) -> SecretStr:
        try:
            return SecretStr(self._fernet.decrypt(sealed).decode())
        except InvalidToken:
            raise SecretUnreadable(
                f"the Api-Key of shop {shop!r} does not decrypt with this OZONOPS_SECRET_KEY; "
                "restore the key it was stored with, or add the shop again "
                "(`ozonops shops add`)"
            ) from None
