"""Who a payer name may be: customer names reduced to comparable forms, looked up exactly,
then fuzzily (rapidfuzz) among the names that share rare character n-grams with it.

Forms of a customer's name: the full name; its core, without the legal form (有限公司,
股份有限公司, 有限责任公司, 集团, Co., Ltd., ...), a bracketed part such as (中国) and a branch
(…上海分公司, …支行); the core without a leading place name (上海, 江苏省...); the short name;
the English name; the pinyin of the core. A payer name is reduced the same ways.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from huikuan.cash.matching.model import CustomerRef

# How much an exact match of each form says about who paid (1 = certain).
FORM_WEIGHTS = {
    "full": 0.96,
    "core": 0.95,
    "short": 0.93,
    "english": 0.93,
    "pinyin": 0.90,
    "placeless": 0.75,
}

_LEGAL_ZH = (
    "集团股份有限公司",
    "集团有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "总公司",
    "公司",
    "集团",
    "股份",
)
_BRANCH_ZH = ("分公司", "分厂", "分行", "支行", "营业部", "办事处", "分部", "分店")
_LEGAL_LATIN = frozenset(
    "co company corp corporation inc incorporated ltd limited llc plc gmbh ag sa bv the group "
    "holding holdings youxian gongsi youxiangongsi gufen zeren jituan".split()
)
_PLACES = tuple(
    sorted(
        (
            "北京 上海 天津 重庆 广州 深圳 杭州 南京 苏州 武汉 成都 西安 宁波 青岛 厦门 无锡 佛山 东莞 "
            "长沙 郑州 济南 合肥 福州 昆明 大连 沈阳 哈尔滨 长春 石家庄 太原 南昌 南宁 贵阳 兰州 海口 "
            "温州 绍兴 嘉兴 常州 南通 徐州 烟台 珠海 中山 惠州 泉州 "
            "广东 江苏 浙江 山东 河南 河北 湖北 湖南 四川 福建 安徽 江西 辽宁 陕西 山西 云南 广西 "
            "贵州 吉林 黑龙江 内蒙古 新疆 甘肃 海南 宁夏 青海 西藏 中国 香港"
        ).split(),
        key=len,
        reverse=True,
    )
)
_PLACE = "(?:" + "|".join(_PLACES) + ")(?:省|市)?"
_LEADING_PLACE = re.compile("^" + _PLACE)
_TRAILING_PLACE = re.compile(_PLACE + "$")
_BRACKETED = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_LATIN_WORDS = re.compile(r"[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PINYIN: dict[str, str] = {}
_POSTING_BUDGET = 6000
_FUZZY_POOL = 3000


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def is_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def squeeze(text: str) -> str:
    """Letters, digits and Chinese characters only, lower-case."""
    return _NOT_WORD.sub("", _nfkc(text))


def _strip_place(text: str, *, leading: bool) -> str:
    pattern = _LEADING_PLACE if leading else _TRAILING_PLACE
    match = pattern.search(text)
    if match is None or len(text) - len(match.group()) < 2:
        return text
    return text[len(match.group()) :] if leading else text[: -len(match.group())]


def chinese_core(name: str) -> str:
    """``上海华东机械有限公司(中国)江苏分公司`` → ``上海华东机械``."""
    text = squeeze(_BRACKETED.sub("", _nfkc(name)))
    for branch in _BRANCH_ZH:
        if text.endswith(branch) and len(text) > len(branch) + 2:
            text = text[: -len(branch)]
            cut = max(text.rfind(legal) + len(legal) if legal in text else -1 for legal in _LEGAL_ZH)
            text = text[:cut] if cut > 0 else _strip_place(text, leading=False)
            break
    stripped = True
    while stripped:
        stripped = False
        for legal in _LEGAL_ZH:
            if text.endswith(legal) and len(text) > len(legal) + 1:
                text, stripped = text[: -len(legal)], True
                break
    return text


def latin_core(name: str) -> str:
    """``Huadong Machinery Co., Ltd. (China)`` → ``huadongmachinery``."""
    words = _LATIN_WORDS.findall(_BRACKETED.sub(" ", _nfkc(name)))
    kept = [word for word in words if word not in _LEGAL_LATIN]
    return "".join(kept or words)


def core(name: str) -> str:
    return chinese_core(name) if is_chinese(name) else latin_core(name)


def placeless(core_name: str) -> str:
    return _strip_place(core_name, leading=True) if is_chinese(core_name) else core_name


def pinyin(text: str) -> str:
    """Toneless pinyin, one character at a time (cached): fast enough for 100,000 names."""
    out = []
    for char in text:
        syllable = _PINYIN.get(char)
        if syllable is None:
            syllable = _PINYIN[char] = lazy_pinyin(char)[0].lower() if _CJK.match(char) else char
        out.append(syllable)
    return "".join(out)


def customer_forms(customer: CustomerRef) -> list[tuple[str, str]]:
    """``(form kind, key)`` for each way a payer may write this customer's name."""
    forms: list[tuple[str, str]] = []
    full = squeeze(customer.name)
    main = core(customer.name)
    forms += [("full", full), ("core", main), ("placeless", placeless(main))]
    if is_chinese(main):
        forms.append(("pinyin", pinyin(main)))
    if customer.short_name:
        short = core(customer.short_name)
        forms.append(("short", short))
        if is_chinese(short):
            forms.append(("pinyin", pinyin(short)))
    if customer.english_name:
        forms.append(("english", latin_core(customer.english_name)))
    return [(kind, key) for kind, key in forms if len(key) >= 2]


def payer_keys(payer_name: str) -> list[tuple[str, str]]:
    """The payer name's forms, strongest first."""
    full = squeeze(payer_name)
    main = core(payer_name)
    keys = [("full", full), ("core", main)]
    if is_chinese(main):
        keys.append(("core", chinese_core(_BRACKETED.sub("", _nfkc(payer_name)))))
    keys.append(("placeless", placeless(main)))
    return [(kind, key) for kind, key in keys if len(key) >= 2]


@dataclass(frozen=True, slots=True)
class NameHit:
    customer_code: str
    weight: float  # 0..1: how much the name says this customer paid
    kind: str  # the form matched, or "fuzzy"
    score: int  # rapidfuzz ratio for fuzzy hits, 100 for exact ones
    shared_by: int  # how many customers the matched form belongs to


class NameIndex:
    """Customers' name forms, built once per batch; lookups cached per payer name."""

    def __init__(self, customers: Iterable[CustomerRef], *, fuzzy_cutoff: int = 80) -> None:
        self.fuzzy_cutoff = fuzzy_cutoff
        self.exact: dict[str, dict[str, str]] = defaultdict(dict)  # key -> code -> strongest kind
        self.choices: list[str] = []
        self.choice_codes: list[str] = []
        for customer in customers:
            for kind, key in customer_forms(customer):
                known = self.exact[key].get(customer.code)
                if known is None or FORM_WEIGHTS[kind] > FORM_WEIGHTS[known]:
                    self.exact[key][customer.code] = kind
                if kind in ("core", "short", "english", "pinyin"):
                    self.choices.append(key)
                    self.choice_codes.append(customer.code)
        self._grams: dict[str, list[int]] | None = None
        self._cache: dict[str, tuple[NameHit, ...]] = {}

    def lookup(self, payer_name: str) -> tuple[NameHit, ...]:
        """The customers this payer name may be, best first (empty when none is close)."""
        if not payer_name.strip():
            return ()
        cached = self._cache.get(payer_name)
        if cached is None:
            cached = self._cache[payer_name] = self._lookup(payer_name)
        return cached

    def _lookup(self, payer_name: str) -> tuple[NameHit, ...]:
        for kind, key in payer_keys(payer_name):
            owners = self.exact.get(key)
            if owners:
                hits = [
                    NameHit(
                        code,
                        FORM_WEIGHTS[form] if kind != "placeless" else FORM_WEIGHTS[kind],
                        form,
                        100,
                        len(owners),
                    )
                    for code, form in owners.items()
                ]
                return tuple(sorted(hits, key=lambda hit: (-hit.weight, hit.customer_code)))
        return self._fuzzy(core(payer_name))

    def _fuzzy(self, query: str) -> tuple[NameHit, ...]:
        if len(query) < 3:
            return ()
        pool = self._block(query)
        if not pool:
            return ()
        results = process.extract(query, pool, scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff, limit=8)
        best: dict[str, int] = {}
        for _choice, score, position in results:
            code = self.choice_codes[position]
            best[code] = max(best.get(code, 0), int(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return tuple(
            NameHit(code, min(0.9, (score - 50) / 50), "fuzzy", score, 1) for code, score in ranked[:5]
        )

    # --- blocking: only names sharing rare n-grams with the query are scored
    @staticmethod
    def _ngrams(text: str) -> set[str]:
        size = 2 if is_chinese(text) else 3
        return {text[i : i + size] for i in range(max(1, len(text) - size + 1))}

    def _block(self, query: str) -> dict[int, str]:
        if self._grams is None:
            grams: dict[str, list[int]] = defaultdict(list)
            for position, choice in enumerate(self.choices):
                for gram in self._ngrams(choice):
                    grams[gram].append(position)
            self._grams = dict(grams)
        postings = sorted((p for p in map(self._grams.get, self._ngrams(query)) if p), key=len)
        if not postings:
            return {}
        taken, budget = [], _POSTING_BUDGET
        for posting in postings:
            if len(taken) >= 2 and len(posting) > budget:
                break
            taken.append(posting)
            budget -= len(posting)
        counts = Counter(chain.from_iterable(taken))
        needed = 1 if len(taken) <= 2 else 2
        chosen = [position for position, n in counts.items() if n >= needed]
        if len(chosen) > _FUZZY_POOL:
            chosen = [position for position, _n in counts.most_common(_FUZZY_POOL)]
        return {position: self.choices[position] for position in chosen}
