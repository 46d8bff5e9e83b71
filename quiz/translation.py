"""Fields a student sees, in French and English (django-modeltranslation: one column each)."""

from modeltranslation.translator import TranslationOptions, register

from config import history
from config.translation_support import register_history

from .models import Choice, Question, Quiz


@register(Quiz)
class QuizTranslation(TranslationOptions):
    fields = ("title", "description", "description_html")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("title", "prompt", "prompt_html", "general_feedback", "general_feedback_html", "unit")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("text", "feedback", "feedback_html", "misconception")


register_history(Quiz, excluded=["description_html"], m2m_fields=["cases", "themes"])
register_history(Question, excluded=["prompt_html", "general_feedback_html"])
register_history(Choice, excluded=["feedback_html"])

# The quiz as a student sees it, one version per save (config/history.py).
history.register(Quiz, follow=["questions"])
history.register(Question, follow=["choices"])
history.register(Choice)
