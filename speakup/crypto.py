"""The cryptographic building blocks of speak-up: pure functions over bytes, no database.

The scheme that combines them is described in docs/security/speakup.md; speakup/keys.py applies it
to the models. Everything here is libsodium through PyNaCl:

- X25519 key pairs with sealed boxes (anonymous-sender public-key encryption) for report keys;
- XSalsa20-Poly1305 secret boxes for anything locked under a symmetric key;
- Argon2id to turn something a person knows (password, recovery key, receipt code) into a key.
"""

import base64
import hashlib
import secrets

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = SecretBox.KEY_SIZE  # 32
SALT_BYTES = 32
RECEIPT_DIGITS = 16
RECOVERY_GROUPS = 8
RECOVERY_GROUP_LENGTH = 5


class DecryptionError(Exception):
    """Data could not be decrypted: wrong key, wrong secret, or data that was tampered with."""


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def new_keypair() -> PrivateKey:
    return PrivateKey.generate()


def new_receipt() -> str:
    """A 16-digit receipt code (about 53 bits), uniformly random."""
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_receipt(receipt: str) -> str:
    """The digits of a receipt as typed ("1234 5678-…" → "12345678…")."""
    return "".join(ch for ch in receipt if ch.isdigit())


def format_receipt(receipt: str) -> str:
    """Groups of four digits, easier to copy by hand."""
    digits = normalise_receipt(receipt)
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def new_recovery_key() -> str:
    """200 random bits as 8 groups of 5 base32 characters (no 0/1/8/9, so no O/I/B confusion)."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH * 5 // 8)).decode()
    return "-".join(text[i : i + RECOVERY_GROUP_LENGTH] for i in range(0, len(text), RECOVERY_GROUP_LENGTH))


def normalise_recovery_key(text: str) -> str:
    """Upper case without spaces or dashes, so a key typed by hand still matches."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _argon2_salt(salt: bytes) -> bytes:
    # Argon2id in libsodium takes exactly 16 bytes of salt; our salts are 32 random bytes,
    # so they are compressed with BLAKE2b (which keeps them unique and unpredictable).
    return hashlib.blake2b(salt, digest_size=argon2id.SALTBYTES, person=b"samen-speakup").digest()


def _argon2(size: int, secret: str | bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    return argon2id.kdf(size, secret_bytes, _argon2_salt(salt), opslimit=opslimit, memlimit=memlimit)


def derive_key(secret: str | bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    """A 32-byte symmetric key from a password or recovery key (Argon2id)."""
    return _argon2(KEY_BYTES, secret, salt, opslimit, memlimit)


def reporter_keys(receipt: str, salt: bytes, opslimit: int, memlimit: int) -> tuple[PrivateKey, str]:
    """The reporter's key pair and the report's lookup value, both from the receipt code.

    One Argon2id derivation gives 64 bytes: the first 32 seed the X25519 key pair, the last 32
    are hashed into `Report.receipt_lookup`. Knowing the lookup value (it is in the database)
    therefore says nothing about the seed.
    """
    out = _argon2(64, normalise_receipt(receipt), salt, opslimit, memlimit)
    private_key = PrivateKey.from_seed(out[:32])
    lookup = hashlib.blake2b(out[32:], digest_size=32).hexdigest()
    return private_key, lookup


def seal(public_key: bytes, data: bytes) -> bytes:
    """Encrypt to a public key; only the holder of the private key can open it."""
    return SealedBox(PublicKey(public_key)).encrypt(data)


def unseal(private_key: PrivateKey, data: bytes) -> bytes:
    try:
        return SealedBox(private_key).decrypt(bytes(data))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError("cannot unseal with this private key") from exc


def lock(key: bytes, data: bytes) -> bytes:
    """Encrypt under a 32-byte symmetric key (random nonce included in the output)."""
    return bytes(SecretBox(key).encrypt(data))


def unlock(key: bytes, data: bytes) -> bytes:
    try:
        return SecretBox(key).decrypt(bytes(data))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError("cannot unlock with this key") from exc
