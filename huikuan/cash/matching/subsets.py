"""Which of a customer's open invoices sum to an amount: exact sums over integer cents, found
meet-in-the-middle among a bounded pool, and how likely such a sum is a coincidence."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from decimal import Decimal
from math import comb

from huikuan.cash.matching.model import MatchSettings

CENTS = Decimal(100)


def cents_of(amount: Decimal) -> int:
    return int(amount * CENTS)


def _sums(items: Sequence[int]) -> list[int]:
    sums = [0]
    for value in items:
        sums += [total + value for total in sums]
    return sums


def _masks(count: int, offset: int) -> list[int]:
    """The subset masks in the order ``_sums`` lists the subsets' sums."""
    masks = [0]
    for i in range(count):
        bit = 1 << (offset + i)
        masks += [mask | bit for mask in masks]
    return masks


def subset_solutions(
    amounts: Sequence[int], low: int, high: int, max_size: int, limit: int = 2
) -> list[tuple[int, ...]]:
    """Index tuples of subsets (2 to ``max_size`` items) whose sum lies in ``[low, high]``:
    those with the sum closest to ``low``, at most ``limit`` of them (meet in the middle)."""
    half = len(amounts) // 2
    left_sums, right_sums = _sums(amounts[:half]), _sums(amounts[half:])
    found: list[tuple[int, int]] = []
    if low == high:
        right_at: dict[int, list[int]] = {}
        hits = set(right_sums).intersection([low - total for total in left_sums])
        if not hits:  # the common case: no subset sums to the amount (masks not needed)
            return []
        left_masks, right_masks = _masks(half, 0), _masks(len(amounts) - half, half)
        for total, mask in zip(right_sums, right_masks, strict=True):
            if total in hits:
                right_at.setdefault(total, []).append(mask)
        for total, mask in zip(left_sums, left_masks, strict=True):
            for other in right_at.get(low - total, ()):
                if 2 <= (mask | other).bit_count() <= max_size:
                    found.append((0, mask | other))
    else:
        left_masks, right_masks = _masks(half, 0), _masks(len(amounts) - half, half)
        order = sorted(range(len(right_sums)), key=right_sums.__getitem__)
        ordered = [right_sums[i] for i in order]
        for total, mask in zip(left_sums, left_masks, strict=True):
            start = bisect_left(ordered, low - total)
            stop = bisect_right(ordered, high - total)
            for position in range(start, min(stop, start + 64)):
                combined = mask | right_masks[order[position]]
                if 2 <= combined.bit_count() <= max_size:
                    found.append((total + ordered[position] - low, combined))
    if not found:
        return []
    found.sort()
    best_gap = found[0][0]
    chosen = [mask for gap, mask in found if gap == best_gap][:limit]
    return [tuple(i for i in range(len(amounts)) if mask >> i & 1) for mask in chosen]


def small_subsets(
    amounts: Sequence[int], target: int, max_size: int = 4, limit: int = 2
) -> list[tuple[int, ...]]:
    """Index tuples of subsets of 2 to ``max_size`` (at most 4) items that sum exactly to
    ``target``, at most ``limit`` of them: pairs' sums in a table, each pair, single or other
    pair looked up against it (quadratic, so a larger pool than meet in the middle allows)."""
    if max_size < 2:
        return []
    pairs: dict[int, list[tuple[int, int]]] = {}
    count = len(amounts)
    for i in range(count):
        for j in range(i + 1, count):
            pairs.setdefault(amounts[i] + amounts[j], []).append((i, j))
    found: set[tuple[int, ...]] = set()

    def add(members: tuple[int, ...]) -> bool:
        if len(set(members)) == len(members):
            found.add(tuple(sorted(members)))
        return len(found) >= limit

    for pair in pairs.get(target, ()):
        if add(pair):
            return sorted(found)
    if max_size >= 3:
        for k, value in enumerate(amounts):
            for pair in pairs.get(target - value, ()):
                if k not in pair and add((*pair, k)):
                    return sorted(found)
    if max_size >= 4:
        for total, group in pairs.items():
            for other in pairs.get(target - total, ()):
                for pair in group:
                    if not set(pair) & set(other) and add((*pair, *other)):
                        return sorted(found)
    return sorted(found)


def small_sums_near(
    amounts: Sequence[int], target: int, width: int, max_size: int = 4, size: int | None = None
) -> float:
    """About how many subsets of 2 to ``max_size`` (at most 4) items, or of ``size`` items
    only, sum to within ``width`` cents of ``target``: from the pairs' sums alone (a triple is
    a single and a pair in three ways, a quadruple two pairs in six), so quadratic where
    ``sums_near`` is not."""
    count = len(amounts)
    pairs = sorted(amounts[i] + amounts[j] for i in range(count) for j in range(i + 1, count))
    low, high = target - width, target + width
    sizes = range(2, max_size + 1) if size is None else (size,)

    def within(shift: int) -> int:
        return bisect_right(pairs, high - shift) - bisect_left(pairs, low - shift)

    near = float(within(0)) if 2 in sizes else 0.0
    if 3 in sizes:
        near += sum(within(value) for value in amounts) / 3
    if 4 in sizes:
        near += sum(within(total) for total in pairs) / 6
    return near


def _combinations_considered(pool_size: int, max_size: int) -> int:
    return sum(comb(pool_size, size) for size in range(2, min(pool_size, max_size) + 1))


def _sums_by_size(items: Sequence[int], max_size: int) -> list[list[int]]:
    """The subsets' sums, grouped by how many items they hold (up to ``max_size``)."""
    groups: list[list[int]] = [[0]] + [[] for _ in range(max_size)]
    for value in items:
        for size in range(max_size - 1, -1, -1):
            if groups[size]:
                groups[size + 1].extend(total + value for total in groups[size])
    return groups


def sums_near(amounts: Sequence[int], target: int, width: int, max_size: int, size: int | None = None) -> int:
    """How many subsets of ``amounts`` (2 to ``max_size`` items: the ones a combination is
    searched among; or of ``size`` items only) sum to within ``width`` cents of ``target``;
    meet in the middle, the left half's sums against the right half's, sorted, size by size."""
    half = len(amounts) // 2
    left = _sums_by_size(amounts[:half], max_size)
    right = [sorted(group) for group in _sums_by_size(amounts[half:], max_size)]
    low, high = target - width, target + width
    count = 0
    for taken, group in enumerate(left):
        others = range(max(0, 2 - taken), max_size - taken + 1) if size is None else (size - taken,)
        for other in others:
            if not 0 <= other < len(right):
                continue
            sums = right[other]
            if sums:
                count += sum(bisect_right(sums, high - t) - bisect_left(sums, low - t) for t in group)
    return count


def _certainty(chance: float) -> float:
    return 0.95 if chance <= 0.002 else 0.92 if chance <= 0.03 else 0.85 if chance <= 0.1 else 0.7


def combination_certainty(amount: Decimal, pool_size: int, eligible: int, settings: MatchSettings) -> float:
    """How sure a combination is from the number of subsets tried alone: the more were tried
    against a small amount, the likelier one sums to it by chance (round amounts collide far
    more often); a pool that left eligible invoices out cannot prove it unique."""
    tried = _combinations_considered(pool_size, settings.combination_max_invoices)
    cents = max(cents_of(amount), 1)
    certainty = _certainty(tried / cents * (100 if cents % 10_000 == 0 else 1))
    return certainty if eligible <= pool_size else min(certainty, 0.85)


def exact_combination_chance(
    amount: Decimal,
    pool: Sequence[int],
    settings: MatchSettings,
    max_size: int | None = None,
    size: int | None = None,
) -> float:
    """The chance that some subset of the pool sums to this amount by coincidence, estimated
    from how many of its subsets' sums actually lie near the amount (within 2%, at least 100.00
    either side) per cent of that range: the customer's own invoices say how crowded sums are
    there, which counting the subsets tried against the amount alone overstates for large
    amounts and understates for crowded ones. A round amount is a hundred times likelier to be
    hit (round invoices add up to round sums).

    ``size``: the number of invoices of the combination found. Only sums of as many invoices
    compete with it: a receipt for anything else that met a sum of two of them by chance would
    have been found as two too, and pairs are far fewer than fours."""
    target = cents_of(amount)
    width = max(target // 50, 10_000)
    if size is not None and size > (max_size or settings.combination_max_invoices):
        size = None  # found among more invoices than counted here: all sizes compete
    if max_size is None:  # the pool, every size the setting allows
        near = float(sums_near(pool, target, width, settings.combination_max_invoices, size))
    else:  # a wider pool, combinations of up to ``max_size`` (at most 4) invoices
        near = small_sums_near(pool, target, width, max_size, size)
    return near / (2 * width + 1) * (100 if target % 10_000 == 0 else 1)


def certainty_of_chance(chance: float, pool_size: int, eligible: int) -> float:
    """How sure a unique exact combination is, from ``exact_combination_chance``; a pool that
    left eligible invoices out cannot prove the combination unique."""
    certainty = _certainty(chance)
    return certainty if eligible <= pool_size else min(certainty, 0.85)
