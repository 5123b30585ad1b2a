"""Who did it, and from where: the context every audited change is written in.

The audit trail itself is django-auditlog's ``LogEntry`` (who, when, before → after for
each changed field). Interfaces open an :func:`audit_context` so that entries written by
the services inside carry the acting user, or for the command line the OS account.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator, Sequence
from typing import Any

from auditlog.context import set_extra_data
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.db.models.signals import pre_save
from django.utils.functional import Promise


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


def log_entries_insert(entries: Sequence[Any]) -> None:
    """Write unsaved ``LogEntry`` objects as ``LogEntry.objects.bulk_create`` would (each
    field's database value, as the field prepares it) in one ``executemany``: for thousands of
    entries Django's SQL compiler costs more than the values themselves."""
    from auditlog.models import LogEntry
    from django.db import connections, router

    if not entries:
        return
    connection = connections[router.db_for_write(LogEntry)]
    fields = [field for field in LogEntry._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [
        tuple(field.get_db_prep_save(field.pre_save(entry, True), connection) for field in fields)
        for entry in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(LogEntry._meta.db_table)} ({columns}) VALUES ({marks})", rows)


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
    log_entries_insert(entries)


def audit_saved_in_bulk(records: Sequence[tuple[Model | None, Model, Sequence[str] | None]]) -> None:
    """Write the audit entries that django-auditlog's signals would have written had each
    record been saved on its own: ``records`` are (before, after, update_fields), before
    None for a record created. The same changes (auditlog's own diff), representation, actor
    and context (the interface's :func:`audit_context`, sent through ``pre_save`` as
    ``LogEntry.save()`` would), in one bulk insert; nothing for a record without a change or
    a model that is not registered, and nothing while auditlog is disabled."""
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_disabled
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.utils.encoding import smart_str

    if auditlog_disabled.get():
        return
    as_json = settings.AUDITLOG_STORE_JSON_CHANGES
    cid = get_cid()
    entries = []
    for before, after, fields in records:
        if not auditlog.contains(type(after)):
            continue
        if before is None:
            # Just created: nothing points at it yet (as when it was saved on its own), and
            # asking the database about a reverse one-to-one would cost a query per record.
            for relation in after._meta.related_objects:
                if relation.one_to_one and not relation.is_cached(after):
                    relation.set_cached_value(after, None)
        if before is None and not as_json:
            changes = _created_changes(after)
        else:
            changes = model_instance_diff(before, after, fields_to_check=fields, use_json_for_changes=as_json)
        if not changes:
            continue
        pk = after.pk
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(after),
            object_pk=pk,
            object_id=pk if isinstance(pk, int) else None,
            object_repr=smart_str(after),
            serialized_data=LogEntry.objects._get_serialized_data_or_none(after),
            action=LogEntry.Action.CREATE if before is None else LogEntry.Action.UPDATE,
            changes=changes,
            cid=cid,
        )
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using="default", update_fields=None)
        entries.append(entry)
    log_entries_insert(entries)


def own_field(field: Any) -> bool:
    """Whether ``field`` is a record's own (a column, or a many-to-many of its own), not a
    relation another model declares (its invoices' allocations, its VAT links)."""
    return not (field.auto_created and not field.concrete)


def audit_relations_untracked() -> None:
    """Leave the relations other models declare out of every audited model's changes.

    django-auditlog diffs a record created or deleted over all its fields, the reverse
    relations included, and writes each as the text of its related manager
    (``allocations: None → ledger.Allocation.None``); only a record's own fields are its
    changes. Called once the models are loaded (``CoreConfig.ready``)."""
    from auditlog.registry import auditlog

    for model in auditlog.get_models():
        excluded = auditlog._registry[model]["exclude_fields"]
        for field in model._meta.get_fields():
            if not own_field(field) and field.name not in excluded:
                excluded.append(field.name)


def _shown(value: Any) -> str:
    """A value as the audit trail stored it, for people: nothing for "None", yes or no for a
    flag (in the active language)."""
    from django.utils.translation import gettext

    text = "" if value is None else str(value)
    return {"None": "", "True": gettext("yes"), "False": gettext("no")}.get(text, text)


def own_changes(entry: Any) -> list[tuple[str, tuple[str, str]]]:
    """An audit entry's changes to the record's own fields, each (field, (before, after)) as
    people read them (entries written before ``audit_relations_untracked`` may list reverse
    relations too); a field that went from nothing to nothing is left out."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    names = None if model is None else {f.name for f in model._meta.get_fields() if own_field(f)}
    shown = []
    for name, values in (entry.changes_dict or {}).items():
        before, after = values if isinstance(values, list | tuple) and len(values) == 2 else ("", values)
        change = (_shown(before), _shown(after))
        if (names is None or name in names) and change != ("", ""):
            shown.append((name, change))
    return shown


def field_label(entry: Any, name: str) -> str | None:
    """What people call a field an audit entry changed: its model field's verbose name, in the
    active language (``disputed`` → 有争议); ``None`` for a field without one of its own (Django
    would only spell its code name out in English) or no longer there."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    label = getattr(field, "verbose_name", None)
    # A name given in the model is marked for translation (lazy); Django's own is a plain str.
    return str(label) if isinstance(label, Promise) else None


# Per model: the fields django-auditlog tracks on a creation (its own choice of fields).
_TRACKED: dict[type, list] = {}


def _created_changes(record: Model) -> dict[str, tuple[str, str]] | None:
    """What ``auditlog.diff.model_instance_diff(None, record)`` gives, computed faster for many
    records of one model: before a creation every field's value is "None", so only the
    record's own values are read (by auditlog's ``get_field_value``); the tracked fields are
    found once per model. A model with masked fields goes through auditlog's own diff."""
    from auditlog.diff import get_field_value, get_fields_in_model, model_instance_diff
    from auditlog.registry import auditlog
    from django.utils.encoding import smart_str

    model = type(record)
    tracked = _TRACKED.get(model)
    if tracked is None:
        options = auditlog.get_model_fields(model)
        if options["mask_fields"]:
            return model_instance_diff(None, record)
        tracked = [
            field
            for field in get_fields_in_model(record)
            if own_field(field)
            and (not options["include_fields"] or field.name in options["include_fields"])
            and field.name not in options["exclude_fields"]
        ]
        _TRACKED[model] = tracked
    changes = {}
    for field in tracked:
        value = get_field_value(record, field)
        if value != "None":
            changes[field.name] = ("None", smart_str(value))
    return changes or None
