"""The default customer_terms chain: an extension of a customer's terms beyond its class's."""

from django.db import migrations


def install_chains(apps, schema_editor):
    from huikuan.approvals.services import approval_chains_install

    approval_chains_install(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("credit", "0004_order_prices"), ("ledger", "0010_customer_term_grant")]

    operations = [migrations.RunPython(install_chains, migrations.RunPython.noop)]
