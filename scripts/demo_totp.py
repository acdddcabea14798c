"""Print the current two-factor code of the demo's moderator and administrator.

They share a secret published in the README (add it to any authenticator app
instead if you prefer), so this needs no database: RFC 6238 with the standard library.
"""

import base64
import hashlib
import hmac
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sociable.demo_credentials import DEMO_TOTP_SECRET  # noqa: E402


def totp(secret: str, at: float, period: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


if __name__ == "__main__":
    now = time.time()
    print(f"{totp(DEMO_TOTP_SECRET, now)}  (valid for {30 - int(now) % 30} more seconds)")
