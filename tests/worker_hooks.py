"""Imported by test workers (tests/worker_settings.py, CELERY_IMPORTS) when LMS_TEST_RENDER_GATE names a folder.

The certificate render task then waits at a gate before it starts: it writes ``started-<id>``, and while the file
``open`` is missing it writes ``blocked-<id>-<pid>`` and waits. The kill test closes the gate, waits until a job
is blocked there (held by the worker, not yet rendered: a kill is certainly mid-batch), SIGKILLs the worker and
opens the gate for the next one. Conditions, not sleeps.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

GATE = Path(os.environ["LMS_TEST_RENDER_GATE"])


@task_prerun.connect
def wait_at_the_gate(sender=None, args=None, kwargs=None, **extra):
    if sender is None or sender.name != "certificates.tasks.certificate_render_pdf_task":
        return
    certificate_id = (kwargs or {}).get("certificate_id", (args or [None])[0])
    (GATE / f"started-{certificate_id}").touch()
    if (GATE / "open").exists():
        return
    (GATE / f"blocked-{certificate_id}-{os.getpid()}").touch()
    while not (GATE / "open").exists():
        time.sleep(0.05)
