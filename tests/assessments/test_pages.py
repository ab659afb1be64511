from wagtail.test.utils import WagtailPageTestCase

from assessments.models import QuizPage
from courses.models import LessonPage, ModulePage


class QuizPageTreeTests(WagtailPageTestCase):
    def test_quiz_lives_in_a_module_only(self):
        self.assertAllowedParentPageTypes(QuizPage, {ModulePage})
        self.assertAllowedSubpageTypes(QuizPage, set())
        self.assertCanCreateAt(ModulePage, QuizPage)
        self.assertCanCreateAt(ModulePage, LessonPage)
