"""funding's registration on evaluations' extension point: a recorded (or corrected) recognition decision creates
(or brings in line) the entitlements of its recognitions, inside the decision's transaction."""

from evaluations import hooks


@hooks.on_decision_recorded
def entitlements_for_decision(decision, *, by, now, corrected=False):
    from funding.domain import sync_decision

    sync_decision(decision, by=by, now=now, corrected=corrected)


@hooks.on_higher_result_recorded
def entitlement_for_higher_result(result, *, by, now):
    from funding.domain import sync_higher_result

    sync_higher_result(result, by=by, now=now)
