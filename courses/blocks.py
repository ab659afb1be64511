"""StreamField blocks of lesson bodies. Each block owns its template in templates/blocks/."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from lms.html import SanitisedRichTextBlock


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    alt_text = blocks.CharBlock(label=_("Alternative text"), required=False,
                                help_text=_("Describe the image for screen readers."))

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        label = _("Image with caption")
        description = _("An image with a caption and alternative text")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video URL"))
    title = blocks.CharBlock(label=_("Title"), required=False)
    transcript = blocks.TextBlock(label=_("Transcript"), required=False)

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        label = _("Video")
        description = _("An embedded video with an optional transcript")


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False)
    description = blocks.CharBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/document_download_block.html"
        label = _("Document download")
        description = _("A downloadable form, template or legal text")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("note", _("Note")), ("warning", _("Warning")), ("legal", _("Legal reference"))],
        default="note",
    )
    title = blocks.CharBlock(label=_("Title"), required=False)
    text = SanitisedRichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        label = _("Callout")
        description = _("A highlighted note, warning or legal reference")


class ProcedureStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"))
    detail = SanitisedRichTextBlock(label=_("What to do"), required=False, features=["bold", "italic", "link", "ul"])
    form = blocks.CharBlock(label=_("Form used"), required=False, help_text=_("e.g. Mẫu 01"))


class ProcedureBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Procedure title"))
    steps = blocks.ListBlock(ProcedureStepBlock(), label=_("Steps"))

    class Meta:
        icon = "list-ol"
        template = "blocks/procedure_block.html"
        label = _("Step-by-step procedure")
        description = _("Numbered steps, each with the form it uses")


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item")), label=_("Items"))

    class Meta:
        icon = "tasks"
        template = "blocks/checklist_block.html"
        label = _("Checklist")
        description = _("Items to tick off")


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    situation = SanitisedRichTextBlock(label=_("Situation"), features=["bold", "italic", "ul", "ol"])
    question = blocks.TextBlock(label=_("Question"))
    model_answer = SanitisedRichTextBlock(label=_("Model answer"), features=["bold", "italic", "ul", "ol"])

    class Meta:
        icon = "help"
        template = "blocks/case_study_block.html"
        label = _("Case study")
        description = _("A situation and a question, with a model answer revealed on click")


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"))
    definition = blocks.TextBlock(label=_("Definition"))


class GlossaryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False)
    terms = blocks.ListBlock(GlossaryTermBlock(), label=_("Terms"))

    class Meta:
        icon = "list-ul"
        template = "blocks/glossary_block.html"
        label = _("Key terms")
        description = _("A glossary of key terms and their meaning")


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = SanitisedRichTextBlock(
        label=_("Rich text"), icon="pilcrow", template="blocks/paragraph_block.html",
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr", "document-link"],
    )
    image = CaptionedImageBlock()
    video = VideoBlock()
    document = DocumentDownloadBlock()
    callout = CalloutBlock()
    procedure = ProcedureBlock()
    checklist = ChecklistBlock()
    case_study = CaseStudyBlock()
    glossary = GlossaryBlock()
