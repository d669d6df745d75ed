"""Cross-app events. Defined in `core`, the lowest layer, so that the app where an event
happens sends it and the apps above react without anyone importing upward (docs/style.md).

Senders call ``signal.send(sender=<model class>, ...)`` with every keyword below, after the
change is saved, inside the publishing transaction; receivers that do more than write rows
defer their work with ``transaction.on_commit``.
"""

import django.dispatch

leader_list_published = django.dispatch.Signal()
"""A leader list was published (leaders app).

Keyword arguments:
- ``instance``: the published list object; ``sender`` is its model class. The model label and
  ``instance.pk`` identify the event, so receivers can be idempotent.
- ``year`` (int): the list's year.
- ``title`` (str): a human-readable title, e.g. "2026 年度房间空气调节器企业标准领跑者名单".
- ``url`` (str): the public page of the list (path, e.g. "/leaders/?year=2026").
- ``published_on`` (date): the publication date.
- ``leader_count`` (int): the number of leader titles on the list.
- ``actor``: the user who published it, or None for a job.

Receivers: news (an announcement), incentives (quality credit records), portal (statistics).
"""

notice_opened = django.dispatch.Signal()
"""A candidate list went on public notice (公示) (leaders app).

Keyword arguments:
- ``instance``: the notice object; ``sender`` is its model class (label and pk identify it).
- ``year`` (int): the year of the candidate list.
- ``title`` (str): a human-readable title.
- ``url`` (str): the public page of the notice, where objections are filed.
- ``opens_on`` (date), ``closes_on`` (date): the notice period.
- ``actor``: the user who opened it, or None.

Receivers: news (an announcement).
"""

leader_title_revoked = django.dispatch.Signal()
"""A leader title was revoked, by staff or after a failed spot check (leaders app).

Keyword arguments:
- ``instance``: the revoked title; ``sender`` is its model class (label and pk identify it).
- ``year`` (int): the title's year.
- ``title`` (str): a human-readable title, e.g. "北京某电器有限公司 Q/ABC 001-2026
  2026 年度企业标准领跑者称号".
- ``url`` (str): the title's public page (path), which says it is revoked, when and why.
- ``revoked_on`` (date): the revocation date.
- ``reason`` (str): the public reason.
- ``actor``: the user who revoked it, or None for a job.

Receivers: news (an announcement).
"""
