"""The experts' year: each expert drawn for a review (the scheme, the candidate list, the
objection) is told by mail, signs in, lands on the expert workspace, opens the task and
answers in the form."""

from .people import Person, Walk, assert_human_words

LANDING = "/workspace/expert/"
DRAWN = "请参加专家评审"


def drawn_for(walk: Walk, title_has: str) -> list[Person]:
    """The experts whose mail says they were drawn for the review `title_has`."""
    return [
        person
        for person in walk.seen["experts"]
        if any(title_has in m.subject for m in walk.mails_to(person.email, DRAWN))
    ]


def answers(walk: Walk, who: Person, *, title_has: str, choice: str, comments: str):
    """Sign in → 专家工作台 → the task → the opinion → 提交意见."""
    page = walk.page
    walk.sign_in(who, LANDING)
    task = page.locator("main table a", has_text=title_has)
    assert "待提交" in page.locator("main tr", has_text=title_has).inner_text()
    task.click()
    page.get_by_label(choice, exact=True).check()
    page.fill("#id_comments", comments)
    page.click("main button:has-text('提交意见')")
    page.wait_for_selector("text=评审意见已提交")
    assert_human_words(page)
    walk.sign_out()


def drawn_experts_answer(walk: Walk, *, title_has: str, size: int, choice: str, comments: str):
    drawn = drawn_for(walk, title_has)
    assert len(drawn) == size, [p.email for p in drawn]
    for who in drawn:
        answers(walk, who, title_has=title_has, choice=choice, comments=comments)
