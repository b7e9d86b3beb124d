"""Greenroom renders what Backstage 4.3.0's engine rendered, row for row (see oracle_cases)."""

import pytest

from scaffolder.templating import UNDEFINED, TemplateRenderError, render_text, render_value

from .oracle_cases import TEXT_CASES, VALUE_CASES


@pytest.mark.parametrize(("template", "context", "expected"), VALUE_CASES)
def test_step_input_rendering_matches_backstage(template, context, expected) -> None:
    rendered = render_value({"k": template}, context)
    assert rendered.get("k", UNDEFINED) == expected
    if expected is not UNDEFINED:
        assert type(rendered["k"]) is type(expected)


@pytest.mark.parametrize(("template", "context", "options", "expected"), TEXT_CASES)
def test_skeleton_rendering_matches_backstage(template, context, options, expected) -> None:
    if expected == "ERROR":
        with pytest.raises(TemplateRenderError):
            render_text(template, context, **options)
    else:
        assert render_text(template, context, **options) == expected
