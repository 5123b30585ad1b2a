"""A memo saying the payer pays for someone else: 代上海华东机械有限公司付货款, 代付：…,
受…委托, on behalf of …. The name written there, if it is a customer's, says whose money it is;
the payer's own name then says nothing (the payer is a third party). A memo written in
Traditional characters (代深圳市華強電子有限公司支付貨款, 受…委託) is read as the names are."""

from __future__ import annotations

import re

from huikuan.cash.matching.names import simplified

# 代 + the name + what is paid; not 代理 (agency, part of names), 代发/代收/代扣/代缴/代办 (a
# bank's services), 代表, 代码, 时代/年代 (words in names).
_DAI = re.compile(
    r"(?<![时年世现古当近历])代(?![理发收扣缴办表码销购])(?:付|支付|还|缴)?\s*[:：]?\s*(?P<name>[^\s,，。;；、:：]{2,})"
)
_ENTRUSTED = re.compile(r"受\s*(?P<name>[^\s,，。;；、:：]{2,}?)\s*委托")
_BEHALF = re.compile(
    r"(?:ON\s+BEHALF\s+OF|O/B/O|OBO|FOR\s+(?:THE\s+)?ACCOUNT\s+OF|F/A/O|(?:PAYMENT|PMT)\s+FOR)"
    r"\s*[:：]?\s*(?P<name>[^,;:]+(?:,\s*LTD\.?|,\s*INC\.?)?)",
    re.IGNORECASE,
)
# A Latin name ends where the invoice or order it pays is named (… DISTRIBUTORS INV 186).
_LATIN_TAIL = re.compile(r"(?:^|\s+)(?:(?:INV|INVOICES?|PO|ORDER|REF|RE|NO)\b|[#/]|\d).*$", re.IGNORECASE)
# What follows the name: paying, for what, which month.
_TAIL = re.compile(
    r"(?:(?:支付|付款|付|还款|偿还|归还|转账|汇款|结算|委托)"
    r"(?:[0-9０-９一二三四五六七八九十]+月份?)?"
    r"(?:的)?(?:货款|款项|欠款|费用|服务费|运费|租金|账款|尾款|预付款|款|费)?"
    r"|(?:[0-9０-９一二三四五六七八九十]+月份?)?(?:的)?(?:货款|款项|欠款|账款|尾款|预付款))$"
)


def on_behalf_name(memo: str) -> str:
    """The name of whom the memo says the payer pays for, or ''."""
    if not memo:
        return ""
    read = simplified(memo)  # as long as the memo: the name is cut from the memo as written
    for pattern in (_ENTRUSTED, _DAI, _BEHALF):
        found = pattern.search(read)
        if found:
            written = found.group("name")
            start = found.start("name") + len(written) - len(written.lstrip())
            name = written.strip()
            if pattern is _BEHALF:
                name = _LATIN_TAIL.sub("", name).strip()
            previous = None
            while name and name != previous:
                previous, name = name, _TAIL.sub("", name).strip()
            if len(name) >= 2:  # what was left of the name, from where it starts
                return memo[start : start + len(name)]
    return ""
