"""Collections pages (SPEC §6), one module a page family: the collector's worklist
(:mod:`.worklist`), a customer's collections timeline (:mod:`.timeline`), the dunning
ladder's editor (:mod:`.ladder`), the daily runs (:mod:`.runs`) and collections reporting
(:mod:`.reports`).

Every customer and task is fetched through the user's scope (the ``access_*`` selectors of
``huikuan.collections.selectors``): one out of it is 404. Writes call one collections
service inside ``audit_context``.
"""
