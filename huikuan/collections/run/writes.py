"""The dunning run's writes: the claims (inserted conditionally, so re-runs and parallel
runs never take a step twice), the actions, the legal step's hold penalties, and, after
commit, the holds themselves through credit."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from huikuan.collections.models import DunningAction, DunningClaim, Penalty, PenaltyKind
from huikuan.collections.run.plan import ACTION_COLUMNS
from huikuan.collections.run.sql import day_for_db
from huikuan.credit.services import customers_hold_place
from huikuan.ledger.bulk import bulk_insert_rows
from huikuan.ledger.models import CustomerStatus

# Stored in English on the penalty and the hold (gettext_noop marks it); pages translate it.
HOLD_REASON = gettext_noop("legal step of the dunning ladder")


def claims_insert(claims: list[tuple]) -> int:
    """Insert the claims (rows ready for the database) that do not exist yet; how many were."""
    if not claims:
        return 0
    table = connection.ops.quote_name(DunningClaim._meta.db_table)
    columns = "invoice_id, step_code, sequence, customer_id, run_date, token"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE dunning_claim_new ON COMMIT DROP AS "
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            with cursor.copy(f"COPY dunning_claim_new ({columns}) FROM STDIN") as copy:
                for claim in claims:
                    copy.write_row(claim)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM dunning_claim_new "
                f"ON CONFLICT (invoice_id, step_code) DO NOTHING"
            )
            inserted = cursor.rowcount
            cursor.execute("DROP TABLE dunning_claim_new")
            return inserted
        before = connection.connection.total_changes
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (invoice_id, step_code) DO NOTHING",
            claims,
        )
        return connection.connection.total_changes - before


def claims_ours(token: int) -> set[tuple[str, str]]:
    """(invoice number, step code) of the claims a run (by its token) took."""
    return set(DunningClaim.objects.filter(token=token).values_list("invoice__number", "step_code"))


def actions_insert(rows: list[tuple], token: int) -> None:
    """The run's actions (rows from ``actions_plan``), open, marked with the run's token."""
    bulk_insert_rows(
        DunningAction, ACTION_COLUMNS, rows, prepared=True, constants=("open", "", "", "", token)
    )


def holds_record(customer_ids: list[int], run_date: date, token: int) -> None:
    """The legal step suspends credit sales (SPEC §5.3): a penalty on the step's action, in the
    run's transaction. The hold itself is placed after commit by :func:`holds_place`."""
    actions: dict[int, int] = {}
    # The penalty points at the letter where there is one (the formal demand), else any action.
    for customer_id, action_id, channel in (
        DunningAction.objects.filter(token=token, credit_hold=True)
        .order_by("customer_id", "id")
        .values_list("customer_id", "id", "channel")
    ):
        if customer_id not in actions or channel == "letter":
            actions[customer_id] = action_id
    bulk_insert_rows(
        Penalty,
        [
            "customer",
            "action",
            "kind",
            "decided_on",
            "decided_by",
            "reason",
            "proposed_class",
            "carried_out",
            "created_at",
        ],
        [(customer_id, actions.get(customer_id)) for customer_id in sorted(set(customer_ids))],
        prepared=True,
        constants=(
            PenaltyKind.CREDIT_HOLD.value,
            day_for_db(run_date),
            "dunning",
            HOLD_REASON,
            "",
            False,
            connection.ops.adapt_datetimefield_value(timezone.now()),
        ),
    )


def holds_place() -> int:
    """Carry out the credit holds the runs decided (legal-step penalties not yet carried out)
    through credit's ``customers_hold_place`` (source "dunning", idempotent per source) for every
    customer not closed; one already on hold or in legal keeps its status. How many placed."""
    placed = 0
    pending: dict[date, list[tuple[int, int | None]]] = defaultdict(list)
    for penalty_id, customer_id, decided_on, status in (
        Penalty.objects.filter(kind=PenaltyKind.CREDIT_HOLD, decided_by="dunning", carried_out=False)
        .order_by("customer_id", "id")
        .values_list("id", "customer_id", "decided_on", "customer__status")
    ):
        # Every customer not closed gets the hold record; customers_hold_place changes the
        # status of active ones only (one already on hold or in legal keeps its status).
        pending[decided_on].append((penalty_id, customer_id if status != CustomerStatus.CLOSED else None))
    for decided_on, penalties in sorted(pending.items()):
        with transaction.atomic():
            placed += customers_hold_place(
                customer_ids=[customer_id for _, customer_id in penalties if customer_id is not None],
                reason=HOLD_REASON,
                source="dunning",
                on=decided_on,
            )
            ids = [penalty_id for penalty_id, _ in penalties]
            for start in range(0, len(ids), 900):
                Penalty.objects.filter(pk__in=ids[start : start + 900]).update(carried_out=True)
    return placed
