from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.core.limits import DESCRIPTION_MAX_LENGTH
from samverkan.incidents.models import Incident
from samverkan.incidents.selectors import category_choices
from samverkan.places.access import district_list_for_user, place_list_for_user

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
DESCRIPTION_HINT = _(
    "Beskriv plats och situation – inga namn, personnummer, telefonnummer eller "
    "registreringsnummer."
)


class IncidentForm(forms.Form):
    """The report form: the fields of `incidents.services.incident_create`, no more."""

    category = forms.ModelChoiceField(
        label=_("Vad hände?"),
        queryset=None,
        widget=forms.RadioSelect(attrs={"class": "category-choice"}),
        empty_label=None,
    )
    occurred = forms.DateTimeField(
        label=_("När?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    place = forms.ModelChoiceField(
        label=_("Plats"), queryset=None, required=False, empty_label=_("– ingen vald –")
    )
    district = forms.ModelChoiceField(
        label=_("eller område"), queryset=None, required=False, empty_label=_("– inget valt –")
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Beskrivning"),
        help_text=DESCRIPTION_HINT,
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    severity = forms.TypedChoiceField(
        label=_("Allvarlighet"),
        choices=Incident.Severity.choices,
        coerce=int,
        initial=Incident.Severity.LOW,
        widget=forms.RadioSelect,
    )
    creates_insecurity = forms.BooleanField(label=_("Skapar otrygghet"), required=False)
    place_type = forms.ChoiceField(
        label=_("Typ av plats"),
        choices=Incident.PlaceType.choices,
        initial=Incident.PlaceType.PUBLIC,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_choices()
        # A zero-width space after "/" lets "Tillhåll/otrygghetsskapande" wrap on a phone.
        self.fields["category"].label_from_instance = lambda c: c.name.replace("/", "/\u200b")
        self.fields["place"].queryset = place_list_for_user(user).select_related("municipality")
        self.fields["district"].queryset = district_list_for_user(user).select_related(
            "municipality"
        )
        if len({p.municipality_id for p in self.fields["place"].queryset}) > 1:
            # A user in more than one municipality (the police area) needs to tell them apart.
            for name in ("place", "district"):
                self.fields[name].label_from_instance = lambda o: f"{o.name} ({o.municipality})"
        if not self.is_bound and "occurred" not in self.initial:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial["occurred"] = now

    def clean(self):
        cleaned = super().clean()
        has_point = cleaned.get("lat") is not None and cleaned.get("lon") is not None
        if not (cleaned.get("place") or cleaned.get("district") or has_point):
            self.add_error(
                "place", _("Ange var det hände: välj en plats, ett område eller din position.")
            )
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        occurred = data.pop("occurred")
        return {**data, "occurred_from": occurred, "occurred_to": occurred}

    @classmethod
    def initial_for(cls, incident: Incident) -> dict:
        return {
            "category": incident.category_id,
            "occurred": timezone.localtime(incident.occurred_from),
            "place": incident.place_id,
            "district": incident.district_id,
            "lat": incident.lat if incident.place_id is None else None,
            "lon": incident.lon if incident.place_id is None else None,
            "description": incident.description,
            "severity": incident.severity,
            "creates_insecurity": incident.creates_insecurity,
            "place_type": incident.place_type,
        }
