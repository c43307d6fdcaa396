"""Demo consultations: one open for the demo journey, an open referral with a few answers,
and an earlier consultation, reported, that shows "what became of our input"."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from consultations import services
from consultations.models import (
    Disposition,
    Group,
    Question,
    Response,
    Round,
    Submission,
    text_hash,
)
from kulturplan.models import CulturePlan
from kulturportal.models import Municipality, Organisation, Role, RoleAssignment, User

STOCKHOLM = ZoneInfo("Europe/Stockholm")

EARLIER_RESPONDENTS = [
    # organisation, answer to the first question, outcome, reason
    (
        "Folkhögskolorna i Skåne",
        "Folkbildningen når dem som inte går till kulturinstitutionerna. Planen bör nämna "
        "folkhögskolornas kulturlinjer som en väg in i det professionella kulturlivet.",
        Disposition.Outcome.TAKEN,
        "Folkhögskolornas roll för breddad rekrytering är nu beskriven under Kompetens.",
    ),
    (
        "Scenkonstkollegiet",
        "Turnéstödet behöver räcka till hela Skåne, inte bara de större scenerna.",
        Disposition.Outcome.PARTLY,
        "Turnéverksamheten nämns; nivån på stödet avgörs i budgeten, inte i planen.",
    ),
    (
        "Bildkonst- och formkollegiet",
        "Ateljéer i hela regionen och skälig ersättning till konstnärer (MU-avtalet).",
        Disposition.Outcome.NOT_TAKEN,
        "Ersättningsfrågan ligger utanför planen och hanteras i Region Skånes riktlinjer.",
    ),
]


def _moment(days: int, hour: int = 16) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour), STOCKHOLM)


def seed_demo() -> None:
    """Called by manage.py seed_demo (kulturportal.demo.seed_app_demos)."""
    if Round.objects.exists() or not CulturePlan.objects.exists():
        return
    official = User.objects.filter(email="handlaggare@example.se").first()
    with transaction.atomic():
        _open_consultation(official)
        _open_referral(official)
        _reported_consultation(official)
        # The demo's answers were never sent by anyone: no receipts for them.
        Submission.objects.update(receipts_queued_at=timezone.now())


def _questions(round: Round, plan: CulturePlan, official) -> list[Question]:
    area = plan.development_areas.order_by("position").first()
    section = plan.sections.filter(slug="strategier").first()
    specs = [
        dict(
            text="Vilka av planens utvecklingsområden är viktigast för er verksamhet, och varför?",
            kind=Question.Kind.TEXT,
            required=True,
            section=section,
        ),
        dict(
            text=f"Vad behöver finnas med om {area.title.lower()}?" if area else "Övrigt",
            kind=Question.Kind.TEXT,
            development_area=area,
        ),
        dict(
            text="Hur väl beskriver utkastet ert område?",
            kind=Question.Kind.SINGLE,
            choices=["Mycket väl", "Ganska väl", "Inte alls"],
        ),
        dict(
            text="Rangordna strategierna efter hur viktiga de är för er",
            kind=Question.Kind.RANKING,
            choices=["Hela Skåne", "Kultur och hälsa", "Digitalisering", "Internationellt"],
        ),
        dict(
            text="Bifoga gärna ett yttrande",
            kind=Question.Kind.FILE,
            help_text="Ett yttrande från styrelsen, om ni har ett.",
        ),
    ]
    return [
        services.save_question(
            question=Question(round=round, position=position, **spec), actor=official
        )
        for position, spec in enumerate(specs, start=1)
    ]


def _open_consultation(official) -> Round:
    plan = CulturePlan.objects.get(slug="2029-2032")
    round = services.create_round(
        round=Round(
            kind=Round.Kind.CONSULTATION,
            title="Samråd om utkastet till kulturplan 2029–2032",
            slug="kulturplan-2029-2032",
            plan=plan,
            description=(
                "Region Skåne samråder med kulturlivet och det civila samhället om utkastet "
                "till nästa regionala kulturplan.\n\n"
                "Läs utkastet och svara på frågorna. Svaren används när planen skrivs klart, och "
                "en samrådsredogörelse visar vad som blev av synpunkterna."
            ),
            opens_at=_moment(-10, 8),
            closes_at=_moment(20),
            groups=list(Group.values),
            contact_name="Hanna Handläggare",
            contact_email="handlaggare@example.se",
        ),
        actor=official,
    )
    _questions(round, plan, official)
    services.add_document(
        round=round,
        title="Utkast till regional kulturplan 2029–2032",
        upload=SimpleUploadedFile("utkast-kulturplan.pdf", _tiny_pdf(), "application/pdf"),
        actor=official,
    )
    return round


def _open_referral(official) -> Round:
    plan = CulturePlan.objects.get(slug="2029-2032")
    round = services.create_round(
        round=Round(
            kind=Round.Kind.REFERRAL,
            title="Remiss: regional kulturplan 2029–2032",
            slug="remiss-kulturplan-2029-2032",
            plan=plan,
            description=(
                "Remissversionen av kulturplanen skickas till Skånes kommuner, Skånes Kommuner "
                "och Länsstyrelsen Skåne. Alla som vill får svara."
            ),
            opens_at=_moment(-5, 8),
            closes_at=_moment(40),
            contact_name="Hanna Handläggare",
            contact_email="handlaggare@example.se",
        ),
        actor=official,
    )
    question = services.save_question(
        question=Question(
            round=round,
            position=1,
            text="Kommunens synpunkter på remissversionen",
            kind=Question.Kind.TEXT,
            required=True,
        ),
        actor=official,
    )
    for municipality in Municipality.objects.filter(code__in=["1280", "1283", "1290", "1286"]):
        if municipality.code == "1280":
            continue  # Malmö's culture chief answers in the demo.
        chief = _chief(municipality)
        response = services.response_for(round, municipality)
        _answer(response, question, f"{municipality.name} tillstyrker remissversionen.", chief)
        services.submit(response=response, actor=chief)
    return round


def _chief(municipality):
    assignment = (
        RoleAssignment.objects.filter(municipality=municipality, role=Role.CULTURE_CHIEF)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None


def _answer(response: Response, question: Question, text: str, actor) -> None:
    services.save_answers(
        response=response,
        posted=[services.Posted(question=question, value=text, base_hash=text_hash(""))],
        actor=actor,
    )


def _reported_consultation(official) -> Round:
    plan = CulturePlan.objects.get(slug="2025-2028")
    opens, closes = _moment(-800, 8), _moment(-770)
    round = services.create_round(
        round=Round(
            kind=Round.Kind.CONSULTATION,
            title="Samråd om kulturplan 2025–2028",
            slug="kulturplan-2025-2028",
            plan=plan,
            description="Samrådet inför den nuvarande kulturplanen.",
            opens_at=opens,
            closes_at=closes,
            groups=[Group.BODIES, Group.POPULAR_EDUCATION, Group.INTEREST],
        ),
        actor=official,
    )
    question = services.save_question(
        question=Question(
            round=round,
            position=1,
            text="Vad är viktigast i den nya planen för er?",
            kind=Question.Kind.TEXT,
            required=True,
        ),
        actor=official,
    )
    section = plan.sections.order_by("position").last()
    for name, text, outcome, reason in EARLIER_RESPONDENTS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        response = services.response_for(round, organisation)
        _answer(response, question, text, official)
        services.submit(response=response, moment=opens + timedelta(days=5), actor=official)
        services.set_disposition(
            response=response,
            question=question,
            outcome=outcome,
            reason=reason,
            section=section,
            actor=official,
        )
    Round.objects.filter(pk=round.pk).update(closes_at=closes)
    services.publish_responses(round=round, actor=official)
    services.publish_report(
        round=round,
        summary="Region Skåne tackar alla som svarade. Här redovisas vad som blev av svaren.",
        actor=official,
    )
    return round


def _tiny_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
