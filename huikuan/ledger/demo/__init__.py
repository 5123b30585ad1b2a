"""Demo data (issue 2): a believable receivables ledger for an empty database.

The seller is an industrial-automation supplier with regional divisions; its customers
range from Global 500 groups to small workshops, and each one pays after a habit taken
from the overdue types of seed 002 (SPEC §6.3). :func:`demo_files` writes the canonical
import files of SPEC §3; :func:`demo_load` imports them through the same pipeline as
``huikuan import`` and then records a few write-offs and term extensions through the
ledger's services.

The files are streamed with the csv module from one ``random.Random(seed)``: the same
seed and arguments give byte-identical files, and a million invoices take seconds.
Amounts are integers of cents until they are written as text.
"""

from huikuan.ledger.demo.company import DEFAULT_INVOICES, HEADERS, IMPORT_ORDER
from huikuan.ledger.demo.files import demo_files, demo_profiles
from huikuan.ledger.demo.load import demo_load

__all__ = ["DEFAULT_INVOICES", "HEADERS", "IMPORT_ORDER", "demo_files", "demo_load", "demo_profiles"]
