"""Argon2id for moderators' passwords.

Django's own Argon2 hasher asks for 100 MiB and 8 lanes per hash, which on a
small two-core server makes each login take a quarter of a second of both cores.
OWASP's recommended minimum (m=19 MiB, t=2, p=1) costs ~60 ms of one core and
still makes an offline guess costly. The parameters are stored in each hash, so
changing them re-hashes a password at its next successful login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TribuneArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
