from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "samverkan.indicators"
    label = "indicators"
    verbose_name = "Indikatorer"

    def ready(self) -> None:
        # The plan page shows, under each goal, the indicators that follow it: indicators
        # builds on plans, so it hands plans its reader rather than plans importing it.
        from samverkan.indicators.pages import goal_progress
        from samverkan.plans.selectors import read_goal_indicators_with

        read_goal_indicators_with(goal_progress)
