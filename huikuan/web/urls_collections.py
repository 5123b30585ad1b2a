"""Collections pages."""

from django.urls import path

from huikuan.web.views import correspondence
from huikuan.web.views.collections import ladder, reports, runs, timeline, visits, worklist

urlpatterns: list = [
    path("correspondence/templates/", correspondence.template_list, name="correspondence_templates"),
    path("correspondence/templates/<int:pk>/", correspondence.template_edit, name="correspondence_template"),
    path("correspondence/letterhead/", correspondence.letterhead_edit, name="correspondence_letterhead"),
    path("correspondence/outbox/", correspondence.outbox, name="outbox"),
    path("correspondence/outbox/<int:pk>/", correspondence.outbox_email, name="outbox_email"),
    path("worklist/", worklist.worklist, name="worklist"),
    path("worklist/<int:pk>/", worklist.worklist_task, name="worklist_task"),
    path("worklist/<int:pk>/complete/", worklist.worklist_complete, name="worklist_complete"),
    path("collections/customers/<str:code>/", timeline.customer_page, name="customer_collections"),
    path("collections/customers/<str:code>/activity/", timeline.activity_add, name="collections_activity"),
    path("collections/customers/<str:code>/promise/", timeline.promise_add, name="collections_promise"),
    path("collections/customers/<str:code>/dispute/", timeline.dispute_add, name="collections_dispute"),
    path(
        "collections/customers/<str:code>/disputes/<int:pk>/resolve/",
        timeline.dispute_close,
        name="collections_dispute_resolve",
    ),
    path("collections/customers/<str:code>/plan/", timeline.plan_add, name="collections_plan"),
    path("collections/customers/<str:code>/reason/", timeline.reason_set, name="collections_reason"),
    path("collections/customers/<str:code>/penalty/", timeline.penalty_add, name="collections_penalty"),
    path("collections/customers/<str:code>/visits/", visits.visit_add, name="collections_visit"),
    path(
        "collections/customers/<str:code>/visits/<int:pk>/done/",
        visits.visit_done,
        name="collections_visit_done",
    ),
    path(
        "collections/customers/<str:code>/visits/<int:pk>/cancel/",
        visits.visit_cancelled,
        name="collections_visit_cancel",
    ),
    path("collections/letters/<int:pk>.pdf", timeline.letter_pdf, name="collections_letter"),
    path("collections/policies/", ladder.policies, name="dunning_policies"),
    path("collections/policies/<int:pk>/", ladder.policy_edit, name="dunning_policy"),
    path("collections/steps/<int:pk>/", ladder.step_edit, name="dunning_step"),
    path("collections/runs/", runs.runs, name="dunning_runs"),
    path("collections/runs/progress/", runs.run_progress, name="dunning_run_progress"),
    path("collections/reports/", reports.reports, name="collections_reports"),
]
