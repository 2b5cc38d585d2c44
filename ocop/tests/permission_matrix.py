"""Who may open which URL: the expected answer of every named URL for every role (issue 14, point 7).

``test_url_sweep.py`` requests every named URL of the URLconf as each role on the demo (``seed_demo``) and compares
the answer with this table. A URL without a line fails the test, and the failure prints the line to add (with the
answers observed now: check each one is what you intend before pasting it).

Columns
    url name   as in ``reverse()``, e.g. ``products:dossier_detail``
    object     which demo object fills the URL's arguments (keys in ``ocop/tests/world.py``; ``-`` for none)
    method     GET, or POST (sent with an empty body; each request is rolled back)
    roles      anon (not logged in), distr = district office (phongnn), secr = secretariat (thuky), chair (chutich),
               membr = council member (hoidong1), finan = finance (taichinh), admin (system administrator),
               own (an official of the object's commune, or of Thanh Lâm when the object has none),
               other (an official of another commune)
Answers
    200, 400, 403 (role lacks the right), 404 (not found, or another commune's object: existence not revealed),
    405 (method not allowed), login (redirect to the login page), 302 (any other redirect)
"""

WIDTH = 5  # each answer column
# URLs the sweeps leave out, with the reason.
NOT_SWEPT = {
    "set_language": "Django's language switch: it only sets a cookie and redirects, for everyone alike",
}

TABLE = """
# url name                            object            meth anon  distr secr  chair membr finan admin own   other
home                                  -                 GET  login 200   200   200   200   200   200   200   200
healthz                               -                 GET  200   200   200   200   200   200   200   200   200
login                                 -                 GET  200   302   302   302   302   302   302   302   302
logout                                -                 GET  405   405   405   405   405   405   405   405   405
logout                                -                 POST login login login login login login login login login
password_change                       -                 GET  login 200   200   200   200   200   200   200   200
password_change_done                  -                 GET  login 200   200   200   200   200   200   200   200
password_reset                        -                 GET  200   200   200   200   200   200   200   200   200
password_reset_done                   -                 GET  200   200   200   200   200   200   200   200   200
password_reset_confirm                reset_link        GET  200   200   200   200   200   200   200   200   200
password_reset_complete               -                 GET  200   200   200   200   200   200   200   200   200
communes                              -                 GET  login 200   200   200   403   200   200   403   403
commune_detail                        commune           GET  login 200   200   200   403   200   200   200   404
authority_settings                    -                 GET  login 200   200   200   403   403   200   403   403
history                               history           GET  login 200   200   403   403   403   200   200   404
products:producer_list                -                 GET  login 200   200   200   403   200   200   200   200
products:producer_create              -                 GET  login 200   200   403   403   403   200   200   200
products:producer_detail              producer          GET  login 200   200   200   403   200   200   200   404
products:producer_edit                producer          GET  login 200   200   403   403   403   200   200   404
products:product_list                 -                 GET  login 200   200   200   403   200   200   200   200
products:product_create               -                 GET  login 200   200   403   403   403   200   200   200
products:product_detail               product           GET  login 200   200   200   403   200   200   200   404
products:product_edit                 product           GET  login 200   200   403   403   403   200   200   404
products:product_photo                product           GET  login 404   404   404   403   404   404   404   404
products:dossier_list                 -                 GET  login 200   200   200   403   403   200   200   200
products:dossier_create               -                 GET  login 200   200   403   403   403   200   200   200
products:dossier_detail               dossier           GET  login 200   200   200   403   403   200   200   404
products:dossier_edit                 dossier           GET  login 200   200   403   403   403   200   200   404
products:dossier_submit               dossier           GET  login 405   405   405   405   405   405   405   405
products:dossier_submit               dossier           POST login 302   302   403   403   403   302   302   404
products:dossier_receive              dossier           GET  login 405   405   405   405   405   405   405   405
products:dossier_receive              dossier           POST login 302   302   403   403   403   302   302   404
products:late_checks                  -                 GET  login 200   200   403   403   403   200   403   403
products:dossier_return               submitted_dossier GET  login 200   200   403   403   403   200   403   404
products:dossier_return               submitted_dossier POST login 200   200   403   403   403   200   403   404
products:dossier_accept               submitted_dossier GET  login 405   405   405   405   405   405   405   405
products:dossier_accept               submitted_dossier POST login 302   302   403   403   403   302   403   404
products:dossier_reject               submitted_dossier GET  login 200   200   403   403   403   200   403   404
products:dossier_reject               submitted_dossier POST login 200   200   403   403   403   200   403   404
products:dossier_extend               dossier           GET  login 405   405   405   405   405   405   405   405
products:dossier_extend               dossier           POST login 302   302   403   403   403   302   403   404
products:dossier_regime               dossier           GET  login 200   403   403   403   403   200   403   404
products:dossier_regime               dossier           POST login 200   403   403   403   403   200   403   404
products:document_download            document          GET  login 200   200   200   403   403   200   200   404
# Decision 26/2026's forms: the demo (148) has no dossier with forms, so who passes the rule gets 404 (tested on a
# 26/2026 dossier per role in products/tests/test_forms_26.py).
products:registration_edit            dossier           GET  login 404   404   403   403   403   404   404   404
products:self_assessment              dossier           GET  login 404   404   403   403   403   404   404   404
products:commune_report               dossier           GET  login 404   404   403   403   403   404   404   404
products:form_01_pdf                  dossier           GET  login 404   404   404   403   403   404   404   404
products:form_02_pdf                  dossier           GET  login 404   404   404   403   403   404   404   404
products:form_03_pdf                  dossier           GET  login 404   404   404   403   403   404   404   404
products:import_template              -                 GET  login 200   200   403   403   403   200   200   200
products:import                       -                 GET  login 200   200   403   403   403   200   200   200
products:producer_export              -                 GET  login 200   200   200   403   200   200   200   200
products:units_review                 -                 GET  login 200   403   403   403   403   403   403   403
products:producer_choose_unit         producer          GET  login 405   405   405   405   405   405   405   405
products:producer_choose_unit         producer          POST login 404   403   403   403   403   403   403   404
products:product_export               -                 GET  login 200   200   200   403   200   200   200   200
products:dossier_export               -                 GET  login 200   200   200   403   403   200   200   200
evaluations:round_list                -                 GET  login 200   200   200   200   403   200   403   403
evaluations:round_detail              round             GET  login 200   200   200   200   403   200   403   403
evaluations:council                   open_round        GET  login 200   200   403   403   403   200   403   403
evaluations:start_scoring             open_round        GET  login 405   405   405   405   405   405   405   405
evaluations:start_scoring             open_round        POST login 302   302   403   403   403   302   403   403
evaluations:set_meeting               scoring_round     GET  login 405   405   405   405   405   405   405   405
evaluations:set_meeting               scoring_round     POST login 302   302   403   403   403   302   403   403
evaluations:approve                   scoring_round     GET  login 403   403   200   403   403   403   403   403
evaluations:approve                   scoring_round     POST login 403   403   200   403   403   403   403   403
evaluations:record_decision           round             GET  login 302   403   403   403   403   302   403   403
evaluations:record_decision           round             POST login 302   403   403   403   403   302   403   403
evaluations:minutes_pdf               round             GET  login 200   200   200   403   403   200   403   403
evaluations:minutes_xlsx              round             GET  login 200   200   200   403   403   200   403   403
evaluations:forwarded_xlsx            round             GET  login 200   200   200   403   403   200   403   403
evaluations:my_sheets                 -                 GET  login 403   403   200   200   403   403   403   403
evaluations:sheet                     sheet             GET  login 200   200   200   200   404   200   404   404
evaluations:reopen_sheet              sheet             GET  login 405   405   405   405   405   405   405   405
evaluations:reopen_sheet              sheet             POST login 302   302   403   403   403   302   403   403
evaluations:sheet_pdf                 sheet             GET  login 200   200   200   200   403   200   403   404
evaluations:sheet_xlsx                sheet             GET  login 200   200   200   200   403   200   403   404
evaluations:result                    result            GET  login 200   200   200   200   200   200   200   404
evaluations:accept_spread             result            GET  login 405   405   405   405   405   405   405   405
evaluations:accept_spread             result            POST login 403   403   302   403   403   403   403   404
evaluations:assign                    result            GET  login 405   405   405   405   405   405   405   405
evaluations:assign                    result            POST login 302   302   403   403   403   302   403   403
evaluations:province_result           result            GET  login 405   405   405   405   405   405   405   405
evaluations:province_result           result            POST login 302   403   403   403   403   302   403   403
evaluations:ministry_approve          result            GET  login 405   405   405   405   405   405   405   405
evaluations:ministry_approve          result            POST login 200   403   403   403   403   200   403   403
evaluations:ministry_outcome          result            GET  login 405   405   405   405   405   405   405   405
evaluations:ministry_outcome          result            POST login 200   403   403   403   403   200   403   403
evaluations:central_recognition       result            GET  login 405   405   405   405   405   405   405   405
evaluations:central_recognition       result            POST login 200   403   403   403   403   200   403   403
evaluations:criteria_list             -                 GET  login 200   200   200   200   403   200   403   403
evaluations:criteria_detail           criteria_set      GET  login 200   200   200   200   403   200   403   403
evaluations:confirm_criteria          criteria_set      GET  login 405   405   405   405   405   405   405   405
evaluations:confirm_criteria          criteria_set      POST login 302   302   403   403   403   302   403   403
evaluations:certificate_list          -                 GET  login 200   200   200   403   403   200   200   200
evaluations:certificate_expiry        -                 GET  login 200   200   200   403   403   200   200   200
evaluations:certificate_ceremony      -                 GET  login 200   200   200   403   403   200   403   403
evaluations:certificate_ceremony_pdf  -                 GET  login 200   200   200   403   403   200   403   403
evaluations:certificate_ceremony_xlsx -                 GET  login 200   200   200   403   403   200   403   403
evaluations:certificate_record        -                 GET  login 200   200   403   403   403   200   403   403
evaluations:certificate               certificate       GET  login 200   200   200   403   403   200   200   404
evaluations:certificate_file          certificate       GET  login 200   200   200   403   403   200   200   404
evaluations:certificate_revoke        certificate       GET  login 200   403   403   403   403   200   403   404
evaluations:certificate_revoke        certificate       POST login 200   403   403   403   403   200   403   404
evaluations:certificate_reissue       certificate       GET  login 200   403   403   403   403   200   403   404
evaluations:certificate_reissue       certificate       POST login 200   403   403   403   403   200   403   404
evaluations:certificate_inspect       certificate       GET  login 200   200   403   403   403   200   403   404
evaluations:certificate_inspect       certificate       POST login 200   200   403   403   403   200   403   404
evaluations:round_certificates        round             GET  login 200   200   200   403   403   200   200   200
evaluations:issue_certificates        round             GET  login 200   403   403   403   403   200   403   403
evaluations:issue_certificates        round             POST login 200   403   403   403   403   200   403   403
evaluations:public_catalogue          -                 GET  200   200   200   200   200   200   200   200   200
evaluations:public_product            certified_product GET  200   200   200   200   200   200   200   200   200
evaluations:public_photo              certified_product GET  404   404   404   404   404   404   404   404   404
evaluations:verify                    verify_code       GET  200   200   200   200   200   200   200   200   200
evaluations:verify_malformed          malformed_code    GET  404   404   404   404   404   404   404   404   404
notifications                         -                 GET  login 200   200   200   200   200   200   200   200
notifications_mark_all_read           -                 GET  login 405   405   405   405   405   405   405   405
notifications_mark_all_read           -                 POST login 302   302   302   302   302   302   302   302
notification_detail                   notification      GET  login 404   404   404   200   404   404   404   404
notification_open                     notification      GET  login 405   405   405   405   405   405   405   405
notification_open                     notification      POST login 404   404   404   302   404   404   404   404
notification_mark_read                notification      GET  login 405   405   405   405   405   405   405   405
notification_mark_read                notification      POST login 404   404   404   302   404   404   404   404
outbox                                -                 GET  login 200   403   403   403   403   200   403   403
outbox_retry                          outbox_row        GET  login 405   405   405   405   405   405   405   405
outbox_retry                          outbox_row        POST login 302   403   403   403   403   302   403   403
evaluations:certificate_lookup        -                 GET  200   200   200   200   200   200   200   200   200
evaluations:year_list                 -                 GET  login 200   200   200   403   200   200   403   403
evaluations:year_create               -                 GET  login 200   403   403   403   403   200   403   403
evaluations:workday_calendar          -                 GET  login 200   403   403   403   403   200   403   403
evaluations:workday_calendar          -                 POST login 200   403   403   403   403   200   403   403
evaluations:workday_exception_remove  calendar_exception GET login 405   405   405   405   405   405   405   405
evaluations:workday_exception_remove  calendar_exception POST login 302  403   403   403   403   302   403   403
evaluations:year_create               -                 POST login 200   403   403   403   403   200   403   403
evaluations:year_detail               year              GET  login 200   200   200   403   200   200   403   403
evaluations:year_edit                 year              GET  login 200   403   403   403   403   200   403   403
evaluations:year_edit                 year              POST login 200   403   403   403   403   200   403   403
evaluations:year_targets              year              GET  login 200   403   403   403   403   200   403   403
evaluations:year_targets              year              POST login 200   403   403   403   403   200   403   403
evaluations:year_close                year              GET  login 200   403   403   403   403   200   403   403
evaluations:year_close                year              POST login 200   403   403   403   403   200   403   403
evaluations:round_create              year              GET  login 200   200   403   403   403   200   403   403
evaluations:round_create              year              POST login 200   200   403   403   403   200   403   403
evaluations:round_edit                open_round        GET  login 200   200   403   403   403   200   403   403
evaluations:round_edit                open_round        POST login 200   200   403   403   403   200   403   403
evaluations:correct_decision          round             GET  login 302   403   403   403   403   302   403   403
evaluations:correct_decision          round             POST login 302   403   403   403   403   302   403   403
favicon                               -                 GET  302   302   302   302   302   302   302   302   302
funding:budget                        -                 GET  login 200   403   403   403   200   200   403   403
funding:budget_line                   budget_line       GET  login 200   403   403   403   200   200   403   403
funding:budget_line_add               -                 GET  login 200   403   403   403   200   403   403   403
funding:budget_line_add               -                 POST login 200   403   403   403   200   403   403   403
funding:budget_line_edit              budget_line       GET  login 200   403   403   403   200   403   403   403
funding:budget_line_edit              budget_line       POST login 200   403   403   403   200   403   403   403
funding:entitlement                   entitlement       GET  login 200   403   403   403   200   200   200   404
funding:entitlement_approve           entitlement       GET  login 405   405   405   405   405   405   405   405
funding:entitlement_approve           entitlement       POST login 403   403   403   403   302   403   403   404
funding:entitlement_export            -                 GET  login 200   403   403   403   200   200   403   403
funding:entitlement_failed            entitlement       GET  login 405   405   405   405   405   405   405   405
funding:entitlement_failed            entitlement       POST login 403   403   403   403   400   403   403   404
funding:entitlement_list              -                 GET  login 200   403   403   403   200   200   200   200
funding:entitlement_pay               entitlement       GET  login 405   405   405   405   405   405   405   405
funding:entitlement_pay               entitlement       POST login 403   403   403   403   400   403   403   404
funding:entitlement_reject            entitlement       GET  login 405   405   405   405   405   405   405   405
funding:entitlement_reject            entitlement       POST login 403   403   403   403   400   403   403   404
funding:expense_add                   budget_line       GET  login 405   405   405   405   405   405   405   405
funding:expense_add                   budget_line       POST login 400   403   403   403   400   403   403   403
funding:payment_list_pdf              -                 GET  login 200   403   403   403   200   200   403   403
funding:payment_list_xlsx             -                 GET  login 200   403   403   403   200   200   403   403
funding:policy_add                    -                 GET  login 200   403   403   403   403   200   403   403
funding:policy_add                    -                 POST login 200   403   403   403   403   200   403   403
funding:policy_edit                   policy            GET  login 200   403   403   403   403   200   403   403
funding:policy_edit                   policy            POST login 200   403   403   403   403   200   403   403
funding:policy_list                   -                 GET  login 200   403   403   403   200   200   403   403
funding:producer                      funded_producer   GET  login 200   403   403   403   200   200   200   404
funding:recognition                   funded_recognition GET login 302   403   403   403   302   302   302   404
funding:uncovered_list                -                 GET  login 200   403   403   403   200   200   200   200
insights:appendix1                    report_year       GET  login 200   200   200   403   403   200   403   403
insights:dashboard                    -                 GET  login 200   200   200   403   200   200   403   403
insights:national_csv                 -                 GET  login 200   200   200   403   403   200   403   403
insights:ptnt_ocop_csv                -                 GET  login 200   200   200   403   403   200   403   403
insights:recognised                   report_year       GET  login 200   200   200   403   403   200   403   403
insights:reports                      -                 GET  login 200   200   200   403   403   200   403   403
insights:round_results                round_report      GET  login 200   200   200   403   403   200   403   403
insights:year_end                     report_year       GET  login 200   200   200   403   403   200   403   403
"""


def parse():
    from ocop.tests.world import OBJECT_KEYS, ROLES

    rows = {}
    for number, raw in enumerate(TABLE.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, key, method, *answers = line.split()
        if key not in OBJECT_KEYS:
            raise ValueError(f"permission_matrix.py line {number}: unknown object key {key!r}")
        if len(answers) != len(ROLES):
            raise ValueError(f"permission_matrix.py line {number}: {len(answers)} answers for {len(ROLES)} roles")
        if (name, method) in rows:
            raise ValueError(f"permission_matrix.py line {number}: {name} {method} listed twice")
        rows[(name, method)] = (key, dict(zip(ROLES, answers, strict=True)))
    return rows
