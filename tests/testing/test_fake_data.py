"""The lazy data: page arithmetic agrees with brute force, and everything is deterministic per seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from qonto_async.testing._data import (
    PERIOD,
    SETTLED_OFFSET,
    STATUS_OF,
    FakeData,
    Selection,
    format_time,
)


@settings(max_examples=200, deadline=None)
@given(
    residues=st.sets(st.integers(0, PERIOD - 1)),
    lo=st.integers(0, 300),
    span=st.integers(0, 300),
)
def test_selection_matches_brute_force(residues: set[int], lo: int, span: int) -> None:
    hi = lo + span
    expected = [i for i in range(lo, hi) if i % PERIOD in residues]
    selection = Selection(sorted(residues), lo, hi)
    assert selection.count == len(expected)
    assert [selection.nth(k) for k in range(selection.count)] == expected
    assert [selection.nth(k, ascending=True) for k in range(selection.count)] == expected[::-1]


def test_selection_on_a_huge_account_is_arithmetic() -> None:
    selection = Selection([0, 5], 0, 10**12)
    assert selection.count == 10**11
    assert selection.nth(10**11 - 1) == 10**12 - 15


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(0, 500),
    lo_minutes=st.one_of(st.none(), st.integers(-2_000_000, 10)),
    hi_minutes=st.one_of(st.none(), st.integers(-2_000_000, 10)),
)
def test_index_range_matches_brute_force(n: int, lo_minutes: int | None, hi_minutes: int | None) -> None:
    data = FakeData(seed=1, transactions_per_account=n, accounts=1)
    anchor = datetime(2026, 11, 24, 12, tzinfo=UTC)
    lo = None if lo_minutes is None else anchor + timedelta(minutes=lo_minutes, milliseconds=123)
    hi = None if hi_minutes is None else anchor + timedelta(minutes=hi_minutes)
    start, stop = data.index_range(SETTLED_OFFSET, lo, hi)

    def settled(i: int) -> datetime:
        return datetime.fromtimestamp(data.emitted_us(i) / 1e6, UTC) + timedelta(seconds=SETTLED_OFFSET)

    expected = [i for i in range(n) if (lo is None or settled(i) >= lo) and (hi is None or settled(i) <= hi)]
    assert list(range(start, stop)) == expected


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b, c = (FakeData(seed=s, transactions_per_account=50) for s in (7, 7, 8))
    assert a.organization() == b.organization()
    assert a.transaction(1, 42, frozenset({"labels", "attachments", "vat_details"})) == b.transaction(
        1, 42, frozenset({"labels", "attachments", "vat_details"})
    )
    assert a.organization() != c.organization()
    assert a.secret_key != c.secret_key
    assert a.transaction(0, 3)["id"] != c.transaction(0, 3)["id"]


def test_status_counts_follow_the_residues() -> None:
    data = FakeData(seed=0, transactions_per_account=1000)
    for status in ("pending", "declined", "completed"):
        residues = data.residues(statuses=[status], side=None, operation_types=None, with_attachments=None)
        selection = Selection(residues, 0, 1000)
        assert selection.count == sum(1 for i in range(1000) if STATUS_OF[i % PERIOD] == status)
        assert all(
            data.transaction(0, selection.nth(k))["status"] == status for k in range(0, selection.count, 37)
        )


def test_ids_round_trip_and_reject_strangers() -> None:
    data = FakeData(seed=3, transactions_per_account=100)
    assert data.parse_id(data.transaction_id(2, 99)) == (2, 99)
    assert data.parse_id(data.attachment_id(1, 5), kind="a000") == (1, 5)
    assert data.parse_id(data.transaction_id(2, 100)) is None  # past the end
    assert data.parse_id(data.transaction_id(3, 1)) is None  # no fourth account
    assert data.parse_id("not-an-id") is None
    assert data.parse_id(data.transaction_id(0, 1).replace(data.prefix, "ffffffff")) is None
    assert data.parse_id(data.transaction_id(0, 1)[:-1] + "g") is None


def test_transaction_shape_follows_qonto() -> None:
    data = FakeData(seed=0, transactions_per_account=40)
    pending = data.transaction(0, 3)
    assert pending["status"] == "pending"
    assert pending["settled_at"] is None
    completed = data.transaction(0, 0, frozenset({"attachments", "labels", "vat_details"}))
    assert completed["settled_at"] == format_time(datetime(2026, 11, 24, 12, 2, tzinfo=UTC))
    assert completed["amount_cents"] == round(completed["amount"] * 100)
    assert completed["attachments"][0]["id"] == completed["attachment_ids"][0]
    assert {label["id"] for label in completed["labels"]} == set(completed["label_ids"])
    assert set(completed["vat_details"]) == {"items"}
