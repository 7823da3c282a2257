"""Prompt markers that make the reference relay answer with a content-policy outcome.

They live at the bottom layer because both sides use them: the relay (server) reacts to them and
the planner (plan) puts them in the cases that test blocked outcomes. A live provider ignores them.
"""

from __future__ import annotations

# Whole prompt refused: Gemini answers 200 with promptFeedback.blockReason and no candidates;
# Imagen answers 400 INVALID_ARGUMENT (as Google does); OpenAI-style and job APIs answer 400.
BLOCK_PROMPT = "[conformance:block-prompt]"
# Imagen: some images replaced by one item holding only raiFilteredReason (HTTP 200).
FILTER_SOME = "[conformance:filter-some]"
# Imagen: every image filtered, the only prediction holds raiFilteredReason (HTTP 200).
FILTER_ALL = "[conformance:filter-all]"
# Gemini: a candidate with empty content and finishReason NO_IMAGE (HTTP 200).
NO_IMAGE = "[conformance:no-image]"

ALL = (BLOCK_PROMPT, FILTER_SOME, FILTER_ALL, NO_IMAGE)
