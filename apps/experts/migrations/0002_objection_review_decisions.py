"""Objection reviews get their own opinions, 异议成立 / 异议不成立, instead of the scheme
review's 同意 / 修改后再审 / 不同意. Opinions given before read as they were meant: on an
objection, 同意 meant "the objection is well-founded" (upheld) and 不同意 "it is not"
(dismissed); a review without a majority (recorded as 修改后再审) reads 专家意见未过半数. An
old 同意 without a written reason gets one saying so (every opinion but 同意 has one, checked
by the database). A 修改后再审 opinion on an objection has no counterpart and stays."""

from django.db import migrations, models


OPINIONS = {"approve": "upheld", "reject": "dismissed"}
OUTCOMES = {"approve": "upheld", "reject": "dismissed", "revise": "split"}
NO_REASON = "（原意见为“同意”，即异议成立，未附理由）"


def forwards(apps, schema_editor):
    Review = apps.get_model("experts", "Review")
    ReviewMember = apps.get_model("experts", "ReviewMember")
    objection_reviews = Review.objects.filter(kind="objection")
    members = ReviewMember.objects.filter(review__in=objection_reviews)
    members.filter(decision="approve", comments="").update(comments=NO_REASON)
    for old, new in OPINIONS.items():
        members.filter(decision=old).update(decision=new)
    for old, new in OUTCOMES.items():
        objection_reviews.filter(outcome=old).update(outcome=new)


def backwards(apps, schema_editor):
    Review = apps.get_model("experts", "Review")
    ReviewMember = apps.get_model("experts", "ReviewMember")
    objection_reviews = Review.objects.filter(kind="objection")
    members = ReviewMember.objects.filter(review__in=objection_reviews)
    for old, new in OPINIONS.items():
        members.filter(decision=new).update(decision=old)
    members.filter(decision="approve", comments=NO_REASON).update(comments="")
    for old, new in OUTCOMES.items():
        objection_reviews.filter(outcome=new).update(outcome=old)


class Migration(migrations.Migration):

    dependencies = [
        ('experts', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='review',
            name='outcome',
            field=models.CharField(blank=True, choices=[('approve', '同意'), ('revise', '修改后再审'), ('reject', '不同意'), ('upheld', '异议成立'), ('dismissed', '异议不成立'), ('split', '专家意见未过半数')], max_length=10, verbose_name='结论'),
        ),
        migrations.AlterField(
            model_name='reviewmember',
            name='decision',
            field=models.CharField(blank=True, choices=[('approve', '同意'), ('revise', '修改后再审'), ('reject', '不同意'), ('upheld', '异议成立'), ('dismissed', '异议不成立'), ('split', '专家意见未过半数')], max_length=10, verbose_name='意见'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
