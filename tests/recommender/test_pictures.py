"""Pictures of plans and gap reports: what they draw, how they scale, and that names are never mathtext."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Catalogue, Credential, CredentialCondition, Occupation, Skill, TaughtSkill
from recommender import pictures
from recommender.plan import Pathway
from recommender.profile import Constraints, LearnerProfile, Targets
from recommender.service import CredpathService

MATHY = r"$x_1^2$ \frac{$ Cost $5 ^_^ $$"
"""A course title that is malformed mathtext: parsing it as math would raise on drawing."""


def chain(n: int, name: str = "Course") -> CredpathService:
    """n credentials in a chain (each requires the one before), plus one independent credential."""
    creds = [Credential(id="c0", name=f"{name} 0", provider="P", hours=5, teaches=(TaughtSkill(skill="s0"),))]
    for i in range(1, n):
        creds.append(
            Credential(
                id=f"c{i}",
                name=f"{name} {i}",
                provider="P",
                hours=5,
                teaches=(TaughtSkill(skill=f"s{i}"),),
                requires=CredentialCondition(credential=f"c{i - 1}"),
            )
        )
    creds.append(Credential(id="solo", name=MATHY, provider="$P_", hours=3, teaches=(TaughtSkill(skill="z"),)))
    skills = [Skill(id=f"s{i}", label=f"skill {i}") for i in range(n)]
    skills += [Skill(id="z", label="z"), Skill(id="nowhere", label=MATHY)]
    occ = Occupation(id="o", label=MATHY, essential_skills=(f"s{n - 1}", "z", "nowhere"))
    return CredpathService(Catalogue(skills=tuple(skills), credentials=tuple(creds), occupations=(occ,)))


def plan(service: CredpathService, hours_per_week: float | None = None) -> Pathway:
    return service.plan(
        LearnerProfile(targets=Targets(skills=("s3", "z")), constraints=Constraints(hours_per_week=hours_per_week))
    )


def test_dag_edges_come_only_from_the_step_that_meets_a_requirement() -> None:
    pathway = plan(chain(4))
    index = {s.credential_id: s.index for s in pathway.steps}
    assert pictures.dag_edges(pathway) == sorted(
        [(index["c0"], index["c1"]), (index["c1"], index["c2"]), (index["c2"], index["c3"])]
    )
    layout = pictures.dag_layout(pathway)
    assert [layout[index[f"c{i}"]][0] for i in range(4)] == [0, 1, 2, 3]
    assert layout[index["solo"]][0] == 0


def test_a_long_plan_spreads_over_columns_and_keeps_every_step(tmp_path: Path) -> None:
    pathway = plan(chain(34))
    assert len(pathway.steps) == 5
    long_service = chain(34)
    long_plan = long_service.plan(LearnerProfile(targets=Targets(skills=("s33", "z"))))
    assert len(long_plan.steps) == 35
    fig = pictures.plan_dag(long_plan)
    texts = pictures.labels_drawn(fig)
    assert all(any(t.startswith(f"{s.index}. ") for t in texts) for s in long_plan.steps)
    assert "Stage 34" in texts
    width, _ = fig.get_size_inches()
    assert width >= 2.9 * 34
    png = pictures.to_bytes(fig, "png")
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize("weekly", [False, True])
def test_timeline_in_weeks_or_cumulative_hours(weekly: bool) -> None:
    pathway = plan(chain(4), hours_per_week=4 if weekly else None)
    fig = pictures.timeline(pathway)
    ax = fig.axes[0]
    assert ax.get_xlabel() == ("weeks" if weekly else "cumulative hours")
    bars = sorted(ax.patches, key=lambda p: p.get_y())
    if weekly:
        assert [(b.get_x(), b.get_x() + b.get_width()) for b in bars] == [
            (s.start_week - 1, s.end_week)
            for s in pathway.steps  # type: ignore[operator]
        ]
    else:
        assert bars[-1].get_x() + bars[-1].get_width() == pytest.approx(pathway.total_hours)


def test_dollar_underscore_and_caret_in_names_are_drawn_literally(tmp_path: Path) -> None:
    service = chain(4)
    pathway = plan(service)
    report = service.gaps_report()
    figures = [
        pictures.plan_dag(pathway),
        pictures.timeline(pathway),
        pictures.missing_skills_chart(report),
        pictures.coverage_chart(report),
    ]
    for fig in figures:
        svg = pictures.to_bytes(fig, "svg").decode()
        assert any("$x_1^2$ \\frac{$" in t for t in pictures.labels_drawn(fig))
        assert "$x_1^2$ \\frac{$" in svg, "the name must be in the SVG as text, unparsed"
        pictures.to_bytes(fig, "png")


def test_gap_charts_rank_like_the_report() -> None:
    report = CredpathService.bundled().gaps_report()
    fig = pictures.missing_skills_chart(report, top=5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [m.label for m in report.missing_skills[:5]]
    cov = pictures.coverage_chart(report, top=8)
    widths = [p.get_width() for p in cov.axes[0].patches]
    assert widths == pytest.approx([100 * c.fraction for c in report.coverage[:8]])


def test_no_missing_skill_says_so_instead_of_an_empty_chart() -> None:
    report = CredpathService.bundled(example=True).gaps_report()
    assert report.missing_skills == ()
    fig = pictures.missing_skills_chart(report)
    assert "Every skill these occupations need is taught." in pictures.labels_drawn(fig)


def test_inline_svg_keeps_names_as_escaped_text() -> None:
    pathway = plan(chain(4, name="<b>Course</b> & co"))
    svg = pictures.inline_svg(pictures.plan_dag(pathway))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "&lt;b&gt;Course&lt;/b&gt; &amp; co" in svg and "<b>" not in svg
