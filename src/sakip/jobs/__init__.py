"""Background jobs: every slow job runs on Django's task framework (the django-tasks backport, database
backend), started by the web, the CLI or `sakip scheduler`, and run by `sakip worker`.

`models.Job` is Sakip's own record of a job the pages show (progress, result file, the error in Indonesian
and its technical detail, attempts), since the framework's result row has no progress and no retry;
`services` submits, de-duplicates and retries; `tasks` are the task functions (thin: the logic stays in
the apps); `health` reads the heartbeats of the worker and the scheduler.
"""
