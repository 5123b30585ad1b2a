"""Who did it, and from where: the context every audited change is written in.

The audit trail itself is django-auditlog's ``LogEntry`` (who, when, before → after for
each changed field). Interfaces open an :func:`audit_context` so that entries written by
the services inside carry the acting user, or for the command line the OS account.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from typing import Any

from auditlog.context import set_extra_data
from django.db.models.signals import pre_save


@contextlib.contextmanager
def audit_context(*, actor: Any = None, source: str) -> Iterator[None]:
    """Attach ``actor`` (a user, or None) and ``source`` ("cli", "web", "import:…") to entries."""
    # One context dict: auditlog keeps a single context, so nesting set_actor would lose it.
    extra: dict[str, Any] = {"additional_data": {"source": source}}
    if actor is None:
        extra["actor_email"] = f"{source}:{_os_user()}"
    else:
        extra["actor"] = actor
    with set_extra_data(extra):
        yield


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def audit_bulk_changes(
    *,
    model: type,
    changes: list[tuple[int, str, dict[str, list[Any]]]],
    source: str,
    actor: Any = None,
    action: int | None = None,
) -> None:
    """Write the audit entries of changes made in bulk (one UPDATE or bulk INSERT for many
    rows), which the model signals of django-auditlog do not see: one entry per (pk, repr,
    {field: [before, after]}); ``action`` is an update unless given (``LogEntry.Action``).
    An interface's :func:`audit_context` (or auditlog's request actor) fills in who and from
    where as it does for entries of saved objects; without one, ``actor`` or the OS account
    and ``source``."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if not changes:
        return
    content_type = ContentType.objects.get_for_model(model)
    who: dict[str, Any] = {"actor": actor} if actor is not None else {"actor_email": f"{source}:{_os_user()}"}
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk,
            object_repr=representation,
            action=LogEntry.Action.UPDATE if action is None else action,
            changes=fields,
            changes_text="",
            additional_data={"source": source},
            **who,
        )
        for pk, representation, fields in changes
    ]
    for entry in entries:
        # What LogEntry.save() would send: the audit context's receivers set actor and source.
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using="default", update_fields=None)
    LogEntry.objects.bulk_create(entries, batch_size=2000)
