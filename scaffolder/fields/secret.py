"""``ui:field: Secret``: a value the task gets only as ``${{ secrets.<name> }}``.

As in Backstage, the form's answer is a string of ``*`` as long as the value (so the
schema's ``minLength``/``maxLength`` apply to it, and the task's parameters never hold
it); the real value goes into the task's secrets under the property name. The page
never writes it back into the HTML: shown again, the field says a value is set.
"""

from __future__ import annotations

from scaffolder.fields import register_field
from scaffolder.forms.widgets import MaskedInput

__all__ = ["Secret"]


class Secret(MaskedInput):
    """A password input whose value is kept among the task's secrets."""

    name = "Secret"
    secret = True


register_field(Secret())
