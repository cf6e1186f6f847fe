"""The scheduler's API: every recorded job run, newest first, and who holds the lease."""

import json

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from sib.access import guard
from sib.extensions import db
from sib.scheduler.models import JobRun

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Scheduled job runs")


class JobQuerySchema(Schema):
    job = fields.String(
        metadata={"description": "only runs of this job (inbox, period_close, ...)"}
    )


class JobRunSchema(Schema):
    id = fields.Integer()
    job = fields.String()
    slot = fields.DateTime(
        allow_none=True,
        metadata={"description": "the fire time this run is for; none for a run by hand"},
    )
    holder = fields.String(metadata={"description": "the scheduler instance that ran it"})
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    outcome = fields.String(
        metadata={
            "description": "running, ok, error, or abandoned (its scheduler died or lost the "
            "lease before the run ended)"
        }
    )
    counts = fields.Method("counts_object")
    error = fields.String(allow_none=True)

    def counts_object(self, run):
        return json.loads(run.counts or "{}")


@blp.route("")
class JobRuns(MethodView):
    @guard("job.read")
    @blp.arguments(JobQuerySchema, location="query")
    @blp.response(200, JobRunSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List the scheduler's job runs, newest first."""
        query = select(JobRun)
        if "job" in args:
            query = query.where(JobRun.job == args["job"])
        pagination_parameters.item_count = db.session.scalar(
            query.with_only_columns(db.func.count()).order_by(None)
        )
        page = query.order_by(JobRun.started_at.desc(), JobRun.id.desc())
        page = page.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
        return db.session.scalars(page).all()
