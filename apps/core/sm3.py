"""SM3 (GB/T 32905-2016) and HMAC-SM3 (RFC 2104 over SM3, block size 64 bytes).

SM3 itself comes from the pure-Python `gmssl` package; HMAC is the RFC 2104 construction,
checked against GM/T 0042-2015 Appendix D.3 in tests/core/test_audit_archive.py.
"""

from __future__ import annotations

from gmssl import func, sm3

BLOCK_SIZE = 64


def sm3_digest(data: bytes) -> bytes:
    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    if len(key) > BLOCK_SIZE:
        key = sm3_digest(key)
    key = key.ljust(BLOCK_SIZE, b"\x00")
    inner = sm3_digest(bytes(b ^ 0x36 for b in key) + message)
    return sm3_digest(bytes(b ^ 0x5C for b in key) + inner)
