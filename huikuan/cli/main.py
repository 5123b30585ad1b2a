"""The ``huikuan`` console script: Django's command line with Huikuan's settings.

``huikuan migrate``, ``huikuan import invoices FILE``, ``huikuan aging --as-of …`` and every
other command are Django management commands; exit status 0 on success, non-zero with a
message on stderr otherwise.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["huikuan", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
