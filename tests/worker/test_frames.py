"""Frames: a JSON message and raw attachments over a pipe, whole or not at all."""

from __future__ import annotations

import os
import threading
import time

import pytest

from jsrt.worker import frames


def through_a_pipe(frame: bytes) -> object:
    """Write `frame` from a thread (a big one fills the pipe) and read it back."""
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=frames.write_frame, args=(write_end, frame))
    writer.start()
    try:
        return frames.read_frame(read_end, time.monotonic() + 30)
    finally:
        writer.join()
        os.close(read_end)
        os.close(write_end)


def test_a_message_without_attachments_arrives_as_it_was() -> None:
    message = {"target": "m:f", "payload": {"text": 'é\n"', "n": [1, 2.5, None]}}
    assert through_a_pipe(frames.encode(message)) == message


def test_attachments_arrive_raw_in_order_whatever_their_size() -> None:
    big = b'{"q": "\\"quoted\\""}' * 300_000  # ~6 MB, many times a pipe's buffer
    received = through_a_pipe(frames.encode({"kind": "page"}, attachments=[big, b"", b"\x00"]))
    assert received == {"kind": "page", frames.ATTACHMENTS: [big, b"", b"\x00"]}


def test_a_frame_cut_short_is_end_of_file_and_a_silent_one_times_out() -> None:
    frame = frames.encode({"a": 1}, attachments=[b"0123456789"])
    read_end, write_end = os.pipe()
    os.write(write_end, frame[:-3])
    with pytest.raises(frames.FrameTimeout):
        frames.read_frame(read_end, time.monotonic() + 0.2)
    os.close(write_end)
    with pytest.raises(EOFError):
        frames.read_frame(read_end, time.monotonic() + 5)
    os.close(read_end)


def test_a_message_json_cannot_hold_is_a_type_error_unless_lenient() -> None:
    with pytest.raises(TypeError):
        frames.encode({"s": {1, 2}})
    lenient = frames.encode({"s": {1}}, lenient=True)
    assert through_a_pipe(lenient) == {"s": "{1}"}
