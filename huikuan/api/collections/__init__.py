"""Collections endpoints (SPEC §6), one module a family: the collector's worklist
(:mod:`.worklist`), a customer's collections records (:mod:`.records`), the dunning policies
(:mod:`.ladder`) and the daily run (:mod:`.runs`); their serializers in :mod:`.serializers`.
Thin: scope through the ``access_*`` selectors of ``huikuan.collections.selectors``, one
collections service or selector per request, writes inside ``audit_context``. Amounts are
strings; a customer or task out of the user's scope is 404.
"""
