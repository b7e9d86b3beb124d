"""The form engine: a template's ``spec.parameters`` as server-rendered form pages.

Direction of dependencies inside the package: ``schema`` (resolving ``$ref``,
``allOf``, conditionals; pure) ← ``defaults`` ← ``widgets`` (the built-in widgets, on
the ``scaffolder.fields`` contract) ← ``build`` (schema → nodes) ← ``pages``,
``reading`` (posted page → answers, errors) ← ``submission``, ``review``, ``rows``.
``draft`` keeps a person's answers in their session between pages. Callers use the
names exported here.
"""

from scaffolder.forms.nodes import Control, Group, Rows
from scaffolder.forms.pages import FormPage, form_pages, shown_pages
from scaffolder.forms.reading import PageResult, read_page
from scaffolder.forms.review import ReviewRow, review_rows
from scaffolder.forms.schema import FormSchemaError
from scaffolder.forms.submission import secret_controls, submitted_secrets, submitted_values

__all__ = [
    "Control",
    "FormPage",
    "FormSchemaError",
    "Group",
    "PageResult",
    "ReviewRow",
    "Rows",
    "form_pages",
    "read_page",
    "review_rows",
    "secret_controls",
    "shown_pages",
    "submitted_secrets",
    "submitted_values",
]
