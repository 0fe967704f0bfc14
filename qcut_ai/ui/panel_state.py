"""The panel's layout as the user left it, as plain JSON values a host keeps: pane
sizes, folded sections, the models ticked in each tab and the favourite models."""

from __future__ import annotations

from qcut_ai.ui.generate.tabs import GenerateTabs
from qcut_ai.ui.panel_layout import PanelSections


def panel_state(sections: PanelSections, tabs: GenerateTabs) -> dict[str, object]:
    state = sections.state()
    state["models"] = tabs.chosen_models()
    state["favourites"] = tabs.favourites()
    return state


def restore_panel_state(
    sections: PanelSections, tabs: GenerateTabs, state: dict[str, object]
) -> bool:
    """Put back a `panel_state()`; anything unreadable (or a model fal retired since) is
    left at its default. True when the pane sizes were restored."""
    arranged = sections.restore(state)
    favourites = state.get("favourites")
    if isinstance(favourites, list):
        tabs.set_favourites([f for f in favourites if isinstance(f, str)])
    models = state.get("models")
    if isinstance(models, dict):
        # Asked when a tab is built (or its choice saved), not before the first paint.
        tabs.restore_models(models, _usable)
    return arranged


def _usable(model_id: str) -> bool:
    from qcut_ai.core.catalog import load_catalog  # asked once a tab is built

    catalog = load_catalog()
    return model_id in catalog and catalog.get(model_id).active
