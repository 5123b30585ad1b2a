# ruff: noqa: E501 - letter texts are data, one paragraph a line
"""The default texts, seeded once by a data migration; afterwards they are data an admin edits.

Context (see ``documents.document_render``): ``customer`` (code, name, address, email,
phone), ``invoices`` (number, invoice_date, due_date, amount, open_amount, currency,
days_overdue), ``total_open``, ``currency``, ``as_of``, ``step``, ``deadline``,
``consequences``, ``letterhead`` and, from the letter step on, ``late_interest`` (total,
currency, annual_rate or daily_rate, invoices). Filters: ``money`` (1,234.56) and the built-ins.
"""

from __future__ import annotations

ZH, EN = "zh-hans", "en"

_ZH_ITEMS = """{% for invoice in invoices %}  - 单据号 {{ invoice.number }}，开票日期 {{ invoice.invoice_date|date:"Y-m-d" }}，到期日 {{ invoice.due_date|date:"Y-m-d" }}，未付金额 {{ invoice.currency }} {{ invoice.open_amount|money }}{% if invoice.days_overdue > 0 %}，已逾期 {{ invoice.days_overdue }} 天{% endif %}
{% endfor %}  合计未付：{{ currency }} {{ total_open|money }}"""

_EN_ITEMS = """{% for invoice in invoices %}  - Invoice {{ invoice.number }}, dated {{ invoice.invoice_date|date:"Y-m-d" }}, due {{ invoice.due_date|date:"Y-m-d" }}, open {{ invoice.currency }} {{ invoice.open_amount|money }}{% if invoice.days_overdue > 0 %}, {{ invoice.days_overdue }} days overdue{% endif %}
{% endfor %}  Total open: {{ currency }} {{ total_open|money }}"""

_ZH_BANK = """{% if letterhead.bank_account %}
收款账户：{{ letterhead.company_name_zh }}
开户银行：{{ letterhead.bank_name }}
账　　号：{{ letterhead.bank_account }}
{% endif %}"""

_EN_BANK = """{% if letterhead.bank_account %}
Account name: {{ letterhead.company_name_en|default:letterhead.company_name_zh }}
Bank: {{ letterhead.bank_name }}
Account number: {{ letterhead.bank_account }}
{% endif %}"""

_ZH_SIGN = """
此致
敬礼

{{ letterhead.company_name_zh }}
{{ letterhead.signature }}{% if letterhead.phone %}
电话：{{ letterhead.phone }}{% endif %}{% if letterhead.email %}
邮箱：{{ letterhead.email }}{% endif %}
{{ as_of|date:"Y年n月j日" }}"""

_EN_SIGN = """
Yours faithfully,

{{ letterhead.company_name_en|default:letterhead.company_name_zh }}
{{ letterhead.signature }}{% if letterhead.phone %}
Phone: {{ letterhead.phone }}{% endif %}{% if letterhead.email %}
Email: {{ letterhead.email }}{% endif %}
{{ as_of|date:"j F Y" }}"""


def _zh_email(opening: str, closing: str) -> str:
    return f"""尊敬的{{{{ customer.name }}}}：

{opening}

{_ZH_ITEMS}

{closing}{_ZH_BANK}
如贵司已安排付款，请忽略本邮件，并将付款凭证回复我司以便核对。
{_ZH_SIGN}
"""


def _en_email(opening: str, closing: str) -> str:
    return f"""Dear {{{{ customer.name }}}},

{opening}

{_EN_ITEMS}

{closing}{_EN_BANK}
If you have already arranged payment, please disregard this message and send us the remittance advice so that we can match it.
{_EN_SIGN}
"""


_DEADLINE_ZH = '{% if deadline %}请于{{ deadline|date:"Y年n月j日" }}前付清上述款项。{% endif %}'
_DEADLINE_EN = '{% if deadline %}Please settle the amounts above by {{ deadline|date:"j F Y" }}.{% endif %}'

EMAILS: dict[str, dict[str, tuple[str, str, str]]] = {
    # code: {language: (name, subject, body)}
    "email_pre_due": {
        ZH: (
            "到期前提醒",
            "【付款提醒】{{ customer.name }}：以下款项即将到期",
            _zh_email(
                '感谢贵司一直以来的支持与合作。截至{{ as_of|date:"Y年n月j日" }}，贵司以下款项即将到期：',
                "烦请贵司按合同约定，于到期日前安排付款。",
            ),
        ),
        EN: (
            "Reminder before the due date",
            "Payment reminder: invoices falling due for {{ customer.name }}",
            _en_email(
                'Thank you for your continued business. As of {{ as_of|date:"j F Y" }}, the following '
                "invoices will soon fall due:",
                "We would be grateful if you could arrange payment by the due dates.",
            ),
        ),
    },
    "email_due": {
        ZH: (
            "到期付款通知",
            "【到期付款通知】{{ customer.name }}：以下款项今日到期",
            _zh_email(
                '截至{{ as_of|date:"Y年n月j日" }}，贵司以下款项已到付款期限：',
                "请贵司于今日安排付款。",
            ),
        ),
        EN: (
            "Payment due notice",
            "Payment due today: {{ customer.name }}",
            _en_email(
                'As of {{ as_of|date:"j F Y" }}, the following invoices are due for payment:',
                "Please arrange payment today.",
            ),
        ),
    },
    "email_first": {
        ZH: (
            "逾期付款通知（初次催收）",
            "【逾期付款通知】{{ customer.name }}：以下款项已逾期",
            _zh_email(
                '经核对，截至{{ as_of|date:"Y年n月j日" }}，贵司以下款项已超过约定付款期限，尚未收到：',
                "可能是贵司工作繁忙有所疏忽，烦请尽快安排付款。" + _DEADLINE_ZH,
            ),
        ),
        EN: (
            "Overdue notice (first collection)",
            "Overdue invoices: {{ customer.name }}",
            _en_email(
                'Our records show that as of {{ as_of|date:"j F Y" }} the following invoices are past '
                "their due date and remain unpaid:",
                "This may be an oversight; please arrange payment as soon as possible. " + _DEADLINE_EN,
            ),
        ),
    },
    "email_second": {
        ZH: (
            "付款提醒（二次催收）",
            "【付款提醒】{{ customer.name }}：逾期款项请尽快支付",
            _zh_email(
                '我司此前已就下列逾期款项致函贵司，但截至{{ as_of|date:"Y年n月j日" }}仍未收到付款：',
                _DEADLINE_ZH
                + "\n{% if consequences %}{{ consequences }}{% else %}如逾期仍未付款，我司将暂停向贵司发货，"
                "并调整贵司的信用额度与付款条件。{% endif %}",
            ),
        ),
        EN: (
            "Payment reminder (second collection)",
            "Second reminder: overdue invoices of {{ customer.name }}",
            _en_email(
                'We wrote to you earlier about the overdue invoices below; as of {{ as_of|date:"j F Y" }} '
                "we have not received payment:",
                _DEADLINE_EN
                + "\n{% if consequences %}{{ consequences }}{% else %}If payment is not received, we will "
                "suspend shipments and review your credit limit and payment terms.{% endif %}",
            ),
        ),
    },
    "email_letter": {
        ZH: (
            "催款函（邮件）",
            "【催款函】{{ customer.name }}：请于期限内付清逾期款项",
            _zh_email(
                '随函附上我司正式催款函（PDF）。截至{{ as_of|date:"Y年n月j日" }}，贵司以下款项严重逾期：',
                _DEADLINE_ZH + "\n逾期期间我司已暂停向贵司发货。",
            ),
        ),
        EN: (
            "Dunning letter (email)",
            "Formal demand for payment: {{ customer.name }}",
            _en_email(
                'Please find attached our formal letter of demand (PDF). As of {{ as_of|date:"j F Y" }}, '
                "the following invoices are seriously overdue:",
                _DEADLINE_EN + "\nShipments to you are suspended until the overdue amounts are paid.",
            ),
        ),
    },
    "email_legal": {
        ZH: (
            "追款函（邮件）",
            "【追款函】{{ customer.name }}：逾期款项已移交法务部门",
            _zh_email(
                '随函附上我司追款函（PDF）。截至{{ as_of|date:"Y年n月j日" }}，贵司以下款项逾期已超过九十天，'
                "本案已移交我司法务部门处理：",
                _DEADLINE_ZH + "\n逾期未付，我司将依法采取法律行动，由此产生的一切费用由贵司承担。",
            ),
        ),
        EN: (
            "Legal demand (email)",
            "Legal demand for payment: {{ customer.name }}",
            _en_email(
                'Please find attached our legal demand (PDF). As of {{ as_of|date:"j F Y" }}, the following '
                "invoices are more than ninety days overdue and the matter has been passed to our legal "
                "department:",
                _DEADLINE_EN + "\nFailing payment we will take legal action, at your cost.",
            ),
        ),
    },
    "email_lawyer": {
        ZH: (
            "律师函（邮件）",
            "【律师函】{{ customer.name }}：关于拖欠货款事宜",
            _zh_email(
                '随函附上律师函（PDF）。截至{{ as_of|date:"Y年n月j日" }}，贵司仍拖欠我司以下款项：',
                _DEADLINE_ZH + "\n逾期未付，我司将委托律师向人民法院提起诉讼。",
            ),
        ),
        EN: (
            "Lawyer's letter (email)",
            "Lawyer's letter regarding unpaid invoices: {{ customer.name }}",
            _en_email(
                'Please find attached a lawyer\'s letter (PDF). As of {{ as_of|date:"j F Y" }}, the '
                "following amounts remain unpaid:",
                _DEADLINE_EN
                + "\nFailing payment, proceedings will be issued in court without further notice.",
            ),
        ),
    },
}

_ZH_TABLE = """<table class="items">
<thead><tr><th>单据号</th><th>开票日期</th><th>到期日</th><th class="num">金额</th><th class="num">未付金额</th><th class="num">逾期天数</th></tr></thead>
<tbody>{% for invoice in invoices %}
<tr><td>{{ invoice.number }}</td><td>{{ invoice.invoice_date|date:"Y-m-d" }}</td><td>{{ invoice.due_date|date:"Y-m-d" }}</td><td class="num">{{ invoice.currency }} {{ invoice.amount|money }}</td><td class="num">{{ invoice.currency }} {{ invoice.open_amount|money }}</td><td class="num">{{ invoice.days_overdue }}</td></tr>{% endfor %}
</tbody>
<tfoot><tr><td colspan="4">合计</td><td class="num">{{ currency }} {{ total_open|money }}</td><td></td></tr></tfoot>
</table>"""

_EN_TABLE = """<table class="items">
<thead><tr><th>Invoice</th><th>Date</th><th>Due</th><th class="num">Amount</th><th class="num">Open</th><th class="num">Days overdue</th></tr></thead>
<tbody>{% for invoice in invoices %}
<tr><td>{{ invoice.number }}</td><td>{{ invoice.invoice_date|date:"Y-m-d" }}</td><td>{{ invoice.due_date|date:"Y-m-d" }}</td><td class="num">{{ invoice.currency }} {{ invoice.amount|money }}</td><td class="num">{{ invoice.currency }} {{ invoice.open_amount|money }}</td><td class="num">{{ invoice.days_overdue }}</td></tr>{% endfor %}
</tbody>
<tfoot><tr><td colspan="4">Total</td><td class="num">{{ currency }} {{ total_open|money }}</td><td></td></tr></tfoot>
</table>"""

_ZH_LETTER_BANK = """{% if letterhead.bank_account %}<p class="bank">收款账户：{{ letterhead.company_name_zh }}<br>开户银行：{{ letterhead.bank_name }}<br>账　　号：{{ letterhead.bank_account }}</p>{% endif %}"""
_EN_LETTER_BANK = """{% if letterhead.bank_account %}<p class="bank">Account name: {{ letterhead.company_name_en|default:letterhead.company_name_zh }}<br>Bank: {{ letterhead.bank_name }}<br>Account number: {{ letterhead.bank_account }}</p>{% endif %}"""
_ZH_LETTER_SIGN = """<p class="closing">此致<br>敬礼</p>
<p class="signature">{{ letterhead.company_name_zh }}<br>{{ letterhead.signature }}<br>{{ as_of|date:"Y年n月j日" }}</p>"""
_EN_LETTER_SIGN = """<p class="closing">Yours faithfully,</p>
<p class="signature">{{ letterhead.company_name_en|default:letterhead.company_name_zh }}<br>{{ letterhead.signature }}<br>{{ as_of|date:"j F Y" }}</p>"""


# Letters from the letter step on state the statutory late-payment interest (保障中小企业款项支付条例).
_ZH_INTEREST = """{% if late_interest %}<p class="interest">根据《保障中小企业款项支付条例》{% if late_interest.annual_rate %}及双方合同约定（年利率 {{ late_interest.annual_rate }}）{% else %}，按每日万分之五{% endif %}计算，截至{{ as_of|date:"Y年n月j日" }}，上述逾期款项（不含有争议部分）产生的逾期利息为人民币（{{ late_interest.currency }}）<strong>{{ late_interest.total|money }}</strong>元，我司保留追收该利息的权利。</p>{% endif %}"""
_EN_INTEREST = """{% if late_interest %}<p class="interest">Under the Regulations on Ensuring Payments to Small and Medium-sized Enterprises{% if late_interest.annual_rate %} and our contract (an annual rate of {{ late_interest.annual_rate }}){% else %}, at 0.05% a day{% endif %}, late-payment interest on the overdue amounts above (disputed parts excluded) comes to <strong>{{ late_interest.currency }} {{ late_interest.total|money }}</strong> as of {{ as_of|date:"j F Y" }}; we reserve the right to claim it.</p>{% endif %}"""


def _zh_letter(title: str, paragraphs: str) -> str:
    return f"""<h1>{title}</h1>
<p class="to">致：{{{{ customer.name }}}}{{% if customer.address %}}<br>地址：{{{{ customer.address }}}}{{% endif %}}</p>
{paragraphs}
{_ZH_INTEREST}
{_ZH_LETTER_BANK}
{_ZH_LETTER_SIGN}"""


def _en_letter(title: str, paragraphs: str) -> str:
    return f"""<h1>{title}</h1>
<p class="to">To: {{{{ customer.name }}}}{{% if customer.address %}}<br>{{{{ customer.address }}}}{{% endif %}}</p>
{paragraphs}
{_EN_INTEREST}
{_EN_LETTER_BANK}
{_EN_LETTER_SIGN}"""


LETTERS: dict[str, dict[str, tuple[str, str, str]]] = {
    "letter_dunning": {
        ZH: (
            "催款函",
            "催款函：{{ customer.name }}",
            _zh_letter(
                "催款函",
                f"""<p>贵司与我司长期保持业务往来，我司对此深表感谢。经双方往来账目核对，截至{{{{ as_of|date:"Y年n月j日" }}}}，贵司尚欠我司下列款项，已超过合同约定的付款期限：</p>
{_ZH_TABLE}
<p>上述款项合计人民币（{{{{ currency }}}}）<strong>{{{{ total_open|money }}}}</strong>元。{{% if deadline %}}请贵司于<strong>{{{{ deadline|date:"Y年n月j日" }}}}</strong>前将上述款项全额汇入我司账户。{{% endif %}}</p>
<p>{{% if consequences %}}{{{{ consequences }}}}{{% else %}}在上述款项付清之前，我司将暂停向贵司发货；逾期仍未付款的，我司将保留通过法律途径追讨欠款及逾期利息的权利。{{% endif %}}</p>
<p>如贵司对上述款项有异议，请于收到本函之日起五日内书面告知我司；如已付款，请将付款凭证发送我司核对。</p>""",
            ),
        ),
        EN: (
            "Dunning letter",
            "Letter of demand: {{ customer.name }}",
            _en_letter(
                "Letter of Demand",
                f"""<p>We thank you for our long-standing business relationship. According to our accounts, as of {{{{ as_of|date:"j F Y" }}}} the following amounts owed by you are past their agreed due dates:</p>
{_EN_TABLE}
<p>The total outstanding is <strong>{{{{ currency }}}} {{{{ total_open|money }}}}</strong>.{{% if deadline %}} Please pay this amount in full by <strong>{{{{ deadline|date:"j F Y" }}}}</strong>.{{% endif %}}</p>
<p>{{% if consequences %}}{{{{ consequences }}}}{{% else %}}Until payment is received we will suspend shipments to you, and we reserve the right to recover the debt and late-payment interest by legal means.{{% endif %}}</p>
<p>If you dispute any of these amounts, please inform us in writing within five days of receiving this letter; if you have paid, please send us the remittance advice.</p>""",
            ),
        ),
    },
    "letter_legal": {
        ZH: (
            "追款函",
            "追款函：{{ customer.name }}",
            _zh_letter(
                "追款函",
                f"""<p>我司曾多次就贵司拖欠货款事宜与贵司联系并发出催款函，但截至{{{{ as_of|date:"Y年n月j日" }}}}，贵司仍未支付下列款项，且逾期已超过九十天：</p>
{_ZH_TABLE}
<p>上述欠款合计人民币（{{{{ currency }}}}）<strong>{{{{ total_open|money }}}}</strong>元。现我司已暂停向贵司发货，并将本案移交我司法务部门处理。</p>
<p>{{% if deadline %}}请贵司务必于<strong>{{{{ deadline|date:"Y年n月j日" }}}}</strong>前付清全部欠款。{{% endif %}}{{% if consequences %}}{{{{ consequences }}}}{{% else %}}逾期未付，我司将依法提起诉讼或申请仲裁，追讨全部欠款、逾期利息及因此发生的律师费、诉讼费等一切费用。{{% endif %}}</p>""",
            ),
        ),
        EN: (
            "Legal demand",
            "Legal demand: {{ customer.name }}",
            _en_letter(
                "Legal Demand",
                f"""<p>We have contacted you several times and sent a letter of demand about your unpaid invoices. As of {{{{ as_of|date:"j F Y" }}}} the following amounts remain unpaid and are more than ninety days overdue:</p>
{_EN_TABLE}
<p>The total outstanding is <strong>{{{{ currency }}}} {{{{ total_open|money }}}}</strong>. Shipments to you are suspended and the matter has been passed to our legal department.</p>
<p>{{% if deadline %}}Payment in full must reach us by <strong>{{{{ deadline|date:"j F Y" }}}}</strong>. {{% endif %}}{{% if consequences %}}{{{{ consequences }}}}{{% else %}}Failing payment we will commence legal proceedings or arbitration to recover the debt, late-payment interest and all costs, including legal fees.{{% endif %}}</p>""",
            ),
        ),
    },
    "letter_lawyer": {
        ZH: (
            "律师函",
            "律师函：{{ customer.name }}",
            _zh_letter(
                "律师函",
                f"""<p>本函受{{{{ letterhead.company_name_zh }}}}（以下简称“委托人”）委托，就贵司拖欠委托人货款一事致函贵司。</p>
<p>根据委托人提供的合同、发票及往来对账资料，截至{{{{ as_of|date:"Y年n月j日" }}}}，贵司尚欠委托人下列款项：</p>
{_ZH_TABLE}
<p>欠款合计人民币（{{{{ currency }}}}）<strong>{{{{ total_open|money }}}}</strong>元。贵司的行为已构成违约，依照《中华人民共和国民法典》的相关规定，应当承担继续履行、支付逾期利息等违约责任。</p>
<p>{{% if deadline %}}请贵司于<strong>{{{{ deadline|date:"Y年n月j日" }}}}</strong>前将全部欠款付至委托人账户。{{% endif %}}{{% if consequences %}}{{{{ consequences }}}}{{% else %}}逾期未付，委托人将向有管辖权的人民法院提起诉讼，并申请财产保全，由此产生的诉讼费、保全费、律师费等全部费用均由贵司承担。{{% endif %}}</p>""",
            ),
        ),
        EN: (
            "Lawyer's letter",
            "Lawyer's letter: {{ customer.name }}",
            _en_letter(
                "Lawyer's Letter",
                f"""<p>We write on behalf of {{{{ letterhead.company_name_en|default:letterhead.company_name_zh }}}} (our client) regarding the amounts you owe our client.</p>
<p>According to the contracts, invoices and statements provided by our client, as of {{{{ as_of|date:"j F Y" }}}} the following amounts are unpaid:</p>
{_EN_TABLE}
<p>The total outstanding is <strong>{{{{ currency }}}} {{{{ total_open|money }}}}</strong>. Your failure to pay is a breach of contract for which you are liable, including late-payment interest.</p>
<p>{{% if deadline %}}Payment in full must reach our client by <strong>{{{{ deadline|date:"j F Y" }}}}</strong>. {{% endif %}}{{% if consequences %}}{{{{ consequences }}}}{{% else %}}Failing payment, our client will issue proceedings in the competent court and apply for preservation of your assets, and all costs, including court and legal fees, will be claimed from you.{{% endif %}}</p>""",
            ),
        ),
    },
    "statement": {
        ZH: (
            "对账单",
            '对账单：{{ customer.name }}（截至{{ as_of|date:"Y年n月j日" }}）',
            f"""<h1>对账单</h1>
<p class="to">客户：{{{{ customer.name }}}}（{{{{ customer.code }}}}）<br>对账截止日：{{{{ as_of|date:"Y年n月j日" }}}}</p>
<p>截至上述日期，贵司在我司的未结清款项如下：</p>
{_ZH_TABLE}
<p>请贵司核对。如有不符，请于收到本对账单之日起十日内与我司联系；逾期未回复的，视为贵司确认上述余额。</p>
{_ZH_LETTER_BANK}
<p class="signature">{{{{ letterhead.company_name_zh }}}}<br>{{{{ letterhead.signature }}}}</p>""",
        ),
        EN: (
            "Statement of account",
            'Statement of account: {{ customer.name }} (as of {{ as_of|date:"j F Y" }})',
            f"""<h1>Statement of Account</h1>
<p class="to">Customer: {{{{ customer.name }}}} ({{{{ customer.code }}}})<br>As of: {{{{ as_of|date:"j F Y" }}}}</p>
<p>As of that date, the following items on your account are open:</p>
{_EN_TABLE}
<p>Please check this statement. If it differs from your records, please contact us within ten days; otherwise we will take the balance as confirmed.</p>
{_EN_LETTER_BANK}
<p class="signature">{{{{ letterhead.company_name_en|default:letterhead.company_name_zh }}}}<br>{{{{ letterhead.signature }}}}</p>""",
        ),
    },
}


def default_templates() -> list[dict]:
    """Every default text as the fields of a ``DocumentTemplate``."""
    rows = []
    for kind, table in (("email", EMAILS), ("letter", LETTERS)):
        for code, languages in table.items():
            for language, (name, subject, body) in languages.items():
                rows.append(
                    {
                        "code": code,
                        "language": language,
                        "kind": kind,
                        "name": name,
                        "subject": subject,
                        "body": body,
                    }
                )
    return rows


def templates_install(*, rows: list[dict], apps=None) -> int:
    """Seed default texts (``DocumentTemplate`` fields) among the editable templates: each one
    missing in its language is added, an edited one is never overwritten. How many were added.
    ``apps`` is a migration's app registry (the installed apps without one)."""
    from django.apps import apps as global_apps

    template_model = (apps or global_apps).get_model("correspondence", "DocumentTemplate")
    created = 0
    for row in rows:
        _, made = template_model.objects.get_or_create(
            code=row["code"],
            language=row["language"],
            defaults={key: row[key] for key in ("kind", "name", "subject", "body")}
            | {"updated_by": "migration"},
        )
        created += made
    return created
