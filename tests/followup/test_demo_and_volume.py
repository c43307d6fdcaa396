"""The demo's follow-up (two years, the later a mix) and the volume builder."""

from collections import Counter
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from followup import demo as followup_demo
from followup import volume as followup_volume
from followup.board import completion
from followup.models import AnnualReport, FundingDecision, ReportingRound
from kulturplan.demo import seed_demo as seed_plans
from kulturportal import volume
from kulturportal.models import OutgoingEmail


def test_the_demo_funds_the_institutions_for_two_years_with_every_status(demo):
    seed_plans()
    followup_demo.seed_demo()
    earlier, current = followup_demo.years()
    for year in (earlier, current):
        decisions = list(FundingDecision.objects.for_year(year))
        assert len(decisions) == len(followup_demo.FUNDED)
        state = sum((d.state_total for d in decisions), Decimal(0))
        assert Decimal(230_000_000) < state < Decimal(250_000_000), state
    statuses = Counter(
        AnnualReport.objects.filter(round__year=current).values_list("status", flat=True)
    )
    assert statuses == {"approved": 3, "submitted": 6, "returned": 2, "draft": 3}
    assert not AnnualReport.objects.filter(round__year=earlier).exclude(status="approved")
    board = completion(ReportingRound.objects.get(year=current))
    assert (board.done, board.total) == (9, 21)
    opera = AnnualReport.objects.get(round__year=current, organisation__name="Malmö Opera")
    assert opera.status == "draft"
    assert not OutgoingEmail.objects.filter(dedupe_key__startswith="followup-").exists()
    followup_demo.seed_demo()  # again: nothing new
    assert FundingDecision.objects.count() == 2 * len(followup_demo.FUNDED)


def test_the_builder_runs_with_seed_volume_after_the_organisations():
    names = [builder.name for builder in volume.builders()]
    assert followup_volume.FOLLOWUP in volume.builders()
    assert names.index("follow-up") > names.index("organisations")


def test_a_small_volume_funds_organisations_for_two_years_and_clears_only_its_own(demo):
    seed_plans()
    followup_demo.seed_demo()
    demo_decisions = FundingDecision.objects.count()
    options = {"scale": 1, "fraction": 0.2, "force": True, "stdout": StringIO()}
    call_command("seed_volume", **options)
    made = FundingDecision.objects.count() - demo_decisions
    assert made == 2 * 4  # a fifth of 21 organisations, two years
    last = ReportingRound.objects.order_by("-year").first()
    assert (
        AnnualReport.objects.filter(round__year__lt=last.year).exclude(status="approved").count()
        == 0
    )
    assert all(r.approved_submission_id for r in AnnualReport.objects.filter(status="approved"))
    volume.clear_volume()
    assert FundingDecision.objects.count() == demo_decisions
    assert ReportingRound.objects.count() == 2


def test_scale_ten_means_ten_years():
    from kulturportal.volume import Volume

    assert max(2, Volume(scale=10).count(1)) == 10
    assert Volume(scale=10).count(followup_volume.ORGANISATIONS_AT_SCALE_ONE) == 210
