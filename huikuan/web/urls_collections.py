"""Collections pages."""

from django.urls import path

from huikuan.web.views import collections, correspondence

urlpatterns: list = [
    path("correspondence/templates/", correspondence.template_list, name="correspondence_templates"),
    path("correspondence/templates/<int:pk>/", correspondence.template_edit, name="correspondence_template"),
    path("correspondence/letterhead/", correspondence.letterhead_edit, name="correspondence_letterhead"),
    path("correspondence/outbox/", correspondence.outbox, name="outbox"),
    path("correspondence/outbox/<int:pk>/", correspondence.outbox_email, name="outbox_email"),
    path("worklist/", collections.worklist, name="worklist"),
    path("worklist/<int:pk>/", collections.worklist_task, name="worklist_task"),
    path("worklist/<int:pk>/complete/", collections.worklist_complete, name="worklist_complete"),
    path("collections/customers/<str:code>/", collections.customer_collections, name="customer_collections"),
    path("collections/customers/<str:code>/activity/", collections.activity_add, name="collections_activity"),
    path("collections/customers/<str:code>/promise/", collections.promise_add, name="collections_promise"),
    path("collections/customers/<str:code>/dispute/", collections.dispute_add, name="collections_dispute"),
    path(
        "collections/customers/<str:code>/disputes/<int:pk>/resolve/",
        collections.dispute_close,
        name="collections_dispute_resolve",
    ),
    path("collections/customers/<str:code>/plan/", collections.plan_add, name="collections_plan"),
    path("collections/customers/<str:code>/reason/", collections.reason_set, name="collections_reason"),
    path("collections/customers/<str:code>/penalty/", collections.penalty_add, name="collections_penalty"),
    path("collections/letters/<int:pk>.pdf", collections.letter_pdf, name="collections_letter"),
    path("collections/policies/", collections.policies, name="dunning_policies"),
    path("collections/policies/<int:pk>/", collections.policy_edit, name="dunning_policy"),
    path("collections/steps/<int:pk>/", collections.step_edit, name="dunning_step"),
    path("collections/runs/", collections.runs, name="dunning_runs"),
    path("collections/runs/progress/", collections.run_progress, name="dunning_run_progress"),
    path("collections/reports/", collections.reports, name="collections_reports"),
]
