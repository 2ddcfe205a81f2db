"""Length-prefixed JSON frames over pipes: how the supervisor and its worker talk.

A frame is a 4-byte big-endian length, then that many bytes of JSON (orjson). The pipes
are dedicated file descriptors, never stdout, which V8 or user code may print to.
"""

from __future__ import annotations

import io
import os
import select
import struct
import time
from typing import Any

import orjson

LENGTH = struct.Struct(">I")
MAX_FRAME_BYTES = (1 << 32) - 1


class FrameTimeout(Exception):
    """No complete frame arrived before the deadline."""


def encode(message: Any, *, lenient: bool = False) -> bytes:
    """One frame holding `message`; TypeError if JSON cannot hold it. `lenient` writes
    such values as their str() instead (for error reports, which must always get out)."""
    if lenient:
        body = orjson.dumps(message, default=str, option=orjson.OPT_NON_STR_KEYS)
    else:
        body = orjson.dumps(message)
    if len(body) > MAX_FRAME_BYTES:
        raise ValueError(f"a message of {len(body)} bytes is too large for one frame")
    return LENGTH.pack(len(body)) + body


def write_frame(fd: int, frame: bytes) -> None:
    """Write a whole frame made by `encode` (raises BrokenPipeError if nobody reads)."""
    view = memoryview(frame)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(fd: int, deadline: float | None = None) -> Any:
    """Read one frame; EOFError when the pipe closes, FrameTimeout at `deadline`
    (a `time.monotonic()` value; None waits for ever)."""
    (length,) = LENGTH.unpack(_read_exactly(fd, LENGTH.size, deadline))
    return orjson.loads(_read_exactly(fd, length, deadline))


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytearray:
    data = bytearray(size)
    view = memoryview(data)
    reader = io.FileIO(fd, "rb", closefd=False)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    filled = 0
    while filled < size:
        if deadline is not None:
            timeout_ms = max(0, round((deadline - time.monotonic()) * 1000))
            if not poller.poll(timeout_ms):
                raise FrameTimeout
        count = reader.readinto(view[filled:])
        if not count:
            raise EOFError("the pipe closed")
        filled += count
    return data
