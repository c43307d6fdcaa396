"""Consultation volume for `manage.py seed_volume`: rounds, questions and responses.

At scale 1: 8 rounds (referrals and consultations: three open, four closed of which three
have their responses published and one is reported), each with 4–6 questions (free text,
one choice, several choices, a ranking; on rounds about a volume plan, some tied to its
development areas), and 4,000 responses from the volume's organisations and the 33
municipalities: at most one per respondent and round, most submitted (a frozen
Submission, the registration number), some drafts and some withdrawn; tags, notes and
dispositions on a share of them. Scale 10 is ten times the responses in the same 8 rounds:
a round grows with the volume, so the biggest round's list and export grow with it.

The registration numbers have a prefix of their own (REGISTRATION_PREFIX), gap-free per
year in the order of submission, with RegistrationSequence at the last one given: a
submission made later in a volume round continues the series. Every receipt counts as
sent (receipts_queued_at), so nothing is mailed. Rounds are marked by their slug prefix.

The rounds, their questions and who responds come from one stream; each round's answers
from a stream of its own, so that a change in one round leaves the others as they were.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from consultations.models import (
    GROUP_KINDS,
    Answer,
    Disposition,
    Group,
    Note,
    Question,
    RegistrationSequence,
    Response,
    Round,
    Submission,
    Tag,
)
from kulturplan.models import CulturePlan
from kulturportal import audit
from kulturportal.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
)
from kulturportal.volume import VOLUME_DOMAIN, Builder, Volume, _bulk_create

PREFIX = "volym-"
REGISTRATION_PREFIX = "VOLYM"
RESPONSES_AT_SCALE_ONE = 4000
STOCKHOLM = ZoneInfo("Europe/Stockholm")
Kind = Question.Kind

# --- The rounds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSpec:
    kind: str
    slug: str
    title: str
    theme: str
    opens: int  # days from today
    closes: int
    groups: tuple = ()
    published: bool = False
    reported: bool = False
    about_plan: bool = False  # tied to the newest volume plan, questions to its areas
    weight: int = 1  # its share of the responses (each round holds at most everyone)


ALL_GROUPS = tuple(Group.values)
ROUNDS = [
    RoundSpec(
        Round.Kind.CONSULTATION,
        "samrad-kulturplan-tidigare",
        "Samråd om förra kulturplanen (volym)",
        "Kulturplanen",
        opens=-790,
        closes=-760,
        groups=ALL_GROUPS,
        published=True,
        reported=True,
        about_plan=True,
    ),
    RoundSpec(
        Round.Kind.REFERRAL,
        "remiss-kulturplan-tidigare",
        "Remiss: förra kulturplanen (volym)",
        "Kulturplanen",
        opens=-700,
        closes=-640,
        published=True,
        about_plan=True,
    ),
    RoundSpec(
        Round.Kind.CONSULTATION,
        "samrad-barn-och-unga",
        "Samråd om barn och ungas rätt till kultur (volym)",
        "Barn och unga",
        opens=-420,
        closes=-390,
        groups=(Group.INTEREST, Group.INDEPENDENT, Group.CIVIL_SOCIETY),
        published=True,
    ),
    RoundSpec(
        Round.Kind.CONSULTATION,
        "samrad-lasframjande",
        "Samråd om en regional strategi för läsfrämjande (volym)",
        "Läsfrämjande",
        opens=-200,
        closes=-170,
        groups=(Group.POPULAR_EDUCATION, Group.CIVIL_SOCIETY, Group.BODIES),
    ),
    RoundSpec(
        Round.Kind.REFERRAL,
        "remiss-kulturmiljo",
        "Remiss: kulturmiljöprogram för Skåne (volym)",
        "Kulturmiljö",
        opens=-60,
        closes=-20,
    ),
    RoundSpec(
        # The biggest: every group, and whoever else wants to answer.
        Round.Kind.CONSULTATION,
        "samrad-kulturplan-utkast",
        "Samråd om utkastet till nästa kulturplan (volym)",
        "Kulturplanen",
        opens=-25,
        closes=20,
        groups=ALL_GROUPS,
        about_plan=True,
        weight=3,
    ),
    RoundSpec(
        Round.Kind.REFERRAL,
        "remiss-scenkonst",
        "Remiss: scenkonst på turné i hela Skåne (volym)",
        "Scenkonst",
        opens=-10,
        closes=30,
    ),
    RoundSpec(
        Round.Kind.CONSULTATION,
        "samrad-kultur-och-halsa",
        "Samråd om kultur och hälsa (volym)",
        "Kultur och hälsa",
        opens=-5,
        closes=10,
        groups=(Group.INTEREST, Group.CIVIL_SOCIETY),
    ),
]

# --- Words ---------------------------------------------------------------------------------

TEXT_QUESTIONS = [
    "Vilka av förslagen är viktigast för er verksamhet, och varför?",
    "Vad saknas i förslaget?",
    "Hur kan Region Skåne och kommunerna samverka bättre inom {theme}?",
    "Vilka hinder ser ni för att nå fler invånare?",
    "Vad behöver finnas med om {area}?",
    "Övriga synpunkter",
]
SINGLE_QUESTIONS = ["Hur väl beskriver förslaget ert område?", "Tillstyrker ni förslaget?"]
SINGLE_CHOICES = [
    ["Mycket väl", "Ganska väl", "Ganska dåligt", "Inte alls"],
    ["Ja", "Ja, med ändringar", "Nej"],
]
MULTIPLE_QUESTION = "Vilka utmaningar har ni störst behov av stöd med?"
MULTIPLE_CHOICES = [
    "Lokaler",
    "Finansiering",
    "Kompetensutveckling",
    "Att nå ny publik",
    "Samverkan med kommunen",
    "Digitalisering",
]
RANKING_QUESTION = "Rangordna strategierna efter hur viktiga de är för er"
RANKING_CHOICES = [
    "Kultur i hela Skåne",
    "Barn och unga",
    "Kultur och hälsa",
    "Digital delaktighet",
    "Internationellt utbyte",
]
SENTENCES = [
    "Vi ser positivt på förslagets inriktning och vill bidra i det fortsatta arbetet.",
    "Förslaget behöver tydligare beskriva hur de mindre kommunerna ska nås.",
    "Lokalfrågan är avgörande för föreningslivet i vår del av Skåne.",
    "Barn och unga i glesbygd har långt till kulturutbudet; turnéstödet bör förstärkas.",
    "Samverkan med folkbildningen borde lyftas fram som en väg till delaktighet.",
    "Vi saknar en uppföljning av hur målen från förra perioden nåddes.",
    "Det fria kulturlivets villkor behöver nämnas särskilt, inte bara institutionernas.",
    "Digitala verktyg kan bredda publiken men ersätter inte det lokala mötet.",
    "Finansieringen måste vara långsiktig för att verksamheterna ska kunna planera.",
    "Kultur och hälsa är ett område där vi redan har goda erfarenheter att dela.",
    "Vi föreslår att kulturskolorna ges en tydligare roll i strategin.",
    "Biblioteken är ofta den enda kulturinstitutionen på orten och bör stärkas.",
    "Tillgängligheten för personer med funktionsnedsättning behöver konkreta mål.",
    "Konstnärernas ersättning enligt MU-avtalet bör vara ett krav vid regionalt stöd.",
    "Kulturarvet och kulturmiljöerna är en resurs för besöksnäringen i hela regionen.",
    "Vi instämmer i förslaget i sin helhet och har inga ytterligare synpunkter.",
    "Det är bra att ideella krafter lyfts fram, men de behöver stöd för att orka.",
    "Samordningen mellan kommunerna i vår delregion fungerar väl och kan tjäna som förebild.",
]
TAG_NAMES = [
    "barn och unga",
    "lokaler",
    "finansiering",
    "landsbygd",
    "tillgänglighet",
    "folkbildning",
    "digitalisering",
    "kulturarv",
    "konstnärers villkor",
    "samverkan",
    "bibliotek",
    "uppföljning",
]
NOTE_LINES = [
    "Lyfts i arbetsgruppen nästa vecka.",
    "Jämför med svaret från delregionen.",
    "Ring kontaktpersonen och fråga om underlaget.",
    "Bra exempel till redogörelsen.",
    "Svaret hänvisar till en bilaga som saknas.",
]
REASONS = [
    "Synpunkten är omhändertagen i avsnittet om strategier.",
    "Frågan hanteras i budgetarbetet, inte i planen.",
    "Delvis beaktat: formuleringen är ändrad, men inriktningen ligger fast.",
    "Ligger utanför planens område; vidarebefordrat till berörd förvaltning.",
    "Beaktat: ett nytt stycke om landsbygden är tillagt.",
]
HELD_BACK_REASON = "Svaret innehåller uppgifter om en enskild person."

# --- Shares --------------------------------------------------------------------------------

# Of the responses to an open round, and to a closed one; the rest are drafts.
SHARE_SUBMITTED = {"open": 0.70, "closed": 0.88}
SHARE_WITHDRAWN = {"open": 0.06, "closed": 0.03}
SHARE_EMPTY_DRAFT = 0.3  # of the drafts: opened, never written in
SHARE_RESUBMITTED = 0.15
SHARE_DRAFT_CHANGES = 0.05  # of the submitted in an open round: edited since
SHARE_CONSENT = 0.92
SHARE_HELD_BACK = 0.02  # of the published
SHARE_ANSWERED = {Kind.TEXT: 0.8, Kind.SINGLE: 0.9, Kind.MULTIPLE: 0.85, Kind.RANKING: 0.7}
SHARE_TAGGED = {"open": 0.10, "closed": 0.35}
SHARE_NOTED = 0.08
SHARE_DISPOSED = {"open": 0.0, "closed": 0.30, "reported": 0.85}
SHARE_DISPOSED_ANSWER = {"open": 0.0, "closed": 0.20, "reported": 0.60}


# --- Who answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    organisation_id: int | None
    municipality_id: int | None
    kind: str  # the organisation's kind, or "kommun"
    person_id: int | None  # the representative (or the municipality's person) who submits
    person_label: str


@dataclass
class Context:
    now: datetime  # the real moment: whether a round is open
    midnight: datetime  # today's start: the latest any response is dated, the same all day
    organisations: list[Respondent]
    municipalities: list[Respondent]
    addressees: list[int]  # the volume's municipal associations and state agencies
    officials: list[int]
    plan: CulturePlan | None
    areas: list
    sections: list


def _context(volume: Volume) -> Context:
    people = _people(volume)
    organisations = [
        Respondent(pk, None, kind, *people.get(("o", pk), (None, audit.SYSTEM)))
        for pk, kind in Organisation.objects.filter(email__endswith="@" + VOLUME_DOMAIN)
        .order_by("slug")
        .values_list("pk", "kind")
    ]
    municipalities = [
        Respondent(None, pk, "kommun", *people.get(("m", pk), (None, audit.SYSTEM)))
        for pk in Municipality.objects.order_by("code").values_list("pk", flat=True)
    ]
    addressees = [
        r.organisation_id
        for r in organisations
        if r.kind in (OrganisationKind.MUNICIPAL_ASSOCIATION, OrganisationKind.STATE_AGENCY)
    ]
    officials = list(
        RoleAssignment.objects.active(volume.today)
        .filter(role=Role.REGIONAL_OFFICIAL, user__email__endswith="@" + VOLUME_DOMAIN)
        .order_by("user__email")
        .values_list("user_id", flat=True)
        .distinct()
    )
    plan = CulturePlan.objects.filter(slug__startswith=PREFIX).order_by("-starts_year").first()
    return Context(
        now=timezone.now(),
        midnight=datetime.combine(volume.today, time(0), STOCKHOLM),
        organisations=organisations,
        municipalities=municipalities,
        addressees=addressees,
        officials=officials,
        plan=plan,
        areas=list(plan.development_areas.order_by("position")) if plan else [],
        sections=list(plan.sections.order_by("position")) if plan else [],
    )


def _people(volume: Volume) -> dict:
    """(kind, key) → (user id, label) of the first volume person who answers for it."""
    rows = (
        RoleAssignment.objects.active(volume.today)
        .filter(
            user__email__endswith="@" + VOLUME_DOMAIN,
            user__is_active=True,
            role__in=[
                Role.ORGANISATION_REPRESENTATIVE,
                Role.CULTURE_CHIEF,
                Role.MUNICIPAL_OFFICIAL,
            ],
        )
        .order_by("user__email", "pk")
        .values_list(
            "role",
            "organisation_id",
            "municipality_id",
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__email",
        )
    )
    people: dict = {}
    for role, organisation, municipality, user, first, last, email in rows:
        key = (
            ("o", organisation) if role == Role.ORGANISATION_REPRESENTATIVE else ("m", municipality)
        )
        people.setdefault(key, (user, f"{first} {last}".strip() or email))
    return people


# --- Building --------------------------------------------------------------------------------


@dataclass
class Planned:
    """One response before its rows: who, what became of it, and when."""

    respondent: Respondent
    status: str
    submitted: list[datetime] = field(default_factory=list)  # each submission's moment
    withdrawn_at: datetime | None = None
    number: str | None = None


def build_consultations(volume: Volume) -> dict[str, int]:
    rng = volume.random("consultations")
    context = _context(volume)
    rounds = _rounds(context)
    questions = _questions(rng, context, rounds)
    capacity = len(context.organisations) + len(context.municipalities)
    sizes = share_out(
        volume.count(RESPONSES_AT_SCALE_ONE),
        [spec.weight for spec in ROUNDS],
        [capacity] * len(ROUNDS),
    )
    planned = [
        _plan_responses(rng, context, spec, round, size)
        for spec, round, size in zip(ROUNDS, rounds, sizes, strict=True)
    ]
    sequences = _number(planned)
    counts: dict[str, int] = defaultdict(int)
    tags = _tags()
    for index, (spec, round) in enumerate(zip(ROUNDS, rounds, strict=True)):
        stream = volume.random(f"consultations:{index}")
        made = _write_round(stream, context, spec, round, questions[round.pk], planned[index], tags)
        for name, count in made.items():
            counts[name] += count
    RegistrationSequence.objects.bulk_create(
        RegistrationSequence(prefix=REGISTRATION_PREFIX, year=year, last=last)
        for year, last in sorted(sequences.items())
    )
    return {
        "consultation rounds": len(rounds),
        "consultation questions": sum(len(q) for q in questions.values()),
        **counts,
    }


def share_out(total: int, weights: list[int], caps: list[int]) -> list[int]:
    """total shared by weight, none above its cap (what the caps cannot hold is left out)."""
    sizes = [0] * len(weights)
    left = total
    while left > 0:
        room = [i for i in range(len(weights)) if sizes[i] < caps[i]]
        if not room:
            break
        weight = sum(weights[i] for i in room)
        given = 0
        for i in room:
            add = min(caps[i] - sizes[i], left * weights[i] // weight)
            sizes[i] += add
            given += add
        if not given:  # less left than there are rounds: one each, in order
            for i in room[:left]:
                sizes[i] += 1
                given += 1
        left -= given
    return sizes


def _at(context: Context, days: int, hour: int) -> datetime:
    day = context.midnight.date() + timedelta(days=days)
    return datetime.combine(day, time(hour), STOCKHOLM)


def _rounds(context: Context) -> list[Round]:
    created_by = context.officials[0] if context.officials else None
    rounds = []
    for spec in ROUNDS:
        opens, closes = _at(context, spec.opens, 8), _at(context, spec.closes, 23)
        round = Round(
            kind=spec.kind,
            title=spec.title,
            slug=PREFIX + spec.slug,
            plan=context.plan if spec.about_plan else None,
            theme=spec.theme,
            description=(
                f"Region Skåne vill höra kulturlivets och kommunernas synpunkter om {spec.theme}."
                "\n\nLäs underlaget och svara på frågorna. Svaren används i det fortsatta "
                "arbetet, och en redogörelse visar vad som blev av dem."
            ),
            opens_at=opens,
            closes_at=closes,
            groups=list(spec.groups),
            addresses_municipalities=spec.kind == Round.Kind.REFERRAL,
            registration_prefix=REGISTRATION_PREFIX,
            contact_name="Kultur Skåne",
            contact_email=f"samrad@{VOLUME_DOMAIN}",
            created_by_id=created_by,
        )
        if spec.published:
            round.responses_published_at = closes + timedelta(days=14)
        if spec.reported:
            round.report_published_at = closes + timedelta(days=60)
            round.report_summary = (
                "Region Skåne tackar alla som svarade. Här redovisas vad som blev av svaren."
            )
        rounds.append(round)
    _bulk_create(Round, rounds)
    Link = Round.addressed_organisations.through
    _bulk_create(
        Link,
        [
            Link(round_id=round.pk, organisation_id=organisation)
            for round in rounds
            if round.kind == Round.Kind.REFERRAL
            for organisation in context.addressees
        ],
    )
    return rounds


def _questions(rng: random.Random, context: Context, rounds: list[Round]) -> dict:
    made = []
    for spec, round in zip(ROUNDS, rounds, strict=True):
        kinds = [Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING, Kind.TEXT, Kind.TEXT]
        rng.shuffle(kinds)
        kinds = [Kind.TEXT, *kinds[: rng.randint(3, 5)]]
        texts = iter(rng.sample(TEXT_QUESTIONS[:-1], len(TEXT_QUESTIONS) - 1))
        for position, kind in enumerate(kinds, start=1):
            question = Question(round=round, position=position, kind=kind)
            area = rng.choice(context.areas) if context.areas and spec.about_plan else None
            if kind == Kind.TEXT:
                text = TEXT_QUESTIONS[0] if position == 1 else next(texts)
                if "{area}" in text and area is None:
                    text = TEXT_QUESTIONS[-1]
                question.text = text.format(theme=spec.theme.lower(), area=_lower(area))
                question.required = position == 1
                question.max_length = 6000
                if area is not None and position > 1:
                    question.development_area = area
                if position == 1 and context.sections and spec.about_plan:
                    question.section = rng.choice(context.sections)
            elif kind == Kind.SINGLE:
                which = rng.randrange(len(SINGLE_QUESTIONS))
                question.text, question.choices = SINGLE_QUESTIONS[which], SINGLE_CHOICES[which]
            elif kind == Kind.MULTIPLE:
                question.text, question.choices = MULTIPLE_QUESTION, list(MULTIPLE_CHOICES)
            else:
                question.text, question.choices = RANKING_QUESTION, list(RANKING_CHOICES)
            made.append(question)
    _bulk_create(Question, made)
    by_round = defaultdict(list)
    for question in made:
        by_round[question.round_id].append(question)
    return dict(by_round)


def _lower(area) -> str:
    return area.title[0].lower() + area.title[1:] if area else ""


def _state(spec: RoundSpec, round: Round, now: datetime) -> str:
    if spec.reported:
        return "reported"
    return "closed" if round.has_closed(now) else "open"


def _plan_responses(rng, context: Context, spec: RoundSpec, round: Round, size: int) -> list:
    """Who answers the round, what became of each response and when: light enough to hold
    for every round at once, so that the numbers can be given in the order of submission."""
    organisations = list(context.organisations)
    municipalities = list(context.municipalities)
    rng.shuffle(organisations)
    rng.shuffle(municipalities)
    if spec.kind == Round.Kind.REFERRAL:  # addressed to the municipalities: they answer first
        order = municipalities + organisations
    else:
        kinds = {kind for group in spec.groups for kind in GROUP_KINDS.get(group, [])}
        reached = [r for r in organisations if r.kind in kinds]
        others = [r for r in organisations if r.kind not in kinds]
        order = reached + others + municipalities
    state = "open" if _state(spec, round, context.now) == "open" else "closed"
    ends = min(round.closes_at, context.midnight)
    planned = []
    for respondent in order[:size]:
        draw = rng.random()
        if draw < SHARE_WITHDRAWN[state]:
            status = Response.Status.WITHDRAWN
        elif draw < SHARE_WITHDRAWN[state] + SHARE_SUBMITTED[state]:
            status = Response.Status.SUBMITTED
        else:
            status = Response.Status.DRAFT
        item = Planned(respondent, status)
        if status != Response.Status.DRAFT:
            # Most come in the last days: u ** 0.3 leans towards the deadline.
            first = _between(round.opens_at, ends, rng.random() ** 0.3)
            item.submitted.append(first)
            if rng.random() < SHARE_RESUBMITTED:
                item.submitted.append(_between(first, ends, rng.random()))
            if status == Response.Status.WITHDRAWN:
                item.withdrawn_at = _between(item.submitted[-1], ends, rng.random())
        planned.append(item)
    return planned


def _between(start: datetime, end: datetime, share: float) -> datetime:
    return (start + (end - start) * share).replace(microsecond=0)


def _number(planned: list[list[Planned]]) -> dict[int, int]:
    """Registration numbers by year in the order of first submission; the last of each year."""
    numbered = sorted(
        (item.submitted[0], r, i)
        for r, items in enumerate(planned)
        for i, item in enumerate(items)
        if item.submitted
    )
    last: dict[int, int] = defaultdict(int)
    for moment, r, i in numbered:
        year = timezone.localtime(moment).year
        last[year] += 1
        planned[r][i].number = f"{REGISTRATION_PREFIX} {year}/{last[year]:04d}"
    return dict(last)


def _tags() -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(name__in=TAG_NAMES)}
    missing = [Tag(name=name) for name in TAG_NAMES if name not in existing]
    _bulk_create(Tag, missing)
    return [existing.get(name) or next(t for t in missing if t.name == name) for name in TAG_NAMES]


def _write_round(rng, context, spec, round, questions, planned, tags) -> dict[str, int]:
    """The rows of one round's responses, written in bulk, then let go."""
    state = _state(spec, round, context.now)
    responses, answers_of, contents_of = [], [], []
    for item in planned:
        answers = _answers(rng, questions, item)
        person = item.respondent.person_id
        consent = rng.random() < SHARE_CONSENT
        response = Response(
            round=round,
            organisation_id=item.respondent.organisation_id,
            municipality_id=item.respondent.municipality_id,
            status=item.status,
            version=len(item.submitted) + rng.randint(1 if answers else 0, 6),
            registration_number=item.number,
            submitted_at=item.submitted[-1] if item.submitted else None,
            withdrawn_at=item.withdrawn_at,
            consent_to_publish=consent,
            # As submitted (services.submit): what may be published.
            publish_consent=consent if item.submitted else False,
            updated_by_id=person if answers else None,
        )
        contents = []
        if item.submitted:
            contents = [_content(questions, answers, consent, final=n == len(item.submitted))
                        for n in range(1, len(item.submitted) + 1)]  # fmt: skip
            if state == "open" and item.status == Response.Status.SUBMITTED:
                response.has_draft_changes = rng.random() < SHARE_DRAFT_CHANGES
            if spec.published and item.status == Response.Status.SUBMITTED:
                response.published_content = _published(contents[-1], questions)
                if rng.random() < SHARE_HELD_BACK:
                    response.held_back, response.held_back_reason = True, HELD_BACK_REASON
        responses.append(response)
        answers_of.append(answers)
        contents_of.append(contents)
    _bulk_create(Response, responses)

    answer_rows, submissions = [], []
    for response, item, answers, contents in zip(
        responses, planned, answers_of, contents_of, strict=True
    ):
        person = item.respondent.person_id
        for question, (text, choices) in answers.items():
            if response.has_draft_changes and question.position == 1:
                text += " " + rng.choice(SENTENCES)  # edited since it was submitted
            answer_rows.append(
                Answer(
                    response=response,
                    question=question,
                    text=text,
                    choices=choices,
                    updated_by_id=person,
                )
            )
        for number, (moment, content) in enumerate(
            zip(item.submitted, contents, strict=True), start=1
        ):
            submissions.append(
                Submission(
                    response=response,
                    number=number,
                    submitted_at=moment,
                    submitted_by_id=person,
                    submitted_by_label=item.respondent.person_label,
                    content=content,
                    receipts_queued_at=moment + timedelta(seconds=rng.randint(2, 40)),
                )
            )
    _bulk_create(Answer, answer_rows)
    _bulk_create(Submission, submissions)
    latest = Submission.objects.filter(response=OuterRef("pk")).order_by("-number").values("pk")
    Response.objects.filter(round=round).exclude(status=Response.Status.DRAFT).update(
        current_submission=Subquery(latest[:1])
    )
    made = _analysis(rng, context, state, round, questions, responses, tags)
    return {
        "consultation responses": len(responses),
        "submitted responses": sum(1 for r in responses if r.status == Response.Status.SUBMITTED),
        "consultation answers": len(answer_rows),
        "consultation submissions": len(submissions),
        **made,
    }


def _answers(rng, questions: list[Question], item: Planned) -> dict:
    """question → (text, choices) for the questions answered; a draft may have none."""
    draft = item.status == Response.Status.DRAFT
    if draft and rng.random() < SHARE_EMPTY_DRAFT:
        return {}
    answers = {}
    for question in questions:
        share = SHARE_ANSWERED[question.kind] * (0.6 if draft else 1)
        if not (question.required and not draft) and rng.random() >= share:
            continue
        if question.kind == Kind.TEXT:
            answers[question] = (" ".join(rng.choices(SENTENCES, k=rng.randint(1, 6))), [])
        elif question.kind == Kind.SINGLE:
            answers[question] = ("", [rng.choice(question.choices)])
        elif question.kind == Kind.MULTIPLE:
            answers[question] = ("", rng.sample(question.choices, rng.randint(1, 3)))
        else:
            count = rng.randint(2, len(question.choices))
            answers[question] = ("", rng.sample(question.choices, count))
    return answers


def _content(questions, answers: dict, consent: bool, *, final: bool) -> dict:
    """As services.frozen_content makes it; an earlier version had a shorter first answer."""
    items = []
    for question in questions:
        text, choices = answers.get(question, ("", []))
        if not final and question.position == 1:
            text = text.split(". ", 1)[0]
        items.append({"question": question.pk, "text": text, "choices": choices})
    return {"consent_to_publish": consent, "answers": items, "attachments": []}


def _published(content: dict, questions) -> dict:
    """As services.published_content makes it: the volume's text has no personal data."""
    by_pk = {question.pk: question for question in questions}
    return {
        "answers": [
            {
                "question": item["question"],
                "text": by_pk[item["question"]].answer_text(item["text"], item["choices"]),
            }
            for item in content["answers"]
        ],
        "redactions": 0,
    }


def _analysis(rng, context, state, round, questions, responses, tags) -> dict[str, int]:
    """Tags, notes and dispositions, as the officials leave them."""
    Link = Response.tags.through
    links, notes, dispositions = [], [], []
    tag_share = SHARE_TAGGED["open" if state == "open" else "closed"]
    first_text = questions[0]
    for response in responses:
        if response.status == Response.Status.DRAFT:
            continue
        official = rng.choice(context.officials) if context.officials else None
        if rng.random() < tag_share:
            for tag in rng.sample(tags, rng.randint(1, 3)):
                links.append(Link(response_id=response.pk, tag_id=tag.pk))
        if rng.random() < SHARE_NOTED:
            for _n in range(rng.randint(1, 2)):
                notes.append(
                    Note(
                        response=response,
                        author_id=official,
                        text=rng.choice(NOTE_LINES),
                        created_at=response.submitted_at + timedelta(days=rng.randint(0, 10)),
                    )
                )
        if response.status != Response.Status.SUBMITTED:
            continue
        for question, share in ((None, SHARE_DISPOSED), (first_text, SHARE_DISPOSED_ANSWER)):
            if rng.random() < share[state]:
                dispositions.append(
                    Disposition(
                        response=response,
                        question=question,
                        outcome=rng.choice(Disposition.Outcome.values),
                        reason=rng.choice(REASONS),
                        section=rng.choice(context.sections)
                        if context.sections and round.plan_id
                        else None,
                        decided_by_id=official,
                    )
                )
    _bulk_create(Link, links)
    _bulk_create(Note, notes)
    _bulk_create(Disposition, dispositions)
    return {
        "consultation tags": len(links),
        "consultation notes": len(notes),
        "dispositions": len(dispositions),
    }


# --- Clearing ------------------------------------------------------------------------------


def volume_rounds():
    return Round.objects.filter(slug__startswith=PREFIX)


def clear_consultations() -> None:
    """Bottom up, each in one statement where it can be: a cascade from the rounds would
    load every response and submission into memory first."""
    rounds = volume_rounds()
    responses = Response.objects.filter(round__in=rounds)
    for model in (Disposition, Note, Answer):
        model.objects.filter(response__in=responses).delete()
    Response.tags.through.objects.filter(response__in=responses).delete()
    responses.update(current_submission=None)
    Submission.objects.filter(response__in=responses).only("pk").delete()
    responses.only("pk").delete()
    rounds.delete()
    Tag.objects.filter(name__in=TAG_NAMES, responses__isnull=True).delete()
    RegistrationSequence.objects.filter(prefix=REGISTRATION_PREFIX).delete()


CONSULTATIONS = Builder("consultations", build_consultations, clear_consultations)
BUILDERS = [CONSULTATIONS]
