"""Action plans that follow final assessments, shared by funder and partner, and their actions."""

from datetime import timedelta

from actions.models import Action, ActionPlan
from assessments.models import Status
from samen.scale.common import Context, bulk, spread

PER_PLAN = 20
STATUSES = [Action.Status.TODO] * 4 + [Action.Status.DOING] * 3 + [Action.Status.DONE] * 4 + [Action.Status.DROPPED]
VERBS = ["Adopt", "Train staff on", "Review", "Publish", "Appoint a focal point for", "Budget for", "Translate"]


def plans_and_actions(ctx: Context) -> None:
    rng, today = ctx.rng, ctx.now.date()
    finals = [a for a in ctx.assessments if a.status == Status.FINAL] or ctx.assessments
    count = max(1, ctx.profile.actions // PER_PLAN)
    sources = rng.sample(finals, min(count, len(finals)))
    plans = bulk(
        ActionPlan,
        (
            ActionPlan(
                code=ctx.uuid(),
                organisation_id=a.requester_id,
                partner_id=a.organisation_id,
                title=f"Action plan {i:05d}",
                source_kind=ActionPlan.Source.ASSESSMENT,
                source_code=a.code,
                created_by=ctx.people.get((a.requester_id, "manager")),
                created_at=a.finalised_at or ctx.now,
            )
            for i, a in enumerate(sources)
        ),
    )
    sizes = spread(ctx.profile.actions, [rng.uniform(0.25, 1.75) for _ in plans])

    def make(plan: ActionPlan, n: int) -> Action:
        requirement = rng.choice(ctx.requirements)
        status = rng.choice(STATUSES)
        # Half the actions are the partner's to do, half the funder's.
        org_id = plan.partner_id if n % 2 == 0 and plan.partner_id else plan.organisation_id
        return Action(
            code=ctx.uuid(),
            plan=plan,
            organisation_id=org_id,
            title=f"{rng.choice(VERBS)}: {requirement.text_en[:120]}",
            description="",
            requirement=requirement,
            owner=ctx.people.get((org_id, "member")),
            due_on=today + timedelta(days=rng.randrange(-300, 500)),
            status=status,
            dropped_reason="No longer relevant after the programme ended." if status == Action.Status.DROPPED else "",
            created_by=plan.created_by,
            created_at=plan.created_at,
        )

    bulk(Action, (make(plan, n) for plan, size in zip(plans, sizes, strict=True) for n in range(size)))
