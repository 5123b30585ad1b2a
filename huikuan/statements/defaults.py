# ruff: noqa: E501 - letter texts are data, one paragraph a line
"""The default texts of statements and confirmations, seeded once (``statement_templates_install``);
afterwards they are document templates an admin edits like the dunning letters.

Context: ``customer``, ``statement`` (reference, period_start, period_end, currency,
opening_balance, invoiced, received, credited, written_off, closing_balance), ``lines``
(entry_date, kind_label, reference, description, due_date, amount, balance), ``as_of`` (the
date it was made) and ``letterhead``; the emails also ``answer_url`` and ``link_expires``.
"""

from __future__ import annotations

ZH, EN = "zh-hans", "en"

_ZH_LINES = """<table class="items">
<thead><tr><th>日期</th><th>类型</th><th>单据号</th><th>摘要</th><th class="num">金额</th><th class="num">余额</th></tr></thead>
<tbody><tr><td>{{ statement.period_start|date:"Y-m-d" }}</td><td colspan="4">期初余额</td><td class="num">{{ statement.opening_balance|money }}</td></tr>{% for line in lines %}
<tr><td>{{ line.entry_date|date:"Y-m-d" }}</td><td>{{ line.kind_label }}</td><td>{{ line.reference }}</td><td>{{ line.description }}</td><td class="num">{{ line.amount|money }}</td><td class="num">{{ line.balance|money }}</td></tr>{% endfor %}
</tbody>
<tfoot><tr><td>{{ statement.period_end|date:"Y-m-d" }}</td><td colspan="4">期末余额（{{ statement.currency }}）</td><td class="num">{{ statement.closing_balance|money }}</td></tr></tfoot>
</table>"""

_EN_LINES = """<table class="items">
<thead><tr><th>Date</th><th>Type</th><th>Reference</th><th>Description</th><th class="num">Amount</th><th class="num">Balance</th></tr></thead>
<tbody><tr><td>{{ statement.period_start|date:"Y-m-d" }}</td><td colspan="4">Opening balance</td><td class="num">{{ statement.opening_balance|money }}</td></tr>{% for line in lines %}
<tr><td>{{ line.entry_date|date:"Y-m-d" }}</td><td>{{ line.kind_label }}</td><td>{{ line.reference }}</td><td>{{ line.description }}</td><td class="num">{{ line.amount|money }}</td><td class="num">{{ line.balance|money }}</td></tr>{% endfor %}
</tbody>
<tfoot><tr><td>{{ statement.period_end|date:"Y-m-d" }}</td><td colspan="4">Closing balance ({{ statement.currency }})</td><td class="num">{{ statement.closing_balance|money }}</td></tr></tfoot>
</table>"""

_ZH_OPEN = """<table class="items">
<thead><tr><th>单据号</th><th>日期</th><th>到期日</th><th>类型</th><th class="num">未结金额</th></tr></thead>
<tbody>{% for line in lines %}
<tr><td>{{ line.reference }}</td><td>{{ line.entry_date|date:"Y-m-d" }}</td><td>{{ line.due_date|date:"Y-m-d" }}</td><td>{{ line.kind_label }}</td><td class="num">{{ line.amount|money }}</td></tr>{% endfor %}
</tbody>
<tfoot><tr><td colspan="4">余额（{{ statement.currency }}）</td><td class="num">{{ statement.closing_balance|money }}</td></tr></tfoot>
</table>"""

_EN_OPEN = """<table class="items">
<thead><tr><th>Reference</th><th>Date</th><th>Due</th><th>Type</th><th class="num">Open</th></tr></thead>
<tbody>{% for line in lines %}
<tr><td>{{ line.reference }}</td><td>{{ line.entry_date|date:"Y-m-d" }}</td><td>{{ line.due_date|date:"Y-m-d" }}</td><td>{{ line.kind_label }}</td><td class="num">{{ line.amount|money }}</td></tr>{% endfor %}
</tbody>
<tfoot><tr><td colspan="4">Balance ({{ statement.currency }})</td><td class="num">{{ statement.closing_balance|money }}</td></tr></tfoot>
</table>"""

_ZH_SIGN = """<p class="signature">{{ letterhead.company_name_zh }}<br>{{ letterhead.signature }}<br>{{ as_of|date:"Y年n月j日" }}</p>"""
_EN_SIGN = """<p class="signature">{{ letterhead.company_name_en|default:letterhead.company_name_zh }}<br>{{ letterhead.signature }}<br>{{ as_of|date:"j F Y" }}</p>"""

LETTERS: dict[str, dict[str, tuple[str, str, str]]] = {
    "account_statement": {
        ZH: (
            "对账单（期间）",
            '对账单 {{ statement.reference }}：{{ customer.name }}（{{ statement.period_start|date:"Y-m-d" }} 至 {{ statement.period_end|date:"Y-m-d" }}）',
            f"""<h1>对账单</h1>
<p class="to">客户：{{{{ customer.name }}}}（{{{{ customer.code }}}}）<br>对账期间：{{{{ statement.period_start|date:"Y年n月j日" }}}} 至 {{{{ statement.period_end|date:"Y年n月j日" }}}}<br>编号：{{{{ statement.reference }}}}</p>
<p>本期间贵司与我司的往来明细如下（币种：{{{{ statement.currency }}}}）：</p>
{_ZH_LINES}
<p>本期开票 {{{{ statement.invoiced|money }}}}，收款 {{{{ statement.received|money }}}}，红字/贷项 {{{{ statement.credited|money }}}}{{% if statement.written_off %}}，核销 {{{{ statement.written_off|money }}}}{{% endif %}}。</p>
<p>请贵司核对。如相符，请点击邮件中的链接确认；如不符，请在同一页面逐行注明贵司记录的金额及说明。</p>
{_ZH_SIGN}""",
        ),
        EN: (
            "Statement of account (period)",
            'Statement {{ statement.reference }}: {{ customer.name }} ({{ statement.period_start|date:"Y-m-d" }} to {{ statement.period_end|date:"Y-m-d" }})',
            f"""<h1>Statement of Account</h1>
<p class="to">Customer: {{{{ customer.name }}}} ({{{{ customer.code }}}})<br>Period: {{{{ statement.period_start|date:"j F Y" }}}} to {{{{ statement.period_end|date:"j F Y" }}}}<br>Reference: {{{{ statement.reference }}}}</p>
<p>The entries on your account in this period (currency: {{{{ statement.currency }}}}):</p>
{_EN_LINES}
<p>Invoiced {{{{ statement.invoiced|money }}}}, received {{{{ statement.received|money }}}}, credit notes {{{{ statement.credited|money }}}}{{% if statement.written_off %}}, written off {{{{ statement.written_off|money }}}}{{% endif %}}.</p>
<p>Please check this statement. If it agrees with your records, confirm it through the link in our email; if not, state your amount and a comment for each line that differs on the same page.</p>
{_EN_SIGN}""",
        ),
    },
    "balance_confirmation": {
        ZH: (
            "往来款项询证函",
            '询证函 {{ statement.reference }}：{{ customer.name }}（截至{{ statement.period_end|date:"Y年n月j日" }}）',
            f"""<h1>往来款项询证函</h1>
<p class="to">致：{{{{ customer.name }}}}（{{{{ customer.code }}}}）<br>编号：{{{{ statement.reference }}}}</p>
<p>为核对双方往来账目，根据我司账簿记录，截至{{{{ statement.period_end|date:"Y年n月j日" }}}}，贵司尚欠我司款项余额为 <strong>{{{{ statement.currency }}}} {{{{ statement.closing_balance|money }}}}</strong>，明细如下：</p>
{_ZH_OPEN}
<p>本函仅为核对账目之用，并非催款结算。若上述数据相符，请通过邮件中的链接确认；若不符，请在同一页面注明贵司记录的余额及不符事项。</p>
{_ZH_SIGN}""",
        ),
        EN: (
            "Balance confirmation",
            'Balance confirmation {{ statement.reference }}: {{ customer.name }} (as of {{ statement.period_end|date:"j F Y" }})',
            f"""<h1>Balance Confirmation</h1>
<p class="to">To: {{{{ customer.name }}}} ({{{{ customer.code }}}})<br>Reference: {{{{ statement.reference }}}}</p>
<p>For the reconciliation of our accounts: according to our books, the balance you owed us on {{{{ statement.period_end|date:"j F Y" }}}} was <strong>{{{{ statement.currency }}}} {{{{ statement.closing_balance|money }}}}</strong>, made up as follows:</p>
{_EN_OPEN}
<p>This letter is for confirmation only and is not a request for payment. If the balance agrees with your records, please confirm it through the link in our email; if not, state the balance in your records and the differences on the same page.</p>
{_EN_SIGN}""",
        ),
    },
}

EMAILS: dict[str, dict[str, tuple[str, str, str]]] = {
    "account_statement_email": {
        ZH: (
            "对账单邮件",
            '对账单 {{ statement.reference }}（{{ statement.period_start|date:"Y-m-d" }} 至 {{ statement.period_end|date:"Y-m-d" }}）',
            """尊敬的{{ customer.name }}：

附件是贵司{{ statement.period_start|date:"Y年n月j日" }}至{{ statement.period_end|date:"Y年n月j日" }}的对账单（编号 {{ statement.reference }}）。
期初余额 {{ statement.currency }} {{ statement.opening_balance|money }}，期末余额 {{ statement.currency }} {{ statement.closing_balance|money }}。

请通过以下链接确认对账结果，或逐行注明不符之处（无需登录，链接{{ link_expires|date:"Y年n月j日" }}前有效，仅可提交一次）：
{{ answer_url }}

{{ letterhead.company_name_zh }}
{{ letterhead.signature }}
""",
        ),
        EN: (
            "Statement email",
            'Statement of account {{ statement.reference }} ({{ statement.period_start|date:"Y-m-d" }} to {{ statement.period_end|date:"Y-m-d" }})',
            """Dear {{ customer.name }},

Attached is your statement of account for {{ statement.period_start|date:"j F Y" }} to {{ statement.period_end|date:"j F Y" }} (reference {{ statement.reference }}).
Opening balance {{ statement.currency }} {{ statement.opening_balance|money }}, closing balance {{ statement.currency }} {{ statement.closing_balance|money }}.

Please confirm it, or tell us line by line where your records differ, at this link (no sign-in needed; valid until {{ link_expires|date:"j F Y" }}, one answer only):
{{ answer_url }}

{{ letterhead.company_name_en|default:letterhead.company_name_zh }}
{{ letterhead.signature }}
""",
        ),
    },
    "balance_confirmation_email": {
        ZH: (
            "询证函邮件",
            '询证函 {{ statement.reference }}（截至{{ statement.period_end|date:"Y年n月j日" }}）',
            """尊敬的{{ customer.name }}：

附件是我司截至{{ statement.period_end|date:"Y年n月j日" }}的往来款项询证函（编号 {{ statement.reference }}），余额 {{ statement.currency }} {{ statement.closing_balance|money }}。

请通过以下链接确认余额，或填写贵司记录的余额（无需登录，链接{{ link_expires|date:"Y年n月j日" }}前有效，仅可提交一次）：
{{ answer_url }}

{{ letterhead.company_name_zh }}
{{ letterhead.signature }}
""",
        ),
        EN: (
            "Balance confirmation email",
            'Balance confirmation {{ statement.reference }} (as of {{ statement.period_end|date:"j F Y" }})',
            """Dear {{ customer.name }},

Attached is our balance confirmation as of {{ statement.period_end|date:"j F Y" }} (reference {{ statement.reference }}): balance {{ statement.currency }} {{ statement.closing_balance|money }}.

Please confirm the balance, or give the balance in your records, at this link (no sign-in needed; valid until {{ link_expires|date:"j F Y" }}, one answer only):
{{ answer_url }}

{{ letterhead.company_name_en|default:letterhead.company_name_zh }}
{{ letterhead.signature }}
""",
        ),
    },
}


def default_templates() -> list[dict]:
    """Every default text as the fields of a ``DocumentTemplate``."""
    return [
        {"code": code, "language": language, "kind": kind, "name": name, "subject": subject, "body": body}
        for kind, table in (("letter", LETTERS), ("email", EMAILS))
        for code, languages in table.items()
        for language, (name, subject, body) in languages.items()
    ]
