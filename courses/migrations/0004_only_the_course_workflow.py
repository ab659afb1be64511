"""Keep one workflow, "Duyệt khóa học": Wagtail's default "Moderators approval" workflow and task (created by
wagtailcore 0048 for the default site root) are removed when nothing ran through them, otherwise deactivated.
"""

from django.db import migrations

WAGTAIL_DEFAULT = "Moderators approval"


def remove_default_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    for workflow in Workflow.objects.filter(name=WAGTAIL_DEFAULT):
        WorkflowPage.objects.filter(workflow=workflow).delete()
        if WorkflowState.objects.filter(workflow=workflow).exists():
            Workflow.objects.filter(pk=workflow.pk).update(active=False)
        else:
            WorkflowTask.objects.filter(workflow=workflow).delete()
            workflow.delete()
    for task in Task.objects.filter(name=WAGTAIL_DEFAULT):
        if TaskState.objects.filter(task=task).exists() or WorkflowTask.objects.filter(task=task).exists():
            Task.objects.filter(pk=task.pk).update(active=False)
        else:
            task.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_sanitise_rich_text"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(remove_default_workflow, migrations.RunPython.noop)]
