"""Forms of the EST pages. They parse; the rules live in est.services."""

import datetime as dt
import re

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Classification, User
from samverkan.est.models import Action
from samverkan.est.selectors import (
    agreement_organisation_ids,
    owner_candidates,
    priority_scale,
)
from samverkan.est.weekly import agreement_municipalities
from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Place
from samverkan.plans.models import Agreement


class _AgreementForm(forms.Form):
    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        municipalities = agreement_municipalities(agreement).values("pk")
        if "district" in self.fields:
            self.fields["district"].queryset = District.objects.filter(
                municipality__in=municipalities
            ).order_by("name")
        if "place" in self.fields:
            self.fields["place"].queryset = Place.objects.filter(
                municipality__in=municipalities
            ).order_by("name")


class ActionForm(_AgreementForm):
    what = forms.CharField(label=_("Åtgärd"), widget=forms.Textarea(attrs={"rows": 3}))
    district = forms.ModelChoiceField(
        label=_("Område"), queryset=District.objects.none(), required=False
    )
    place = forms.ModelChoiceField(label=_("Plats"), queryset=Place.objects.none(), required=False)
    incident_ids = forms.CharField(
        label=_("Kopplade rapporter (id, kommaseparerade)"), required=False
    )
    owner_organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"), queryset=Organisation.objects.none()
    )
    owner = forms.ModelChoiceField(
        label=_("Ansvarig person"), queryset=User.objects.none(), required=False
    )
    due_date = forms.DateField(
        label=_("Klart senast"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    outcome = forms.CharField(
        label=_("Resultat"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, agreement=agreement, **kwargs)
        organisations = Organisation.objects.filter(
            pk__in=agreement_organisation_ids(agreement)
        ).order_by("name")
        self.fields["owner_organisation"].queryset = organisations
        # Any of the parties' people parses; the list shows only the chosen organisation's,
        # and clean() names a person who works elsewhere.
        self.fields["owner"].queryset = (
            User.objects.filter(is_active=True, organisation__in=organisations)
            .select_related("organisation")
            .order_by("first_name", "last_name")
        )
        chosen = self._chosen_organisation(organisations)
        self.fields["owner"].widget.choices = [("", "---------")] + [
            (user.pk, str(user)) for user in owner_candidates(chosen)
        ]
        self.fields["owner"].help_text = (
            _("Personer i den valda organisationen.")
            if chosen is not None
            else _("Välj först ansvarig organisation.")
        )
        self.fields["owner_organisation"].widget.attrs.update(
            {
                "hx-get": reverse("est_action_owners", args=[agreement.pk]),
                "hx-target": "#id_owner",
                "hx-swap": "innerHTML",
                "hx-trigger": "change",
            }
        )

    def _chosen_organisation(self, organisations) -> Organisation | None:
        if self.is_bound:
            raw = self.data.get("owner_organisation")
        else:
            raw = self.initial.get("owner_organisation")
        raw = getattr(raw, "pk", raw)
        if raw in (None, "") or not str(raw).isdigit():
            return None
        return organisations.filter(pk=int(raw)).first()

    def clean(self):
        data = super().clean()
        owner, organisation = data.get("owner"), data.get("owner_organisation")
        if owner is not None and organisation is not None:
            if not owner_candidates(organisation).filter(pk=owner.pk).exists():
                self.add_error(
                    "owner",
                    _(
                        "%(person)s arbetar inte i %(organisation)s. Välj en person i den "
                        "ansvariga organisationen eller lämna fältet tomt."
                    )
                    % {"person": owner, "organisation": organisation.name},
                )
        return data

    def clean_incident_ids(self) -> list[int]:
        raw = self.cleaned_data["incident_ids"]
        parts = [part for part in re.split(r"[\s,;]+", raw) if part]
        bad = [part for part in parts if not part.isdigit()]
        if bad:
            raise forms.ValidationError(
                _("Inte ett rapport-id: %(values)s. Skriv siffror, t.ex. 12, 15."),
                params={"values": ", ".join(bad)},
            )
        return [int(part) for part in parts]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["incidents"] = data.pop("incident_ids")
        return data

    @staticmethod
    def initial_for(action: Action) -> dict:
        return {
            "what": action.what,
            "district": action.district_id,
            "place": action.place_id,
            "incident_ids": ", ".join(
                str(pk) for pk in action.incidents.values_list("pk", flat=True)
            ),
            "owner_organisation": action.owner_organisation_id,
            "owner": action.owner_id,
            "due_date": action.due_date,
            "status": action.status,
            "outcome": action.outcome,
        }


class WeekNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Min organisations noteringar inför mötet"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(forms.Form):
    notes = forms.CharField(
        label=_("Mötesanteckningar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decisions = forms.CharField(
        label=_("Beslut"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlannedEventForm(_AgreementForm):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Börjar"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Slutar"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    district = forms.ModelChoiceField(
        label=_("Område"), queryset=District.objects.none(), required=False
    )
    place = forms.ModelChoiceField(label=_("Plats"), queryset=Place.objects.none(), required=False)

    def clean(self):
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            value = data.get(name)
            if isinstance(value, dt.datetime) and timezone.is_naive(value):
                data[name] = timezone.make_aware(value)
        return data


class AreaRatingForm(forms.Form):
    district = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Nivå"))
    rationale = forms.CharField(
        label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    prioritised = forms.BooleanField(label=_("Prioriterat område"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level, level) for level in priority_scale()]


class WeekReportFilterForm(forms.Form):
    """The filters of the week's report list (GET parameters, all optional)."""

    kategori = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.none(), required=False
    )
    omrade = forms.ModelChoiceField(
        label=_("Område"), queryset=District.objects.none(), required=False
    )
    klassning = forms.ChoiceField(label=_("Klassning"), required=False)
    kalla = forms.ChoiceField(label=_("Källa"), required=False)

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kategori"].queryset = Category.objects.order_by("position", "name")
        self.fields["omrade"].queryset = District.objects.filter(
            municipality__in=agreement_municipalities(agreement).values("pk")
        ).order_by("name")
        self.fields["klassning"].choices = [("", _("alla"))] + [
            (c.value, c.label) for c in (Classification.OPEN, Classification.INTERNAL)
        ]
        self.fields["kalla"].choices = [("", _("alla"))] + list(Incident.Source.choices)
        self.fields["kategori"].empty_label = _("alla")
        self.fields["omrade"].empty_label = _("alla")

    def filters(self) -> dict | None:
        """The selector's keyword arguments; None when a value could not be read (the list
        is then empty and the field says why)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "category": data["kategori"],
            "district": data["omrade"],
            "classification": data["klassning"],
            "source": data["kalla"],
        }
