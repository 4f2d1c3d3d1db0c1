from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.reports.kinds import all_kinds


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Dokument"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("pdf", "PDF"), ("docx", "Word (DOCX)"), ("xlsx", "Excel (XLSX)")],
    )
    plan = forms.TypedChoiceField(label=_("Plan"), coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(
        label=_("Från (ÅÅÅÅ-MM-DD)"),
        required=False,
        help_text=_("Uppföljning: periodens första dag. EST-veckan: en dag i veckan."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Till (ÅÅÅÅ-MM-DD)"),
        required=False,
        help_text=_("Uppföljning: periodens sista dag."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k.slug, f"{k.label} ({', '.join(f.upper() for f in k.formats)})") for k in all_kinds()
        ]
        self.fields["plan"].choices = [("", _("Den gällande planen"))] + [
            (p.pk, str(p)) for p in plans
        ]

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "plan": data.get("plan"),
            "from": data["date_from"].isoformat() if data.get("date_from") else None,
            "to": data["date_to"].isoformat() if data.get("date_to") else None,
        }
