"""Signatures and safe-mode (安全模式) encryption for WeChat messages.

WeChat signs requests with ``sha1(sorted([token, timestamp, nonce(, encrypt)]))``. wechatpy 1.8.18
compares signatures with ``!=``, so this module checks them itself in constant time and only then
hands the ciphertext to wechatpy's ``WeChatCrypto`` (AES-256-CBC, AppID check).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from wechatpy.crypto import PrpCrypto, WeChatCrypto


class SignatureError(Exception):
    """The request was not signed with our token (or the ciphertext was tampered with)."""


def make_signature(*parts: str) -> str:
    """WeChat's signature: SHA-1 hex of the parts sorted and concatenated."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_is_valid(signature: str | None, *parts: str | None) -> bool:
    """Whether ``signature`` matches ``parts`` (token, timestamp, nonce[, encrypt]).

    Missing values never match. The comparison takes the same time wherever the strings differ.
    """
    if not signature or any(not part for part in parts):
        return False
    expected = make_signature(*(str(part) for part in parts))
    return hmac.compare_digest(expected.encode("ascii"), signature.strip().lower().encode("utf-8"))


def new_nonce() -> str:
    """Return a fresh random nonce, as WeChat sends them (digits)."""
    return str(secrets.randbelow(10**10))


class SafeModeCodec:
    """Decrypts inbound and encrypts outbound messages in safe mode."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        self._token = token
        self._crypto = WeChatCrypto(token, encoding_aes_key, app_id)
        self._app_id = app_id

    def decrypt(self, encrypted: str, msg_signature: str | None, timestamp: str, nonce: str) -> str:
        """Return the plain message XML inside an ``<Encrypt>`` value.

        Raises:
            SignatureError: wrong ``msg_signature``, wrong AppID or undecryptable data.

        """
        if not signature_is_valid(msg_signature, self._token, timestamp, nonce, encrypted):
            raise SignatureError("msg_signature does not match")
        try:
            return self._crypto.decrypt_message(
                {"Encrypt": encrypted}, msg_signature, timestamp, nonce
            )
        except Exception as error:  # wechatpy trusts the padding byte: junk gives any error
            raise SignatureError("encrypted message could not be decrypted") from error

    def decrypt_echo(
        self, echostr: str, msg_signature: str | None, timestamp: str, nonce: str
    ) -> str:
        """Decrypt an encrypted ``echostr`` (URL check variant signed with ``msg_signature``)."""
        if not signature_is_valid(msg_signature, self._token, timestamp, nonce, echostr):
            raise SignatureError("msg_signature does not match")
        try:
            return PrpCrypto(self._crypto.key).decrypt(echostr, self._app_id)
        except Exception as error:
            raise SignatureError("echostr could not be decrypted") from error

    def encrypt(
        self, reply_xml: str, nonce: str | None = None, timestamp: str | None = None
    ) -> str:
        """Wrap a rendered reply in the encrypted envelope WeChat expects."""
        return self._crypto.encrypt_message(
            reply_xml, nonce or new_nonce(), timestamp or str(int(time.time()))
        )
