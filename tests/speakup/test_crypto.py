"""The building blocks: derivations are deterministic, boxes open only with the right key."""

import nacl.pwhash.argon2id as argon2id
import pytest

from speakup import crypto

LIMITS = (argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)


def test_receipt_is_sixteen_digits_and_random():
    receipts = {crypto.new_receipt() for _ in range(50)}
    assert len(receipts) == 50
    assert all(len(r) == 16 and r.isdigit() for r in receipts)


def test_receipt_typed_with_spaces_or_dashes_is_the_same_receipt():
    assert crypto.normalise_receipt("1234 5678-9012 3456") == "1234567890123456"
    assert crypto.format_receipt("1234567890123456") == "1234 5678 9012 3456"


def test_reporter_keys_follow_from_receipt_and_salt():
    salt = crypto.new_salt()
    key1, lookup1 = crypto.reporter_keys("1234567890123456", salt, *LIMITS)
    key2, lookup2 = crypto.reporter_keys("1234 5678 9012 3456", salt, *LIMITS)
    assert bytes(key1) == bytes(key2) and lookup1 == lookup2
    assert len(lookup1) == 64

    other_receipt, other_lookup = crypto.reporter_keys("1234567890123457", salt, *LIMITS)
    assert other_lookup != lookup1 and bytes(other_receipt) != bytes(key1)
    other_salt, salted_lookup = crypto.reporter_keys("1234567890123456", crypto.new_salt(), *LIMITS)
    assert salted_lookup != lookup1 and bytes(other_salt) != bytes(key1)


def test_lookup_value_is_not_the_key_seed():
    _key, lookup = crypto.reporter_keys("1234567890123456", crypto.new_salt(), *LIMITS)
    assert bytes(_key).hex() != lookup


def test_seal_opens_only_with_the_matching_private_key():
    alice, mallory = crypto.new_keypair(), crypto.new_keypair()
    sealed = crypto.seal(bytes(alice.public_key), b"what happened")
    assert b"what happened" not in sealed
    assert crypto.unseal(alice, sealed) == b"what happened"
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(mallory, sealed)


def test_lock_opens_only_with_the_same_key_and_detects_tampering():
    key = crypto.derive_key("a password", crypto.new_salt(), *LIMITS)
    assert len(key) == 32
    locked = crypto.lock(key, b"private key bytes")
    assert crypto.unlock(key, locked) == b"private key bytes"
    with pytest.raises(crypto.DecryptionError):
        crypto.unlock(bytes(32), locked)
    tampered = locked[:-1] + bytes([locked[-1] ^ 1])
    with pytest.raises(crypto.DecryptionError):
        crypto.unlock(key, tampered)


def test_derived_key_depends_on_secret_and_salt():
    salt = crypto.new_salt()
    assert crypto.derive_key("one", salt, *LIMITS) == crypto.derive_key("one", salt, *LIMITS)
    assert crypto.derive_key("one", salt, *LIMITS) != crypto.derive_key("two", salt, *LIMITS)
    assert crypto.derive_key("one", salt, *LIMITS) != crypto.derive_key("one", crypto.new_salt(), *LIMITS)


def test_recovery_key_is_eight_groups_of_five_and_typing_variants_match():
    recovery = crypto.new_recovery_key()
    groups = recovery.split("-")
    assert len(groups) == 8 and all(len(g) == 5 for g in groups)
    assert crypto.normalise_recovery_key(recovery.lower().replace("-", " ")) == recovery.replace("-", "")
