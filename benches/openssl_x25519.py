#!/usr/bin/env python3
"""OpenSSL's X25519 through Python's `cryptography` package, timed like the criterion bench's
`x25519` group, to compare side by side on the same machine (not a CI dependency):

    python3 benches/openssl_x25519.py

Prints the median of 15 samples, each the mean of a batch of 2,000 calls, in microseconds per
call: one X25519 (`exchange` with a loaded peer key), one from the peer's 32 bytes (loading
them first, as a device opening an envelope does), and one fixed-base multiplication (a fresh
key's public half). Python's call overhead, about a microsecond, is in every figure; the
`overhead` row (a Python call doing nothing) shows it.
"""

import statistics
import time

import cryptography
from cryptography.hazmat.backends.openssl import backend
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

BATCH = 2000
SAMPLES = 15


def median_us(call):
    for _ in range(200):
        call()
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        for _ in range(BATCH):
            call()
        samples.append((time.perf_counter() - start) / BATCH * 1e6)
    return statistics.median(samples)


def main():
    mine = X25519PrivateKey.generate()
    peer = X25519PrivateKey.generate().public_key()
    peer_bytes = peer.public_bytes(Encoding.Raw, PublicFormat.Raw)
    rows = [
        ("exchange (loaded peer key)", lambda: mine.exchange(peer)),
        (
            "exchange from 32 bytes",
            lambda: mine.exchange(X25519PublicKey.from_public_bytes(peer_bytes)),
        ),
        ("fixed-base (generate + public)", lambda: X25519PrivateKey.generate().public_key()),
        ("overhead (empty call)", lambda: None),
    ]
    print(f"cryptography {cryptography.__version__}, {backend.openssl_version_text()}")
    for name, call in rows:
        print(f"{name:32} {median_us(call):7.2f} us")


if __name__ == "__main__":
    main()
