"""Make the course catalogue the site's root page, private to logged-in users, editable by trainers and
published through the "trainer submits -> lead trainer approves" workflow.

Like Wagtail's project_template home/0002_create_homepage: the default welcome page is replaced.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

LEAD_TRAINER = "Lead trainer"
TRAINER = "Trainer"
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
LEAD_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
]
WORKFLOW_NAME = "Duyệt khóa học"
TASK_NAME = "Trưởng nhóm giảng viên duyệt"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_child_path(parent_path, siblings):
    if not siblings:
        return parent_path + "0001"
    last = max(siblings)[-4:]
    number = int(last, 36) + 1
    digits = ""
    while number:
        number, rem = divmod(number, 36)
        digits = ALPHABET[rem] + digits
    return parent_path + digits.rjust(4, "0")


def create_catalogue(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    Collection = apps.get_model("wagtailcore", "Collection")
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    CourseIndexPage = apps.get_model("courses", "CourseIndexPage")

    if CourseIndexPage.objects.exists():
        return
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    root = Page.objects.filter(depth=1).order_by("path").first()
    # Remove Wagtail's default "Welcome to your new Wagtail site!" page (its Site goes with it).
    Page.objects.filter(content_type=page_type, slug="home", depth=2, numchild=0).delete()
    siblings = list(Page.objects.filter(depth=2, path__startswith=root.path).values_list("path", flat=True))
    locale = Locale.objects.order_by("pk").first()
    index_type, _created = ContentType.objects.get_or_create(app_label="courses", model="courseindexpage")
    now = timezone.now()
    index = CourseIndexPage.objects.create(
        title="Danh mục khóa học",
        draft_title="Danh mục khóa học",
        slug="danh-muc-khoa-hoc",
        content_type=index_type,
        path=_next_child_path(root.path, siblings),
        depth=2,
        numchild=0,
        url_path="/danh-muc-khoa-hoc/",
        locale=locale,
        live=True,
        first_published_at=now,
        last_published_at=now,
        intro=(
            "<p>Các khóa bồi dưỡng dành cho cán bộ, công chức làm việc tại Bộ phận Một cửa và Trung tâm "
            "Phục vụ hành chính công.</p>"
        ),
    )
    Page.objects.filter(pk=root.pk).update(numchild=len(siblings) + 1)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=index, is_default_site=True,
                            site_name="Học viện Một cửa")
    else:
        site.root_page = index
        site.save()

    PageViewRestriction.objects.create(page=index, restriction_type="login")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    trainer, _created = Group.objects.get_or_create(name=TRAINER)
    lead, _created = Group.objects.get_or_create(name=LEAD_TRAINER)
    for group in (trainer, lead):
        group.permissions.add(perm("wagtailadmin", "access_admin"))
        for app_label, codename in COLLECTION_PERMISSIONS:
            group.permissions.add(perm(app_label, codename))
    for group, codenames in ((trainer, TRAINER_PAGE_PERMISSIONS), (lead, LEAD_PAGE_PERMISSIONS)):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=perm("wagtailcore", codename))
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for group in (trainer, lead):
            for app_label, codename in COLLECTION_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm(app_label, codename)
                )

    task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.set([lead])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=index)


def remove_catalogue(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK_NAME).delete()
    apps.get_model("courses", "CourseIndexPage").objects.filter(depth=2).delete()
    apps.get_model("auth", "Group").objects.filter(name=LEAD_TRAINER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("people", "0002_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_catalogue, remove_catalogue)]
