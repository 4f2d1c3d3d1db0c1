from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.imports.models import ColumnMapping
from samverkan.indicators.models import Indicator

MAX_UPLOAD_BYTES = 20_000_000


class GoalIndicatorForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indikator"), queryset=Indicator.objects.none(), to_field_name="code"
    )
    breakdown = forms.CharField(
        label=_("Uppdelning"),
        required=False,
        max_length=255,
        help_text=_("Tomt: totalt. Annars t.ex. ”sex=K;grade=ak7” (flickor i åk 7)."),
    )
    geo_code = forms.CharField(
        label=_("Geografisk kod"),
        required=False,
        max_length=60,
        help_text=_("T.ex. 2580 för Luleå. Tomt: senaste värdet oavsett geografi."),
    )
    baseline_value = forms.DecimalField(
        label=_("Utgångsvärde"), max_digits=20, decimal_places=6, localize=True
    )
    baseline_period = forms.CharField(
        label=_("Utgångsperiod"), max_length=40, help_text=_("T.ex. 2019 eller 2018/2019.")
    )
    target_value = forms.DecimalField(
        label=_("Målvärde"), max_digits=20, decimal_places=6, localize=True
    )
    target_period = forms.CharField(label=_("Målperiod"), max_length=40)
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class IndicatorUploadForm(forms.Form):
    layout = forms.ChoiceField(label=_("Filens format"), widget=forms.RadioSelect)
    file = forms.FileField(label=_("Fil (CSV eller XLSX)"))
    mapping = forms.ModelChoiceField(
        label=_("Sparad kolumnmappning"),
        queryset=ColumnMapping.objects.none(),
        required=False,
        empty_label=_("Standardlayouten (docs/indicators.md)"),
        help_text=_("Bara för långt format."),
    )
    year = forms.IntegerField(
        label=_("År"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Bara för Brå-tabeller utan år i filen."),
    )
    all_or_nothing = forms.BooleanField(
        label=_("Allt eller inget: spara inget om någon rad är fel"), required=False
    )

    def __init__(self, *args, mappings, layouts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = mappings
        self.fields["layout"].choices = list(layouts.items())
        self.fields["layout"].initial = "generic"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(
                _("”%(name)s” är varken CSV eller XLSX.") % {"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Filen är %(size)s MB; högst %(max)s MB går att ladda upp.")
                % {"size": upload.size // 1_000_000, "max": MAX_UPLOAD_BYTES // 1_000_000}
            )
        return upload
