"""Import/export kind `synonyms` (CONTRACT.md §2, 2026-12): the search's synonym list.

Registered when apps/declarations/imports.py (the module core discovers) imports it. The
term is stored as the search looks it up (synonyms.py): trimmed and lower-cased, so `AC` and
`ac` in one file are the same key, and importing `AC` again after `ac` changes nothing.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.imports import (
    TIMESTAMPS_ON_INSERT,
    CellError,
    Column,
    Field,
    ImportKind,
    Text,
    register,
)
from apps.declarations.search import normalize_term

MAX_LENGTH = 100  # a query is cut at 100 characters (search.normalize_query)


class Term(Text):
    """A synonym's term: compared case-insensitively, so stored lower-cased."""

    def __init__(self):
        super().__init__(MAX_LENGTH)

    def parse(self, text: str) -> str:
        term = normalize_term(super().parse(text))
        if len(term) > MAX_LENGTH:  # lower-casing lengthened it (a few letters do)
            raise CellError(
                _("长度为 %(length)d 个字符，超过上限 %(max)d")
                % {"length": len(term), "max": MAX_LENGTH}
            )
        return term

    def describe(self) -> str:
        return _("文本，最多 %(max)d 个字符，不区分大小写") % {"max": MAX_LENGTH}


SYNONYMS = register(
    ImportKind(
        name="synonyms",
        label=gettext_lazy("检索同义词"),
        columns=[
            Column("term", "检索词", Term(), required=True),
            Column("canonical", "规范用词", Text(MAX_LENGTH), required=True),
        ],
        key=("term", "canonical"),
        table="declarations_synonym",
        target_key=[Field("term", "s.term"), Field("canonical", "s.canonical")],
        on_insert=TIMESTAMPS_ON_INSERT,
        sql="SELECT t.term, t.canonical FROM declarations_synonym t {where} "
        "ORDER BY t.term, t.canonical",
        pk_expr="t.id",
        description=gettext_lazy(
            "公开检索的同义词：检索“检索词”时同时检索“规范用词”（标准中使用的词）；"
            "一个检索词可对应多个规范用词。按检索词 + 规范用词新增。"
        ),
        example=[["空调", "空气调节器"]],
    )
)
