"""Match bank lines to customers and open invoices: indexes built once per batch, then one
proposal per line.

Who paid, by precedence: the payer's account (a learned alias), a learned payer name, the
invoice, order or contract numbers or customer codes in the memo, the payer name against the customers'
names. What it pays: the invoices named, else the customer's open invoices the amount fits.
The confidence of a candidate is ``(1 − (1 − identity) × (1 − corroboration)) × certainty``:
identity from the evidence about who paid (independent pieces combined), corroboration
from how much the amount fit itself singles the customer out, certainty from how sure the
allocation is once the customer is known (a tie between n equal fits divides it by n).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal

from huikuan.cash.matching.amounts import Fit, fit_open_items, fit_referenced
from huikuan.cash.matching.evidence import (
    NAME_ONLY_FITS,
    WEIGHT_ACCOUNT,
    WEIGHT_CODE,
    WEIGHT_NAME_ALIAS,
    WEIGHT_REFERENCE,
    WEIGHT_SIMILAR_SETTLED,
    WEIGHT_WEAK_REFERENCE,
    Evidence,
    account_key,
    non_customer_word,
    strong_reference,
)
from huikuan.cash.matching.model import (
    AUTO,
    DEBIT,
    IGNORED,
    LEAVE_OPEN,
    REVIEW,
    UNMATCHED,
    ZERO,
    Aliases,
    BankLine,
    Candidate,
    CustomerRef,
    MatchSettings,
    OpenInvoice,
    OwnParty,
    Proposal,
    Reason,
    reason,
)
from huikuan.cash.matching.names import NameIndex, core, squeeze
from huikuan.cash.matching.partial import PartialLedger
from huikuan.cash.matching.periods import memo_periods
from huikuan.cash.matching.references import (
    CONTRACT,
    CUSTOMER,
    INVOICE,
    ORDER,
    digits_of,
    may_be_vat,
    memo_numbers,
    number_key,
    sequence_body,
    stated_invoice_count,
)
from huikuan.cash.matching.settle import (
    AmountIndex,
    number_settled_by_amount,
    number_settled_by_payer,
    settle_shared_name,
    settle_similar_name,
    similar_owners,
)
from huikuan.cash.matching.third_party import on_behalf_name
from huikuan.core.money import quantize_ratio

CONFIDENCE_PLACES = Decimal("0.01")
# A second candidate this close to the best one makes the line a review.
COMPETITOR_MARGIN = 0.05


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held back while the indexes are built (and, by the service, while
    a batch is matched and posted): they are a million small objects holding no cycles, and each
    of the collector's passes would walk them all again (about a tenth of the build). What
    garbage is left is collected once it is done; nested, the outermost turns it back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _body_index(invoices: Sequence[OpenInvoice], field: str) -> dict[str, list[int]]:
    """The positions of the invoices per body of their order or contract number (``field``)."""
    found: dict[str, list[int]] = defaultdict(list)
    keys: dict[str, str] = {}
    for position, invoice in enumerate(invoices):
        written = getattr(invoice, field)
        if written:
            key = keys.get(written)
            if key is None:
                key = keys[written] = number_key(written)[1]
            found[key].append(position)
    return found


def _named(
    evidence: dict[str, Evidence],
    customer_code: str,
    position: int,
    why: Reason,
    *,
    strong: bool,
    explicit: bool,
    keep: bool = False,
) -> None:
    """An invoice named in the memo: evidence for its customer, strong or weak. ``keep``: a
    strong reference already found for the invoice (its number, its order) stays."""
    target = evidence.setdefault(customer_code, Evidence())
    if not (keep and position in target.strong):
        (target.strong if strong else target.weak)[position] = why
    target.explicit |= strong and explicit
    target.behind_other_prefix |= not strong and explicit


class MatchIndex:
    """Customers, open invoices and aliases indexed once; ``match`` then answers per line."""

    def __init__(
        self,
        customers: Iterable[CustomerRef],
        invoices: Iterable[OpenInvoice],
        aliases: Aliases | None = None,
        settings: MatchSettings | None = None,
        ledger: PartialLedger | None = None,
        own: OwnParty | None = None,
        vat_invoices: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """``ledger``: instead of ``invoices``, the open ledger read as the lines need it.
        ``own``: the company's own accounts and names (a transfer between its accounts).
        ``vat_invoices``: VAT invoice numbers (发票号码, digits) → the numbers of the open
        invoices (receivables) each invoices; with ``ledger``, the ledger reads them."""
        with collector_paused():
            self.settings = settings or MatchSettings()
            self.vat_invoices: Mapping[str, Sequence[str]] = dict(vat_invoices or {})
            self.customers = {customer.code: customer for customer in customers}
            own = own or OwnParty()
            self.own_accounts = {account_key(a) for a in own.accounts if len(account_key(a)) >= 6}
            self.own_names = {core(n) for n in own.names if n.strip()} - {""}
            if self.own_names:  # a customer of the same name as the company is still a customer
                self.own_names -= {core(c.name) for c in self.customers.values()}
            self.names = NameIndex(self.customers.values(), fuzzy_cutoff=self.settings.fuzzy_name_cutoff)
            self.invoices: list[OpenInvoice] = list(invoices)
            self.by_customer: dict[str, list[int]] = defaultdict(list)
            by_customer = self.by_customer
            bodies = []
            for position, invoice in enumerate(self.invoices):
                by_customer[invoice.customer_code].append(position)
                bodies.append(number_key(invoice.number)[1])
            self.invoice_body: dict[str, int | list[int]] = dict(zip(bodies, range(len(bodies)), strict=True))
            if len(self.invoice_body) < len(bodies):  # one body behind two numbers (other prefixes)
                self.invoice_body = {}
                for position, body in enumerate(bodies):
                    known = self.invoice_body.get(body)
                    if known is None:
                        self.invoice_body[body] = position
                    else:
                        self.invoice_body[body] = [*(known if isinstance(known, list) else [known]), position]
            self.order_body = _body_index(self.invoices, "order_number")
            self.contract_body = _body_index(self.invoices, "contract_number")
            self.customer_key = {number_key(code): code for code in self.customers}
            self.customer_body: dict[str, list[str]] = defaultdict(list)
            for (_prefix, body), code in self.customer_key.items():
                self.customer_body[body].append(code)
            aliases = aliases or Aliases()
            self.alias_account = {account_key(k): v for k, v in aliases.by_account.items() if account_key(k)}
            self.alias_name = {squeeze(k): v for k, v in aliases.by_name.items() if squeeze(k)}
            # Accounts another line of the batch being matched shows to be a customer's (match_all).
            self.batch_accounts: dict[str, str] = {}
            self.amounts = AmountIndex(self.invoices)
            self._sequences: dict[str, str] = {}  # invoice number -> its running number, as asked
            if ledger is not None:
                ledger.attach(self)

    # ------------------------------------------------------------------ evidence
    def _memo_evidence(self, memo: str, evidence: dict[str, Evidence]) -> set[str]:
        """The memo's references as evidence; returns the bodies of the numbers that may be
        invoice numbers (for ``_sequence_evidence``)."""
        bodies: set[str] = set()
        for number in memo_numbers(memo):
            body = number.body
            if number.hint in (None, INVOICE):
                bodies.add(body)
            explicit = bool(number.prefix) or number.hint is not None
            if not explicit and len(number.digits) < 4:
                continue
            hits: list[tuple[str, int, Reason, bool, bool]] = []  # customer, invoice, why, strong, keep
            if may_be_vat(number):
                hits += self._vat_hits(number.digits)
            if number.hint in (None, INVOICE, CONTRACT):
                found = self.invoice_body.get(body)
                for position in [] if found is None else found if isinstance(found, list) else [found]:
                    invoice = self.invoices[position]
                    prefix = number_key(invoice.number)[0]
                    strong = strong_reference(number, prefix, INVOICE, invoice.number)
                    why = reason("reference_invoice", invoice=invoice.number)
                    hits.append((invoice.customer_code, position, why, strong, False))
            if number.hint in (None, ORDER, CONTRACT):
                # 合同号 before an order number: payers call the order their contract.
                as_order = replace(number, hint=ORDER) if number.hint == CONTRACT else number
                for position in self.order_body.get(body, ()):
                    invoice = self.invoices[position]
                    prefix = number_key(invoice.order_number)[0]
                    strong = strong_reference(as_order, prefix, ORDER, invoice.order_number)
                    why = reason("reference_order", order=invoice.order_number, invoice=invoice.number)
                    hits.append((invoice.customer_code, position, why, strong, False))
            if number.hint in (None, CONTRACT):
                for position in self.contract_body.get(body, ()):
                    invoice = self.invoices[position]
                    contract = invoice.contract_number
                    strong = strong_reference(number, number_key(contract)[0], CONTRACT, contract)
                    why = reason("reference_contract", contract=contract, invoice=invoice.number)
                    hits.append((invoice.customer_code, position, why, strong, True))
            if number.prefix and number.digits.startswith("0"):
                # Written after another prefix and padded with zeros to another width (HT2024-0088
                # for INV-0000088): another series' number, a contract's or an order's of the
                # payer's own, not ours.
                hits = [hit for hit in hits if hit[3] or self._same_width(number.digits, hit[1])]
            if number.prefix and any(hit[3] for hit in hits):
                # Written with its prefix (SO-0012172) and a number of that kind has it: the same
                # digits behind another prefix (another customer's INV-0012172) are not named.
                hits = [hit for hit in hits if hit[3]]
            for code, position, why, strong, keep in hits:
                _named(evidence, code, position, why, strong=strong, explicit=explicit, keep=keep)
            if number.prefix and (number.prefix, body) in self.customer_key:
                evidence.setdefault(self.customer_key[(number.prefix, body)], Evidence()).code_in_memo = True
            elif number.hint == CUSTOMER:
                for code in self.customer_body.get(body, ()):
                    evidence.setdefault(code, Evidence()).code_in_memo = True
        return bodies

    def _same_width(self, digits: str, position: int) -> bool:
        """Whether the memo's ``digits`` are as many as those of the invoice's number, order
        number or contract number (whichever it was found by)."""
        invoice = self.invoices[position]
        widths = {
            len(digits_of(n)) for n in (invoice.number, invoice.order_number, invoice.contract_number) if n
        }
        return len(digits) in widths

    def _vat_hits(self, digits: str) -> list[tuple[str, int, Reason, bool, bool]]:
        """The open invoices that the VAT invoice ``digits`` invoices: named as surely as by
        their own numbers (a VAT invoice number is the tax office's, unique)."""
        hits = []
        for number in self.vat_invoices.get(digits, ()):
            found = self.invoice_body.get(number_key(number)[1])
            for position in [] if found is None else found if isinstance(found, list) else [found]:
                invoice = self.invoices[position]
                if invoice.number == number:
                    why = reason("reference_vat_invoice", vat=digits, invoice=invoice.number)
                    hits.append((invoice.customer_code, position, why, True, False))
        return hits

    def _sequence_evidence(self, bodies: set[str], evidence: dict[str, Evidence]) -> None:
        """Invoices numbered within their year (``INV-2026-0153``) that the memo names by their
        running number alone (``153``, ``INV 0153``, ``0153/2026``), among the open invoices of
        the customers the line already points at: weak references, which count as a number
        written without all its digits does (the payer known otherwise, or the amount bearing
        them out)."""
        sequences = self._sequences
        for code, ev in list(evidence.items()):
            for position in self.by_customer.get(code, ()):
                number = self.invoices[position].number
                running = sequences.get(number)
                if running is None:
                    running = sequences[number] = sequence_body(number)
                if running in bodies and position not in ev.strong and position not in ev.weak:
                    ev.weak[position] = reason("reference_invoice", invoice=number)

    def _evidence(self, line: BankLine, sequences: bool = True) -> dict[str, Evidence]:
        """What ``line`` says about each customer it may be from. ``sequences``: also read the
        memo's running numbers against those customers' invoices (which adds no customer)."""
        evidence: dict[str, Evidence] = {}
        key = account_key(line.payer_account) if line.payer_account else ""
        by_account = self.alias_account.get(key) if key else None
        seen = by_account is None and key in self.batch_accounts
        if seen:
            by_account = self.batch_accounts[key]
        if by_account in self.customers:
            found = evidence.setdefault(by_account, Evidence())
            found.account, found.account_seen = True, seen
        by_name = self.alias_name.get(squeeze(line.payer_name)) if line.payer_name else None
        if by_name in self.customers:
            evidence.setdefault(by_name, Evidence()).name_alias = True
        for hit in self.names.lookup(line.payer_name):
            evidence.setdefault(hit.customer_code, Evidence()).name = hit
        if line.memo:
            bodies = self._memo_evidence(line.memo, evidence)
            if evidence and bodies and sequences:
                self._sequence_evidence(bodies, evidence)
        if line.payer_name and line.amount % 10 != 0 and not any(ev.firm(False) for ev in evidence.values()):
            # Only a name that resembles: the few customers with an open invoice of this very
            # amount are compared with it too (see settle.settle_similar_name).
            owners = [self.customers[c] for c in self.amounts.owners_of(line.amount) if c in self.customers]
            for hit in similar_owners(line.payer_name, owners, self.names.fuzzy_cutoff):
                if hit.customer_code not in evidence:
                    evidence[hit.customer_code] = Evidence(name=hit)
        return evidence

    def _paid_for(self, line: BankLine) -> tuple[BankLine, str]:
        """The line as the customer the memo says it pays for would have paid it (代…付, 受…委托,
        on behalf of …), and that customer's name; the line as it is when the memo names no
        customer, or names one the payer's own name is."""
        name = on_behalf_name(line.memo)
        if not name:
            return line, ""
        named = {hit.customer_code for hit in self.names.lookup(name) if hit.kind != "fuzzy"}
        if not named:
            return line, ""
        payer_hits = self.names.lookup(line.payer_name)
        payer = {hit.customer_code for hit in payer_hits if hit.weight == payer_hits[0].weight}
        if named & payer:
            return line, ""
        # The payer is a third party: neither its name nor its account says whose money it is.
        return replace(line, payer_name=name, payer_account=""), name

    def customers_considered(self, line: BankLine) -> set[str]:
        """The customers whose open invoices matching ``line`` looks at (a caller reading the
        ledger as the lines need it reads theirs beforehand, see ``partial``)."""
        if line.direction == DEBIT:
            return set()
        # (Running numbers only add evidence to customers found otherwise: not read here, so that
        # a caller reading the ledger beforehand does not read each customer's invoices alone.)
        return set(self._evidence(self._paid_for(line)[0], sequences=False))

    # ------------------------------------------------------------------ candidates
    def _identity(
        self, line: BankLine, code: str, evidence: Evidence, fit_uses_weak: bool
    ) -> tuple[float, list[Reason]]:
        doubt, reasons = 1.0, []
        if evidence.account:
            doubt *= 1 - WEIGHT_ACCOUNT
            code = "account_seen" if evidence.account_seen else "account_alias"
            reasons.append(reason(code, account=line.payer_account))
        if evidence.name_alias:
            doubt *= 1 - WEIGHT_NAME_ALIAS
            reasons.append(reason("name_alias", name=line.payer_name))
        hit = evidence.name
        if hit is not None and evidence.settled_similar:
            doubt *= 1 - max(hit.weight, WEIGHT_SIMILAR_SETTLED)
            code = "name_similar_sum" if evidence.settled_by_sum else "name_similar_amount"
            reasons.append(reason(code, name=line.payer_name, form=hit.kind, score=hit.score))
        elif hit is not None:
            # A name several customers share says one of them paid; a number of this one's in
            # the memo says which.
            doubt *= 1 - hit.weight / (1 if evidence.strong else hit.shared_by)
            if hit.kind == "fuzzy":
                reasons.append(reason("name_fuzzy", name=line.payer_name, score=hit.score))
            elif hit.kind == "typo":
                reasons.append(reason("name_typo", name=line.payer_name))
            elif hit.shared_by > 1:
                reasons.append(reason("name_shared", name=line.payer_name, count=hit.shared_by))
            elif evidence.settled_by_amount:
                reasons.append(
                    reason("name_shared_amount", name=line.payer_name, count=evidence.settled_by_amount)
                )
            else:
                reasons.append(reason("name_exact", name=line.payer_name, form=hit.kind))
        if evidence.strong:
            doubt *= 1 - WEIGHT_REFERENCE
            reasons.extend(list(evidence.strong.values())[:5])
        if fit_uses_weak and evidence.weak:
            # Such a number says as much as one written surely when the payer's name bears it out.
            doubt *= 1 - (WEIGHT_REFERENCE if _bears_out(evidence) else WEIGHT_WEAK_REFERENCE)
            reasons.extend(list(evidence.weak.values())[:5])
        if evidence.code_in_memo:
            doubt *= 1 - WEIGHT_CODE
            reasons.append(reason("customer_code", code=code))
        return 1 - doubt, reasons

    def _fits(self, line: BankLine, code: str, evidence: Evidence) -> tuple[list[Fit], bool]:
        """The amount's fits for this customer, and whether they rest on weak references."""
        invoices = [self.invoices[p] for p in self.by_customer.get(code, ())]
        same_currency = [i for i in invoices if i.currency == line.currency]
        if invoices and not same_currency:
            return [
                Fit(
                    "currency",
                    (),
                    line.amount,
                    ZERO,
                    0.45,
                    0.0,
                    reasons=(reason("currency_mismatch", currency=line.currency),),
                )
            ], False
        # Numbers written without prefix are references too when the payer is known otherwise
        # (its account, name or other references): a customer's own invoice number in the memo
        # is no coincidence. Otherwise they count only when the amount bears them out.
        known = evidence.firm(weak_used=False) or evidence.name is not None
        attempts = [({**evidence.strong, **evidence.weak}, True)] if known and evidence.weak else []
        attempts += [(evidence.strong, False), ({**evidence.strong, **evidence.weak}, True)]
        for number, (positions, weak) in enumerate(attempts):
            if weak and not evidence.weak:
                continue
            referenced = [
                self.invoices[p] for p in sorted(positions) if self.invoices[p].currency == line.currency
            ]
            if referenced:
                stated = stated_invoice_count(line.memo)
                fit = fit_referenced(line.amount, referenced, self.settings, same_currency, stated)
                if (known and number == 0) or not weak or fit.exact_or_tolerance:
                    return [fit], weak
        return fit_open_items(line.amount, same_currency, self.settings, memo_periods(line.memo)), False

    def _candidates(
        self, line: BankLine, evidence: dict[str, Evidence], third_party: bool = False
    ) -> list[tuple[Candidate, bool]]:
        """Ranked candidates, each with whether it may be applied without a person.
        ``third_party``: the memo says the money is paid for the customer by someone else."""
        scored: list[tuple[float, bool, Candidate]] = []
        fitted = []
        for code, ev in evidence.items():
            fits, weak_used = self._fits(line, code, ev)
            if not (ev.account or ev.name_alias or ev.name or ev.strong or ev.code_in_memo or weak_used):
                continue  # only weak references that the amount does not bear out
            fitted.append((code, ev, fits, weak_used))
        sharers = self._sharers_open(line, fitted)
        settle_shared_name(line.amount, fitted, self.amounts.counts, sharers, self.settings.tolerance_for)
        if fitted and all(item[1].name is not None for item in fitted):
            text = f"{line.payer_name} {line.memo}"
            settle_similar_name(line.amount, text, fitted, self.amounts.counts)
        drafts = []
        for code, ev, fits, weak_used in fitted:
            identity, who = self._identity(line, code, ev, weak_used)
            if third_party:
                # The name compared is the one the memo pays for, not the payer's.
                who = [replace(r, code=ON_BEHALF_NAME.get(r.code, r.code)) for r in who]
            drafts.append((code, ev, fits, identity, who, ev.level(weak_used), weak_used))
        top_level = max((draft[5] for draft in drafts), default=0)
        for code, ev, fits, identity, who, level, weak_used in drafts:
            penalty = 1.0
            conflict: list[Reason] = []
            if level < top_level:
                penalty = 0.6
                leader = next(d[0] for d in drafts if d[5] == top_level)
                conflict = [reason("identity_conflict", other=leader)]
            for fit in fits:
                raw = (1 - (1 - identity) * (1 - fit.corroboration)) * fit.certainty * penalty
                firm = ev.firm(weak_used) and fit.ties == 1
                if firm and ev.named_only(weak_used):
                    firm = fit.kind in NAME_ONLY_FITS
                if firm and (third_party or ev.bare_reference_only()) and not fit.exact_or_tolerance:
                    firm = False  # only the amount paying the invoices exactly bears such a line out
                if (
                    firm
                    and weak_used
                    and not ev.firm(False)
                    and not _bears_out(ev)
                    and not fit.exact_or_tolerance
                ):
                    # A number without its prefix alone: a part or over-payment on it is a
                    # person's decision. With a payer name like the customer's it is not (see
                    # ``_bears_out``).
                    firm = False
                scored.append((raw, firm, self._candidate(code, raw, fit, who + conflict)))
        scored.sort(key=lambda item: (-item[0], item[2].customer_code))
        return [(candidate, firm) for _raw, firm, candidate in scored]

    def _sharers_open(self, line: BankLine, fitted: list) -> dict[str, list[Decimal]]:
        """The open invoices' amounts (in the line's currency) of each customer a shared name
        fits (see ``settle.settle_shared_name``)."""
        amounts: dict[str, list[Decimal]] = {}
        for code, ev, _fits, _weak in fitted:
            if ev.name is not None and ev.name.shared_by > 1:
                amounts[code] = [
                    self.invoices[p].open_amount
                    for p in self.by_customer.get(code, ())
                    if self.invoices[p].currency == line.currency
                ]
        return amounts

    def _candidate(self, code: str, raw: float, fit: Fit, who: list[Reason]) -> Candidate:
        reasons = [*who, *fit.reasons]
        treatment = ""
        if fit.difference > 0:
            treatment = self.settings.difference_treatment
            if treatment == LEAVE_OPEN:
                reasons.append(reason("difference_leave_open", difference=fit.difference))
            else:
                reasons.append(
                    reason(
                        "difference_write_off",
                        difference=fit.difference,
                        reason=self.settings.write_off_reason,
                    )
                )
        confidence = quantize_ratio(Decimal(repr(round(raw, 6))), CONFIDENCE_PLACES)
        return Candidate(
            code, confidence, fit.allocations, fit.on_account, fit.difference, treatment, tuple(reasons)
        )

    # ------------------------------------------------------------------ the answer
    def match(self, line: BankLine) -> Proposal:
        """The proposal for one bank line."""
        if line.direction == DEBIT:
            return Proposal(line.bank_ref, IGNORED, reasons=(reason("debit_line"),))
        own = self._own_transfer(line)
        if own is not None:
            return Proposal(line.bank_ref, IGNORED, reasons=(own,))
        line, paid_for = self._paid_for(line)
        evidence = self._evidence(line)
        firm = any(
            ev.account
            or ev.explicit
            or ev.name_alias
            or ev.code_in_memo
            or (ev.name is not None and ev.name.kind != "fuzzy")
            for ev in evidence.values()
        )
        if not firm:
            word = non_customer_word(f"{line.payer_name} {line.memo}")
            if word is not None:
                return Proposal(line.bank_ref, IGNORED, reasons=(reason("non_customer", keyword=word),))
        ranked = self._candidates(line, evidence, bool(paid_for))[: self.settings.max_candidates]
        candidates = [candidate for candidate, _firm in ranked]
        settings = self.settings
        if not candidates or candidates[0].confidence < settings.review_threshold:
            why = (reason("on_behalf", name=paid_for),) if paid_for else ()
            return Proposal(
                line.bank_ref, UNMATCHED, candidates=tuple(candidates), reasons=(*why, reason("no_customer"))
            )
        best = candidates[0]
        status = AUTO if best.confidence >= settings.auto_threshold else REVIEW
        reasons = best.reasons
        if status == AUTO and not ranked[0][1]:
            status = REVIEW
            bare = evidence.get(best.customer_code, Evidence()).bare_reference_only()
            code = (
                "reference_unconfirmed" if bare else "on_behalf_amount" if paid_for else "identity_not_firm"
            )
            reasons = (*reasons, reason(code))
        tie = any(r.code == "amount_tie" for r in best.reasons)
        if len(candidates) > 1 and candidates[1].confidence >= best.confidence - Decimal(
            str(COMPETITOR_MARGIN)
        ):
            second = candidates[1]
            if (
                status == AUTO
                and not number_settled_by_payer(
                    evidence.get(best.customer_code), evidence.get(second.customer_code)
                )
                and not number_settled_by_amount(
                    line.amount,
                    best,
                    second,
                    evidence.get(second.customer_code),
                    _named_surely(evidence.get(best.customer_code), best),
                )
            ):
                status = REVIEW
                reasons = (*reasons, reason("close_competitor", other=candidates[1].customer_code))
        if tie:
            status = REVIEW
        # The account, a learned name or the payer's exact name says someone else paid: the
        # evidence is split (a learned account outranks a name).
        leader = evidence.get(best.customer_code, Evidence())
        identified = {
            code
            for code, ev in evidence.items()
            if ev.account
            or (not leader.account and (ev.name_alias or (ev.name is not None and ev.name.strong)))
        }
        # Unless only another customer's name says so, the amount fits nothing of that one's
        # well, and what is applied is the invoices or orders the memo names of this one's:
        # one company paying for another (a group's). Paying them in part or overpaying them,
        # only when the amount cannot be a part of that one's own invoices either.
        exact = _pays_named_to_the_cent(best)
        if (
            identified
            and leader.strong
            and _applies_what_the_memo_names(best)
            and not any(evidence[code].account for code in identified)
            and not any(
                _fits_well(c) or (not exact and _parts_of(c))
                for c in candidates
                if c.customer_code in identified
            )
        ):
            identified = set()
        if status == AUTO and identified and identified != {best.customer_code}:
            status = REVIEW
            other = sorted(identified - {best.customer_code}) or sorted(identified)
            reasons = (*reasons, reason("identity_conflict", other=other[0]))
        if status == AUTO and leader.named_only(False):
            # Only a name says who paid, and the memo says interest, a tax refund, a claim …:
            # a bank, the tax office or an insurer that is also a customer is not paying it.
            word = non_customer_word(line.memo)
            if word is not None:
                status = REVIEW
                reasons = (*reasons, reason("non_customer_memo", keyword=word))
        if paid_for:
            reasons = (reason("on_behalf", name=paid_for), *reasons)
        return Proposal(
            line.bank_ref,
            status,
            best.customer_code,
            best.confidence,
            best.allocations,
            best.on_account,
            best.difference,
            best.difference_treatment,
            tuple(candidates),
            reasons,
        )

    def _own_transfer(self, line: BankLine) -> Reason | None:
        """Money from one of the company's own accounts, or paid in the company's own name: a
        transfer between its accounts (资金归集, 同名划转), not a customer receipt."""
        account = account_key(line.payer_account)
        if account and account in self.own_accounts:
            return reason("own_account", account=line.payer_account.strip())
        if self.own_names and line.payer_name.strip() and core(line.payer_name) in self.own_names:
            return reason("own_name", name=line.payer_name.strip())
        return None

    def match_all(self, lines: Sequence[BankLine]) -> list[Proposal]:
        """The proposals for a batch of lines (a statement, a run of ``cash match``).

        An account is known for the whole batch once a line of it from that account is applied
        automatically with the payer named by the customer's own name (exactly, or by a name
        learned) and no line of the batch from it is applied to anyone else: the batch's other
        lines from that account are matched again knowing it (reason ``account_seen``), and
        take the new answer when it is applied automatically. Nothing is learned for later
        runs (a person's decision teaches an alias).

        The collector is held back for the batch, as for the build: the indexes built on first
        use (amounts, name n-grams) are as many small objects."""
        with collector_paused():
            return self._match_batch(lines)

    def _match_batch(self, lines: Sequence[BankLine]) -> list[Proposal]:
        proposals = [self.match(line) for line in lines]
        self.batch_accounts = accounts_shown(lines, proposals, self.alias_account)
        if not self.batch_accounts:
            return proposals
        try:
            for position, (line, proposal) in enumerate(zip(lines, proposals, strict=True)):
                if proposal.status in (AUTO, IGNORED) or not line.payer_account:
                    continue
                if account_key(line.payer_account) not in self.batch_accounts:
                    continue
                again = self.match(line)
                if again.status == AUTO:
                    proposals[position] = again
        finally:
            self.batch_accounts = {}
        return proposals


# The reasons that name the payer by the customer's own name (not shared, not only similar).
OWN_NAME_CODES = frozenset({"name_exact", "name_alias"})


def _named_surely(evidence: Evidence | None, candidate) -> bool:
    """Whether every invoice the candidate pays is named in the memo surely (with its prefix,
    after 发票/订单, or with all its digits)."""
    if evidence is None or not evidence.strong or not candidate.allocations:
        return False
    named = {dict(why.params).get("invoice") for why in evidence.strong.values()}
    return all(allocation.invoice_number in named for allocation in candidate.allocations)


def accounts_shown(
    lines: Sequence[BankLine], proposals: Sequence[Proposal], learned: Mapping[str, str]
) -> dict[str, str]:
    """Account key → customer code, for the accounts (not learned already) from which a line
    of the batch is applied automatically to a customer named by its own name in the payer
    field, and no line to another customer. A line paid on someone's behalf teaches nothing
    (the account is the payer's, not the customer's)."""
    shown: dict[str, set[str]] = defaultdict(set)
    applied: dict[str, set[str]] = defaultdict(set)
    for line, proposal in zip(lines, proposals, strict=True):
        if proposal.status != AUTO or not line.payer_account or proposal.customer_code is None:
            continue
        key = account_key(line.payer_account)
        if not key or key in learned:
            continue
        applied[key].add(proposal.customer_code)
        codes = {r.code for r in proposal.reasons}
        if codes & OWN_NAME_CODES and "on_behalf" not in codes:
            shown[key].add(proposal.customer_code)
    return {key: next(iter(codes)) for key, codes in shown.items() if len(applied[key]) == 1}


# The reasons that say a receipt's amount fits a customer's open invoices (exactly, within the
# tolerance, or one of them and a round sum more).
AMOUNT_FIT_CODES = frozenset(
    {
        "amount_all_open",
        "amount_combination",
        "amount_contract",
        "amount_equals_invoice",
        "amount_exact_reference",
        "amount_invoice_plus_round",
        "amount_oldest",
        "amount_order",
        "amount_short_of_one",
        "amount_within_tolerance",
    }
)


def _pays_named_to_the_cent(candidate: Candidate) -> bool:
    """The memo's invoices (or the one invoice of the order it names) paid to the cent."""
    codes = {r.code for r in candidate.reasons}
    if candidate.difference or candidate.on_account:
        return False
    return "amount_exact_reference" in codes or {"reference_order", "amount_equals_invoice"} <= codes


def _parts_of(candidate: Candidate) -> bool:
    """The amount could be a part payment of the candidate's open invoices (it is less than
    what is open)."""
    return any(
        r.code in ("amount_no_fit", "partial_payment", "partial_payment_several") for r in candidate.reasons
    )


def _bears_out(evidence: Evidence) -> bool:
    """A payer name like the customer's bears out a number of its written bare (without prefix
    or zeros): a stranger's number meets an invoice of a customer its name resembles about once
    in a million. Not a number written behind another prefix (the year of the payer's contract
    HT2024-0088 is in many memos, and meets invoice 2024 of a customer so named far oftener)."""
    return evidence.name is not None and not evidence.behind_other_prefix


def _applies_what_the_memo_names(candidate: Candidate) -> bool:
    """The candidate's allocations are to invoices the memo names (or of orders it names)."""
    return any(r.code in ("reference_invoice", "reference_order") for r in candidate.reasons)


def _fits_well(candidate: Candidate) -> bool:
    """The amount fits the candidate's open invoices in some way other than a combination
    within the tolerance (which a customer with many invoices offers near any sum)."""
    codes = {r.code for r in candidate.reasons}
    if {"amount_combination", "amount_within_tolerance"} <= codes:
        return False
    return bool(codes & AMOUNT_FIT_CODES)


# The reasons about the payer name, said of the name a memo pays for (代…付, on behalf of …).
ON_BEHALF_NAME = {
    "name_alias": "memo_name_alias",
    "name_exact": "memo_name_exact",
    "name_fuzzy": "memo_name_fuzzy",
    "name_typo": "memo_name_typo",
    "name_shared": "memo_name_shared",
    "name_shared_amount": "memo_name_shared_amount",
    "name_similar_amount": "memo_name_similar_amount",
    "name_similar_sum": "memo_name_similar_sum",
}


def match_lines(
    lines: Sequence[BankLine],
    customers: Iterable[CustomerRef],
    invoices: Iterable[OpenInvoice],
    aliases: Aliases | None = None,
    settings: MatchSettings | None = None,
) -> list[Proposal]:
    """Proposals for ``lines`` against the open ledger (the indexes are built once)."""
    return MatchIndex(customers, invoices, aliases, settings).match_all(lines)
