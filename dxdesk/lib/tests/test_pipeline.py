from __future__ import annotations

import gc
import threading

import pytest
from django.db import transaction

from dxdesk.lib.pipeline import garbage_collection_paused, write_behind


class Broken(Exception):
    pass


def test_batches_are_written_in_order_on_another_thread() -> None:
    written: list[tuple[int, int]] = []

    def write(batch: int) -> None:
        written.append((batch, threading.get_ident()))

    with write_behind(write) as submit:
        for batch in range(50):
            submit(batch)
    assert [batch for batch, _thread in written] == list(range(50))
    assert {thread for _batch, thread in written} == {written[0][1]}
    assert written[0][1] != threading.get_ident()


def test_the_first_error_reaches_the_caller_and_later_batches_are_not_written() -> None:
    written: list[int] = []

    def write(batch: int) -> None:
        if batch == 3:
            raise Broken(f"batch {batch}")
        written.append(batch)

    with pytest.raises(Broken, match="batch 3"), write_behind(write) as submit:
        for batch in range(20):
            submit(batch)
    assert written == [0, 1, 2]


def test_an_error_of_the_caller_stops_the_writer_and_is_raised_as_it_was() -> None:
    written: list[int] = []
    with pytest.raises(Broken, match="caller"), write_behind(written.append) as submit:
        submit(1)
        raise Broken("caller")
    assert written == [1]


@pytest.mark.django_db
def test_inside_a_transaction_it_writes_in_the_callers_thread() -> None:
    threads: list[int] = []
    with (
        transaction.atomic(),
        write_behind(lambda _batch: threads.append(threading.get_ident())) as submit,
    ):
        submit(1)
        submit(2)
    assert threads == [threading.get_ident()] * 2


def test_collection_comes_back_when_the_last_overlapping_pause_ends() -> None:
    assert gc.isenabled()
    with garbage_collection_paused():
        assert not gc.isenabled()
        with garbage_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pause_leaves_collection_off_if_it_was_off() -> None:
    gc.disable()
    try:
        with garbage_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
