"""The forms of the upload of incident reports: the file, then the mapping of its columns."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samverkan.imports.encodings import CHOICES as ENCODINGS
from samverkan.imports.models import ColumnMapping
from samverkan.imports.values import DATE_FORMATS
from samverkan.incidents.importers.mapping import CRS_CHOICES, REQUIRED_FIELDS, TARGET_FIELDS

FIELD_PREFIX = "col_"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV, XLSX eller Polisens JSON)"),
        help_text=_(
            "I en CSV- eller XLSX-fil ska första raden vara kolumnernas rubriker. En JSON-fil "
            "läses som Polisens händelser, i samma format som deras öppna API."
        ),
    )
    saved_mapping = forms.ModelChoiceField(
        label=_("Sparad kolumnmappning"),
        queryset=ColumnMapping.objects.none(),
        required=False,
        empty_label=_("– gissa från rubrikerna –"),
    )
    sheet = forms.CharField(
        label=_("Blad (XLSX)"),
        required=False,
        max_length=100,
        help_text=_("Lämna tomt för det första bladet."),
    )

    def __init__(self, *args, mappings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if mappings is not None:
            self.fields["saved_mapping"].queryset = mappings

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.SAMVERKAN_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "Filen är större än %(mb)s MB; dela upp den eller använd kommandot import-incidents."
                )
                % {"mb": limit // (1024 * 1024)}
            )
        return upload


class MappingForm(forms.Form):
    """One choice of column per target field, the file's conventions, and where to save."""

    token = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=500)
    sheet = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    # The encoding the user chose on the preview ("" = the one found), see `imports.encodings`.
    encoding = forms.ChoiceField(
        widget=forms.HiddenInput,
        required=False,
        choices=[("", "")] + [(code, code) for code in ENCODINGS],
    )
    date_format = forms.ChoiceField(label=_("Datumformat"), choices=[])
    crs = forms.ChoiceField(label=_("Koordinatsystem"), choices=[])
    save_as = forms.CharField(
        label=_("Spara mappningen som"),
        required=False,
        max_length=100,
        help_text=_("Namnet gör att nästa fil med samma kolumner kan läsas in direkt."),
    )
    all_or_nothing = forms.BooleanField(
        label=_("Allt eller inget: spara ingenting om någon rad har fel"), required=False
    )

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.fields["date_format"].choices = list(DATE_FORMATS.items())
        self.fields["crs"].choices = list(CRS_CHOICES.items())
        choices = [("", _("– ingen –"))] + [(h, h) for h in headers if h]
        for target, label in TARGET_FIELDS.items():
            self.fields[FIELD_PREFIX + target] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=target in REQUIRED_FIELDS,
            )

    def mapping_fields(self):
        return [self[FIELD_PREFIX + target] for target in TARGET_FIELDS]

    def mapping(self) -> dict[str, str]:
        return {
            target: self.cleaned_data[FIELD_PREFIX + target]
            for target in TARGET_FIELDS
            if self.cleaned_data.get(FIELD_PREFIX + target)
        }

    def options(self) -> dict[str, str]:
        options = {
            "date_format": self.cleaned_data["date_format"],
            "crs": self.cleaned_data["crs"],
        }
        if self.cleaned_data.get("sheet"):
            options["sheet"] = self.cleaned_data["sheet"]
        if self.cleaned_data.get("encoding"):
            options["encoding"] = self.cleaned_data["encoding"]
        return options

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get(FIELD_PREFIX + "lat"), cleaned.get(FIELD_PREFIX + "lon")
        if bool(lat) != bool(lon):
            self.add_error(
                FIELD_PREFIX + ("lon" if lat else "lat"),
                _("Välj kolumner för både latitud/N och longitud/E, eller ingen av dem."),
            )
        chosen: dict[str, str] = {}
        for target in TARGET_FIELDS:
            header = cleaned.get(FIELD_PREFIX + target)
            if not header:
                continue
            if header in chosen:
                self.add_error(
                    FIELD_PREFIX + target,
                    _("Kolumnen %(header)s är redan vald för %(other)s.")
                    % {"header": header, "other": TARGET_FIELDS[chosen[header]]},
                )
            chosen.setdefault(header, target)
        return cleaned
