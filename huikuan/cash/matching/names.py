"""Who a payer name may be: customer names reduced to comparable forms, looked up exactly,
then fuzzily (rapidfuzz) among the names that share rare character n-grams with it.

Forms of a customer's name: the full name; its core, without the legal form (有限公司,
股份有限公司, 有限责任公司, 集团, Co., Ltd., ...), a bracketed part such as (中国) and a branch
(…上海分公司, …支行); the core without a leading place name (上海, 江苏省...); the short name;
the English name; the pinyin of the core. A payer name is reduced the same ways. Both are
read in simplified characters first (``simplified``): 深圳市華強電子 is 深圳市华强电子.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import opencc
from pypinyin import Style, lazy_pinyin
from pypinyin import pinyin as pypinyin_readings
from rapidfuzz import fuzz, process

from huikuan.cash.matching.model import CustomerRef
from huikuan.cash.matching.typos import mistyped_word, one_substitution

# How much an exact match of each form says about who paid (1 = certain).
FORM_WEIGHTS = {
    "full": 0.96,
    "core": 0.95,
    "short": 0.93,
    "english": 0.93,
    "pinyin": 0.93,
    "placeless": 0.75,
    "prefix": 0.80,
    # The name with one character of its place or trade mistyped into no word (see ``typos``).
    "typo": 0.93,
}
# Forms whose exact match (owned by one customer) identifies the payer well enough to apply a
# receipt without a reference; a name without its place, a cut name or a fuzzy one never does.
STRONG_FORMS = frozenset({"full", "core", "short", "english", "pinyin", "typo"})
# A cut name is matched as a prefix of a full name only from this many characters on.
PREFIX_MIN = 8

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
# The pinyin of the legal forms, as payers' systems write a Chinese name in Latin letters.
_LEGAL_PINYIN = (
    "jituangufenyouxiangongsi",
    "jituanyouxiangongsi",
    "gufenyouxiangongsi",
    "youxianzerengongsi",
    "youxiangongsi",
    "jituangongsi",
    "zonggongsi",
    "gongsi",
    "jituan",
)
# Legal forms a bank may cut short at its field length (有限公司 → 有限, 有).
_LEGAL_CUT = tuple(
    sorted(
        {
            legal[:size]
            for legal in ("有限公司", "股份有限公司", "有限责任公司", "集团有限公司")
            for size in range(1, len(legal))
        },
        key=len,
        reverse=True,
    )
)
_BRANCH_ZH = ("分公司", "分厂", "分行", "支行", "营业部", "办事处", "分部", "分店")
_LEGAL_LATIN = frozenset(
    "co company corp corporation inc incorporated ltd limited llc plc gmbh ag sa bv the group "
    "holding holdings youxian gongsi youxiangongsi gufen zeren jituan "
    # other countries' legal forms payers abroad write (Singapore, Malaysia, Europe, Japan)
    "pte pty sdn bhd srl spa sarl sas nv kg kk oy oyj".split()
)
# Legal forms taken off only at the end of a Latin name (they are words, or pinyin syllables,
# elsewhere): Nordic AB/AS/A/S/ApS, Baltic UAB, Polish Sp. z o.o., Spanish S.L., Peruvian
# S.A.C., Turkish A.Ş., Vietnamese JSC (Joint Stock Company), Czech s.r.o., Hungarian Kft. ...
_LEGAL_LATIN_END = frozenset(
    "ab aktiebolag aktiebolaget as asa aps uab sp zoo spzoo sac saa sl slu sro kft zrt doo ltda "
    "pt jsc pjsc ojsc cjsc tbk pcl eurl snc sprl bvba llp lp ohg mbh".split()
)
_LEGAL_LATIN_TAILS = (("joint", "stock"),)
# ... and at the start (Indonesian PT, CV; a French SAS or SA written first).
_LEGAL_LATIN_START = frozenset("pt cv sas sa".split())
# A Latin name at least this long may be one the bank cut at its field length (35 in SWIFT).
LATIN_CUT_MIN = 30
_LEGAL_LATIN_WORDS = tuple(
    word for word in (*_LEGAL_LATIN, *_LEGAL_LATIN_END, "jointstock") if len(word) >= 2
)
# Words payers' banks shorten (IMP. & EXP., INTL, MFG, BLDG), read in full on both sides; "and"
# (or &, which is no word) says nothing.
_LATIN_ABBREVIATIONS = {
    "imp": "import",
    "exp": "export",
    "intl": "international",
    "mfg": "manufacturing",
    "bldg": "building",
    "trdg": "trading",
    "svcs": "services",
    "mgmt": "management",
    "equip": "equipment",
    "bros": "brothers",
    "flli": "fratelli",  # Italian F.LLI
    "hnos": "hermanos",  # Spanish HNOS.
}
# The same written as two words (F.LLI, INT'L).
_LATIN_PAIRS = {("f", "lli"): "fratelli", ("int", "l"): "international"}
# Letters written with marks the banks' character sets drop (Ş → S, ł → l, ı → i).
_FOLD = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th"}
)
_MARKED_LATIN = re.compile(r"[\u00c0-\u024f]")
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
_READINGS: dict[str, tuple[str, ...]] = {}
PINYIN_READINGS = 4
_CHOICE_KINDS = frozenset({"core", "short", "english", "pinyin"})
_POSTING_BUDGET = 6000
_FUZZY_POOL = 3000


@cache
def _t2s() -> opencc.OpenCC:
    """OpenCC's Traditional-to-Simplified conversion (its standard character and phrase tables,
    no regional vocabulary: 軟體 stays 软体, not 软件)."""
    return opencc.OpenCC("t2s")


@cache
def _simplified_too(char: str) -> bool:
    """A character of the simplified set (GB2312): 乾 (乾坤), 於 (a surname), 後, 徵 are among
    them, though OpenCC reads them as 干, 于, 后, 征 in a traditional text."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _t2s_char(char: str) -> str:
    read = _t2s().convert(char)
    return read if len(read) == 1 else char


def simplified(text: str) -> str:
    """``深圳市華強電子有限公司`` → ``深圳市华强电子有限公司``: the characters of a name written
    in Traditional characters (Hong Kong, Taiwan, Macau, many banks' cross-border remittances)
    as simplified ones, one for one, so that the text keeps its length. A character that is
    also a simplified one stays as written: reading 乾 as 干 would make 乾盛贸易 another
    company's name (干盛贸易), and a name written all in simplified characters is never changed."""
    if text.isascii():
        return text
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        pass
    else:
        return text
    try:
        read = _t2s().convert(text)
    except UnicodeEncodeError:  # a lone surrogate: nothing to read
        return text
    if len(read) != len(text):  # a phrase read as one of another length: character by character
        read = "".join(_t2s_char(char) for char in text)
    return "".join(
        written if _simplified_too(written) else new for written, new in zip(text, read, strict=True)
    )


def _nfkc(text: str) -> str:
    text = simplified(unicodedata.normalize("NFKC", text).lower())
    if _MARKED_LATIN.search(text) is None:
        return text
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return unicodedata.normalize("NFC", "".join(ch for ch in folded if not unicodedata.combining(ch)))


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


def leading_place(text: str) -> str:
    """The place a Chinese name begins with, without 省/市 (``广州市宏达`` → ``广州``)."""
    match = _LEADING_PLACE.match(text)
    if match is None or len(text) - len(match.group()) < 2:
        return ""
    return match.group().rstrip("省市")


def plain_place(text: str) -> str:
    """``广州市宏达五金`` → ``广州宏达五金``: 市 or 省 after a leading place says nothing more."""
    place = leading_place(text)
    if not place:
        return text
    written = _LEADING_PLACE.match(text).group()
    return text if written == place else place + text[len(written) :]


def chinese_core(name: str) -> str:
    """``上海华东机械有限公司(中国)江苏分公司`` → ``上海华东机械``."""
    text = _nfkc(name)  # (once: squeezing it again would read it again)
    text = _NOT_WORD.sub("", _BRACKETED.sub("", text) if "(" in text or "[" in text or "【" in text else text)
    for branch in _BRANCH_ZH if text.endswith(_BRANCH_ZH) else ():
        if text.endswith(branch) and len(text) > len(branch) + 2:
            text = text[: -len(branch)]
            cut = max(text.rfind(legal) + len(legal) if legal in text else -1 for legal in _LEGAL_ZH)
            text = text[:cut] if cut > 0 else _strip_place(text, leading=False)
            break
    stripped = text.endswith(_LEGAL_ZH)
    while stripped:
        stripped = False
        for legal in _LEGAL_ZH:
            if text.endswith(legal) and len(text) > len(legal) + 1:
                text, stripped = text[: -len(legal)], True
                break
    return plain_place(text)


def _latin_words(name: str) -> list[str]:
    """The words of a Latin name, letters written apart joined (``S.r.l.`` → ``srl``, ``A/S``
    → ``as``, ``Sp. z o.o.`` → ``sp``, ``zoo``)."""
    words: list[str] = []
    run = ""
    for word in _LATIN_WORDS.findall(_BRACKETED.sub(" ", _nfkc(name))):
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            words.append(run)
            run = ""
        if word != "and":
            words.append(_LATIN_ABBREVIATIONS.get(word, word))
    if run:
        words.append(run)
    joined: list[str] = []
    for word in words:
        pair = _LATIN_PAIRS.get((joined[-1], word)) if joined else None
        if pair:
            joined[-1] = pair
        else:
            joined.append(word)
    return joined


def _without_legal(words: list[str]) -> list[str]:
    kept = [word for word in words if word not in _LEGAL_LATIN]
    while len(kept) > 1:
        tail = next((t for t in _LEGAL_LATIN_TAILS if len(kept) > len(t) and tuple(kept[-len(t) :]) == t), ())
        if kept[-1] in _LEGAL_LATIN_END:
            kept.pop()
        elif kept[0] in _LEGAL_LATIN_START:
            kept.pop(0)
        elif tail:
            kept = kept[: -len(tail)]
        else:
            break
    return kept or words


def latin_core(name: str) -> str:
    """``Huadong Machinery Co., Ltd. (China)`` → ``huadongmachinery``; ``PT Sinar Jaya Teknik``,
    ``Nordic Marine Supply AB`` and ``… Joint Stock Company`` without their legal forms too."""
    return "".join(_without_legal(_latin_words(name)))


def latin_uncut(name: str) -> str:
    """A long Latin name the bank cut inside its legal form, without the stump (``… SUPPLIES
    LIMI``, ``… PT`` for Pty, ``… JOINT`` for Joint Stock Company, ``… YOUXIAN GON``); ``""``
    when it is not cut there."""
    if len(name.strip()) < LATIN_CUT_MIN:
        return ""
    words = _latin_words(name)
    if len(words) < 3:
        return ""
    stump = words[-1]
    if not any(legal.startswith(stump) and legal != stump for legal in _LEGAL_LATIN_WORDS):
        return ""
    return "".join(_without_legal(words[:-1]))


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


def pinyin_readings(text: str, limit: int = PINYIN_READINGS) -> list[str]:
    """The pinyin of ``text`` with each character's other readings too (都 du/dou, 重 zhong/
    chong, 长 chang/zhang), at most ``limit`` of them: a payer's system reads a name in
    context, which the character-by-character reading alone misses."""
    readings = [""]
    for char in text:
        options = _READINGS.get(char)
        if options is None:
            options = _READINGS[char] = (
                tuple(
                    dict.fromkeys(
                        r.lower() for r in pypinyin_readings(char, style=Style.NORMAL, heteronym=True)[0]
                    )
                )
                if _CJK.match(char)
                else (char,)
            )
        if len(options) == 1 or len(readings) * 2 > limit:
            readings = [reading + options[0] for reading in readings]
        else:  # the two commonest readings
            readings = [reading + option for reading in readings for option in options[:2]]
    return readings


_UMLAUTS_SPELT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def customer_forms(customer: CustomerRef) -> list[tuple[str, str]]:
    """``(form kind, key)`` for each way a payer may write this customer's name."""
    return _customer_forms(customer)[2]


def _customer_forms(customer: CustomerRef) -> tuple[str, str, list[tuple[str, str]]]:
    """The squeezed full name, its core, and the forms (the pinyin readings after the first
    one have the kind ``pinyin_other``)."""
    full = squeeze(customer.name)
    main = core(customer.name)
    forms = [("full", full), ("full", plain_place(full)), ("core", main), ("placeless", placeless(main))]
    if is_chinese(main):
        readings = pinyin_readings(main)
        forms += [("pinyin", readings[0]), *(("pinyin_other", r) for r in readings[1:])]
    if customer.short_name:
        short = core(customer.short_name)
        forms.append(("short", short))
        if is_chinese(short):
            readings = pinyin_readings(short)
            forms += [("pinyin", readings[0]), *(("pinyin_other", r) for r in readings[1:])]
    if customer.english_name:
        forms.append(("english", latin_core(customer.english_name)))
    # German banks spell umlauts out (SEPA's character set): Müller is MUELLER as well as MULLER.
    for kind, written in (
        ("full", customer.name),
        ("core", customer.name),
        ("english", customer.english_name),
    ):
        spelt = written.translate(_UMLAUTS_SPELT)
        if spelt != written:
            forms.append(
                (
                    kind,
                    squeeze(spelt)
                    if kind == "full"
                    else core(spelt)
                    if kind == "core"
                    else latin_core(spelt),
                )
            )
    forms = list(dict.fromkeys(forms))
    return full, main, [(kind, key) for kind, key in forms if len(key) >= 2]


def without_branch(full: str) -> str:
    """``…股份有限公司广州分公司`` → ``…股份有限公司``: the company a branch belongs to."""
    if not full.endswith(_BRANCH_ZH):
        return full
    for branch in _BRANCH_ZH:
        if full.endswith(branch):
            text = full[: -len(branch)]
            cut = max(text.rfind(legal) + len(legal) if legal in text else -1 for legal in _LEGAL_ZH)
            return text[:cut] if cut > 0 else full
    return full


def latin_pinyin_core(squeezed: str) -> str:
    """``shanghaihuadongjixieyouxiangongsi`` → ``shanghaihuadongjixie`` (pinyin legal form off)."""
    for legal in _LEGAL_PINYIN:
        if squeezed.endswith(legal) and len(squeezed) > len(legal) + 3:
            return squeezed[: -len(legal)]
    return squeezed


def uncut(text: str) -> str:
    """A name the bank cut inside its legal form, without the stump (``…机械有限`` → ``…机械``)."""
    for stump in _LEGAL_CUT:
        if text.endswith(stump) and len(text) - len(stump) >= 4:
            return chinese_core(text[: -len(stump)])
    return text


_LEGAL_LONG = tuple(legal for legal in _LEGAL_ZH if len(legal) >= 4)


def mended_legal(text: str) -> str:
    """A name whose legal form is mistyped by one character (``…有限责壬公司``), with the
    legal form read as meant and taken off (its core); ``text`` itself otherwise."""
    for legal in _LEGAL_LONG:
        size = len(legal)
        if len(text) > size + 1:
            tail = text[-size:]
            if tail != legal and sum(a != b for a, b in zip(tail, legal, strict=True)) == 1:
                return chinese_core(text[:-size] + legal)
    return text


def payer_keys(payer_name: str) -> list[tuple[str, str]]:
    """The payer name's forms, strongest first."""
    full = squeeze(payer_name)
    main = core(payer_name)
    chinese = is_chinese(main)
    keys = (
        [("full", full), ("full", plain_place(full)), ("full", without_branch(full)), ("core", main)]
        if chinese
        else [("full", full), ("core", main)]
    )
    if chinese:
        keys.append(("core", chinese_core(_BRACKETED.sub("", _nfkc(payer_name)))))
        keys.append(("core", uncut(main)))
        keys.append(("core", mended_legal(full)))
    else:
        keys.append(("core", latin_pinyin_core(full)))
        cut = latin_uncut(payer_name)
        if cut:
            keys.append(("core", cut))
            keys.append(("core", latin_pinyin_core(cut)))
    keys.append(("placeless", placeless(main)))
    return [(kind, key) for kind, key in keys if len(key) >= 2]


@dataclass(frozen=True, slots=True)
class NameHit:
    customer_code: str
    weight: float  # 0..1: how much the name says this customer paid
    kind: str  # the form matched, or "fuzzy"
    score: int  # rapidfuzz ratio for fuzzy hits, 100 for exact ones
    shared_by: int  # how many customers the matched form belongs to

    @property
    def strong(self) -> bool:
        """An exact match of a full form that belongs to this customer alone."""
        return self.kind in STRONG_FORMS and self.shared_by == 1


class NameIndex:
    """Customers' name forms, built once per batch; lookups cached per payer name."""

    def __init__(self, customers: Iterable[CustomerRef], *, fuzzy_cutoff: int = 80) -> None:
        self.fuzzy_cutoff = fuzzy_cutoff
        self.exact: dict[str, dict[str, str]] = defaultdict(dict)  # key -> code -> strongest kind
        self.choices: list[str] = []
        self.choice_codes: list[str] = []
        self.chinese_names: dict[str, str] = {}  # code -> Chinese core, to check pinyin
        self.places: dict[str, str] = {}  # code -> the place its Chinese name begins with
        fulls: list[tuple[str, str]] = []
        cores: list[tuple[str, str]] = []  # Latin names without legal form, for abbreviations
        exact = self.exact
        for customer in customers:
            code = customer.code
            full, main, forms = _customer_forms(customer)
            fulls.append((full, code))
            for latin in (customer.name, customer.english_name):
                if latin and not is_chinese(latin):
                    cores.append((latin_core(latin), code))
            if is_chinese(main):
                self.chinese_names[code] = main
                place = leading_place(main)
                if place:
                    self.places[code] = place
            for kind, key in forms:
                if kind == "pinyin_other":  # looked up exactly, not fuzzily
                    kind = "pinyin"
                elif kind in _CHOICE_KINDS:
                    self.choices.append(key)
                    self.choice_codes.append(code)
                owners = exact[key]
                known = owners.get(code)
                if known is None or FORM_WEIGHTS[kind] > FORM_WEIGHTS[known]:
                    owners[code] = kind
        fulls.sort()
        self.full_names = [name for name, _code in fulls]
        self.full_codes = [code for _name, code in fulls]
        cores = sorted(set(cores))
        self.core_names = [name for name, _code in cores]
        self.core_codes = [code for _name, code in cores]
        self._grams: dict[str, Any] | None = None  # n-gram -> positions in ``choices`` (numpy)
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
        keys = payer_keys(payer_name)
        for kind, key in keys:
            owners = self.exact.get(key)
            if owners:
                if kind == "placeless":  # another place's company of the same name is no proof
                    # ... but the customer's own place before its short name is its name:
                    # 杭州恒通机电 for 杭州恒通机电设备有限公司, short name 恒通机电.
                    place = leading_place(core(payer_name))
                    hits = [
                        NameHit(code, FORM_WEIGHTS[form], form, 100, len(owners))
                        if place and self.places.get(code) == place and form in STRONG_FORMS
                        else NameHit(code, FORM_WEIGHTS[kind], kind, 100, len(owners))
                        for code, form in owners.items()
                    ]
                    # A typo in the name of the right place's company is as likely: both are shown.
                    named = {hit.customer_code for hit in hits}
                    hits += [hit for hit in self._fuzzy(core(payer_name)) if hit.customer_code not in named]
                else:
                    hits = [
                        NameHit(code, FORM_WEIGHTS[form], form, 100, len(owners))
                        for code, form in owners.items()
                    ]
                return tuple(sorted(hits, key=lambda hit: (-hit.weight, hit.customer_code)))
        prefix = self._prefix(keys[0][1]) if keys else ()
        main = core(payer_name)
        if not prefix and not is_chinese(main) and len(_without_legal(_latin_words(payer_name))) >= 2:
            # A Latin name of two words or more whose last word the payer's bank shortened
            # (SAHIN YAPI MALZ. A.S.): the start of one customer's name without legal form.
            prefix = self._prefix(main, self.core_names, self.core_codes)
        if prefix:
            return prefix
        if is_chinese(main):
            return self._mistyped(main, self._fuzzy(main))
        return self._fuzzy_latin(latin_pinyin_core(squeeze(payer_name)))

    def _prefix(
        self, full: str, names: list[str] | None = None, owners: list[str] | None = None
    ) -> tuple[NameHit, ...]:
        """A name the bank cut at its field length: the start of one customer's full name
        (or of the names in ``names``, sorted, whose customers are ``owners``)."""
        if len(full) < PREFIX_MIN:
            return ()
        names = self.full_names if names is None else names
        owners = self.full_codes if owners is None else owners
        start = bisect_left(names, full)
        codes = []
        for position in range(start, min(start + 3, len(names))):
            if not names[position].startswith(full):
                break
            if owners[position] not in codes:
                codes.append(owners[position])
        return tuple(NameHit(code, FORM_WEIGHTS["prefix"], "prefix", 100, len(codes)) for code in codes)

    def _mistyped(self, main: str, hits: tuple[NameHit, ...]) -> tuple[NameHit, ...]:
        """The one customer whose name the payer's (``main``, without legal form) is with one
        character of its place or trade mistyped into no word (see ``typos``), named as its
        own name is; the similar names as they were otherwise."""
        near = [
            hit
            for hit in hits
            if one_substitution(main, self.chinese_names.get(hit.customer_code, "")) is not None
        ]
        if len(near) != 1:
            return hits
        code = near[0].customer_code
        if mistyped_word(main, self.chinese_names[code], self.places.get(code, "")) is None:
            return hits
        typo = NameHit(code, FORM_WEIGHTS["typo"], "typo", near[0].score, 1)
        return (typo, *(hit for hit in hits if hit is not near[0]))

    def _fuzzy_latin(self, query: str) -> tuple[NameHit, ...]:
        """A Latin name: fuzzily, then a close pinyin checked against the Chinese name read as a
        whole (heteronyms such as 重庆 = chongqing are read right only in context)."""
        hits = self._fuzzy(query)
        if not hits:
            return ()
        checked = []
        for hit in hits[:3]:
            chinese = self.chinese_names.get(hit.customer_code)
            if chinese and "".join(lazy_pinyin(chinese)).lower() == query:
                checked.append(NameHit(hit.customer_code, FORM_WEIGHTS["pinyin"], "pinyin", 100, 1))
        if len(checked) == 1:
            return tuple(checked)
        return hits

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
        """The choices sharing the query's rarest n-grams (two of them, when more than two
        are taken), at most ``_FUZZY_POOL``, those sharing most first. Counted with numpy: a
        common short name's postings run to thousands of positions."""
        import numpy as np

        if self._grams is None:
            grams: dict[str, list[int]] = defaultdict(list)
            for position, choice in enumerate(self.choices):
                size = 2 if _CJK.match(choice) else 3
                for gram in {choice[i : i + size] for i in range(max(1, len(choice) - size + 1))}:
                    grams[gram].append(position)
            self._grams = {gram: np.array(posting, dtype=np.int32) for gram, posting in grams.items()}
        # In the n-grams' own order among postings of one length, so that the same query
        # always takes the same postings (a set's order changes from run to run).
        found = (self._grams.get(gram) for gram in sorted(self._ngrams(query)))
        postings = sorted((p for p in found if p is not None), key=len)
        if not postings:
            return {}
        taken, budget = [], _POSTING_BUDGET
        for posting in postings:
            if len(taken) >= 2 and len(posting) > budget:
                break
            taken.append(posting)
            budget -= len(posting)
        # Each position with how many of the postings taken hold it, in the order first seen.
        positions, first, counts = np.unique(np.concatenate(taken), return_index=True, return_counts=True)
        seen = np.argsort(first, kind="stable")
        positions, counts = positions[seen], counts[seen]
        needed = 1 if len(taken) <= 2 else 2
        chosen = positions[counts >= needed]
        if len(chosen) > _FUZZY_POOL:
            chosen = positions[np.argsort(-counts, kind="stable")[:_FUZZY_POOL]]
        return {position: self.choices[position] for position in chosen.tolist()}
