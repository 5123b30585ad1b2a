# ruff: noqa: E501 - letter texts are data, one paragraph a line
"""The default texts of the customer notices of credit decisions (seed 002: 批准并通知客户):
an approved credit limit, and a change of credit class with the terms that follow it
(``notices.customer_notice_send``). Seeded once by a data migration among the editable
templates (``defaults.templates_install``); afterwards they are data an admin edits.

Context: ``customer``, ``as_of``, ``letterhead``, ``approval_number``, and for the limit
``credit_limit``, ``previous_limit``, ``currency``; for the class ``from_class``, ``to_class``,
``term_days_before``, ``term_days`` (0: cash before delivery).
"""

from __future__ import annotations

ZH, EN = "zh-hans", "en"

_ZH_SIGN = """
此致
敬礼

{{ letterhead.company_name_zh }}
{{ letterhead.signature }}
{{ as_of|date:"Y年n月j日" }}"""

_EN_SIGN = """
Yours faithfully,

{{ letterhead.company_name_en|default:letterhead.company_name_zh }}
{{ letterhead.signature }}
{{ as_of|date:"j F Y" }}"""

_ZH_LIMIT = """我司已审批贵司的信用额度{% if approval_number %}（审批单号 {{ approval_number }}）{% endif %}：自{{ as_of|date:"Y年n月j日" }}起，贵司的信用额度为 {{ currency }} {{ credit_limit|money }}{% if previous_limit %}（原额度 {{ currency }} {{ previous_limit|money }}）{% endif %}。"""
_EN_LIMIT = """We have approved your credit limit{% if approval_number %} (approval {{ approval_number }}){% endif %}: from {{ as_of|date:"j F Y" }} your credit limit is {{ currency }} {{ credit_limit|money }}{% if previous_limit %} (previously {{ currency }} {{ previous_limit|money }}){% endif %}."""
_ZH_TERMS = """根据我司客户信用评估{% if approval_number %}（审批单号 {{ approval_number }}）{% endif %}，自{{ as_of|date:"Y年n月j日" }}起，贵司的信用等级由 {{ from_class|default:"-" }} 类调整为 {{ to_class }} 类。{% if term_days %}贵司的付款账期相应调整为 {{ term_days }} 天（原为 {{ term_days_before }} 天），账期自开票后5日起计算。{% else %}自即日起，我司对贵司实行现款现货：订单须在发货前付清货款。{% endif %}"""
_EN_TERMS = """Following our credit assessment{% if approval_number %} (approval {{ approval_number }}){% endif %}, from {{ as_of|date:"j F Y" }} your credit class changes from {{ from_class|default:"-" }} to {{ to_class }}. {% if term_days %}Your payment term changes accordingly to {{ term_days }} days (previously {{ term_days_before }} days), counted from five days after the invoice date.{% else %}From now on we supply you against payment before delivery: each order must be paid before it ships.{% endif %}"""

EMAILS: dict[str, dict[str, tuple[str, str, str]]] = {
    "credit_limit_notice": {
        ZH: (
            "信用额度通知",
            "【信用额度通知】{{ customer.name }}",
            f"尊敬的{{{{ customer.name }}}}：\n\n感谢贵司一直以来的支持与合作。{_ZH_LIMIT}\n\n如有疑问，请与我司销售或信用管理部门联系。\n{_ZH_SIGN}\n",
        ),
        EN: (
            "Credit limit notice",
            "Your credit limit: {{ customer.name }}",
            f"Dear {{{{ customer.name }}}},\n\nThank you for your continued business. {_EN_LIMIT}\n\nIf you have any question, please contact your sales representative or our credit department.\n{_EN_SIGN}\n",
        ),
    },
    "credit_terms_notice": {
        ZH: (
            "信用等级及账期调整通知",
            "【信用等级及账期调整通知】{{ customer.name }}",
            f"尊敬的{{{{ customer.name }}}}：\n\n{_ZH_TERMS}\n\n如有疑问，请与我司销售或信用管理部门联系。\n{_ZH_SIGN}\n",
        ),
        EN: (
            "Credit class and terms notice",
            "Your credit class and payment terms: {{ customer.name }}",
            f"Dear {{{{ customer.name }}}},\n\n{_EN_TERMS}\n\nIf you have any question, please contact your sales representative or our credit department.\n{_EN_SIGN}\n",
        ),
    },
}

_ZH_TO = '<p class="to">致：{{ customer.name }}{% if customer.address %}<br>地址：{{ customer.address }}{% endif %}</p>'
_EN_TO = (
    '<p class="to">To: {{ customer.name }}{% if customer.address %}<br>{{ customer.address }}{% endif %}</p>'
)
_ZH_LETTER_SIGN = '<p class="closing">此致<br>敬礼</p>\n<p class="signature">{{ letterhead.company_name_zh }}<br>{{ letterhead.signature }}<br>{{ as_of|date:"Y年n月j日" }}</p>'
_EN_LETTER_SIGN = '<p class="closing">Yours faithfully,</p>\n<p class="signature">{{ letterhead.company_name_en|default:letterhead.company_name_zh }}<br>{{ letterhead.signature }}<br>{{ as_of|date:"j F Y" }}</p>'

LETTERS: dict[str, dict[str, tuple[str, str, str]]] = {
    "credit_limit_letter": {
        ZH: (
            "信用额度通知函",
            "信用额度通知：{{ customer.name }}",
            f"<h1>信用额度通知函</h1>\n{_ZH_TO}\n<p>{_ZH_LIMIT}</p>\n{_ZH_LETTER_SIGN}",
        ),
        EN: (
            "Credit limit letter",
            "Credit limit: {{ customer.name }}",
            f"<h1>Credit Limit</h1>\n{_EN_TO}\n<p>{_EN_LIMIT}</p>\n{_EN_LETTER_SIGN}",
        ),
    },
    "credit_terms_letter": {
        ZH: (
            "信用等级及账期调整通知函",
            "信用等级及账期调整：{{ customer.name }}",
            f"<h1>信用等级及账期调整通知函</h1>\n{_ZH_TO}\n<p>{_ZH_TERMS}</p>\n{_ZH_LETTER_SIGN}",
        ),
        EN: (
            "Credit class and terms letter",
            "Credit class and terms: {{ customer.name }}",
            f"<h1>Credit Class and Payment Terms</h1>\n{_EN_TO}\n<p>{_EN_TERMS}</p>\n{_EN_LETTER_SIGN}",
        ),
    },
}


def default_templates() -> list[dict]:
    """Every default text as the fields of a ``DocumentTemplate``."""
    return [
        {"code": code, "language": language, "kind": kind, "name": name, "subject": subject, "body": body}
        for kind, table in (("email", EMAILS), ("letter", LETTERS))
        for code, languages in table.items()
        for language, (name, subject, body) in languages.items()
    ]
