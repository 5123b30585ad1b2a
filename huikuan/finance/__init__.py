"""Finance control: KPIs, bad-debt provision, write-off proposals, clearance plans."""
